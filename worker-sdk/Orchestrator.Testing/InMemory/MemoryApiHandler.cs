using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Api;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Visibility;
using Orchestrator.Sdk;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// Serves the engine's workflow REST calls (<c>/api/v1/workflows...</c>: start, signal-with-start, describe, history,
/// result, signal, cancel, terminate, queries, updates, list and count; <c>/api/v1/search-attributes</c>) from the
/// <see cref="MemoryEngine"/>, with the engine's statuses and problem details, so that
/// <see cref="WorkflowTestEnvironment.Client"/> is a real <see cref="OrchestratorClient"/>. Waiting for a result or an
/// update's outcome is what lets virtual time run.
/// </summary>
internal sealed partial class MemoryApiHandler(MemoryEngine engine) : HttpMessageHandler
{
    private static readonly JsonSerializerOptions Json = OrchestratorClient.JsonSerializerOptions;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var get = request.Method == HttpMethod.Get;
        var post = request.Method == HttpMethod.Post;
        try
        {
            // the calls that wait (and let virtual time run meanwhile) take the gate themselves
            switch (path)
            {
                case ["api", "v1", "workflows", var id, "result"] when get:
                    return await ResultAsync(id, Int(query, "waitSeconds") ?? ApiLimits.DefaultResultWaitSeconds, cancellationToken).ConfigureAwait(false);
                case ["api", "v1", "workflows", "update-with-start"] when post:
                    return await UpdateWithStartAsync(body, query, cancellationToken).ConfigureAwait(false);
                case ["api", "v1", "workflows", var id, "updates", var name] when post:
                    return await UpdateAsync(id, name, query, body, cancellationToken).ConfigureAwait(false);
                case ["api", "v1", "workflows", var id, "updates", var updateId] when get:
                    return await GetUpdateAsync(id, updateId, query, cancellationToken).ConfigureAwait(false);
            }
            return await LockedAsync(() => path switch
            {
                ["api", "v1", "workflows"] when post => Start(body),
                ["api", "v1", "workflows"] when get => List(query),
                ["api", "v1", "workflows", "signal-with-start"] when post => SignalWithStart(body),
                ["api", "v1", "workflows", "count"] when get => Count(query),
                ["api", "v1", "workflows", var id] when get => Describe(id, query["runId"]),
                ["api", "v1", "workflows", var id, "history"] when get => History(id, query["runId"]),
                ["api", "v1", "workflows", var id, "signals", var name] when post => Signal(id, name, body),
                ["api", "v1", "workflows", var id, "cancel"] when post => Deliver(id, new CancelRequestTrigger(Reason(body))),
                ["api", "v1", "workflows", var id, "terminate"] when post => Deliver(id, new TerminateTrigger(Reason(body))),
                ["api", "v1", "workflows", var id, "queries", var name] when post => Query(id, name, query, body),
                ["api", "v1", "search-attributes"] when post => RegisterSearchAttribute(body),
                ["api", "v1", "search-attributes"] when get => Ok(new SearchAttributeList(SearchAttributes())),
                _ => Problem(HttpStatusCode.NotFound, "Not found", $"The test environment does not serve {request.Method} {request.RequestUri.AbsolutePath}."),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return BadRequest($"The request body is not valid JSON, or does not have the expected shape: {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="call"/> as the one change of the moment, and what it leads to until nothing is left.</summary>
    private async Task<T> LockedAsync<T>(Func<T> call, CancellationToken cancellationToken)
    {
        await engine.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = call();
            await engine.DrainAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            engine.Gate.Release();
            engine.NotifyChanged();
        }
    }

    private HttpResponseMessage Start(string body)
    {
        var start = JsonSerializer.Deserialize<Contracts.Api.StartWorkflowRequest>(body, Json);
        if (start is null)
        {
            return BadRequest("The request body is required: {\"workflowType\", \"workflowId\"?, \"taskQueue\"?, \"input\"?, \"idReusePolicy\"?, \"runTimeout\"?, \"retryPolicy\"?}.");
        }
        if ((StartChecks.Check(start.WorkflowType, start.TaskQueue, start.WorkflowId, start.RunTimeout, start.RetryPolicy)
            ?? StartChecks.CheckSearchAttributes(start.SearchAttributes)) is { } error)
        {
            return BadRequest(error);
        }
        var policy = start.IdReusePolicy ?? WorkflowIdReusePolicy.AllowDuplicate;
        if (!Enum.IsDefined(policy))
        {
            return BadRequest($"'idReusePolicy' must be one of {string.Join(", ", Enum.GetNames<WorkflowIdReusePolicy>())}.");
        }
        if (start.WorkflowId is { } id && engine.Shell.Latest(id) is { } last)
        {
            if (last.IsOpen)
            {
                return Conflict($"A run of workflow '{id}' is still open.");
            }
            if (policy == WorkflowIdReusePolicy.RejectDuplicate
                || (policy == WorkflowIdReusePolicy.AllowDuplicateFailedOnly && last.Run.Status is RunStatus.Completed or RunStatus.ContinuedAsNew))
            {
                return Conflict($"Workflow '{id}' already ran (last run {last.Run.RunId}: {last.Run.Status}) and the id reuse policy is {policy}.");
            }
        }
        if (StartAttributes(start.SearchAttributes, out var attributes) is { } attributesError)
        {
            return BadRequest(attributesError);
        }
        var run = engine.Shell.Start(new Engine.Dispatch.StartWorkflowRequest(start.WorkflowType, start.WorkflowId, start.TaskQueue, NullAsNone(start.Input),
            start.RunTimeout, start.RetryPolicy, SearchAttributes: attributes));
        return Ok(new StartWorkflowResponse(run.WorkflowId, run.RunId.ToString()), HttpStatusCode.Created);
    }

    private HttpResponseMessage SignalWithStart(string body)
    {
        var request = JsonSerializer.Deserialize<SignalWithStartRequest>(body, Json);
        if (request is null)
        {
            return BadRequest("The request body is required: {\"workflowType\", \"workflowId\", \"signalName\", \"taskQueue\"?, \"input\"?, \"signalInput\"?, "
                + "\"searchAttributes\"?, \"runTimeout\"?, \"retryPolicy\"?}.");
        }
        var error = (string.IsNullOrEmpty(request.WorkflowId) ? "'workflowId' is required." : null)
            ?? StartChecks.Check(request.WorkflowType, request.TaskQueue, request.WorkflowId, request.RunTimeout, request.RetryPolicy)
            ?? ApiLimits.CheckName("signalName", request.SignalName, required: true)
            ?? StartChecks.CheckSearchAttributes(request.SearchAttributes);
        string? attributes = null;
        if ((error ?? StartAttributes(request.SearchAttributes, out attributes)) is { } bad)
        {
            return BadRequest(bad);
        }
        var signal = new SignalTrigger(request.SignalName, NullAsNone(request.SignalInput));
        if (engine.Shell.Latest(request.WorkflowId) is { IsOpen: true } open)
        {
            engine.Shell.Execute(open.Run.RunId, signal);
            return Ok(new SignalWithStartResponse(request.WorkflowId, open.Run.RunId.ToString(), false));
        }
        var run = engine.Shell.Start(new Engine.Dispatch.StartWorkflowRequest(request.WorkflowType, request.WorkflowId, request.TaskQueue, NullAsNone(request.Input),
            request.RunTimeout, request.RetryPolicy, SearchAttributes: attributes), signal);
        return Ok(new SignalWithStartResponse(request.WorkflowId, run.RunId.ToString(), true));
    }

    private HttpResponseMessage Describe(string workflowId, string? runId) =>
        Find(workflowId, runId) is { } run ? Ok(Description(run, detailed: true)) : NotFound(workflowId, runId);

    private HttpResponseMessage History(string workflowId, string? runId) =>
        Find(workflowId, runId) is { } run ? Ok(new HistoryPage(MemoryEngine.Events(run)), HttpStatusCode.OK, HistoryWriter.Options) : NotFound(workflowId, runId);

    private HttpResponseMessage Signal(string workflowId, string signalName, string body) =>
        ApiLimits.CheckName("signalName", signalName, required: true) is { } error ? BadRequest(error) : Deliver(workflowId, new SignalTrigger(signalName, Parse(body)));

    private HttpResponseMessage Deliver(string workflowId, RunTrigger trigger) =>
        engine.Shell.Latest(workflowId) is { IsOpen: true } run && engine.Shell.Execute(run.Run.RunId, trigger)
            ? new HttpResponseMessage(HttpStatusCode.Accepted)
            : NoOpenRun(workflowId);

    private async Task<HttpResponseMessage> ResultAsync(string workflowId, int waitSeconds, CancellationToken cancellationToken)
    {
        var (run, failed) = await WaitAsync(workflowId, waitSeconds, _ => false, cancellationToken).ConfigureAwait(false);
        return failed ?? (run is null ? NotFound(workflowId, null) : Ok(Description(run, detailed: false), run.IsOpen ? HttpStatusCode.Accepted : HttpStatusCode.OK));
    }

    /// <summary>
    /// Runs (skipping virtual time whenever every workflow waits) until the latest run of <paramref name="workflowId"/>
    /// closes or <paramref name="done"/> holds; when nothing more is due, waits in wall time for another thread's call, up
    /// to <paramref name="waitSeconds"/>. Returns the run, or the problem of a workflow task that failed.
    /// </summary>
    private async Task<(MemoryRun? Run, HttpResponseMessage? Failed)> WaitAsync(string workflowId, int waitSeconds, Func<MemoryRun, bool> done,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(Math.Clamp(waitSeconds, 0, ApiLimits.MaxResultWaitSeconds));
        while (true)
        {
            var changed = engine.Changed;
            MemoryRun? run;
            await engine.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                run = await engine.RunUntilAsync(workflowId, done, cancellationToken).ConfigureAwait(false);
            }
            catch (WorkflowTaskFailedInTestException ex)
            {
                return (null, Problem(HttpStatusCode.InternalServerError, "Workflow task failed", ex.Message));
            }
            finally
            {
                engine.Gate.Release();
            }
            if (run is null || !run.IsOpen || done(run) || deadline <= DateTime.UtcNow)
            {
                return (run, null);
            }
            // every workflow waits for something only a client can give (a signal): wait for another thread's call
            await Task.WhenAny(changed, Task.Delay(deadline - DateTime.UtcNow, cancellationToken)).ConfigureAwait(false);
        }
    }

    private MemoryRun? Find(string workflowId, string? runId) =>
        runId is null ? engine.Shell.Latest(workflowId)
        : Guid.TryParse(runId, out var id) && engine.Shell.Get(id) is { } run && run.Run.WorkflowId == workflowId ? run : null;

    private WorkflowDescription Description(MemoryRun state, bool detailed)
    {
        var run = state.Run;
        IReadOnlyList<PendingActivity>? pending = null;
        PendingWorkflowTask? task = null;
        if (detailed && state.IsOpen)
        {
            pending = state.Activities.Values.OrderBy(a => a.ScheduledEventId).Select(a => new PendingActivity(a.ScheduledEventId, a.ActivityName, a.Attempt,
                a.State, Utc(a.StartedAt), Failure(a.LastFailure), a.State == TaskState.Scheduled ? Utc(a.DispatchAfter) : null)).ToList();
            if (state.Task is { State: not TaskState.Idle } wt)
            {
                var note = wt.LastFailure is null
                    ? $"Waiting for a worker on task queue '{run.TaskQueue}' that knows workflow type '{run.WorkflowType}'."
                    : $"The workflow task failed {wt.Attempt - 1} time(s); it is retried (next at {wt.DispatchAfter:O}).";
                task = new PendingWorkflowTask(wt.ScheduledEventId, wt.Attempt, wt.State, Failure(wt.LastFailure), note,
                    wt.State == TaskState.Scheduled ? Utc(wt.DispatchAfter) : null);
            }
        }
        return new WorkflowDescription(run.WorkflowId, run.RunId.ToString(), run.WorkflowType, run.TaskQueue, Enum.Parse<WorkflowStatus>(run.Status),
            Parse(run.Input), Parse(run.Result), Failure(run.Failure), Utc(run.StartedAt)!.Value, Utc(run.ClosedAt), run.PreviousRunId?.ToString(),
            run.NextRunId?.ToString(), run.ParentWorkflowId, run.ParentRunId?.ToString(), run.NextEventId - 1, pending, task,
            SearchAttributeRules.Read(run.SearchAttributes));
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static FailureInfo? Failure(string? json) => json is null ? null : JsonSerializer.Deserialize<FailureInfo>(json, HistoryJson.Options);

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static JsonElement? NullAsNone(JsonElement? value) => value is { ValueKind: JsonValueKind.Null } ? null : value;

    private static int? Int(NameValueCollection query, string name) => int.TryParse(query[name], out var value) ? value : null;

    private static string? Reason(string body) => string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize<ReasonRequest>(body, Json)?.Reason;

    private static HttpResponseMessage NotFound(string workflowId, string? runId) =>
        Problem(HttpStatusCode.NotFound, "Not found", runId is null ? $"No workflow '{workflowId}'." : $"Workflow '{workflowId}' has no run '{runId}'.");

    private static HttpResponseMessage NoOpenRun(string workflowId) => Problem(HttpStatusCode.NotFound, "Not found", $"Workflow '{workflowId}' has no open run.");

    private static HttpResponseMessage BadRequest(string detail) => Problem(HttpStatusCode.BadRequest, "Bad request", detail);

    private static HttpResponseMessage Conflict(string detail) => Problem(HttpStatusCode.Conflict, "Conflict", detail);

    private static HttpResponseMessage Ok<T>(T value, HttpStatusCode status = HttpStatusCode.OK, JsonSerializerOptions? options = null) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(value, options ?? Json), Encoding.UTF8, "application/json") };

    /// <summary>An RFC 7807 problem as the engine writes one (<c>Problems</c>): title, status, detail and the extensions given.</summary>
    private static HttpResponseMessage Problem(HttpStatusCode status, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new Dictionary<string, object?> { ["title"] = title, ["status"] = (int)status, ["detail"] = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem[key] = value;
        }
        return new HttpResponseMessage(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(problem, Json), Encoding.UTF8, "application/problem+json"),
        };
    }
}
