using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;

namespace Orchestrator.Dashboard.Tests;

/// <summary>Small histories built from the contract records, one second per event from <see cref="T0"/>.</summary>
internal static class Histories
{
    public static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Started; activity Charge fails once and completes on attempt 2; a 1 s timer fires; a signal arrives; completed.</summary>
    public static List<HistoryEvent> OrderRun() =>
    [
        HistoryJson.CreateEvent(1, EventTypes.WorkflowStarted, T0, new WorkflowStartedAttributes("OrderWorkflow", "default", JsonSerializer.SerializeToElement(new { orderId = 42 }), 7)),
        HistoryJson.CreateEvent(2, EventTypes.WorkflowTaskScheduled, At(1), new WorkflowTaskScheduledAttributes(1)),
        HistoryJson.CreateEvent(3, EventTypes.WorkflowTaskStarted, At(2), new WorkflowTaskStartedAttributes(2)),
        HistoryJson.CreateEvent(4, EventTypes.WorkflowTaskCompleted, At(2), new WorkflowTaskCompletedAttributes(2)),
        HistoryJson.CreateEvent(5, EventTypes.ActivityScheduled, At(3), new ActivityScheduledAttributes(1, "Charge", JsonSerializer.SerializeToElement(new[] { 42 }))),
        HistoryJson.CreateEvent(6, EventTypes.ActivityStarted, At(4), new ActivityStartedAttributes(1, 5, 1)),
        HistoryJson.CreateEvent(7, EventTypes.ActivityStarted, At(8), new ActivityStartedAttributes(1, 5, 2)),
        HistoryJson.CreateEvent(8, EventTypes.ActivityCompleted, At(9), new ActivityCompletedAttributes(1, 5, JsonSerializer.SerializeToElement("receipt-1"))),
        HistoryJson.CreateEvent(9, EventTypes.TimerStarted, At(10), new TimerStartedAttributes(2, TimeSpan.FromSeconds(1), At(11))),
        HistoryJson.CreateEvent(10, EventTypes.TimerFired, At(11), new TimerFiredAttributes(2, 9)),
        HistoryJson.CreateEvent(11, EventTypes.SignalReceived, At(12), new SignalReceivedAttributes("approve", JsonSerializer.SerializeToElement(new { by = "ana" }))),
        HistoryJson.CreateEvent(12, EventTypes.WorkflowCompleted, At(14), new WorkflowCompletedAttributes(JsonSerializer.SerializeToElement("ok"))),
    ];

    /// <summary>A running run whose activity Charge failed for good after 3 attempts, and a second activity still running.</summary>
    public static List<HistoryEvent> FailingRun() =>
    [
        HistoryJson.CreateEvent(1, EventTypes.WorkflowStarted, T0, new WorkflowStartedAttributes("OrderWorkflow", "default", null, 7)),
        HistoryJson.CreateEvent(2, EventTypes.ActivityScheduled, At(1), new ActivityScheduledAttributes(1, "Charge", JsonSerializer.SerializeToElement(Array.Empty<int>()))),
        HistoryJson.CreateEvent(3, EventTypes.ActivityStarted, At(2), new ActivityStartedAttributes(1, 2, 1)),
        HistoryJson.CreateEvent(4, EventTypes.ActivityStarted, At(4), new ActivityStartedAttributes(1, 2, 2)),
        HistoryJson.CreateEvent(5, EventTypes.ActivityStarted, At(6), new ActivityStartedAttributes(1, 2, 3)),
        HistoryJson.CreateEvent(6, EventTypes.ActivityFailed, At(7), new ActivityFailedAttributes(1, 2, 3, new FailureInfo("CardDeclinedException", "declined"))),
        HistoryJson.CreateEvent(7, EventTypes.ActivityScheduled, At(8), new ActivityScheduledAttributes(2, "Refund", JsonSerializer.SerializeToElement(Array.Empty<int>()))),
        HistoryJson.CreateEvent(8, EventTypes.ActivityStarted, At(9), new ActivityStartedAttributes(2, 7, 1)),
    ];

    /// <summary>A run of <paramref name="count"/> events: started, then signals.</summary>
    public static List<HistoryEvent> Long(int count)
    {
        var events = new List<HistoryEvent> { HistoryJson.CreateEvent(1, EventTypes.WorkflowStarted, T0, new WorkflowStartedAttributes("BulkWorkflow", "default", null, 1)) };
        for (var id = 2; id <= count; id++)
        {
            events.Add(HistoryJson.CreateEvent(id, EventTypes.SignalReceived, At(id), new SignalReceivedAttributes("tick", JsonSerializer.SerializeToElement(id))));
        }
        return events;
    }

    public static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    /// <summary>The JSON body of a history page.</summary>
    public static string Page(IEnumerable<HistoryEvent> events, string? nextPageToken = null)
        => JsonSerializer.Serialize(new { events, nextPageToken }, HistoryJson.Options);
}
