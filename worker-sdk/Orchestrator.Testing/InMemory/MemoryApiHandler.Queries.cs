using System.Collections.Specialized;
using System.Net;
using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Api;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// Queries and updates, answered as the engine's <c>QueryEndpoints</c>, <c>UpdateEndpoints</c> and <c>WorkflowUpdates</c>
/// answer them (same statuses, titles and details), with the in-memory worker in place of one reached over the broker.
/// </summary>
internal sealed partial class MemoryApiHandler
{
    private const int MaxQueryTimeoutSeconds = 60;
    private const int DefaultUpdateWaitSeconds = 30;
    private const int MaxUpdateWaitSeconds = 60;

    private HttpResponseMessage Query(string workflowId, string queryName, NameValueCollection query, string body)
    {
        if (ApiLimits.CheckName("queryName", queryName, required: true) is { } nameError)
        {
            return BadRequest(nameError);
        }
        if (query["timeoutSeconds"] is not null && Int(query, "timeoutSeconds") is not (>= 1 and <= MaxQueryTimeoutSeconds))
        {
            return BadRequest($"'timeoutSeconds' must be between 1 and {MaxQueryTimeoutSeconds}.");
        }
        if (Find(workflowId, query["runId"]) is not { } run)
        {
            return NotFound(workflowId, query["runId"]);
        }
        var answer = engine.Worker.Query(run, QueryHistory(run), queryName, Parse(body));
        return answer switch
        {
            { Failure: { Type: WorkflowQueryAnswerMessage.UnknownQuery } unknown } => BadRequest(
                $"{unknown.Message} Its queries: {(answer.KnownQueries is { Count: > 0 } known ? string.Join(", ", known) : "none")}."),
            { Failure: { } failure } => Problem(HttpStatusCode.UnprocessableEntity, "The query failed",
                $"Query '{queryName}' of '{workflowId}' failed on worker {answer.Identity}: {failure.Type}: {failure.Message}",
                new Dictionary<string, object?> { ["failure"] = failure }),
            _ => Ok(new WorkflowQueryResponse(answer.Result)),
        };
    }

    /// <summary>What a query replays: the run's history, then the events buffered while a task was in flight, numbered on from its end.</summary>
    private List<HistoryEvent> QueryHistory(MemoryRun run)
    {
        var history = MemoryEngine.Events(run).ToList();
        foreach (var b in run.Buffered)
        {
            history.Add(TaskMessages.ToHistoryEvent(history.Count + 1, b.EventType, b.OccurredAt ?? engine.Now, b.AttributesJson));
        }
        return history;
    }

    private async Task<HttpResponseMessage> UpdateAsync(string workflowId, string updateName, NameValueCollection query, string body, CancellationToken cancellationToken)
    {
        var updateId = query["updateId"];
        if ((CheckUpdateNames(updateName, updateId) ?? CheckUpdateWait(query)) is { } error)
        {
            return BadRequest(error);
        }
        return await SendUpdateAsync(workflowId, updateName, updateId ?? Guid.NewGuid().ToString(), Parse(body), UpdateWait(query), null, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> GetUpdateAsync(string workflowId, string updateId, NameValueCollection query, CancellationToken cancellationToken)
    {
        if ((ApiLimits.CheckName("updateId", updateId, required: true) ?? CheckUpdateWait(query)) is { } error)
        {
            return BadRequest(error);
        }
        if (await LockedAsync(() => engine.Shell.Update(workflowId, updateId), cancellationToken).ConfigureAwait(false) is not { } update)
        {
            return Problem(HttpStatusCode.NotFound, "Not found", $"Workflow '{workflowId}' has no update '{updateId}'.");
        }
        return await UpdateOutcomeAsync(update, UpdateWait(query), null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> UpdateWithStartAsync(string body, NameValueCollection query, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<UpdateWithStartRequest>(body, Json);
        if (request is null)
        {
            return BadRequest("The request body is required: {\"workflowType\", \"workflowId\", \"updateName\", \"taskQueue\"?, \"input\"?, \"updateInput\"?, "
                + "\"updateId\"?, \"searchAttributes\"?, \"runTimeout\"?, \"retryPolicy\"?}.");
        }
        var started = false;
        var problem = await LockedAsync(() =>
        {
            var error = (string.IsNullOrEmpty(request.WorkflowId) ? "'workflowId' is required." : null)
                ?? StartChecks.Check(request.WorkflowType, request.TaskQueue, request.WorkflowId, request.RunTimeout, request.RetryPolicy)
                ?? CheckUpdateNames(request.UpdateName, request.UpdateId)
                ?? CheckUpdateWait(query)
                ?? StartChecks.CheckSearchAttributes(request.SearchAttributes);
            string? attributes = null;
            if ((error ?? StartAttributes(request.SearchAttributes, out attributes)) is { } bad)
            {
                return BadRequest(bad);
            }
            if (engine.Shell.Latest(request.WorkflowId) is not { IsOpen: true })
            {
                engine.Shell.Start(new Engine.Dispatch.StartWorkflowRequest(request.WorkflowType, request.WorkflowId, request.TaskQueue, NullAsNone(request.Input),
                    request.RunTimeout, request.RetryPolicy, SearchAttributes: attributes));
                started = true;
            }
            return null;
        }, cancellationToken).ConfigureAwait(false);
        return problem ?? await SendUpdateAsync(request.WorkflowId, request.UpdateName, request.UpdateId ?? Guid.NewGuid().ToString(), NullAsNone(request.UpdateInput),
            UpdateWait(query), started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <c>WorkflowUpdates.SendAsync</c>: an update id the workflow id has is not applied again (its outcome is the answer);
    /// else the worker validates the update on the replayed open run, and it is accepted (recorded) and its handler runs.
    /// </summary>
    private async Task<HttpResponseMessage> SendUpdateAsync(string workflowId, string updateName, string updateId, JsonElement? input, int waitSeconds,
        bool? started, CancellationToken cancellationToken)
    {
        var (update, problem) = await LockedAsync(() => Accept(workflowId, updateName, updateId, input), cancellationToken).ConfigureAwait(false);
        return problem ?? await UpdateOutcomeAsync(update!, waitSeconds, started, cancellationToken).ConfigureAwait(false);
    }

    private (MemoryUpdate? Update, HttpResponseMessage? Problem) Accept(string workflowId, string updateName, string updateId, JsonElement? input)
    {
        if (engine.Shell.Update(workflowId, updateId) is { } existing)
        {
            return existing.UpdateName == updateName
                ? (existing, null)
                : (null, Problem(HttpStatusCode.Conflict, "Update id already used",
                    $"Workflow '{workflowId}' already has update '{updateId}', of update '{existing.UpdateName}' (not '{updateName}'): use another update id."));
        }
        if (engine.Shell.Latest(workflowId) is not { IsOpen: true } run)
        {
            return (null, NoOpenRun(workflowId));
        }
        var argument = JsonSerializer.SerializeToElement(new UpdateValidationArgument(updateId, updateName, input), HistoryJson.Options);
        var answer = engine.Worker.Query(run, QueryHistory(run), WorkflowQueryMessage.ValidateUpdate, argument);
        if (Rejection(run.Run, updateName, answer) is { } rejected)
        {
            return (null, rejected);
        }
        return engine.Shell.AcceptUpdate(workflowId, new UpdateAcceptedTrigger(updateId, updateName, input)) is { } accepted
            ? (accepted, null)
            : (null, NoOpenRun(workflowId));
    }

    /// <summary>Null when the worker accepted the update; else the problem the caller gets (as <c>WorkflowUpdates.Rejection</c>).</summary>
    private static HttpResponseMessage? Rejection(WorkflowRunRecord run, string updateName, WorkflowQueryAnswerMessage answer) => answer switch
    {
        { Failure: { Type: WorkflowQueryAnswerMessage.UnknownUpdate } unknown } => BadRequest(
            $"{unknown.Message} Its updates: {(answer.KnownQueries is { Count: > 0 } known ? string.Join(", ", known) : "none")}."),
        { Failure: { Type: WorkflowQueryAnswerMessage.UpdateRejected } rejected } => Problem(HttpStatusCode.UnprocessableEntity, "The update was rejected",
            rejected.Message, new Dictionary<string, object?> { ["failure"] = rejected }),
        { Failure: { } failure } => Problem(HttpStatusCode.UnprocessableEntity, "The update could not be validated",
            $"Validating update '{updateName}' of '{run.WorkflowId}' failed on worker {answer.Identity}: {failure.Type}: {failure.Message}",
            new Dictionary<string, object?> { ["failure"] = failure }),
        _ => null,
    };

    /// <summary>The update's outcome once it has one (virtual time runs meanwhile, as for a result), or as it is when the wait ends.</summary>
    private async Task<HttpResponseMessage> UpdateOutcomeAsync(MemoryUpdate update, int waitSeconds, bool? started, CancellationToken cancellationToken)
    {
        if (waitSeconds > 0 && update.Status == MemoryUpdate.Accepted)
        {
            var (_, failed) = await WaitAsync(update.WorkflowId, waitSeconds, _ => update.Status != MemoryUpdate.Accepted, cancellationToken).ConfigureAwait(false);
            if (failed is not null)
            {
                return failed;
            }
        }
        var (status, result, failure) = await LockedAsync(() => (update.Status, update.Result, update.Failure), cancellationToken).ConfigureAwait(false);
        var response = new WorkflowUpdateResponse(update.UpdateId, status, Parse(result), Failure(failure), update.RunId.ToString(), started);
        return Ok(response, status == MemoryUpdate.Accepted ? HttpStatusCode.Accepted : HttpStatusCode.OK);
    }

    private static string? CheckUpdateNames(string? updateName, string? updateId) =>
        ApiLimits.CheckName("updateName", updateName, required: true) ?? ApiLimits.CheckName("updateId", updateId, required: false);

    private static string? CheckUpdateWait(NameValueCollection query) =>
        query["waitSeconds"] is not null && Int(query, "waitSeconds") is not (>= 0 and <= MaxUpdateWaitSeconds)
            ? $"'waitSeconds' must be between 0 and {MaxUpdateWaitSeconds}."
            : null;

    private static int UpdateWait(NameValueCollection query) => Int(query, "waitSeconds") ?? DefaultUpdateWaitSeconds;
}
