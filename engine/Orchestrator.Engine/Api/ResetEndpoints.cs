using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Reset;

namespace Orchestrator.Engine.Api;

/// <summary><c>POST /api/v1/workflows/{workflowId}/reset</c> of DESIGN.md (docs/visibility.md "Reset").</summary>
internal static class ResetEndpoints
{
    public static void MapResetApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/workflows").WithTags(WorkflowEndpoints.Tag).RequireAuthorization(ApiKeyAuthentication.Policy).AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (BodyException e)
            {
                return e.Problem;
            }
        });
        api.ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapPost("/{workflowId}/reset", ResetAsync).WithName("ResetWorkflow")
            .WithSummary("Reset a workflow")
            .WithDescription("Creates a new run of the workflow whose history is run `runId`'s (default: the latest run, open or closed) copied up to a workflow task, then a fresh workflow task: the worker replays the copied part and fixed code takes the new path. The task is `eventId` (its WorkflowTaskScheduled, WorkflowTaskStarted, WorkflowTaskCompleted or WorkflowTaskFailed event) or `to`: `LastWorkflowTask` (the last one that completed) or `FirstWorkflowTask`. Signals the run received after that point are re-applied; activities and timers open at it are re-created. The workflow's open run is terminated with reason `reset: {reason}`, in the same transaction. Describe shows `resetFromRunId` / `resetToRunId`. 400 for a bad body or a point where a child workflow, a request to another workflow, an accepted update or an activity cancel was open, or for a child's run; 404 without such a workflow or run; 409 when a run was started meanwhile.")
            .Accepts<ResetWorkflowRequest>("application/json")
            .Produces<ResetWorkflowResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413);
    }

    private static async Task<IResult> ResetAsync(string workflowId, HttpRequest request, ResetService resets, CancellationToken ct)
    {
        if (ResetRequest.Read(await RequestBodies.ReadRawAsync(request, ct), out var error) is not { } body)
        {
            return Problems.BadRequest(error!);
        }
        var outcome = await resets.ResetAsync(workflowId, body);
        return outcome.Kind switch
        {
            ResetOutcomeKind.Reset => Results.Created($"/api/v1/workflows/{Uri.EscapeDataString(workflowId)}?runId={outcome.NewRun!.RunId}",
                new ResetWorkflowResponse(workflowId, outcome.NewRun.RunId.ToString())),
            ResetOutcomeKind.NotFound => WorkflowEndpoints.NotFound(workflowId, body.RunId?.ToString()),
            ResetOutcomeKind.Conflict => Problems.Conflict(outcome.Detail!),
            _ => Problems.BadRequest(outcome.Detail!),
        };
    }
}
