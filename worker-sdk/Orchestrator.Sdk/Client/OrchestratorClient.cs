using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Hosting;

namespace Orchestrator.Sdk;

/// <summary>
/// Calls the engine's REST API (<c>/api/v1</c>) from any .NET application: start, signal, cancel, terminate, describe and
/// list workflows, read histories, wait for results. JSON uses System.Text.Json web defaults (camelCase). Errors of the
/// API (RFC 7807 problem details) throw <see cref="OrchestratorApiException"/>. Thread-safe.
/// </summary>
/// <remarks>
/// An engine with <c>Orchestrator:ApiKey</c> set answers 401 to every call without that key: set <see cref="ApiKey"/>.
/// In an application with dependency injection, <see cref="OrchestratorClientServiceCollectionExtensions.AddOrchestratorClient"/>
/// registers it from configuration, over <c>IHttpClientFactory</c> with retries of safe calls only.
/// </remarks>
public sealed partial class OrchestratorClient : IDisposable
{
    private const int ResultWaitSeconds = 30;

    private const string ApiKeyHeader = "X-Api-Key";

    private static readonly JsonSerializerOptions ProtocolJson = CreateProtocolJson();

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _baseAddress;
    private readonly string? _apiKey;

    /// <summary>Creates a client of the engine at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The engine's address, e.g. <c>http://127.0.0.1:5080</c>.</param>
    /// <param name="httpClient">The HTTP client to use (e.g. from <c>IHttpClientFactory</c>); null: the client makes and disposes its own.</param>
    public OrchestratorClient(Uri baseAddress, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("The engine address must be absolute, e.g. http://127.0.0.1:5080.", nameof(baseAddress));
        }
        _baseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = TimeSpan.FromSeconds(ResultWaitSeconds + 70) };
    }

    /// <summary>
    /// The engine's API key (its <c>Orchestrator:ApiKey</c>), sent as header <c>X-Api-Key</c> on every call; null or empty
    /// sends none (for an engine without a key). Set on each request, so a shared <see cref="HttpClient"/> is not changed.
    /// </summary>
    /// <exception cref="ArgumentException">The key holds characters a header cannot carry (control characters, non-ASCII).</exception>
    public string? ApiKey
    {
        get => _apiKey;
        init
        {
            if (!IsValidApiKey(value))
            {
                throw new ArgumentException("The API key may hold only visible ASCII characters (no spaces or control characters).", nameof(value));
            }
            _apiKey = string.IsNullOrEmpty(value) ? null : value;
        }
    }

    /// <summary>Whether <paramref name="apiKey"/> can be sent as a header: null, empty or visible ASCII only.</summary>
    internal static bool IsValidApiKey(string? apiKey) => string.IsNullOrEmpty(apiKey) || apiKey.All(c => c is >= (char)0x21 and <= (char)0x7e);

    /// <summary>Where a refused key (401, 403) is logged as a configuration error (the worker's logger); null: not logged.</summary>
    internal ILogger? Logger { get; init; }

    /// <summary>The serializer of inputs, signal payloads and results: web defaults (camelCase, case-insensitive), enums as strings.</summary>
    public static JsonSerializerOptions JsonSerializerOptions => ProtocolJson;

    /// <summary>Starts a workflow (<c>POST /api/v1/workflows</c>).</summary>
    /// <param name="workflowType">The workflow type name (the class name of a <see cref="WorkflowAttribute"/> class unless renamed).</param>
    /// <param name="input">The input (JSON-serialized), or null.</param>
    /// <param name="options">Id, task queue and id reuse policy; null for the engine's defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A handle of the new run.</returns>
    /// <exception cref="OrchestratorApiException">409 when a run with that id is open; 400 for bad input.</exception>
    public async Task<WorkflowHandle> StartWorkflowAsync(string workflowType, object? input, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowType);
        var body = new StartWorkflowRequest(workflowType, options?.WorkflowId, options?.TaskQueue, ToJson(input), options?.IdReusePolicy,
            options?.RunTimeout, options?.RetryPolicy?.ToInfo(),
            options?.SearchAttributes?.ToDictionary(a => a.Key, a => JsonSerializer.SerializeToElement(a.Value, a.Value?.GetType() ?? typeof(object), ProtocolJson)));
        using var response = await SendAsync(HttpMethod.Post, "api/v1/workflows", JsonContent.Create(body, options: ProtocolJson), cancellationToken).ConfigureAwait(false);
        var started = await ReadAsync<StartWorkflowResponse>(response, cancellationToken).ConfigureAwait(false);
        return new WorkflowHandle(this, started.WorkflowId, started.RunId);
    }

    /// <summary>
    /// Signals the open run of <paramref name="workflowId"/>, or, when it has none, starts a run whose first events carry the
    /// signal, so its first workflow task sees it (<c>POST /api/v1/workflows/signal-with-start</c>). Atomic: concurrent calls
    /// on one id start one run, and every signal reaches it.
    /// </summary>
    /// <param name="workflowType">The workflow type of a run to start.</param>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="input">The input of a run to start (JSON-serialized), or null; unused when a run is open.</param>
    /// <param name="signalName">The signal name.</param>
    /// <param name="signalInput">The signal's payload (JSON-serialized), or null.</param>
    /// <param name="options">Task queue, run timeout and retry policy of a run to start; null for the engine's defaults.
    /// <see cref="StartWorkflowOptions.WorkflowId"/> must be null or <paramref name="workflowId"/>; <see cref="StartWorkflowOptions.IdReusePolicy"/> must be null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A handle of the run that got the signal.</returns>
    /// <exception cref="ArgumentException">The options name another workflow id, or an id reuse policy (signal-with-start has none).</exception>
    /// <exception cref="OrchestratorApiException">400 for bad input.</exception>
    public async Task<WorkflowHandle> SignalWithStartWorkflowAsync(string workflowType, string workflowId, object? input, string signalName, object? signalInput = null,
        StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowType);
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        ArgumentException.ThrowIfNullOrWhiteSpace(signalName);
        if (options?.WorkflowId is { } optionId && optionId != workflowId)
        {
            throw new ArgumentException($"The options name workflow id '{optionId}', the call '{workflowId}'.", nameof(options));
        }
        if (options?.IdReusePolicy is not null)
        {
            throw new ArgumentException("Signal-with-start takes no id reuse policy: it signals the open run, or starts one when none is open.", nameof(options));
        }
        var body = new SignalWithStartRequest(workflowType, workflowId, signalName, options?.TaskQueue, ToJson(input), ToJson(signalInput),
            RunTimeout: options?.RunTimeout, RetryPolicy: options?.RetryPolicy?.ToInfo());
        using var response = await SendAsync(HttpMethod.Post, "api/v1/workflows/signal-with-start", JsonContent.Create(body, options: ProtocolJson), cancellationToken)
            .ConfigureAwait(false);
        var answer = await ReadAsync<SignalWithStartResponse>(response, cancellationToken).ConfigureAwait(false);
        return new WorkflowHandle(this, answer.WorkflowId, answer.RunId);
    }

    /// <summary>A handle of an existing workflow (no call is made).</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="runId">A run id, or null for the latest run.</param>
    /// <returns>The handle.</returns>
    public WorkflowHandle GetHandle(string workflowId, string? runId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        return new WorkflowHandle(this, workflowId, runId);
    }

    /// <summary>A handle of an existing workflow (no call is made); the name DESIGN.md gives <see cref="GetHandle"/>.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="runId">A run id, or null for the latest run.</param>
    /// <returns>The handle.</returns>
    public WorkflowHandle GetWorkflowHandle(string workflowId, string? runId = null) => GetHandle(workflowId, runId);

    /// <summary>Sends a signal to the open run of <paramref name="workflowId"/> (<c>POST .../signals/{name}</c>).</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="signalName">The signal name.</param>
    /// <param name="payload">The payload (JSON-serialized), or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine accepted the signal.</returns>
    /// <exception cref="OrchestratorApiException">404 when no run is open.</exception>
    public async Task SignalWorkflowAsync(string workflowId, string signalName, object? payload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signalName);
        var content = new StringContent(JsonSerializer.Serialize(payload, ProtocolJson), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, $"{WorkflowPath(workflowId)}/signals/{Uri.EscapeDataString(signalName)}", content, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Requests cancellation of the open run (<c>POST .../cancel</c>); the workflow sees it and may compensate.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine accepted the request.</returns>
    public async Task CancelWorkflowAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"{WorkflowPath(workflowId)}/cancel", null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Terminates the open run at once (<c>POST .../terminate</c>); no workflow code runs.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="reason">Why, recorded in history.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine accepted the request.</returns>
    public async Task TerminateWorkflowAsync(string workflowId, string? reason = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"{WorkflowPath(workflowId)}/terminate",
            JsonContent.Create(new ReasonRequest(reason), options: ProtocolJson), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Describes a run (<c>GET /api/v1/workflows/{workflowId}</c>).</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="runId">A run id, or null for the latest run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The description.</returns>
    /// <exception cref="OrchestratorApiException">404 when there is no such workflow.</exception>
    public async Task<WorkflowDescription> DescribeWorkflowAsync(string workflowId, string? runId = null, CancellationToken cancellationToken = default)
    {
        var path = WorkflowPath(workflowId) + Query(("runId", runId));
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<WorkflowDescription>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one page of a run's history (<c>GET .../history</c>).</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="runId">A run id, or null for the latest run.</param>
    /// <param name="pageSize">Events per page, or null for the engine's default.</param>
    /// <param name="pageToken">The <see cref="HistoryPage.NextPageToken"/> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public async Task<HistoryPage> GetHistoryAsync(string workflowId, string? runId = null, int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var path = $"{WorkflowPath(workflowId)}/history" + Query(("runId", runId), ("pageSize", pageSize?.ToString(CultureInfo.InvariantCulture)), ("pageToken", pageToken));
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        // the UTF-8 body as it came: no string of it, and the events' attributes stay unparsed until the replay reads them
        var utf8 = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return HistoryJson.ParseHistoryPage(utf8);
    }

    /// <summary>Lists runs (<c>GET /api/v1/workflows</c>), newest first, one page at a time.</summary>
    /// <param name="status">Only runs in this state.</param>
    /// <param name="workflowType">Only runs of this type.</param>
    /// <param name="workflowIdPrefix">Only workflow ids starting with this.</param>
    /// <param name="pageSize">Runs per page, or null for the engine's default.</param>
    /// <param name="pageToken">The <see cref="WorkflowListPage.NextPageToken"/> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public async Task<WorkflowListPage> ListWorkflowsAsync(
        WorkflowStatus? status = null, string? workflowType = null, string? workflowIdPrefix = null, int? pageSize = null, string? pageToken = null,
        CancellationToken cancellationToken = default)
    {
        var path = "api/v1/workflows" + Query(
            ("status", status?.ToString()), ("workflowType", workflowType), ("workflowIdPrefix", workflowIdPrefix),
            ("pageSize", pageSize?.ToString(CultureInfo.InvariantCulture)), ("pageToken", pageToken));
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<WorkflowListPage>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of the runs matching a list query (<c>GET /api/v1/workflows?query=</c>; the language: docs/visibility.md).</summary>
    /// <param name="query">The query, e.g. <c>WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running' ORDER BY StartTime DESC</c>; empty for all runs.</param>
    /// <param name="pageSize">Runs per page, or null for the engine's default.</param>
    /// <param name="pageToken">The <see cref="WorkflowListPage.NextPageToken"/> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="OrchestratorApiException">400 for a bad query (its problem names the position).</exception>
    public async Task<WorkflowListPage> ListWorkflowsAsync(string query, int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = "api/v1/workflows" + Query(("query", query), ("pageSize", pageSize?.ToString(CultureInfo.InvariantCulture)), ("pageToken", pageToken));
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<WorkflowListPage>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many runs match a list query (<c>GET /api/v1/workflows/count</c>), in all or per value of <paramref name="groupBy"/>.</summary>
    /// <param name="query">The query (its ORDER BY, if any, is ignored); null or empty for all runs.</param>
    /// <param name="groupBy">ExecutionStatus, WorkflowType, TaskQueue, WorkflowId, ParentWorkflowId or a Keyword or Bool search attribute; null for one count.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count, or the groups.</returns>
    public async Task<WorkflowCount> CountWorkflowsAsync(string? query = null, string? groupBy = null, CancellationToken cancellationToken = default)
    {
        var path = "api/v1/workflows/count" + Query(("query", string.IsNullOrEmpty(query) ? null : query), ("groupBy", groupBy));
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<WorkflowCount>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers a search attribute (<c>POST /api/v1/search-attributes</c>); registering it again with the same type does nothing.</summary>
    /// <param name="name">The name: a letter, then letters, digits or '_'.</param>
    /// <param name="type">Its type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is registered.</returns>
    /// <exception cref="OrchestratorApiException">409 when it exists with another type; 400 for a bad name.</exception>
    public async Task RegisterSearchAttributeAsync(string name, SearchAttributeType type, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var response = await SendAsync(HttpMethod.Post, "api/v1/search-attributes",
            JsonContent.Create(new SearchAttributeDefinition(name, type), options: ProtocolJson), cancellationToken).ConfigureAwait(false);
        await ReadAsync<SearchAttributeDefinition>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The registered search attributes (<c>GET /api/v1/search-attributes</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Every attribute with its type.</returns>
    public async Task<IReadOnlyList<SearchAttributeDefinition>> ListSearchAttributesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/v1/search-attributes", null, cancellationToken).ConfigureAwait(false);
        return (await ReadAsync<SearchAttributeList>(response, cancellationToken).ConfigureAwait(false)).SearchAttributes;
    }

    /// <summary>
    /// Waits until the workflow closes (long-polling <c>GET .../result?waitSeconds=30</c>; the engine follows continue-as-new
    /// to the last run) and returns its result.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The result (default when the workflow returned nothing).</returns>
    /// <exception cref="WorkflowFailedException">The workflow failed, was canceled, terminated or timed out.</exception>
    public async Task<T?> GetResultAsync<T>(string workflowId, CancellationToken cancellationToken = default)
    {
        var path = $"{WorkflowPath(workflowId)}/result?waitSeconds={ResultWaitSeconds}";
        while (true)
        {
            using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                continue; // still open when the wait ended
            }
            var run = await ReadAsync<WorkflowDescription>(response, cancellationToken).ConfigureAwait(false);
            switch (run.Status)
            {
                case WorkflowStatus.Running:
                    continue;
                case WorkflowStatus.Completed:
                    return run.Result is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } result
                        ? result.Deserialize<T>(ProtocolJson)
                        : default;
                default:
                    throw new WorkflowFailedException(run.WorkflowId, run.RunId,
                        run.Failure ?? new FailureInfo(run.Status.ToString(), $"The workflow closed as {run.Status}."));
            }
        }
    }

    /// <summary>Creates a schedule (<c>POST /api/v1/schedules</c>); any engine fires it, each time once.</summary>
    /// <param name="schedule">Its id, spec, action, policy and state.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A handle of the schedule.</returns>
    /// <exception cref="OrchestratorApiException">409 when the id exists; 400 with the reason for a bad spec.</exception>
    public async Task<ScheduleHandle> CreateScheduleAsync(ScheduleDefinition schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        using var response = await SendAsync(HttpMethod.Post, "api/v1/schedules", JsonContent.Create(schedule, options: ProtocolJson), cancellationToken).ConfigureAwait(false);
        var created = await ReadAsync<CreateScheduleResponse>(response, cancellationToken).ConfigureAwait(false);
        return new ScheduleHandle(this, created.ScheduleId);
    }

    /// <summary>A handle of an existing schedule (no call is made).</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <returns>The handle.</returns>
    public ScheduleHandle GetScheduleHandle(string scheduleId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheduleId);
        return new ScheduleHandle(this, scheduleId);
    }

    /// <summary>One page of schedules by id (<c>GET /api/v1/schedules</c>).</summary>
    /// <param name="pageSize">At most this many (default 50).</param>
    /// <param name="pageToken">The <c>nextPageToken</c> of the page before.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public async Task<ScheduleListPage> ListSchedulesAsync(int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var query = Query(("pageSize", pageSize?.ToString(CultureInfo.InvariantCulture)), ("pageToken", pageToken));
        using var response = await SendAsync(HttpMethod.Get, "api/v1/schedules" + query, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<ScheduleListPage>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a trigger (<c>POST /api/v1/triggers</c>): events of its source start or signal workflows, each event once.</summary>
    /// <param name="trigger">Its id, source, action and webhook.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trigger id.</returns>
    /// <exception cref="OrchestratorApiException">409 when the id exists; 400 with the field and the reason.</exception>
    public async Task<string> CreateTriggerAsync(TriggerDefinition trigger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        using var response = await SendAsync(HttpMethod.Post, "api/v1/triggers", JsonContent.Create(trigger, options: ProtocolJson), cancellationToken).ConfigureAwait(false);
        return (await ReadAsync<CreateTriggerResponse>(response, cancellationToken).ConfigureAwait(false)).TriggerId;
    }

    /// <summary>A trigger with its stats (<c>GET /api/v1/triggers/{id}</c>).</summary>
    /// <param name="triggerId">The trigger id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trigger, defaults filled in, and its stats.</returns>
    /// <exception cref="OrchestratorApiException">404 when there is no such trigger.</exception>
    public async Task<TriggerDescription> DescribeTriggerAsync(string triggerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(triggerId);
        using var response = await SendAsync(HttpMethod.Get, TriggerPath(triggerId), null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<TriggerDescription>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of triggers by id (<c>GET /api/v1/triggers</c>).</summary>
    /// <param name="pageSize">At most this many (default 50).</param>
    /// <param name="pageToken">The <c>nextPageToken</c> of the page before.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public async Task<TriggerListPage> ListTriggersAsync(int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var query = Query(("pageSize", pageSize?.ToString(CultureInfo.InvariantCulture)), ("pageToken", pageToken));
        using var response = await SendAsync(HttpMethod.Get, "api/v1/triggers" + query, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<TriggerListPage>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces a trigger's source, action and webhook (<c>PUT /api/v1/triggers/{id}</c>); its stats and the events it took stay.</summary>
    /// <param name="triggerId">The trigger id.</param>
    /// <param name="trigger">The new definition (its id absent or the same).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="OrchestratorApiException">404 when there is no such trigger; 400 with the reason.</exception>
    public async Task UpdateTriggerAsync(string triggerId, TriggerDefinition trigger, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(triggerId);
        ArgumentNullException.ThrowIfNull(trigger);
        using var response = await SendAsync(HttpMethod.Put, TriggerPath(triggerId), JsonContent.Create(trigger, options: ProtocolJson), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a trigger (<c>DELETE /api/v1/triggers/{id}</c>); the workflows it started keep running.</summary>
    /// <param name="triggerId">The trigger id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="OrchestratorApiException">404 when there is no such trigger.</exception>
    public async Task DeleteTriggerAsync(string triggerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(triggerId);
        using var response = await SendAsync(HttpMethod.Delete, TriggerPath(triggerId), null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static string TriggerPath(string triggerId) => "api/v1/triggers/" + Uri.EscapeDataString(triggerId);

    /// <summary>The serializer of the protocol's bodies (for <see cref="ScheduleHandle"/>).</summary>
    internal static JsonSerializerOptions Protocol => ProtocolJson;

    /// <summary>Disposes the HTTP client if this client made it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseAddress, relative)) { Content = content };
        if (_apiKey is not null)
        {
            request.Headers.Add(ApiKeyHeader, _apiKey);
        }
        var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && Logger is { } logger)
        {
            logger.EngineRefusedApiKey(_baseAddress, (int)response.StatusCode, _apiKey is null ? "none is set" : "the key set is not the engine's");
        }
        return response;
    }

    private static string WorkflowPath(string workflowId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        return "api/v1/workflows/" + Uri.EscapeDataString(workflowId);
    }

    internal static string Query(params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }
            builder.Append(builder.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return builder.ToString();
    }

    private static JsonElement? ToJson(object? value) =>
        value switch
        {
            null => null,
            JsonElement element => element,
            _ => JsonSerializer.SerializeToElement(value, value.GetType(), ProtocolJson),
        };

    internal async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(ProtocolJson, cancellationToken).ConfigureAwait(false)
            ?? throw new OrchestratorApiException(response.StatusCode, "Empty response", $"The engine answered {(int)response.StatusCode} without a body.");
    }

    internal async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? title = null;
        string? detail = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = document.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                detail = document.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            }
        }
        catch (JsonException)
        {
            detail = string.IsNullOrWhiteSpace(body) ? null : body;
        }
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            detail = $"{detail ?? "The engine refused the call."} {(_apiKey is null ? "No API key is set" : "The API key set was refused")}: give the engine's Orchestrator:ApiKey (OrchestratorClient.ApiKey; a worker: Orchestrator:ApiKey).";
        }
        throw new OrchestratorApiException(response.StatusCode, title ?? response.ReasonPhrase ?? response.StatusCode.ToString(), detail);
    }

    private static JsonSerializerOptions CreateProtocolJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
