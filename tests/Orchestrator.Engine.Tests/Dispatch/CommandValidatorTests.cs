using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Dispatch;

namespace Orchestrator.Engine.Tests.Dispatch;

public sealed class CommandValidatorTests
{
    private static readonly JsonElement NoArgs = JsonDocument.Parse("[]").RootElement.Clone();

    private static JsonElement Big(int bytes) => JsonSerializer.SerializeToElement(new string('x', bytes));

    // object, not WorkflowCommand: commands are internal to Orchestrator.Contracts, and a public theory's data cannot name them.
    public static TheoryData<string, object, string> Invalid() => new()
    {
        { "activity name with a space", new ScheduleActivityCommand(1, "Send mail", NoArgs), "'activityName' may contain only" },
        { "activity task queue of 300 characters", new ScheduleActivityCommand(1, "Send", NoArgs, TaskQueue: new string('q', 300)), "'taskQueue' is longer than 200" },
        { "activity input that is no array", new ScheduleActivityCommand(1, "Send", JsonSerializer.SerializeToElement(new { a = 1 })), "'input' must be a JSON array" },
        { "activity input of 3 MiB", new ScheduleActivityCommand(1, "Send", JsonSerializer.SerializeToElement(new[] { new string('x', 3 << 20) })), "'input' has" },
        { "activity seq 0", new ScheduleActivityCommand(0, "Send", NoArgs), "'seq' must be a positive number" },
        { "negative start-to-close", new ScheduleActivityCommand(1, "Send", NoArgs, StartToCloseTimeout: TimeSpan.FromSeconds(-1)), "'startToCloseTimeout' must be between" },
        { "retry coefficient NaN", new ScheduleActivityCommand(1, "Send", NoArgs, RetryPolicy: new RetryPolicyInfo(TimeSpan.FromSeconds(1), double.NaN, TimeSpan.FromSeconds(1), 0, [])), "'retryPolicy.backoffCoefficient'" },
        { "retry interval of TimeSpan.MaxValue", new ScheduleActivityCommand(1, "Send", NoArgs, RetryPolicy: new RetryPolicyInfo(TimeSpan.MaxValue, 2, TimeSpan.FromSeconds(1), 0, [])), "'retryPolicy.initialInterval'" },
        { "retry jitter unknown", new ScheduleActivityCommand(1, "Send", NoArgs, RetryPolicy: new RetryPolicyInfo(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(1), 0, [], "Some")), "'retryPolicy.jitter'" },
        { "timer of TimeSpan.MaxValue", new StartTimerCommand(1, TimeSpan.MaxValue), "'duration' must be between" },
        { "negative timer", new StartTimerCommand(2, TimeSpan.FromMinutes(-1)), "'duration' must be between" },
        { "cancel of timer seq -1", new CancelTimerCommand(-1), "'seq' must be a positive number" },
        { "child id near pg_notify's 8,000 bytes", new StartChildWorkflowCommand(1, "Child", new string('c', 7_990), null, null), "'workflowId' must have 1 to 400" },
        { "child id with a control character", new StartChildWorkflowCommand(1, "Child", "a\u0000b", null, null), "control characters" },
        { "child task queue past AMQP's 255 bytes", new StartChildWorkflowCommand(1, "Child", "c-1", new string('q', 300), null), "'taskQueue' is longer than 200" },
        { "child without workflow type", new StartChildWorkflowCommand(1, null!, "c-1", null, null), "'workflowType' is required" },
        { "child close policy unknown", new StartChildWorkflowCommand(1, "Child", "c-1", null, null, "Orphan"), "'parentClosePolicy'" },
        { "marker without name", new RecordMarkerCommand("", null), "'markerName' is required" },
        { "marker details of 3 MiB", new RecordMarkerCommand("patch", Big(3 << 20)), "'details' has" },
        { "result of 3 MiB", new CompleteWorkflowCommand(Big(3 << 20)), "'result' has" },
        { "failure without type", new FailWorkflowCommand(new FailureInfo(null!, "x")), "'failure' needs a type" },
        { "continue-as-new input of 3 MiB", new ContinueAsNewCommand(Big(3 << 20)), "'input' has" },
        { "continue-as-new signal without name", new ContinueAsNewCommand(null, [new SignalReceivedAttributes(null!, null)]), "'signalName' is required" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidCommand_IsRefused_WithTheCommandAndTheRule(string scenario, object command, string rule)
    {
        var error = CommandValidator.Check([new StartTimerCommand(99, TimeSpan.FromSeconds(1)), (WorkflowCommand)command]);

        Assert.NotNull(error);
        Assert.StartsWith("Command 2 (", error);
        Assert.Contains(rule, error, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(scenario));
    }

    [Fact]
    public void TwoTimersWithOneSeq_AreRefused()
    {
        var error = CommandValidator.Check([new StartTimerCommand(3, TimeSpan.FromSeconds(1)), new StartTimerCommand(3, TimeSpan.FromSeconds(2))]);

        Assert.Equal("Command 2 (StartTimer, seq 3): seq 3 is already used by command 1 of this answer.", error);
    }

    [Fact]
    public void NullCommand_IsRefused() => Assert.Equal("Command 1: it is null.", CommandValidator.Check([null]));

    [Fact]
    public void CommandsAsTheSdkWritesThem_AreAccepted()
    {
        var policy = new RetryPolicyInfo(TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(100), 0, ["CardDeclinedException"], "Full");
        WorkflowCommand[] commands =
        [
            new ScheduleActivityCommand(1, "Orders.Charge", JsonSerializer.SerializeToElement(new object[] { "order-1", 42 }), "payments",
                TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30), policy),
            new StartTimerCommand(2, TimeSpan.Zero),
            new CancelTimerCommand(2),
            new StartChildWorkflowCommand(3, "Shipping", new string('w', 380) + "-child-3", null, JsonSerializer.SerializeToElement(new { a = 1 }), "Abandon"),
            new RecordMarkerCommand("patch", JsonSerializer.SerializeToElement(new { patchId = "v2" })),
            new CompleteWorkflowCommand(Big((2 << 20) - 100)),
            new FailWorkflowCommand(new FailureInfo("Boom", "it broke", "at X", new FailureInfo("Inner", "cause"))),
            new CancelWorkflowCommand(),
            new ContinueAsNewCommand(null, [new SignalReceivedAttributes("go", null)]),
        ];

        Assert.Null(CommandValidator.Check(commands));
    }

    [Fact]
    public void HugeFailureReport_IsCutToSize_NotRefused()
    {
        var bounded = CommandValidator.Bounded(new FailureInfo(new string('T', 1000), new string('m', 1_000_000), new string('s', 1_000_000)));

        Assert.True(bounded.Type.Length < 300);
        Assert.True(bounded.Message.Length <= CommandValidator.MaxFailureTextLength + 10);
        Assert.True(bounded.StackTrace!.Length <= CommandValidator.MaxFailureTextLength + 10);
    }
}
