using System.Text.Json;

namespace Orchestrator.Contracts.Api;

/// <summary>The workflow a schedule starts at each time; its id is <c>{scheduleId}-{scheduledTime:yyyy-MM-ddTHH:mm:ssZ}</c>.</summary>
/// <param name="WorkflowType">The workflow type name. Required.</param>
/// <param name="TaskQueue">Its task queue; default <c>default</c>.</param>
/// <param name="Input">Its input, any JSON value.</param>
/// <param name="SearchAttributes">Search attributes of the runs it starts (kept with the schedule).</param>
public sealed record ScheduleAction(
    string WorkflowType,
    string? TaskQueue = null,
    JsonElement? Input = null,
    IReadOnlyDictionary<string, JsonElement>? SearchAttributes = null);
