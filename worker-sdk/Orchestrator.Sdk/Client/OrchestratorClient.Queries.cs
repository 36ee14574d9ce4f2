using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Sdk;

public sealed partial class OrchestratorClient
{
    /// <summary>
    /// Asks a query of a run (<c>POST .../queries/{queryName}</c>): a worker of its task queue replays the run's history
    /// and calls the <see cref="WorkflowQueryAttribute"/> method; nothing is recorded. Open and closed runs answer.
    /// </summary>
    /// <typeparam name="T">The query's result type.</typeparam>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="queryName">The query's name.</param>
    /// <param name="argument">The query's argument (JSON-serialized), or null for none.</param>
    /// <param name="runId">A run id, or null for the latest run.</param>
    /// <param name="timeout">How long the engine waits for a worker's answer (1 to 60 s; null: the engine's 10 s).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The query's result.</returns>
    /// <exception cref="OrchestratorApiException">
    /// 400 for a query the workflow does not have (the detail lists its queries), 404 for no such run, 422 when the query
    /// threw or the run could not be replayed, 504 when no worker answered within the timeout.
    /// </exception>
    public async Task<T?> QueryWorkflowAsync<T>(string workflowId, string queryName, object? argument = null, string? runId = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queryName);
        var path = $"{WorkflowPath(workflowId)}/queries/{Uri.EscapeDataString(queryName)}"
            + Query(("runId", runId), ("timeoutSeconds", timeout is { } t ? Math.Ceiling(t.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null));
        using var content = argument is null ? null : JsonContent.Create(ToJson(argument), options: ProtocolJson);
        using var response = await SendAsync(HttpMethod.Post, path, content, cancellationToken).ConfigureAwait(false);
        var answer = await ReadAsync<WorkflowQueryResponse>(response, cancellationToken).ConfigureAwait(false);
        return answer.Result is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } result ? result.Deserialize<T>(ProtocolJson) : default;
    }

    /// <summary>
    /// What the run's code waits on, and where: the built-in query <c>__stack_trace</c> (<see cref="WorkflowWait.StackTraceQuery"/>),
    /// answered by a worker that replayed the run. One entry per wait (activity, timer, signal, condition, child, running
    /// update), in the order the waits began, with the file and line where the code called the API; empty for a closed run.
    /// </summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="runId">The run; null = the latest.</param>
    /// <param name="timeout">How long the engine waits for a worker's answer (1-60 s); null = the engine's default (10 s).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The waits.</returns>
    /// <exception cref="OrchestratorApiException">404 for no such run, 504 when no worker answered in time, 400 from a worker older than <c>__stack_trace</c>.</exception>
    public async Task<IReadOnlyList<WorkflowWait>> GetStackTraceAsync(string workflowId, string? runId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await QueryWorkflowAsync<List<WorkflowWait>>(workflowId, WorkflowWait.StackTraceQuery, null, runId, timeout, cancellationToken).ConfigureAwait(false) ?? [];
}
