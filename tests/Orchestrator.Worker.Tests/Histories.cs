using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using OrderSample;

namespace Orchestrator.Worker.Tests;

/// <summary>Histories of an <see cref="OrderWorkflow"/> run as the engine would record them.</summary>
internal sealed class Histories(string taskQueue)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public Guid RunId { get; } = Guid.NewGuid();

    public string WorkflowId { get; } = "order-" + Guid.NewGuid().ToString("N")[..8];

    public static OrderInput Input { get; } = new("o-1", 42.5m, ["book"], null);

    /// <summary>Events 1–2: started, first task scheduled.</summary>
    public IReadOnlyList<HistoryEvent> FirstTask() =>
    [
        HistoryJson.CreateEvent(1, EventTypes.WorkflowStarted, Start, new WorkflowStartedAttributes("OrderWorkflow", taskQueue, JsonSerializer.SerializeToElement(Input, Json), 42)),
        HistoryJson.CreateEvent(2, EventTypes.WorkflowTaskScheduled, Start, new WorkflowTaskScheduledAttributes(1)),
    ];

    /// <summary>Events 3–8: the first task completed with <paramref name="charge"/>, the charge completed, the second task scheduled.</summary>
    public IReadOnlyList<HistoryEvent> SecondTask(ScheduleActivityCommand charge) =>
    [
        HistoryJson.CreateEvent(3, EventTypes.WorkflowTaskStarted, Start, new WorkflowTaskStartedAttributes(2)),
        HistoryJson.CreateEvent(4, EventTypes.WorkflowTaskCompleted, Start, new WorkflowTaskCompletedAttributes(2)),
        HistoryJson.CreateEvent(5, EventTypes.ActivityScheduled, Start, new ActivityScheduledAttributes(
            charge.Seq, charge.ActivityName, charge.Input, charge.TaskQueue, charge.StartToCloseTimeout, charge.ScheduleToCloseTimeout,
            charge.ScheduleToStartTimeout, charge.HeartbeatTimeout, charge.RetryPolicy)),
        HistoryJson.CreateEvent(6, EventTypes.ActivityStarted, Start, new ActivityStartedAttributes(charge.Seq, 5, 1)),
        HistoryJson.CreateEvent(7, EventTypes.ActivityCompleted, Start, new ActivityCompletedAttributes(charge.Seq, 5, JsonSerializer.SerializeToElement("rcpt-o-1"))),
        HistoryJson.CreateEvent(8, EventTypes.WorkflowTaskScheduled, Start, new WorkflowTaskScheduledAttributes(1)),
    ];

    public WorkflowTaskMessage Task(IReadOnlyList<HistoryEvent> events, string workflowType = "OrderWorkflow", int attempt = 1) =>
        new(RunId, WorkflowId, workflowType, taskQueue, events[^1].EventId, attempt, events, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
}
