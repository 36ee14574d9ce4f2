using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
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

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
