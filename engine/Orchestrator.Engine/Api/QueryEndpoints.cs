using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Queries;

namespace Orchestrator.Engine.Api;

/// <summary><c>POST /api/v1/workflows/{workflowId}/queries/{queryName}</c> (DESIGN.md "Queries and updates").</summary>
internal static class QueryEndpoints
{
    public const int DefaultTimeoutSeconds = 10;
    public const int MaxTimeoutSeconds = 60;

    /// <summary>Maps the operation into the workflows group (its API key, its body errors as problems).</summary>
    public static void MapQueries(this RouteGroupBuilder api) =>
        api.MapPost("/{workflowId}/queries/{queryName}", QueryAsync).WithName("QueryWorkflow")
            .WithSummary("Query a workflow")
            .WithDescription("Asks query `queryName` of the latest run (or run `runId`), open or closed, with the body as its argument (any JSON value, or none): "
                + "a worker of the run's task queue replays its history and calls the workflow's `[WorkflowQuery]` method; nothing is recorded. "
                + $"400 for a query the workflow does not have (the detail lists its queries); 422 when the query threw or the run could not be replayed; "
                + $"504 when no worker answered within `timeoutSeconds` (default {DefaultTimeoutSeconds}, at most {MaxTimeoutSeconds}).")
            .Accepts<JsonElement>("application/json")
            .Produces<WorkflowQueryResponse>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(422).ProducesProblem(504);

    private static async Task<IResult> QueryAsync(string workflowId, string queryName, string? runId, int? timeoutSeconds, HttpRequest request,
        WorkflowEngine engine, WorkflowQueries queries, CancellationToken ct)
    {
        if (ApiLimits.CheckName("queryName", queryName, required: true) is { } nameError)
        {
            return Problems.BadRequest(nameError);
        }
        var seconds = timeoutSeconds ?? DefaultTimeoutSeconds;
        if (seconds is < 1 or > MaxTimeoutSeconds)
        {
            return Problems.BadRequest($"'timeoutSeconds' must be between 1 and {MaxTimeoutSeconds}.");
        }
        var argument = await RequestBodies.ReadRawAsync(request, ct);
        if (await WorkflowEndpoints.FindRunAsync(engine, workflowId, runId, ct) is not { } run)
        {
            return WorkflowEndpoints.NotFound(workflowId, runId);
        }
        var answer = await queries.AskAsync(run, queryName, argument, TimeSpan.FromSeconds(seconds), ct);
        return answer switch
        {
            null => Problems.Status(StatusCodes.Status504GatewayTimeout, "No worker answered the query",
                $"No worker of task queue '{run.TaskQueue}' answered query '{queryName}' of '{workflowId}' within {seconds} s: is a worker that knows workflow type '{run.WorkflowType}' running?"),
            { Failure: { Type: WorkflowQueryAnswerMessage.UnknownQuery } unknown } => Problems.BadRequest(
                $"{unknown.Message} Its queries: {(answer.KnownQueries is { Count: > 0 } known ? string.Join(", ", known) : "none")}."),
            { Failure: { } failure } => Problems.Status(StatusCodes.Status422UnprocessableEntity, "The query failed",
                $"Query '{queryName}' of '{workflowId}' failed on worker {answer.Identity}: {failure.Type}: {failure.Message}", failure),
            _ => Results.Ok(new WorkflowQueryResponse(answer.Result)),
        };
    }
}
