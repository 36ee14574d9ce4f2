using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;

namespace Orchestrator.Dashboard.Api;

/// <summary>
/// The dashboard's typed client of the engine's REST API (<c>/api/v1</c>). Never throws for an HTTP error:
/// every call returns the engine's answer, with the problem+json title and detail as the error text.
/// </summary>
internal sealed partial class EngineApiClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = HistoryJson.Options;

    public Uri? BaseAddress => http.BaseAddress;

    /// <summary>A page of the list; a bad query's position is given in the filter's own query (<see cref="ListQuery"/> adds the time range).</summary>
    public async Task<ApiResult<WorkflowListPage>> ListWorkflowsAsync(WorkflowFilter filter, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var list = await GetAsync<WorkflowListPage>("api/v1/workflows" + Query(
            ("query", ListQuery.Of(filter)), ("status", filter.Status), ("workflowType", filter.WorkflowType), ("workflowIdPrefix", filter.WorkflowIdPrefix),
            ("pageSize", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("pageToken", pageToken)), cancellationToken).ConfigureAwait(false);
        return list with { Position = ListQuery.PositionInQuery(filter, list.Position) };
    }

    /// <summary>Runs per status of the filter (its status left out); with a query, by <c>GET .../count?groupBy=ExecutionStatus</c>.</summary>
    public async Task<ApiResult<WorkflowCounts>> CountWorkflowsAsync(WorkflowFilter filter, CancellationToken cancellationToken = default)
    {
        var text = ListQuery.Of(filter);
        if (string.IsNullOrWhiteSpace(text))
        {
            return await GetAsync<WorkflowCounts>("api/v1/workflows/counts" + Query(
                ("workflowType", filter.WorkflowType), ("workflowIdPrefix", filter.WorkflowIdPrefix)), cancellationToken).ConfigureAwait(false);
        }
        var query = WithoutOrder(text);
        if (filter.WorkflowType is { } type)
        {
            query = $"({query}) AND WorkflowType = '{type.Replace("'", "''", StringComparison.Ordinal)}'";
        }
        if (filter.WorkflowIdPrefix is { } prefix)
        {
            query = $"({query}) AND WorkflowId STARTS_WITH '{prefix.Replace("'", "''", StringComparison.Ordinal)}'";
        }
        var grouped = await GetAsync<WorkflowCount>("api/v1/workflows/count" + Query(("query", query), ("groupBy", "ExecutionStatus")), cancellationToken)
            .ConfigureAwait(false);
        return new(grouped.StatusCode, grouped.Value is { } v ? new WorkflowCounts((v.Groups ?? []).ToDictionary(g => g.Value ?? "", g => g.Count)) : null,
            grouped.Error, ListQuery.PositionInQuery(filter, grouped.Position));
    }

    /// <summary>The query without its ORDER BY (a count has none, and the filters are added after it): the first ORDER outside quotes.</summary>
    internal static string WithoutOrder(string query)
    {
        char? quote = null;
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (quote is { } q)
            {
                quote = c == q ? null : quote; // a doubled quote closes and opens again: the same
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if ((i == 0 || !char.IsLetterOrDigit(query[i - 1])) && string.Compare(query, i, "ORDER", 0, 5, StringComparison.OrdinalIgnoreCase) == 0
                && i + 5 < query.Length && char.IsWhiteSpace(query[i + 5]))
            {
                return query[..i];
            }
        }
        return query;
    }

    public Task<ApiResult<WorkflowDescription>> DescribeAsync(string workflowId, string? runId, CancellationToken cancellationToken = default)
        => GetAsync<WorkflowDescription>(WorkflowPath(workflowId) + Query(("runId", runId)), cancellationToken);

    public async Task<ApiResult<HistoryPage>> GetHistoryAsync(string workflowId, string? runId, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        var uri = WorkflowPath(workflowId) + "/history" + Query(
            ("runId", runId), ("pageSize", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("pageToken", pageToken));
        try
        {
            using var response = await http.GetAsync(new Uri(uri, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new(response.StatusCode, null, ProblemText(response.StatusCode, body));
            }
            return new(response.StatusCode, HistoryJson.ParseHistoryPage(body), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(0, null, Unreachable(ex));
        }
    }

    public Task<ActionResult> SignalAsync(string workflowId, string signalName, string jsonPayload, CancellationToken cancellationToken = default)
        => PostAsync(WorkflowPath(workflowId) + "/signals/" + Uri.EscapeDataString(signalName), jsonPayload, cancellationToken);

    public Task<ActionResult> CancelAsync(string workflowId, CancellationToken cancellationToken = default)
        => PostAsync(WorkflowPath(workflowId) + "/cancel", "{}", cancellationToken);

    public Task<ActionResult> TerminateAsync(string workflowId, string? reason, CancellationToken cancellationToken = default)
        => PostAsync(WorkflowPath(workflowId) + "/terminate", JsonSerializer.Serialize(new ReasonRequest(reason), Json), cancellationToken);

    /// <summary>
    /// Query <paramref name="queryName"/> of run <paramref name="runId"/> (the latest when null), with <paramref name="jsonArgument"/> as its argument
    /// (blank: none). A worker replays the run and answers; nothing is recorded. The engine waits up to 10 s for a worker (then 504).
    /// </summary>
    public Task<ApiResult<WorkflowQueryResponse>> QueryAsync(string workflowId, string? runId, string queryName, string? jsonArgument, CancellationToken cancellationToken = default)
        => PostForAsync<WorkflowQueryResponse>(WorkflowPath(workflowId) + "/queries/" + Uri.EscapeDataString(queryName) + Query(("runId", runId)),
            jsonArgument, cancellationToken);

    /// <summary>
    /// How long the engine waits for an update's handler to finish before it answers 202 <c>Accepted</c>: short, since validating may take up to
    /// 10 s before it (no worker answering) and the whole call must end within the client's 15 s.
    /// </summary>
    public const int UpdateWaitSeconds = 4;

    /// <summary>
    /// Update <paramref name="updateName"/> of the open run, with <paramref name="jsonArgument"/> as its argument (blank: none): 200 with the
    /// outcome (<c>Completed</c> or <c>Failed</c>), 202 <c>Accepted</c> when its handler had not finished within <see cref="UpdateWaitSeconds"/>,
    /// else the problem (422: the validator rejected it, with its message).
    /// </summary>
    public Task<ApiResult<WorkflowUpdateResponse>> UpdateAsync(string workflowId, string updateName, string? jsonArgument, CancellationToken cancellationToken = default)
        => PostForAsync<WorkflowUpdateResponse>(WorkflowPath(workflowId) + "/updates/" + Uri.EscapeDataString(updateName)
            + Query(("waitSeconds", UpdateWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))), jsonArgument, cancellationToken);

    public Task<ApiResult<ScheduleListPage>> ListSchedulesAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
        => GetAsync<ScheduleListPage>("api/v1/schedules" + Query(
            ("pageSize", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("pageToken", pageToken)), cancellationToken);

    public Task<ApiResult<TriggerListPage>> ListTriggersAsync(int pageSize, string? pageToken, CancellationToken cancellationToken = default)
        => GetAsync<TriggerListPage>("api/v1/triggers" + Query(
            ("pageSize", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("pageToken", pageToken)), cancellationToken);

    public Task<ApiResult<ScheduleDescription>> DescribeScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
        => GetAsync<ScheduleDescription>(SchedulePath(scheduleId), cancellationToken);

    public Task<ActionResult> PauseScheduleAsync(string scheduleId, string? note, CancellationToken cancellationToken = default)
        => PostAsync(SchedulePath(scheduleId) + "/pause", JsonSerializer.Serialize(new ScheduleNoteRequest(note), Json), cancellationToken);

    public Task<ActionResult> UnpauseScheduleAsync(string scheduleId, string? note, CancellationToken cancellationToken = default)
        => PostAsync(SchedulePath(scheduleId) + "/unpause", JsonSerializer.Serialize(new ScheduleNoteRequest(note), Json), cancellationToken);

    public Task<ActionResult> TriggerScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
        => PostAsync(SchedulePath(scheduleId) + "/trigger", "{}", cancellationToken);

    private async Task<ApiResult<T>> GetAsync<T>(string uri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(uri, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                return new(response.StatusCode, default, ProblemText(response.StatusCode, body), ProblemPosition(body));
            }
            var value = await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false);
            return value is null
                ? new(response.StatusCode, default, "The engine answered with an empty body.")
                : new(response.StatusCode, value, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(0, default, Unreachable(ex));
        }
    }

    /// <summary>A POST whose answer has a body to read (a query's result, an update's outcome); a blank <paramref name="json"/> sends no body.</summary>
    private async Task<ApiResult<T>> PostForAsync<T>(string uri, string? json, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new StringContent(string.IsNullOrWhiteSpace(json) ? "" : json, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(uri, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new(response.StatusCode, default, ProblemText(response.StatusCode, body), ProblemPosition(body));
            }
            try
            {
                var value = string.IsNullOrWhiteSpace(body) ? default : JsonSerializer.Deserialize<T>(body, Json);
                return value is null
                    ? new(response.StatusCode, default, "The engine answered with an empty body.")
                    : new(response.StatusCode, value, null);
            }
            catch (JsonException ex)
            {
                return new(response.StatusCode, default, $"The engine's answer ({(int)response.StatusCode}) could not be read: {ex.Message}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(0, default, Unreachable(ex));
        }
    }

    private async Task<ActionResult> PostAsync(string uri, string json, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(uri, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new(response.StatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}")
                : new(response.StatusCode, ProblemText(response.StatusCode, body));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(0, Unreachable(ex));
        }
    }

    private string Unreachable(Exception ex) => $"The engine at {http.BaseAddress} did not answer: {ex.Message}";

    /// <summary>"404 Not Found: title — detail" from an RFC 7807 body, or the status alone.</summary>
    internal static string ProblemText(HttpStatusCode status, string body)
    {
        var text = $"{(int)status} {status}";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var title = document.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var detail = document.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                var parts = new[] { title, detail }.Where(p => !string.IsNullOrWhiteSpace(p));
                var joined = string.Join(": ", parts);
                return joined.Length == 0 ? text : $"{text}: {joined}";
            }
        }
        catch (JsonException)
        {
        }
        return string.IsNullOrWhiteSpace(body) || body.Length > 300 ? text : $"{text}: {body.Trim()}";
    }

    /// <summary>The <c>position</c> of a bad query's problem, if the body has one.</summary>
    internal static int? ProblemPosition(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("position", out var p) && p.TryGetInt32(out var position)
                ? position
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string WorkflowPath(string workflowId) => "api/v1/workflows/" + Uri.EscapeDataString(workflowId);

    private static string SchedulePath(string scheduleId) => "api/v1/schedules/" + Uri.EscapeDataString(scheduleId);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return present.Count == 0 ? "" : "?" + string.Join("&", present);
    }
}
