using System.Net;
using Microsoft.AspNetCore.Components.Authorization;
using Orchestrator.Contracts.Api;
using Orchestrator.Dashboard.Security;

namespace Orchestrator.Dashboard.Api;

/// <summary>
/// Signal, update, cancel, terminate and reset (and a schedule's pause, unpause and trigger, and batches), for the signed-in user of this circuit: sent to the engine only when that user has the
/// operator role, else refused here with 403 (whatever the page showed). Every action is logged with its user.
/// </summary>
internal sealed class WorkflowActions(EngineApiClient engine, AuthenticationStateProvider authentication, ILogger<WorkflowActions> logger)
{
    public Task<ActionResult> SignalAsync(string workflowId, string signalName, string jsonPayload, CancellationToken cancellationToken = default)
        => RunAsync("signal " + signalName, workflowId, () => engine.SignalAsync(workflowId, signalName, jsonPayload, cancellationToken));

    /// <summary>Update <paramref name="updateName"/> of the open run; the outcome when the engine took it (see <see cref="UpdateResult"/>).</summary>
    public async Task<UpdateResult> UpdateAsync(string workflowId, string updateName, string? jsonArgument, CancellationToken cancellationToken = default)
    {
        var action = "update " + updateName;
        var (user, refusal) = await CheckAsync(action, workflowId);
        if (refusal is not null)
        {
            return new UpdateResult(refusal);
        }
        var answer = await engine.UpdateAsync(workflowId, updateName, jsonArgument, cancellationToken);
        var result = answer is { IsSuccess: true, Value: { } update }
            ? new UpdateResult(new ActionResult(answer.StatusCode, $"{(int)answer.StatusCode} {answer.StatusCode}"), update)
            : new UpdateResult(new ActionResult(answer.StatusCode, answer.Error ?? $"{(int)answer.StatusCode} {answer.StatusCode}"));
        Log.ActionSent(logger, user, action, workflowId, result.Update is { } u ? $"{result.Answer.Message}, {u.Status} (update {u.UpdateId})" : result.Answer.Message);
        return result;
    }

    public Task<ActionResult> CancelAsync(string workflowId, CancellationToken cancellationToken = default)
        => RunAsync("cancel", workflowId, () => engine.CancelAsync(workflowId, cancellationToken));

    public Task<ActionResult> TerminateAsync(string workflowId, string? reason, CancellationToken cancellationToken = default)
        => RunAsync("terminate", workflowId, () => engine.TerminateAsync(workflowId, reason, cancellationToken));

    public Task<ActionResult> PauseScheduleAsync(string scheduleId, string? note, CancellationToken cancellationToken = default)
        => RunAsync("pause", "schedule " + scheduleId, () => engine.PauseScheduleAsync(scheduleId, note, cancellationToken));

    public Task<ActionResult> UnpauseScheduleAsync(string scheduleId, string? note, CancellationToken cancellationToken = default)
        => RunAsync("unpause", "schedule " + scheduleId, () => engine.UnpauseScheduleAsync(scheduleId, note, cancellationToken));

    public Task<ActionResult> TriggerScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
        => RunAsync("trigger", "schedule " + scheduleId, () => engine.TriggerScheduleAsync(scheduleId, cancellationToken));

    /// <summary>
    /// Starts a batch over the open runs of <paramref name="request"/>'s query (logged as e.g. <c>terminate batch</c> to <c>runs of QUERY</c>):
    /// the batch id and total when the engine took it.
    /// </summary>
    public async Task<BatchStartResult> StartBatchAsync(StartBatchRequest request, CancellationToken cancellationToken = default)
    {
        var action = request.Operation.ToString().ToLowerInvariant() + " batch" + (request.SignalName is { } name ? " " + name : "");
        var target = "runs of " + request.Query;
        var (user, refusal) = await CheckAsync(action, target);
        if (refusal is not null)
        {
            return new BatchStartResult(refusal);
        }
        var answer = await engine.StartBatchAsync(request, cancellationToken);
        var result = answer is { IsSuccess: true, Value: { } started }
            ? new BatchStartResult(new ActionResult(answer.StatusCode, $"{(int)answer.StatusCode} {answer.StatusCode}"), started)
            : new BatchStartResult(new ActionResult(answer.StatusCode, answer.Error ?? $"{(int)answer.StatusCode} {answer.StatusCode}"), null, answer.Position);
        Log.ActionSent(logger, user, action, target, result.Batch is { } b ? $"{result.Answer.Message}, batch {b.BatchId} of {b.Total} runs" : result.Answer.Message);
        return result;
    }

    /// <summary>Cancels a batch: no run is acted on after the engine answers; the batch as it is then.</summary>
    public async Task<BatchCancelResult> CancelBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        const string action = "cancel batch";
        var target = "batch " + batchId;
        var (user, refusal) = await CheckAsync(action, target);
        if (refusal is not null)
        {
            return new BatchCancelResult(refusal);
        }
        var answer = await engine.CancelBatchAsync(batchId, cancellationToken);
        var result = answer is { IsSuccess: true, Value: { } batch }
            ? new BatchCancelResult(new ActionResult(answer.StatusCode, $"{(int)answer.StatusCode} {answer.StatusCode}"), batch)
            : new BatchCancelResult(new ActionResult(answer.StatusCode, answer.Error ?? $"{(int)answer.StatusCode} {answer.StatusCode}"));
        Log.ActionSent(logger, user, action, target, result.Answer.Message);
        return result;
    }

    /// <summary>
    /// Resets run <paramref name="request"/>.RunId of <paramref name="workflowId"/> (logged as <c>reset</c> with the point): the new run when
    /// the engine made it (docs/visibility.md "Reset").
    /// </summary>
    public async Task<ResetResult> ResetAsync(string workflowId, ResetWorkflowRequest request, CancellationToken cancellationToken = default)
    {
        var action = "reset to " + (request.EventId is { } id ? "event " + id.ToString(System.Globalization.CultureInfo.InvariantCulture) : request.To.ToString());
        var (user, refusal) = await CheckAsync(action, workflowId);
        if (refusal is not null)
        {
            return new ResetResult(refusal);
        }
        var answer = await engine.ResetAsync(workflowId, request, cancellationToken);
        var result = answer is { IsSuccess: true, Value: { } reset }
            ? new ResetResult(new ActionResult(answer.StatusCode, $"{(int)answer.StatusCode} {answer.StatusCode}: new run {reset.RunId}"), reset)
            : new ResetResult(new ActionResult(answer.StatusCode, answer.Error ?? $"{(int)answer.StatusCode} {answer.StatusCode}"));
        Log.ActionSent(logger, user, action, workflowId + (request.RunId is { } run ? " run " + run : ""), result.Answer.Message);
        return result;
    }

    private async Task<ActionResult> RunAsync(string action, string workflowId, Func<Task<ActionResult>> send)
    {
        var (name, refusal) = await CheckAsync(action, workflowId);
        if (refusal is not null)
        {
            return refusal;
        }
        var result = await send();
        Log.ActionSent(logger, name, action, workflowId, result.Message);
        return result;
    }

    /// <summary>The signed-in user's name, and the refusal (logged) when that user is not an operator.</summary>
    private async Task<(string User, ActionResult? Refusal)> CheckAsync(string action, string workflowId)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var name = user.Identity?.Name ?? "anonymous";
        if (DashboardRoles.IsOperator(user))
        {
            return (name, null);
        }
        var role = DashboardRoles.RoleOf(user);
        Log.ActionRefused(logger, name, role, action, workflowId);
        return (name, new ActionResult(HttpStatusCode.Forbidden,
            $"403 Forbidden: {name} ({role}) may not {action.Split(' ')[0]}; that needs the {DashboardRoles.Operator} role.", ByDashboard: true));
    }
}
