using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.DocExamples;
using Orchestrator.Sdk.Tests.Simulation;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>Runs the examples of docs/sdk.md (DocExamples.cs) through the engine simulator.</summary>
public sealed class DocExampleTests
{
    private static readonly OrderInput Input = new("order-42", new ChargeRequest("tok", 12.5m));

    private static EngineSimulator Order() => new(typeof(OrderWorkflow), Input)
    {
        Activities = (name, _) => name == "Charge" ? new Receipt("rcpt-42") : null,
    };

    [Fact(Timeout = Limit)]
    public Task OrderWorkflow_Approved_CompletesAfterTheDelay() => Bounded(() =>
    {
        var sim = Order();
        var charge = Assert.IsType<ScheduleActivityCommand>(Assert.Single(sim.RunTask()));
        var retry = charge.RetryPolicy!; // defaults: 1 s initial, x2, maximum 100 x initial
        Assert.Equal((TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(100), 5, "None"), (retry.InitialInterval, retry.BackoffCoefficient, retry.MaximumInterval, retry.MaximumAttempts, retry.Jitter));
        Assert.Equal(["CardDeclinedException"], retry.NonRetryableErrorTypes);
        sim.CompleteActivity(1);
        Assert.Equal(TimeSpan.FromDays(2), Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask())).Duration);
        sim.Signal("approve", new Approval("ana"));
        var afterSignal = sim.RunTask();
        Assert.IsType<CancelTimerCommand>(afterSignal[0]);
        Assert.Equal(TimeSpan.FromHours(1), Assert.IsType<StartTimerCommand>(afterSignal[1]).Duration);
        sim.RunToEnd();
        Assert.Equal("{\"receiptId\":\"rcpt-42\",\"approvedBy\":\"ana\"}", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetRawText());

        if (Environment.GetEnvironmentVariable("ORCHESTRATOR_RECORD_HISTORIES") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "Histories", "doc-order.json"), sim.ToHistoryJson());
        }
    });

    [Fact(Timeout = Limit)]
    public Task OrderWorkflow_NoApproval_RefundsAndFails() => Bounded(() =>
    {
        var sim = Order();
        sim.RunTask();
        sim.CompleteActivity(1);
        sim.RunTask();
        sim.FireTimer(2); // two days pass without approval
        var refund = Assert.IsType<ScheduleActivityCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(("Refund", "[\"rcpt-42\"]"), (refund.ActivityName, refund.Input.GetRawText()));
        sim.RunToEnd();
        Assert.Equal("TimeoutException", Assert.IsType<FailWorkflowCommand>(sim.Closing).Failure.Type);
    });

    [Fact(Timeout = Limit)]
    public Task CardDeclined_FailsTheWorkflow_WithTheActivityError() => Bounded(() =>
    {
        var sim = Order();
        sim.Activities = (_, _) => throw new InvalidOperationException("declined");
        sim.RunToEnd();
        var failure = Assert.IsType<FailWorkflowCommand>(sim.Closing).Failure;
        Assert.Equal(nameof(ActivityFailedException), failure.Type);
        Assert.Equal("declined", failure.Message);
    });

    [Fact(Timeout = Limit)]
    public Task Polling_ContinuesAsNew_WhenHistoryGrows() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(PollingWorkflow), 1, checkCold: false) { Activities = (_, _) => false };
        sim.RunToEnd();
        Assert.Equal(2, Assert.IsType<ContinueAsNewCommand>(sim.Closing).Input!.Value.GetInt32());
        Assert.True(sim.History.Count > 5_000);
    });

    [Fact(Timeout = Limit)]
    public Task Invoice_NewRun_SendsTheEmail() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(InvoiceWorkflow), "inv-1");
        sim.RunToEnd();
        var activities = sim.CommandsPerTask.SelectMany(c => c).OfType<ScheduleActivityCommand>().Select(c => c.ActivityName);
        Assert.Equal(["CreateInvoice", "EmailInvoice", "ArchiveInvoice"], activities);
        Assert.NotNull(FailureInfo.FromException(new TimeoutException("x")));
    });

    [Fact(Timeout = Limit)]
    public Task Approval_SignalHandlerAndCondition_CompleteWhenEnoughApproved_FailAfterAWeek() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(ApprovalWorkflow), 2);
        var week = Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(TimeSpan.FromDays(7), week.Duration);
        sim.Signal("Approve", new Approval("ana"));
        Assert.Empty(sim.RunTask());
        sim.Signal("Approve", new Approval("bo"));
        var done = sim.RunTask();
        Assert.IsType<CancelTimerCommand>(done[0]);
        Assert.Equal("[\"ana\",\"bo\"]", Assert.IsType<CompleteWorkflowCommand>(done[1]).Result!.Value.GetRawText());

        var late = new EngineSimulator(typeof(ApprovalWorkflow), 2);
        late.RunTask();
        late.Signal("Approve", new Approval("ana"));
        late.FireTimer(1);
        var fail = Assert.IsType<FailWorkflowCommand>(Assert.Single(late.RunTask())).Failure;
        Assert.Equal((nameof(TimeoutException), "1 of 2 approvals in a week"), (fail.Type, fail.Message));
    });

    [Fact(Timeout = Limit)]
    public Task Basket_UpdatesAreValidatedAnswered_AndTheRunWaitsForTheOneInFlight() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(BasketWorkflow), "customer-1") { Activities = (_, _) => 2.5m };
        sim.RunTask();
        sim.Update("u1", "AddItem", "sku-1");
        sim.CompleteActivity(Assert.IsType<ScheduleActivityCommand>(Assert.Single(sim.RunTask())).Seq);
        Assert.Equal("2.5", Assert.IsType<CompleteUpdateCommand>(Assert.Single(sim.RunTask())).Result!.Value.GetRawText());

        var replayed = sim.NewInstance();
        replayed.Replay(sim.History.ToList());
        var rejected = Assert.Throws<UpdateRejectedException>(() => replayed.ValidateUpdate("AddItem", JsonSerializer.SerializeToElement("sku-1")));
        Assert.Equal("sku-1 cannot be added", rejected.Message);

        sim.Update("u2", "AddItem", "sku-2");
        sim.Signal("Checkout", null);
        var price = Assert.IsType<ScheduleActivityCommand>(Assert.Single(sim.RunTask())); // the run method returned; AddItem runs on
        sim.CompleteActivity(price.Seq);
        var last = sim.RunTask();
        Assert.Equal("u2", Assert.IsType<CompleteUpdateCommand>(last[0]).UpdateId);
        Assert.Equal("1", Assert.IsType<CompleteWorkflowCommand>(last[1]).Result!.Value.GetRawText()); // the count when the run method returned
    });

    [Fact(Timeout = Limit)]
    public Task Invite_TheSideEffectsCode_IsRecordedOnce_AndReplayed() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(InviteWorkflow), "ana@example.com", checkCold: false); // a second first run would draw another code
        var first = sim.RunTask();
        sim.CheckCold = true;
        var code = Assert.IsType<RecordMarkerCommand>(first[0]).Details!.Value.GetProperty("value").GetString()!;
        Assert.Matches("^[0-9A-F]{16}$", code);
        Assert.Contains(code, Assert.IsType<ScheduleActivityCommand>(first[1]).Input.GetRawText(), StringComparison.Ordinal);
        sim.RunToEnd();
        Assert.Equal(code, Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
        WorkflowReplayer.ReplayAsync<InviteWorkflow>(sim.ToHistoryJson()).GetAwaiter().GetResult();
    });

    [Fact(Timeout = Limit)]
    public Task Ingest_ValidatesAndHashesLocally_ThenStores() => Bounded(() =>
    {
        var activities = new DocumentActivities();
        object? Run(string name, JsonElement input, int attempt) => name switch
        {
            "Validate" => activities.ValidateAsync(input[0].Deserialize<Document>(JsonSerializerOptions.Web)!).Result,
            "Hash" => activities.HashAsync(input[0].GetString()!).Result,
            _ => throw new InvalidOperationException(name),
        };
        var sim = new EngineSimulator(typeof(IngestWorkflow), new Document("d-1", "hello")) { LocalActivities = Run };

        var first = sim.RunTask();

        Assert.Equal(["localActivity", "localActivity"], first.Take(2).Select(c => Assert.IsType<RecordMarkerCommand>(c).MarkerName));
        var store = Assert.IsType<ScheduleActivityCommand>(first[2]);
        Assert.Equal("Store", store.ActivityName);
        sim.RunToEnd();
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("hello"u8)), Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());

        var empty = new EngineSimulator(typeof(IngestWorkflow), new Document("d-2", "")) { LocalActivities = Run };
        empty.RunToEnd();
        Assert.Equal(nameof(ArgumentException), Assert.IsType<FailWorkflowCommand>(empty.Closing).Failure.Type);
    });

    [Fact(Timeout = Limit)]
    public Task EveryDocBlock_IsInTheDoc_Verbatim() => Bounded(() =>
    {
        var examples = File.ReadAllText(Path.Combine(SourceDirectory(), "DocExamples.cs")).ReplaceLineEndings("\n");
        var doc = File.ReadAllText(Path.Combine(SourceDirectory(), "..", "..", "docs", "sdk.md")).ReplaceLineEndings("\n");
        var blocks = System.Text.RegularExpressions.Regex.Split(examples, @"^// --- (.*) ---\n", System.Text.RegularExpressions.RegexOptions.Multiline);
        var checkedBlocks = 0;
        for (var i = 1; i < blocks.Length; i += 2)
        {
            if (blocks[i].StartsWith("doc: ", StringComparison.Ordinal))
            {
                Assert.True(doc.Contains("```csharp\n" + blocks[i + 1].Trim('\n') + "\n", StringComparison.Ordinal),
                    $"docs/sdk.md has no code block with DocExamples.cs's '{blocks[i]}' example as it is");
                checkedBlocks++;
            }
        }
        Assert.True(checkedBlocks >= 7, $"{checkedBlocks} doc blocks found");
    });

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
