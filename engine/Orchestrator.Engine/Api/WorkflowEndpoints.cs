using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Api;

/// <summary>The REST API of DESIGN.md under <c>/api/v1</c>.</summary>
internal static class WorkflowEndpoints
{
    /// <summary>The OpenAPI tag of these operations.</summary>
    public const string Tag = "Workflows";

    public static void MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/workflows").WithTags(Tag).RequireAuthorization(ApiKeyAuthentication.Policy).AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (BodyException e)
            {
                return e.Problem;
            }
        });
        api.ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapPost("/", StartAsync).WithName("StartWorkflow")
            .WithSummary("Start a workflow")
            .WithDescription("Starts a run of `workflowType` on `taskQueue`. 409 when a run with the id is open, or when `idReusePolicy` forbids reusing the id of a closed one.")
            .Accepts<Contracts.Api.StartWorkflowRequest>("application/json")
            .Produces<StartWorkflowResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413);
        api.MapGet("/", ListAsync).WithName("ListWorkflows")
            .WithSummary("List runs")
            .WithDescription("Runs matching `query` (the list query language of docs/visibility.md, e.g. `WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running' ORDER BY StartTime DESC`), newest first unless it orders otherwise, one page at a time; `status`, `workflowType` and `workflowIdPrefix` filter too (with AND). Pass `nextPageToken` as `pageToken` for the next page. A bad query: 400 with `position` (0-based) and `expected`.")
            .Produces<WorkflowListPage>().ProducesProblem(400).ProducesProblem(503);
        api.MapGet("/count", CountByQueryAsync).WithName("CountWorkflowsByQuery")
            .WithSummary("Count runs matching a query")
            .WithDescription("`{\"count\"}` of the runs matching `query`, or with `groupBy` (ExecutionStatus, WorkflowType, TaskQueue, WorkflowId, ParentWorkflowId or a Keyword or Bool search attribute) `{\"groups\":[{\"value\",\"count\"}]}`, largest first.")
            .Produces<WorkflowCount>().ProducesProblem(400).ProducesProblem(503);
        api.MapGet("/counts", CountAsync).WithName("CountWorkflows")
            .WithSummary("Count runs per status")
            .WithDescription("How many runs are in each status (statuses without runs are left out), filtered like the list.")
            .Produces<WorkflowCounts>();
        api.MapGet("/{workflowId}", DescribeAsync).WithName("DescribeWorkflow")
            .WithSummary("Describe a run")
            .WithDescription("The latest run of the workflow (or run `runId`): status, input, result, failure, and for an open run its pending activities and workflow task.")
            .Produces<WorkflowDescription>().ProducesProblem(404);
        api.MapGet("/{workflowId}/history", HistoryAsync).WithName("GetHistory")
            .WithSummary("Read a run's history")
            .WithDescription("One page of the run's events in event id order (the latest run unless `runId`); pass `nextPageToken` as `pageToken` for the next page.")
            .Produces<HistoryPage>().ProducesProblem(400).ProducesProblem(404);
        api.MapGet("/{workflowId}/result", ResultAsync).WithName("GetResult")
            .WithSummary("Wait for a workflow's result")
            .WithDescription("Long-polls up to `waitSeconds` (default 30, at most 60): 200 with the describe body once the workflow closed (following continue-as-new to its last run), 202 with it while still open.")
            .Produces<WorkflowDescription>().Produces<WorkflowDescription>(StatusCodes.Status202Accepted).ProducesProblem(404);
        api.MapPost("/{workflowId}/signals/{signalName}", SignalAsync).WithName("SignalWorkflow")
            .WithSummary("Signal a workflow")
            .WithDescription("Delivers signal `signalName` with the body as its payload (any JSON value, or none) to the open run.")
            .Accepts<JsonElement>("application/json").Produces(StatusCodes.Status202Accepted).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413);
        api.MapPost("/{workflowId}/cancel", CancelAsync).WithName("CancelWorkflow")
            .WithSummary("Request cancellation")
            .WithDescription("Asks the open run to cancel: the workflow sees it and may compensate before it closes Canceled. The body is optional.")
            .Accepts<ReasonRequest>("application/json").Produces(StatusCodes.Status202Accepted).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413);
        api.MapPost("/{workflowId}/terminate", TerminateAsync).WithName("TerminateWorkflow")
            .WithSummary("Terminate a workflow")
            .WithDescription("Closes the open run Terminated at once; no workflow code runs. The reason is recorded in history.")
            .Accepts<ReasonRequest>("application/json").Produces(StatusCodes.Status202Accepted).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413);
        api.MapSignalWithStart();
        api.MapQueries();
        api.MapUpdates();
    }

    private static async Task<IResult> StartAsync(HttpRequest request, WorkflowEngine engine, Visibility.SearchAttributeRefresher searchAttributes, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<Contracts.Api.StartWorkflowRequest>(request, ct);
        if (body is null)
        {
            return Problems.BadRequest("The request body is required: {\"workflowType\", \"workflowId\"?, \"taskQueue\"?, \"input\"?, \"idReusePolicy\"?, \"runTimeout\"?, \"retryPolicy\"?}.");
        }
        if (StartChecks.Check(body.WorkflowType, body.TaskQueue, body.WorkflowId, body.RunTimeout, body.RetryPolicy) is { } error)
        {
            return Problems.BadRequest(error);
        }
        var policy = body.IdReusePolicy ?? WorkflowIdReusePolicy.AllowDuplicate;
        if (!Enum.IsDefined(policy))
        {
            return Problems.BadRequest($"'idReusePolicy' must be one of {string.Join(", ", Enum.GetNames<WorkflowIdReusePolicy>())}.");
        }
        if (body.WorkflowId is { } id && policy != WorkflowIdReusePolicy.AllowDuplicate && await engine.History.GetLatestRunAsync(id, ct) is { } last)
        {
            if (policy == WorkflowIdReusePolicy.RejectDuplicate
                || (policy == WorkflowIdReusePolicy.AllowDuplicateFailedOnly && last.Status is RunStatus.Completed or RunStatus.ContinuedAsNew))
            {
                return Problems.Conflict($"Workflow '{id}' already ran (last run {last.RunId}: {last.Status}) and the id reuse policy is {policy}.");
            }
        }
        var (attributes, attributesError) = await VisibilityEndpoints.CheckStartAttributesAsync(body.SearchAttributes, searchAttributes, ct);
        if (attributesError is not null)
        {
            return Problems.BadRequest(attributesError);
        }
        var input = body.Input is { ValueKind: JsonValueKind.Null } ? null : body.Input;
        try
        {
            var (workflowId, runId) = await engine.StartAsync(new Dispatch.StartWorkflowRequest(body.WorkflowType!, body.WorkflowId, body.TaskQueue, input,
                body.RunTimeout, body.RetryPolicy, SearchAttributes: attributes));
            return Results.Created($"/api/v1/workflows/{Uri.EscapeDataString(workflowId)}", new StartWorkflowResponse(workflowId, runId.ToString()));
        }
        catch (WorkflowAlreadyRunningException)
        {
            return Problems.Conflict($"A run of workflow '{body.WorkflowId}' is still open.");
        }
    }

    private static async Task<IResult> DescribeAsync(string workflowId, string? runId, WorkflowEngine engine, CancellationToken ct)
    {
        var run = await FindRunAsync(engine, workflowId, runId, ct);
        return run is null ? NotFound(workflowId, runId) : Results.Ok(await DescribeRunAsync(engine, run, detailed: true));
    }

    private static async Task<IResult> ListAsync(string? query, string? status, string? workflowType, string? workflowIdPrefix, int? pageSize, string? pageToken,
        WorkflowEngine engine, VisibilityStore visibility, Visibility.SearchAttributeRefresher searchAttributes, ILogger<VisibilityStore> logger, CancellationToken ct)
    {
        var size = pageSize ?? ApiLimits.DefaultListPageSize;
        if (size < 1 || size > ApiLimits.MaxListPageSize)
        {
            return Problems.BadRequest($"'pageSize' must be between 1 and {ApiLimits.MaxListPageSize}.");
        }
        if (status is not null && !IsStatus(status))
        {
            return Problems.BadRequest($"'status' must be one of Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut.");
        }
        return await VisibilityEndpoints.RunAsync(query, logger, async () =>
        {
            var parsed = Visibility.Query.QueryParser.ParseWithFilters(query, status, workflowType, workflowIdPrefix);
            OrderKey? order = null;
            string? tokenError = null;
            var runs = await visibility.ListAsync(parsed, searchAttributes.Catalog.Current, o =>
            {
                order = o;
                if (pageToken is null)
                {
                    return null;
                }
                tokenError = ListPageToken.TryDecode(pageToken, o, out var after);
                return tokenError is null ? after : null;
            }, size + 1, ct);
            if (tokenError is not null)
            {
                return Problems.BadRequest(tokenError);
            }
            var page = runs.Take(size).ToList();
            var next = runs.Count > size ? ListPageToken.Encode(order!, page[^1]) : null;
            var items = new List<WorkflowDescription>(page.Count);
            foreach (var run in page)
            {
                items.Add(await DescribeRunAsync(engine, run, detailed: false));
            }
            return Results.Ok(new WorkflowListPage(items, next));
        });
    }

    private static Task<IResult> CountByQueryAsync(string? query, string? groupBy, VisibilityStore visibility, Visibility.SearchAttributeRefresher searchAttributes,
        ILogger<VisibilityStore> logger, CancellationToken ct) =>
        VisibilityEndpoints.RunAsync(query, logger, async () =>
            Results.Ok(await visibility.CountAsync(Visibility.Query.QueryParser.ParseWithFilters(query, null, null, null), string.IsNullOrEmpty(groupBy) ? null : groupBy,
                searchAttributes.Catalog.Current, ct)));

    private static async Task<IResult> CountAsync(string? workflowType, string? workflowIdPrefix, WorkflowEngine engine) =>
        Results.Ok(new WorkflowCounts(await engine.Store.CountRunsAsync(workflowType, workflowIdPrefix)));

    private static async Task<IResult> HistoryAsync(string workflowId, string? runId, int? pageSize, string? pageToken, WorkflowEngine engine, CancellationToken ct)
    {
        var size = pageSize ?? ApiLimits.DefaultHistoryPageSize;
        if (size < 1 || size > ApiLimits.MaxHistoryPageSize)
        {
            return Problems.BadRequest($"'pageSize' must be between 1 and {ApiLimits.MaxHistoryPageSize}.");
        }
        long after = 0;
        if (pageToken is not null && !TryDecodeHistoryToken(pageToken, out after))
        {
            return Problems.BadRequest("'pageToken' is not a token this API gave.");
        }
        var run = await FindRunAsync(engine, workflowId, runId, ct);
        if (run is null)
        {
            return NotFound(workflowId, runId);
        }
        var stored = await engine.History.ReadHistoryAsync(run.RunId, after, size + 1, ct);
        var events = stored.Take(size).Select(e => Decider.TaskMessages.ToHistoryEvent(e.EventId, e.EventType, e.Timestamp, e.AttributesJson)).ToList();
        var next = stored.Count > size ? EncodeHistoryToken(events[^1].EventId) : null;
        return Results.Ok(new HistoryPage(events, next));
    }

    private static async Task<IResult> ResultAsync(string workflowId, int? waitSeconds, WorkflowEngine engine, RunCloseNotifier closes,
        EngineSettings settings, CancellationToken ct)
    {
        var wait = Math.Clamp(waitSeconds ?? ApiLimits.DefaultResultWaitSeconds, 0, ApiLimits.MaxResultWaitSeconds);
        var deadline = DateTime.UtcNow.AddSeconds(wait);
        WorkflowRunRecord? closedHere = null;
        var first = true;
        while (true)
        {
            using var watch = closes.Watch(workflowId); // taken before the read, so a close in between is not missed
            var closed = watch.Closed;
            // a run this engine started and has not seen close is open: the first read is skipped (a close wakes us)
            if (!(first && wait > 0 && closes.IsKnownOpen(workflowId)))
            {
                var run = closedHere ?? await engine.History.GetLatestRunAsync(workflowId, ct);
                closedHere = null;
                if (run is null)
                {
                    return NotFound(workflowId, null);
                }
                var done = run.Status is not (RunStatus.Running or RunStatus.ContinuedAsNew);
                if (done || deadline <= DateTime.UtcNow)
                {
                    var description = await DescribeRunAsync(engine, run, detailed: false);
                    return done ? Results.Ok(description) : Results.Json(description, statusCode: StatusCodes.Status202Accepted);
                }
            }
            first = false;
            // A close wakes us at once: by this engine with the closed run (no read), by another engine through its
            // PostgreSQL notification (we read). A run followed by another (continue-as-new, workflow retry) is followed by
            // reading the latest run again. The periodic re-read covers announcements missed while the listener was down.
            var left = deadline - DateTime.UtcNow;
            var reread = left < settings.ResultRereadInterval ? left : settings.ResultRereadInterval;
            if (await Task.WhenAny(closed, Task.Delay(reread > TimeSpan.Zero ? reread : TimeSpan.Zero, ct)) == closed
                && closed.Result is { NextRunId: null } record)
            {
                closedHere = record;
            }
        }
    }

    private static async Task<IResult> SignalAsync(string workflowId, string signalName, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        if (ApiLimits.CheckName("signalName", signalName, required: true) is { } error)
        {
            return Problems.BadRequest(error);
        }
        var payload = await RequestBodies.ReadRawAsync(request, ct);
        return await engine.SignalAsync(workflowId, signalName, payload)
            ? Results.Accepted()
            : Problems.NotFound($"Workflow '{workflowId}' has no open run.");
    }

    private static async Task<IResult> CancelAsync(string workflowId, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<ReasonRequest>(request, ct);
        return await engine.RequestCancelAsync(workflowId, body?.Reason)
            ? Results.Accepted()
            : Problems.NotFound($"Workflow '{workflowId}' has no open run.");
    }

    private static async Task<IResult> TerminateAsync(string workflowId, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<ReasonRequest>(request, ct);
        return await engine.TerminateAsync(workflowId, body?.Reason)
            ? Results.Accepted()
            : Problems.NotFound($"Workflow '{workflowId}' has no open run.");
    }

    internal static async Task<WorkflowRunRecord?> FindRunAsync(WorkflowEngine engine, string workflowId, string? runId, CancellationToken ct)
    {
        if (runId is null)
        {
            return await engine.History.GetLatestRunAsync(workflowId, ct);
        }
        if (!Guid.TryParse(runId, out var id))
        {
            return null;
        }
        var run = await engine.History.GetRunAsync(id, ct);
        return run?.WorkflowId == workflowId ? run : null;
    }

    internal static IResult NotFound(string workflowId, string? runId) =>
        Problems.NotFound(runId is null ? $"No workflow '{workflowId}'." : $"Workflow '{workflowId}' has no run '{runId}'.");

    private static async Task<WorkflowDescription> DescribeRunAsync(WorkflowEngine engine, WorkflowRunRecord run, bool detailed)
    {
        IReadOnlyList<PendingActivity>? pending = null;
        PendingWorkflowTask? task = null;
        if (detailed && run.Status == RunStatus.Running)
        {
            pending = (await engine.Store.PendingActivitiesAsync(run.RunId)).Select(a => new PendingActivity(
                a.ScheduledEventId, a.ActivityName, a.Attempt, a.State, Utc(a.StartedAt), ParseFailure(a.LastFailure),
                a.State == TaskState.Scheduled ? Utc(a.DispatchAfter) : null)).ToList();
            if (await engine.Store.ReadWorkflowTaskAsync(run.RunId) is { State: not TaskState.Idle } wt)
            {
                var note = wt.LastFailure is null
                    ? $"Waiting for a worker on task queue '{run.TaskQueue}' that knows workflow type '{run.WorkflowType}'."
                    : $"The workflow task failed {wt.Attempt - 1} time(s); it is retried (next at {wt.DispatchAfter:O}).";
                task = new PendingWorkflowTask(wt.ScheduledEventId, wt.Attempt, wt.State, ParseFailure(wt.LastFailure), note,
                    wt.State == TaskState.Scheduled ? Utc(wt.DispatchAfter) : null);
            }
        }
        return new WorkflowDescription(run.WorkflowId, run.RunId.ToString(), run.WorkflowType, run.TaskQueue, Enum.Parse<WorkflowStatus>(run.Status),
            ParseJson(run.Input), ParseJson(run.Result), ParseFailure(run.Failure), Utc(run.StartedAt)!.Value, Utc(run.ClosedAt),
            run.PreviousRunId?.ToString(), run.NextRunId?.ToString(), run.ParentWorkflowId, run.ParentRunId?.ToString(),
            run.NextEventId - 1, pending, task, Visibility.SearchAttributeRules.Read(run.SearchAttributes),
            run.ResetFromRunId?.ToString(), run.ResetToRunId?.ToString());
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static JsonElement? ParseJson(string? json)
    {
        if (json is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>A failure as stored (a <see cref="FailureInfo"/> in JSON), null when none.</summary>
    private static FailureInfo? ParseFailure(string? json) => json is null ? null : JsonSerializer.Deserialize<FailureInfo>(json, HistoryJson.Options);

    private static bool IsStatus(string s) => s is RunStatus.Running or RunStatus.Completed or RunStatus.Failed or RunStatus.Canceled
        or RunStatus.Terminated or RunStatus.ContinuedAsNew or RunStatus.TimedOut;

    private static string EncodeHistoryToken(long lastEventId) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"h:{lastEventId}"));

    private static bool TryDecodeHistoryToken(string token, out long lastEventId)
    {
        lastEventId = 0;
        var text = TryBase64(token);
        return text is not null && text.StartsWith("h:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(2), out lastEventId) && lastEventId >= 0;
    }

    private static string? TryBase64(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
