using System.Net;
using System.Text.Json;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Dashboard.Api;

/// <summary>Reset (<c>POST .../reset</c>, docs/visibility.md "Reset") and the raw pages of a history for its download.</summary>
internal sealed partial class EngineApiClient
{
    /// <summary><c>POST /api/v1/workflows/{workflowId}/reset</c>: 201 with the new run, or the problem (400 names the event that cannot be a point).</summary>
    public Task<ApiResult<ResetWorkflowResponse>> ResetAsync(string workflowId, ResetWorkflowRequest request, CancellationToken cancellationToken = default)
        => PostForAsync<ResetWorkflowResponse>(WorkflowPath(workflowId) + "/reset", JsonSerializer.Serialize(request, Json), cancellationToken);

    /// <summary>One page of a run's history as the engine wrote it (UTF-8 JSON, not parsed), or the problem.</summary>
    public async Task<ApiResult<byte[]>> GetHistoryPageBytesAsync(string workflowId, string runId, int pageSize, string? pageToken,
        CancellationToken cancellationToken = default)
    {
        var uri = WorkflowPath(workflowId) + "/history" + Query(
            ("runId", runId), ("pageSize", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("pageToken", pageToken));
        try
        {
            using var response = await http.GetAsync(new Uri(uri, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new(response.StatusCode, body, null)
                : new(response.StatusCode, null, ProblemText(response.StatusCode, System.Text.Encoding.UTF8.GetString(body)));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(HttpStatusCode.BadGateway, null, Unreachable(ex));
        }
    }
}
