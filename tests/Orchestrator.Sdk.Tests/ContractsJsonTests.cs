using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>The wire shapes the engine relies on.</summary>
public sealed class ContractsJsonTests
{
    [Fact(Timeout = Limit)]
    public Task Commands_RoundTrip_WithTypeDiscriminator() => Bounded(() =>
    {
        var input = JsonDocument.Parse("[1,\"a\"]").RootElement;
        WorkflowCommand[] commands =
        [
            new ScheduleActivityCommand(1, "Charge", input, "q", TimeSpan.FromSeconds(30), null, null, TimeSpan.FromSeconds(5),
                new RetryPolicyInfo(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(100), 5, ["CardDeclinedException"], "Full")),
            new StartTimerCommand(2, TimeSpan.FromMinutes(5)),
            new CancelTimerCommand(2),
            new StartChildWorkflowCommand(3, "Child", "wf-child-3", null, null, "Abandon"),
            new RecordMarkerCommand("patch", JsonDocument.Parse("{\"patchId\":\"p\"}").RootElement),
            new CompleteWorkflowCommand(null),
            new FailWorkflowCommand(new FailureInfo("InvalidOperationException", "boom", null, new FailureInfo("Inner", "x"))),
            new CancelWorkflowCommand(),
            new ContinueAsNewCommand(JsonDocument.Parse("2").RootElement),
        ];
        var json = HistoryJson.SerializeCommands(commands);
        Assert.Contains("{\"type\":\"ScheduleActivity\",\"seq\":1,\"activityName\":\"Charge\",\"input\":[1,\"a\"],\"taskQueue\":\"q\",\"startToCloseTimeout\":\"00:00:30\"", json, StringComparison.Ordinal);
        Assert.Contains("{\"type\":\"CancelWorkflow\"}", json, StringComparison.Ordinal);
        Assert.Equal(json, HistoryJson.SerializeCommands(HistoryJson.DeserializeCommands(json)));
        var outOfOrder = HistoryJson.DeserializeCommands("[{\"seq\":4,\"duration\":\"00:01:00\",\"type\":\"StartTimer\"}]");
        Assert.Equal(new StartTimerCommand(4, TimeSpan.FromMinutes(1)), Assert.Single(outOfOrder));
    });

    [Fact(Timeout = Limit)]
    public Task Attributes_RoundTrip_ThroughHistoryEvents() => Bounded(() =>
    {
        var e = HistoryJson.CreateEvent(7, EventTypes.ActivityFailed, DateTimeOffset.UnixEpoch,
            new ActivityFailedAttributes(1, 5, 3, new FailureInfo("CardDeclinedException", "declined")));
        Assert.Equal("{\"seq\":1,\"scheduledEventId\":5,\"attempt\":3,\"failure\":{\"type\":\"CardDeclinedException\",\"message\":\"declined\",\"stackTrace\":null,\"inner\":null}}", e.Attributes.GetRawText());
        Assert.Equal("declined", e.GetAttributes<ActivityFailedAttributes>().Failure.Message);
        var page = HistoryJson.ParseHistoryPage("{\"events\":[{\"eventId\":1,\"eventType\":\"WorkflowStarted\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"attributes\":{\"workflowType\":\"W\",\"taskQueue\":\"default\",\"input\":null,\"randomSeed\":9}}],\"nextPageToken\":null}");
        var started = Assert.Single(page.Events).GetAttributes<WorkflowStartedAttributes>();
        Assert.Equal(("W", 9L, (JsonElement?)null), (started.WorkflowType, started.RandomSeed, started.Input));
        Assert.Throws<JsonException>(() => HistoryJson.ParseHistoryPage("{\"items\":[]}"));
    });

    [Fact(Timeout = Limit)]
    public Task Replayer_RejectsAHistoryOfAnotherWorkflowType() => Bounded(() =>
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Histories", "greeting.json"));
        var ex = Assert.Throws<ArgumentException>(() => WorkflowReplayer.ReplayAsync<Workflows.OrderV1>(json).GetAwaiter().GetResult());
        Assert.Contains("'GreetingWorkflow'", ex.Message, StringComparison.Ordinal);
    });
}
