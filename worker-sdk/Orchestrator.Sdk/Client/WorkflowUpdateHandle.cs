namespace Orchestrator.Sdk;

/// <summary>An accepted update (made by <see cref="OrchestratorClient.StartUpdateAsync"/>): its ids, and its outcome when it has one.</summary>
public sealed class WorkflowUpdateHandle
{
    private readonly OrchestratorClient _client;

    internal WorkflowUpdateHandle(OrchestratorClient client, string workflowId, string updateId, string? runId)
    {
        _client = client;
        WorkflowId = workflowId;
        UpdateId = updateId;
        RunId = runId;
    }

    /// <summary>The workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>The update's id.</summary>
    public string UpdateId { get; }

    /// <summary>The run that accepted the update.</summary>
    public string? RunId { get; }

    /// <summary>Waits for the update's handler to finish and returns its result.</summary>
    /// <typeparam name="T">The handler's result type.</typeparam>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What the handler returned.</returns>
    /// <exception cref="WorkflowUpdateFailedException">The handler threw, or the run closed before it finished.</exception>
    public Task<T?> GetResultAsync<T>(CancellationToken cancellationToken = default) => _client.GetUpdateResultAsync<T>(WorkflowId, UpdateId, cancellationToken);
}
