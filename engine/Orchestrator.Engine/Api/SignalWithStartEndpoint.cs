using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Api;

/// <summary><c>POST /api/v1/workflows/signal-with-start</c> (DESIGN.md "Signal-with-start").</summary>
internal static class SignalWithStartEndpoint
{
    /// <summary>Maps the operation into the workflows group (its API key, its body errors as problems).</summary>
    public static void MapSignalWithStart(this RouteGroupBuilder api) =>
        api.MapPost("/signal-with-start", SignalWithStartAsync).WithName("SignalWithStartWorkflow")
            .WithSummary("Signal a workflow, starting it if it has no open run")
            .WithDescription("Signals the open run of `workflowId` with `signalName` and `signalInput`; when the id has no open run, starts one of "
                + "`workflowType` with `input` whose first events carry the signal, so its first workflow task sees it. Atomic: concurrent calls on one id "
                + "start one run and every signal reaches it. `started` says which happened. `searchAttributes` (registered ones) go on a started run.")
            .Accepts<SignalWithStartRequest>("application/json")
            .Produces<SignalWithStartResponse>()
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413);

    private static async Task<IResult> SignalWithStartAsync(HttpRequest request, WorkflowEngine engine, Visibility.SearchAttributeRefresher searchAttributes,
        CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<SignalWithStartRequest>(request, ct);
        if (body is null)
        {
            return Problems.BadRequest("The request body is required: {\"workflowType\", \"workflowId\", \"signalName\", \"taskQueue\"?, \"input\"?, \"signalInput\"?, "
                + "\"searchAttributes\"?, \"runTimeout\"?, \"retryPolicy\"?}.");
        }
        var error = (string.IsNullOrEmpty(body.WorkflowId) ? "'workflowId' is required." : null)
            ?? StartChecks.Check(body.WorkflowType, body.TaskQueue, body.WorkflowId, body.RunTimeout, body.RetryPolicy)
            ?? ApiLimits.CheckName("signalName", body.SignalName, required: true)
            ?? StartChecks.CheckSearchAttributes(body.SearchAttributes);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }
        // registered, with values of their types (as a start checks them); applied when this call starts the run
        var (attributes, attributesError) = await VisibilityEndpoints.CheckStartAttributesAsync(body.SearchAttributes, searchAttributes, ct);
        if (attributesError is not null)
        {
            return Problems.BadRequest(attributesError);
        }
        var start = new Dispatch.StartWorkflowRequest(body.WorkflowType, body.WorkflowId, body.TaskQueue, NullAsNone(body.Input), body.RunTimeout, body.RetryPolicy,
            SearchAttributes: attributes);
        try
        {
            var (runId, started) = await engine.SignalWithStartAsync(start, body.SignalName, NullAsNone(body.SignalInput));
            return Results.Ok(new SignalWithStartResponse(body.WorkflowId, runId.ToString(), started));
        }
        catch (WorkflowAlreadyRunningException)
        {
            return Problems.Conflict($"Runs of workflow '{body.WorkflowId}' were closed and started again by other requests on each of "
                + $"{RunShell.MaxSignalWithStartAttempts} attempts; try again.");
        }
    }

    private static JsonElement? NullAsNone(JsonElement? value) => value is { ValueKind: JsonValueKind.Null } ? null : value;
}
