using Orchestrator.Contracts.Api;

namespace Orchestrator.Sdk;

/// <summary>A started workflow: its ids and the calls about it. Made by <see cref="OrchestratorClient.StartWorkflowAsync"/> or <see cref="OrchestratorClient.GetHandle"/>.</summary>
public sealed class WorkflowHandle
{
    private readonly OrchestratorClient _client;

    internal WorkflowHandle(OrchestratorClient client, string workflowId, string? runId)
    {
        _client = client;
        WorkflowId = workflowId;
        RunId = runId;
    }

    /// <summary>The workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>The run id the handle was made for (null: the latest run).</summary>
    public string? RunId { get; }

    /// <summary>Waits for the workflow to close (following continue-as-new) and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The result.</returns>
    /// <exception cref="WorkflowFailedException">The workflow failed, was canceled, terminated or timed out.</exception>
    public Task<T?> GetResultAsync<T>(CancellationToken cancellationToken = default) => _client.GetResultAsync<T>(WorkflowId, cancellationToken);

    /// <summary>Describes the run.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The description.</returns>
    public Task<WorkflowDescription> DescribeAsync(CancellationToken cancellationToken = default) => _client.DescribeWorkflowAsync(WorkflowId, RunId, cancellationToken);

    /// <summary>Asks a query of the latest run (a closed one answers too); see <see cref="OrchestratorClient.QueryWorkflowAsync{T}"/>.</summary>
    /// <typeparam name="T">The query's result type.</typeparam>
    /// <param name="queryName">The query's name.</param>
    /// <param name="argument">The query's argument, or null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The query's result.</returns>
    public Task<T?> QueryAsync<T>(string queryName, object? argument = null, CancellationToken cancellationToken = default) =>
        _client.QueryWorkflowAsync<T>(WorkflowId, queryName, argument, cancellationToken: cancellationToken);

    /// <summary>What the latest run's code waits on, and where (<c>__stack_trace</c>); see <see cref="OrchestratorClient.GetStackTraceAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The waits, in the order they began; empty for a closed run.</returns>
    public Task<IReadOnlyList<WorkflowWait>> GetStackTraceAsync(CancellationToken cancellationToken = default) =>
        _client.GetStackTraceAsync(WorkflowId, cancellationToken: cancellationToken);

    /// <summary>Sends an update to the open run and waits for its result; see <see cref="OrchestratorClient.ExecuteUpdateAsync{T}"/>.</summary>
    /// <typeparam name="T">The update handler's result type.</typeparam>
    /// <param name="updateName">The update's name.</param>
    /// <param name="argument">The update's argument, or null for none.</param>
    /// <param name="updateId">The update's id (the same id is applied once); default a new one.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What the update's handler returned.</returns>
    public Task<T?> ExecuteUpdateAsync<T>(string updateName, object? argument = null, string? updateId = null, CancellationToken cancellationToken = default) =>
        _client.ExecuteUpdateAsync<T>(WorkflowId, updateName, argument, updateId, cancellationToken);

    /// <summary>Sends an update and returns once it was accepted; see <see cref="OrchestratorClient.StartUpdateAsync"/>.</summary>
    /// <param name="updateName">The update's name.</param>
    /// <param name="argument">The update's argument, or null for none.</param>
    /// <param name="updateId">The update's id; default a new one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The update's handle.</returns>
    public Task<WorkflowUpdateHandle> StartUpdateAsync(string updateName, object? argument = null, string? updateId = null, CancellationToken cancellationToken = default) =>
        _client.StartUpdateAsync(WorkflowId, updateName, argument, updateId, cancellationToken);

    /// <summary>Waits for the outcome of update <paramref name="updateId"/>; see <see cref="OrchestratorClient.GetUpdateResultAsync{T}"/>.</summary>
    /// <typeparam name="T">The update handler's result type.</typeparam>
    /// <param name="updateId">The update's id.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What the update's handler returned.</returns>
    public Task<T?> GetUpdateResultAsync<T>(string updateId, CancellationToken cancellationToken = default) =>
        _client.GetUpdateResultAsync<T>(WorkflowId, updateId, cancellationToken);

    /// <summary>Sends a signal to the open run.</summary>
    /// <param name="signalName">The signal name.</param>
    /// <param name="payload">The payload (JSON-serialized), or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine accepted the signal.</returns>
    public Task SignalAsync(string signalName, object? payload = null, CancellationToken cancellationToken = default) =>
        _client.SignalWorkflowAsync(WorkflowId, signalName, payload, cancellationToken);

    /// <summary>Requests cancellation (the workflow sees it and may compensate).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine accepted the request.</returns>
    public Task CancelAsync(CancellationToken cancellationToken = default) => _client.CancelWorkflowAsync(WorkflowId, cancellationToken);

    /// <summary>Terminates the run at once (no workflow code runs).</summary>
    /// <param name="reason">Why, recorded in history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine accepted the request.</returns>
    public Task TerminateAsync(string? reason = null, CancellationToken cancellationToken = default) => _client.TerminateWorkflowAsync(WorkflowId, reason, cancellationToken);
}
