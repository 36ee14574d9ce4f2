using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// Queries, the built-in <c>__stack_trace</c> and update validation, answered as the SDK's worker answers them
/// (<c>WorkflowTaskHandler.HandleQueryAsync</c>): a new instance replays the run's history, followed by the events buffered
/// while a task was in flight, and the query method or validator runs on it; whatever fails is the answer.
/// </summary>
internal sealed partial class MemoryWorker
{
    /// <summary>The <c>__stack_trace</c> answer's JSON, as the worker writes it (camelCase, absent fields left out).</summary>
    private static readonly JsonSerializerOptions WaitsJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Answers query <paramref name="queryName"/> (or <see cref="WorkflowQueryMessage.ValidateUpdate"/>) of a run.</summary>
    /// <param name="run">The run.</param>
    /// <param name="history">Its stored events and, numbered on from them, its buffered ones.</param>
    /// <param name="queryName">The query.</param>
    /// <param name="argument">Its argument.</param>
    public WorkflowQueryAnswerMessage Query(MemoryRun run, IReadOnlyList<HistoryEvent> history, string queryName, JsonElement? argument)
    {
        try
        {
            return Answer(run, history, queryName, argument);
        }
        catch (Exception ex)
        {
            return new WorkflowQueryAnswerMessage(Guid.Empty, null, FailureInfo.FromException(ex), null, Identity);
        }
    }

    private WorkflowQueryAnswerMessage Answer(MemoryRun run, IReadOnlyList<HistoryEvent> history, string queryName, JsonElement? argument)
    {
        var type = run.Run.WorkflowType;
        if (!workflows.TryGet(type, out var definition))
        {
            return Answer(null, new FailureInfo("WorkflowTypeNotRegisteredException",
                $"Workflow type '{type}' is not registered with the test environment (AddWorkflow<T>())."));
        }
        if (queryName == WorkflowQueryMessage.ValidateUpdate)
        {
            return ValidateUpdate(run, history, definition, argument);
        }
        if (queryName == WorkflowWait.StackTraceQuery)
        {
            return Answer(JsonSerializer.SerializeToElement(Replay(run, history, definition).Waits(), WaitsJson), null);
        }
        if (!definition.Queries.TryGetValue(queryName, out var method))
        {
            return new WorkflowQueryAnswerMessage(Guid.Empty, null, new FailureInfo(WorkflowQueryAnswerMessage.UnknownQuery,
                $"Workflow type '{type}' has no query '{queryName}'."), definition.Queries.Keys.Order(StringComparer.Ordinal).ToList(), Identity);
        }
        return Answer(Replay(run, history, definition).Query(method, argument), null);
    }

    private WorkflowQueryAnswerMessage ValidateUpdate(MemoryRun run, IReadOnlyList<HistoryEvent> history, WorkflowDefinition definition, JsonElement? argument)
    {
        var update = argument is { ValueKind: not JsonValueKind.Null } given ? given.Deserialize<UpdateValidationArgument>(HistoryJson.Options) : null;
        if (update is null || string.IsNullOrEmpty(update.Name))
        {
            throw new InvalidOperationException($"The {WorkflowQueryMessage.ValidateUpdate} query needs the update as its argument: {{\"updateId\",\"name\",\"input\"}}.");
        }
        if (!definition.Updates.ContainsKey(update.Name))
        {
            return new WorkflowQueryAnswerMessage(Guid.Empty, null, new FailureInfo(WorkflowQueryAnswerMessage.UnknownUpdate,
                $"Workflow type '{run.Run.WorkflowType}' has no update '{update.Name}'."), definition.Updates.Keys.Order(StringComparer.Ordinal).ToList(), Identity);
        }
        try
        {
            Replay(run, history, definition).ValidateUpdate(update.Name, update.Input);
        }
        catch (UpdateRejectedException ex)
        {
            return Answer(null, new FailureInfo(WorkflowQueryAnswerMessage.UpdateRejected, ex.Message));
        }
        return Answer(null, null);
    }

    private WorkflowInstance Replay(MemoryRun run, IReadOnlyList<HistoryEvent> history, WorkflowDefinition definition)
    {
        var instance = new WorkflowInstance(definition, options, NullLogger.Instance, run.Run.WorkflowId, run.Run.RunId.ToString());
        instance.Replay(history);
        return instance;
    }

    private static WorkflowQueryAnswerMessage Answer(JsonElement? result, FailureInfo? failure) => new(Guid.Empty, result, failure, null, Identity);
}
