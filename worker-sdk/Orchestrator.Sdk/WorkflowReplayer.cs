using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk;

/// <summary>
/// Replays a recorded history against the current workflow code, without an engine: run it in CI before deploying, so a
/// change that would break running workflows fails the build instead of production.
/// </summary>
public static class WorkflowReplayer
{
    /// <summary>Replays <paramref name="historyJson"/> against <typeparamref name="TWorkflow"/>.</summary>
    /// <typeparam name="TWorkflow">The workflow class (marked <see cref="WorkflowAttribute"/>).</typeparam>
    /// <param name="historyJson">The JSON body of <c>GET /api/v1/workflows/{id}/history</c>: <c>{"events":[{"eventId","eventType","timestamp","attributes"}]}</c>.</param>
    /// <param name="options">Runtime options (serializer must match the worker's); null = defaults.</param>
    /// <returns>A task that completes when the whole history replayed.</returns>
    /// <exception cref="NonDeterminismException">The code no longer matches the history; the message names the event.</exception>
    /// <exception cref="ArgumentException">The workflow class is invalid or the history is malformed.</exception>
    public static Task ReplayAsync<TWorkflow>(string historyJson, WorkflowRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(historyJson);
        var events = HistoryJson.ParseHistoryPage(historyJson).Events;
        return ReplayAsync<TWorkflow>(events, options);
    }

    /// <summary>Replays already parsed events against <typeparamref name="TWorkflow"/>.</summary>
    /// <typeparam name="TWorkflow">The workflow class.</typeparam>
    /// <param name="events">The history from event 1.</param>
    /// <param name="options">Runtime options; null = defaults.</param>
    /// <returns>A task that completes when the whole history replayed.</returns>
    /// <exception cref="NonDeterminismException">The code no longer matches the history.</exception>
    public static Task ReplayAsync<TWorkflow>(IReadOnlyList<HistoryEvent> events, WorkflowRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var definition = WorkflowDefinition.Create(typeof(TWorkflow));
        if (events.Count > 0 && events[0].EventType == EventTypes.WorkflowStarted
            && events[0].GetAttributes<WorkflowStartedAttributes>().WorkflowType is var recorded && recorded != definition.Name)
        {
            throw new ArgumentException($"The history is of workflow type '{recorded}', but {typeof(TWorkflow).Name} is '{definition.Name}'.", nameof(events));
        }
        var instance = new WorkflowInstance(definition, options ?? new WorkflowRuntimeOptions(), null, "replay", "replay");
        try
        {
            instance.Replay(events);
        }
        catch (StaleWorkflowInstanceException ex)
        {
            return Task.FromException(new ArgumentException(ex.Message, nameof(events)));
        }
        catch (NonDeterminismException ex)
        {
            return Task.FromException(ex);
        }
        return Task.CompletedTask;
    }
}
