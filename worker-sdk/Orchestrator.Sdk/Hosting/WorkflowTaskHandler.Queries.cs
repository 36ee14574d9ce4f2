using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Hosting;

internal sealed partial class WorkflowTaskHandler
{
    /// <summary>The <c>__stack_trace</c> answer's JSON: the API's conventions (camelCase), absent fields left out.</summary>
    private static readonly JsonSerializerOptions WaitsJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// Answers a query (or an update's validation, <see cref="WorkflowQueryMessage.ValidateUpdate"/>, or the built-in <see cref="WorkflowWait.StackTraceQuery"/>): replays the run's whole history (fetched from the engine) in a new instance, apart from the cache
    /// and without the run's lock (nothing is recorded and nothing is sent but the answer), and calls the query method on
    /// the replayed workflow. Whatever fails is the answer: the engine's caller sees it.
    /// </summary>
    public async Task HandleQueryAsync(ConsumeContext<WorkflowQueryMessage> context)
    {
        var query = context.Message;
        using var span = WorkerDiagnostics.StartTask("WorkflowQuery " + query.WorkflowType + "." + query.QueryName, null, query.WorkflowId, query.RunId,
            _options.TaskQueue, 0, 1, (WorkerDiagnostics.WorkflowTypeTag, query.WorkflowType));
        WorkflowQueryAnswerMessage answer;
        try
        {
            answer = await AnswerAsync(query, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw; // shutting down: another worker may take it within the query's time
        }
        catch (Exception ex)
        {
            answer = new WorkflowQueryAnswerMessage(query.QueryId, null, FailureInfo.FromException(ex), null, _options.Identity);
        }
        if (answer.Failure is { } failure)
        {
            _logger.QueryFailed(query.QueryName, query.WorkflowId, query.RunId, failure.Type, failure.Message);
            WorkerDiagnostics.SetFailure(span, failure.Type, failure.Message);
        }
        try
        {
            await _sender.ReplyAsync(query.ReplyTo, answer, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            _logger.QueryAnswerNotSent(ex, query.QueryName, query.WorkflowId, query.ReplyTo); // the engine's caller gets its timeout
        }
    }

    private async Task<WorkflowQueryAnswerMessage> AnswerAsync(WorkflowQueryMessage query, CancellationToken cancellationToken)
    {
        if (!_workflows.TryGet(query.WorkflowType, out var definition))
        {
            return new WorkflowQueryAnswerMessage(query.QueryId, null, new FailureInfo("WorkflowTypeNotRegisteredException",
                $"No worker on task queue '{_options.TaskQueue}' knows workflow type '{query.WorkflowType}'."), null, _options.Identity);
        }
        if (query.QueryName == WorkflowQueryMessage.ValidateUpdate)
        {
            return await ValidateUpdateAsync(query, definition, cancellationToken).ConfigureAwait(false);
        }
        if (query.QueryName == WorkflowWait.StackTraceQuery)
        {
            var waits = (await ReplayAsync(query, definition, cancellationToken).ConfigureAwait(false)).Waits();
            return new WorkflowQueryAnswerMessage(query.QueryId, JsonSerializer.SerializeToElement(waits, WaitsJson), null, null, _options.Identity);
        }
        if (!definition.Queries.TryGetValue(query.QueryName, out var method))
        {
            return new WorkflowQueryAnswerMessage(query.QueryId, null, new FailureInfo(WorkflowQueryAnswerMessage.UnknownQuery,
                $"Workflow type '{query.WorkflowType}' has no query '{query.QueryName}'."), definition.Queries.Keys.Order(StringComparer.Ordinal).ToList(), _options.Identity);
        }
        var instance = await ReplayAsync(query, definition, cancellationToken).ConfigureAwait(false);
        var result = instance.Query(method, query.Argument);
        return new WorkflowQueryAnswerMessage(query.QueryId, result, null, null, _options.Identity);
    }

    /// <summary>
    /// An update's validation: the update exists (else <see cref="WorkflowQueryAnswerMessage.UnknownUpdate"/> listing the
    /// workflow's updates), and on the replayed run its argument fits and its validator passes (else
    /// <see cref="WorkflowQueryAnswerMessage.UpdateRejected"/> with the validator's message). Accepted: no result, no failure.
    /// </summary>
    private async Task<WorkflowQueryAnswerMessage> ValidateUpdateAsync(WorkflowQueryMessage query, WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        var update = query.Argument is { ValueKind: not JsonValueKind.Null } argument
            ? argument.Deserialize<UpdateValidationArgument>(HistoryJson.Options)
            : null;
        if (update is null || string.IsNullOrEmpty(update.Name))
        {
            throw new InvalidOperationException($"The {WorkflowQueryMessage.ValidateUpdate} query needs the update as its argument: {{\"updateId\",\"name\",\"input\"}}.");
        }
        if (!definition.Updates.ContainsKey(update.Name))
        {
            return new WorkflowQueryAnswerMessage(query.QueryId, null, new FailureInfo(WorkflowQueryAnswerMessage.UnknownUpdate,
                $"Workflow type '{query.WorkflowType}' has no update '{update.Name}'."), definition.Updates.Keys.Order(StringComparer.Ordinal).ToList(), _options.Identity);
        }
        var instance = await ReplayAsync(query, definition, cancellationToken).ConfigureAwait(false);
        try
        {
            instance.ValidateUpdate(update.Name, update.Input);
        }
        catch (UpdateRejectedException ex)
        {
            return new WorkflowQueryAnswerMessage(query.QueryId, null, new FailureInfo(WorkflowQueryAnswerMessage.UpdateRejected, ex.Message), null, _options.Identity);
        }
        return new WorkflowQueryAnswerMessage(query.QueryId, null, null, null, _options.Identity);
    }

    /// <summary>
    /// A new instance (apart from the cache) that replayed the run's history as the engine has it: fetched up to the query's
    /// last event id, followed by the events buffered while a task was in flight.
    /// </summary>
    private async Task<WorkflowInstance> ReplayAsync(WorkflowQueryMessage query, WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        var history = (await FetchHistoryAsync(query.WorkflowId, query.RunId, query.LastEventId > 0 ? query.LastEventId : null, cancellationToken)
            .ConfigureAwait(false)).ToList();
        // the events buffered while a task was in flight follow the history, numbered on from its end
        foreach (var pending in query.Pending ?? [])
        {
            history.Add(pending with { EventId = history.Count + 1 });
        }
        var instance = new WorkflowInstance(definition, _runtimeOptions, _loggerFactory.CreateLogger(definition.Type), query.WorkflowId, query.RunId.ToString());
        instance.Replay(history);
        return instance;
    }
}
