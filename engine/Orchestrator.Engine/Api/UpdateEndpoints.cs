using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Updates;

namespace Orchestrator.Engine.Api;

/// <summary>Updates: <c>POST .../{workflowId}/updates/{update}</c> (by name), <c>GET .../{workflowId}/updates/{update}</c> (by id), <c>POST .../update-with-start</c> (DESIGN.md "Queries and updates").</summary>
internal static class UpdateEndpoints
{
    public const int DefaultWaitSeconds = 30;
    public const int MaxWaitSeconds = 60;

    private static readonly string WaitRule = $"the caller waits up to `waitSeconds` (default {DefaultWaitSeconds}, 0 to {MaxWaitSeconds}) for the outcome: "
        + "200 `{\"updateId\",\"status\":\"Completed\",\"result\"}` or `{\"updateId\",\"status\":\"Failed\",\"failure\"}`, 202 `{\"updateId\",\"status\":\"Accepted\"}` "
        + "while its handler still runs (ask again by id).";

    /// <summary>Maps the operations into the workflows group (its API key, its body errors as problems).</summary>
    public static void MapUpdates(this RouteGroupBuilder api)
    {
        api.MapPost("/{workflowId}/updates/{update}", UpdateAsync).WithName("UpdateWorkflow")
            .WithSummary("Send an update to a workflow")
            .WithDescription("Sends update `update` (its name) with the body as its argument (any JSON value, or none) to the open run. A worker first runs the update's "
                + "validator on the replayed run: 422 with the validator's message when it rejects (nothing is recorded), 400 for an update the workflow does "
                + "not have (the detail lists its updates), 504 when no worker validated it within 10 s. Accepted, it is recorded (`WorkflowUpdateAccepted`), "
                + "its handler runs in the next workflow task, and its outcome is recorded (`WorkflowUpdateCompleted`); " + WaitRule
                + " The same `updateId` (default: a new UUID) is applied once per workflow id: a second call gets the first one's outcome. 404 without an open run.")
            .Accepts<JsonElement>("application/json")
            .Produces<WorkflowUpdateResponse>().Produces<WorkflowUpdateResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422).ProducesProblem(504);
        api.MapGet("/{workflowId}/updates/{update}", GetAsync).WithName("GetWorkflowUpdate")
            .WithSummary("Get an update's outcome")
            .WithDescription("The update of id `update` (as one path serves both operations, its parameter is named `update`); " + WaitRule + " 404 when the workflow has no such update.")
            .Produces<WorkflowUpdateResponse>().Produces<WorkflowUpdateResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(404);
        api.MapPost("/update-with-start", UpdateWithStartAsync).WithName("UpdateWithStartWorkflow")
            .WithSummary("Update a workflow, starting it if it has no open run")
            .WithDescription("Starts a run of `workflowType` with `input` when `workflowId` has no open run (`started` says so), then sends it update "
                + "`updateName` with `updateInput`, as `POST /{workflowId}/updates/{update}` does. A started run stays started when the update is rejected.")
            .Accepts<UpdateWithStartRequest>("application/json")
            .Produces<WorkflowUpdateResponse>().Produces<WorkflowUpdateResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422).ProducesProblem(504);
    }

    private static async Task<IResult> UpdateAsync(string workflowId, [FromRoute(Name = "update")] string updateName, string? updateId, int? waitSeconds, HttpRequest request,
        WorkflowUpdates updates, CancellationToken ct)
    {
        if ((CheckNames(updateName, updateId) ?? CheckWait(waitSeconds)) is { } error)
        {
            return Problems.BadRequest(error);
        }
        var argument = await RequestBodies.ReadRawAsync(request, ct);
        var call = await updates.SendAsync(workflowId, updateName, updateId ?? Guid.NewGuid().ToString(), argument, Wait(waitSeconds), ct);
        return Answer(call);
    }

    private static async Task<IResult> GetAsync(string workflowId, [FromRoute(Name = "update")] string updateId, int? waitSeconds, WorkflowUpdates updates, CancellationToken ct)
    {
        if ((ApiLimits.CheckName("updateId", updateId, required: true) ?? CheckWait(waitSeconds)) is { } error)
        {
            return Problems.BadRequest(error);
        }
        return Answer(await updates.GetAsync(workflowId, updateId, Wait(waitSeconds), ct));
    }

    private static async Task<IResult> UpdateWithStartAsync(int? waitSeconds, HttpRequest request, WorkflowEngine engine, WorkflowUpdates updates,
        Visibility.SearchAttributeRefresher searchAttributes, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<UpdateWithStartRequest>(request, ct);
        if (body is null)
        {
            return Problems.BadRequest("The request body is required: {\"workflowType\", \"workflowId\", \"updateName\", \"taskQueue\"?, \"input\"?, \"updateInput\"?, "
                + "\"updateId\"?, \"searchAttributes\"?, \"runTimeout\"?, \"retryPolicy\"?}.");
        }
        var error = (string.IsNullOrEmpty(body.WorkflowId) ? "'workflowId' is required." : null)
            ?? StartChecks.Check(body.WorkflowType, body.TaskQueue, body.WorkflowId, body.RunTimeout, body.RetryPolicy)
            ?? CheckNames(body.UpdateName, body.UpdateId)
            ?? CheckWait(waitSeconds)
            ?? StartChecks.CheckSearchAttributes(body.SearchAttributes);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }
        var (attributes, attributesError) = await VisibilityEndpoints.CheckStartAttributesAsync(body.SearchAttributes, searchAttributes, ct);
        if (attributesError is not null)
        {
            return Problems.BadRequest(attributesError);
        }
        var started = false;
        if (await engine.History.GetLatestRunAsync(body.WorkflowId, ct) is not { Status: RunStatus.Running })
        {
            try
            {
                await engine.StartAsync(new Dispatch.StartWorkflowRequest(body.WorkflowType, body.WorkflowId, body.TaskQueue, NullAsNone(body.Input),
                    body.RunTimeout, body.RetryPolicy, SearchAttributes: attributes));
                started = true;
            }
            catch (WorkflowAlreadyRunningException)
            {
                // another request started it first: update that run
            }
        }
        var call = await updates.SendAsync(body.WorkflowId, body.UpdateName, body.UpdateId ?? Guid.NewGuid().ToString(), NullAsNone(body.UpdateInput),
            Wait(waitSeconds), ct);
        return Answer(call, started);
    }

    private static string? CheckNames(string? updateName, string? updateId) =>
        ApiLimits.CheckName("updateName", updateName, required: true) ?? ApiLimits.CheckName("updateId", updateId, required: false);

    private static string? CheckWait(int? waitSeconds) =>
        waitSeconds is < 0 or > MaxWaitSeconds ? $"'waitSeconds' must be between 0 and {MaxWaitSeconds}." : null;

    private static TimeSpan Wait(int? waitSeconds) => TimeSpan.FromSeconds(waitSeconds ?? DefaultWaitSeconds);

    private static IResult Answer(UpdateCall call, bool? started = null)
    {
        if (call.Row is not { } row)
        {
            return Problems.Status(call.ProblemStatus, call.Title!, call.Detail!, call.Failure);
        }
        var response = new WorkflowUpdateResponse(row.UpdateId, row.Status,
            row.Result is { } result ? JsonDocument.Parse(result).RootElement.Clone() : null,
            row.Failure is { } failure ? JsonSerializer.Deserialize<FailureInfo>(failure, HistoryJson.Options) : null,
            row.RunId.ToString(), started);
        return row.Status == WorkflowUpdates.Accepted ? Results.Accepted(null as string, response) : Results.Ok(response);
    }

    private static JsonElement? NullAsNone(JsonElement? value) => value is { ValueKind: JsonValueKind.Null } ? null : value;
}
