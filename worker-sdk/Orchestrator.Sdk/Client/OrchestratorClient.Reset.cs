using System.Net.Http.Json;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Sdk;

public sealed partial class OrchestratorClient
{
    /// <summary>
    /// Resets a workflow (<c>POST /api/v1/workflows/{workflowId}/reset</c>): a new run whose history is the run's copied up to
    /// a workflow task, then a fresh workflow task, so the worker replays the copied part and fixed code takes the new path.
    /// Signals received after that point are re-applied; the workflow's open run is terminated with reason <c>reset: {reason}</c>.
    /// </summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="reason">Why (required).</param>
    /// <param name="eventId">
    /// The workflow task to go back to, by any of its events (<c>WorkflowTaskScheduled</c>, <c>WorkflowTaskStarted</c>,
    /// <c>WorkflowTaskCompleted</c>, <c>WorkflowTaskFailed</c>); give it or <paramref name="to"/>.
    /// </param>
    /// <param name="to">The workflow task to go back to when no <paramref name="eventId"/> is given (null: <see cref="ResetTo.LastWorkflowTask"/>).</param>
    /// <param name="runId">The run to reset, or null for the workflow's latest run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workflow id and the new run's id.</returns>
    /// <exception cref="ArgumentException">both <paramref name="eventId"/> and <paramref name="to"/> are given, or <paramref name="reason"/> is blank.</exception>
    /// <exception cref="OrchestratorApiException">
    /// 400 for a point that cannot be reset (a child workflow, a request to another workflow or an update open at it; the detail
    /// names the event), 404 without such a workflow or run, 409 when a run was started meanwhile.
    /// </exception>
    public async Task<ResetWorkflowResponse> ResetWorkflowAsync(string workflowId, string reason, long? eventId = null, ResetTo? to = null,
        string? runId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (eventId is not null && to is not null)
        {
            throw new ArgumentException("Give an event id or a ResetTo, not both.", nameof(to));
        }
        var body = new ResetWorkflowRequest(reason, runId, eventId, eventId is null ? to ?? ResetTo.LastWorkflowTask : null);
        using var response = await SendAsync(HttpMethod.Post, $"{WorkflowPath(workflowId)}/reset", JsonContent.Create(body, options: ProtocolJson),
            cancellationToken).ConfigureAwait(false);
        return await ReadAsync<ResetWorkflowResponse>(response, cancellationToken).ConfigureAwait(false);
    }
}
