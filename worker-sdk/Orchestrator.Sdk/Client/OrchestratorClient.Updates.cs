using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Sdk;

public sealed partial class OrchestratorClient
{
    private const int UpdateWaitSeconds = 30;

    /// <summary>
    /// Sends update <paramref name="updateName"/> to the open run of <paramref name="workflowId"/>
    /// (<c>POST /api/v1/workflows/{workflowId}/updates/{updateName}</c>) and waits for its handler's result. The workflow's
    /// validator runs first: a rejection records nothing and throws <see cref="OrchestratorApiException"/> (422) with the
    /// validator's message. Sent again with the same <paramref name="updateId"/>, the update is not applied again: the call
    /// gets the first one's outcome (so a retry after a lost connection is safe).
    /// </summary>
    /// <typeparam name="T">The handler's result type.</typeparam>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="updateName">The update's name (its <c>[WorkflowUpdate]</c> method's name without "Async", unless named).</param>
    /// <param name="argument">The update's argument (JSON-serialized), or null for none.</param>
    /// <param name="updateId">The update's id; default a new one.</param>
    /// <param name="cancellationToken">Stops waiting (the update, once accepted, still runs).</param>
    /// <returns>What the update's handler returned.</returns>
    /// <exception cref="WorkflowUpdateFailedException">The handler threw, or the run closed before it finished.</exception>
    /// <exception cref="OrchestratorApiException">422 rejected by the validator; 400 no such update; 404 no open run; 504 no worker validated it in time.</exception>
    public async Task<T?> ExecuteUpdateAsync<T>(string workflowId, string updateName, object? argument = null, string? updateId = null,
        CancellationToken cancellationToken = default)
    {
        var update = await SendUpdateAsync(workflowId, updateName, argument, updateId, UpdateWaitSeconds, cancellationToken).ConfigureAwait(false);
        return await WaitForUpdateAsync<T>(workflowId, update, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends an update as <see cref="ExecuteUpdateAsync{T}"/> does, and returns once it was accepted (validated and recorded),
    /// without waiting for its handler.
    /// </summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="updateName">The update's name.</param>
    /// <param name="argument">The update's argument (JSON-serialized), or null for none.</param>
    /// <param name="updateId">The update's id; default a new one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A handle whose <see cref="WorkflowUpdateHandle.GetResultAsync{T}"/> waits for the outcome.</returns>
    /// <exception cref="OrchestratorApiException">As <see cref="ExecuteUpdateAsync{T}"/>.</exception>
    public async Task<WorkflowUpdateHandle> StartUpdateAsync(string workflowId, string updateName, object? argument = null, string? updateId = null,
        CancellationToken cancellationToken = default)
    {
        var update = await SendUpdateAsync(workflowId, updateName, argument, updateId, 0, cancellationToken).ConfigureAwait(false);
        return new WorkflowUpdateHandle(this, workflowId, update.UpdateId, update.RunId);
    }

    /// <summary>Waits for the outcome of update <paramref name="updateId"/> of <paramref name="workflowId"/> (<c>GET .../updates/{updateId}</c>).</summary>
    /// <typeparam name="T">The handler's result type.</typeparam>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="updateId">The update's id.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What the update's handler returned.</returns>
    /// <exception cref="WorkflowUpdateFailedException">The handler threw, or the run closed before it finished.</exception>
    /// <exception cref="OrchestratorApiException">404 when the workflow has no such update.</exception>
    public async Task<T?> GetUpdateResultAsync<T>(string workflowId, string updateId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(updateId);
        return await WaitForUpdateAsync<T>(workflowId, await GetUpdateAsync(workflowId, updateId, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<WorkflowUpdateResponse> SendUpdateAsync(string workflowId, string updateName, object? argument, string? updateId, int waitSeconds,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(updateName);
        var path = $"{WorkflowPath(workflowId)}/updates/{Uri.EscapeDataString(updateName)}"
            + Query(("updateId", updateId ?? Guid.NewGuid().ToString()), ("waitSeconds", waitSeconds.ToString(CultureInfo.InvariantCulture)));
        using var content = argument is null ? null : JsonContent.Create(ToJson(argument), options: ProtocolJson);
        using var response = await SendAsync(HttpMethod.Post, path, content, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<WorkflowUpdateResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WorkflowUpdateResponse> GetUpdateAsync(string workflowId, string updateId, CancellationToken cancellationToken)
    {
        var path = $"{WorkflowPath(workflowId)}/updates/{Uri.EscapeDataString(updateId)}"
            + Query(("waitSeconds", UpdateWaitSeconds.ToString(CultureInfo.InvariantCulture)));
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<WorkflowUpdateResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Long-polls until the update has an outcome; its result, or <see cref="WorkflowUpdateFailedException"/>.</summary>
    private async Task<T?> WaitForUpdateAsync<T>(string workflowId, WorkflowUpdateResponse update, CancellationToken cancellationToken)
    {
        while (update.Status == "Accepted")
        {
            update = await GetUpdateAsync(workflowId, update.UpdateId, cancellationToken).ConfigureAwait(false);
        }
        if (update.Status == "Completed")
        {
            return update.Result is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } result ? result.Deserialize<T>(ProtocolJson) : default;
        }
        throw new WorkflowUpdateFailedException(workflowId, update.UpdateId,
            update.Failure ?? new FailureInfo(update.Status, $"The update ended as {update.Status}."));
    }
}
