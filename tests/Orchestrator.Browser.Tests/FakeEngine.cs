using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// A stand-in for the engine's REST API (<c>/api/v1</c>) on Kestrel: canned runs, the real JSON shapes, signals,
/// cancel and terminate recorded and appended to history as the engine would. Requires <c>X-Api-Key</c> when given one.
/// </summary>
internal sealed class FakeEngine : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, FakeRun> runs = new();

    private FakeEngine(WebApplication app) => this.app = app;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<(string Path, string Body)> Posts { get; } = new();

    public static async Task<FakeEngine> StartAsync(string? apiKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var engine = new FakeEngine(app);
        engine.Map(apiKey);
        await app.StartAsync();
        engine.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return engine;
    }

    /// <summary>Appends an event to a run (as the engine would when work happens).</summary>
    public void Append(string workflowId, string eventType, object attributes)
    {
        var run = runs[workflowId];
        lock (run)
        {
            run.Events.Add(new HistoryEvent(run.Events.Count + 1, eventType, DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(attributes, HistoryJson.Options)));
        }
    }

    private void Map(string? apiKey)
    {
        if (apiKey is not null)
        {
            app.Use(async (context, next) =>
            {
                if (context.Request.Headers["X-Api-Key"] != apiKey)
                {
                    await Problem(context, 401, "Unauthorized", "X-Api-Key is missing or wrong.");
                    return;
                }
                await next(context);
            });
        }
        app.MapPost("/api/v1/workflows", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var root = body.RootElement;
            var id = root.TryGetProperty("workflowId", out var w) ? w.GetString()! : Guid.NewGuid().ToString("N");
            var run = FakeRun.Start(id, root.GetProperty("workflowType").GetString()!, root.TryGetProperty("input", out var input) ? input.Clone() : (JsonElement?)null);
            runs[id] = run;
            context.Response.StatusCode = 201;
            await context.Response.WriteAsJsonAsync(new { workflowId = id, runId = run.RunId }, HistoryJson.Options);
        });
        app.MapGet("/api/v1/workflows", (string? status, string? workflowType, string? workflowIdPrefix, int? pageSize, string? pageToken) =>
        {
            var all = Filter(workflowType, workflowIdPrefix).Where(r => status is null || r.Status == status).OrderByDescending(r => r.StartedAt).ToList();
            var skip = pageToken is null ? 0 : int.Parse(pageToken, CultureInfo.InvariantCulture);
            var size = pageSize ?? 25;
            var next = skip + size < all.Count ? (skip + size).ToString(CultureInfo.InvariantCulture) : null;
            return Results.Json(new { workflows = all.Skip(skip).Take(size).Select(r => r.Describe()), nextPageToken = next }, HistoryJson.Options);
        });
        app.MapGet("/api/v1/workflows/counts", (string? workflowType, string? workflowIdPrefix)
            => Results.Json(new { counts = Filter(workflowType, workflowIdPrefix).GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count()) }, HistoryJson.Options));
        app.MapGet("/api/v1/workflows/{workflowId}", async (HttpContext context, string workflowId) =>
        {
            if (!runs.TryGetValue(workflowId, out var run))
            {
                await Problem(context, 404, "Not Found", $"No workflow {workflowId}.");
                return;
            }
            await context.Response.WriteAsJsonAsync(run.Describe(), HistoryJson.Options);
        });
        app.MapGet("/api/v1/workflows/{workflowId}/history", async (HttpContext context, string workflowId, int? pageSize, string? pageToken) =>
        {
            if (!runs.TryGetValue(workflowId, out var run))
            {
                await Problem(context, 404, "Not Found", $"No workflow {workflowId}.");
                return;
            }
            List<HistoryEvent> events;
            lock (run)
            {
                events = [.. run.Events];
            }
            var after = pageToken is null ? 0 : long.Parse(pageToken, CultureInfo.InvariantCulture);
            var page = events.Where(e => e.EventId > after).Take(pageSize ?? 1000).ToList();
            var next = page.Count > 0 && page[^1].EventId < events[^1].EventId ? page[^1].EventId.ToString(CultureInfo.InvariantCulture) : null;
            await context.Response.WriteAsJsonAsync(new { events = page, nextPageToken = next }, HistoryJson.Options);
        });
        app.MapPost("/api/v1/workflows/{workflowId}/signals/{signalName}", (HttpContext context, string workflowId, string signalName)
            => Act(context, workflowId, (run, body) => Append(workflowId, EventTypes.SignalReceived,
                new SignalReceivedAttributes(signalName, body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.Clone()))));
        app.MapPost("/api/v1/workflows/{workflowId}/cancel", (HttpContext context, string workflowId)
            => Act(context, workflowId, (run, _) => Append(workflowId, EventTypes.WorkflowCancelRequested, new WorkflowCancelRequestedAttributes())));
        app.MapPost("/api/v1/workflows/{workflowId}/terminate", (HttpContext context, string workflowId)
            => Act(context, workflowId, (run, body) =>
            {
                var reason = JsonDocument.Parse(body).RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null;
                Append(workflowId, EventTypes.WorkflowTerminated, new WorkflowTerminatedAttributes(reason));
                run.Close("Terminated");
            }));
    }

    private async Task Act(HttpContext context, string workflowId, Action<FakeRun, string> apply)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        Posts.Enqueue((context.Request.Path.Value!, body));
        if (!runs.TryGetValue(workflowId, out var run) || run.Status != "Running")
        {
            await Problem(context, 404, "Not Found", $"No open run of {workflowId}.");
            return;
        }
        apply(run, body);
        context.Response.StatusCode = 202;
    }

    private IEnumerable<FakeRun> Filter(string? workflowType, string? prefix)
        => runs.Values.Where(r => (workflowType is null || r.WorkflowType == workflowType) && (prefix is null || r.WorkflowId.StartsWith(prefix, StringComparison.Ordinal)));

    private static Task Problem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { type = "about:blank", title, status, detail }, (JsonSerializerOptions?)null, "application/problem+json");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private sealed class FakeRun
    {
        public required string WorkflowId { get; init; }
        public required string WorkflowType { get; init; }
        public string RunId { get; } = Guid.NewGuid().ToString();
        public JsonElement? Input { get; init; }
        public string Status { get; private set; } = "Running";
        public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow.AddSeconds(-8);
        public DateTimeOffset? ClosedAt { get; private set; }
        public List<HistoryEvent> Events { get; } = [];

        /// <summary>A run that has charged a card on the second attempt, started a timer and is waiting on a retrying activity.</summary>
        public static FakeRun Start(string workflowId, string workflowType, JsonElement? input)
        {
            var run = new FakeRun { WorkflowId = workflowId, WorkflowType = workflowType, Input = input };
            var t = run.StartedAt;
            void Add(int ms, string type, object attributes)
                => run.Events.Add(new HistoryEvent(run.Events.Count + 1, type, t.AddMilliseconds(ms), JsonSerializer.SerializeToElement(attributes, HistoryJson.Options)));
            var array = JsonSerializer.SerializeToElement(new[] { input });
            Add(0, EventTypes.WorkflowStarted, new WorkflowStartedAttributes(workflowType, "default", input, 42));
            Add(20, EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
            Add(60, EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(2));
            Add(80, EventTypes.WorkflowTaskCompleted, new WorkflowTaskCompletedAttributes(2));
            Add(90, EventTypes.ActivityScheduled, new ActivityScheduledAttributes(1, "Charge", array));
            Add(400, EventTypes.ActivityStarted, new ActivityStartedAttributes(1, 5, 1));
            Add(2400, EventTypes.ActivityStarted, new ActivityStartedAttributes(1, 5, 2));
            Add(3000, EventTypes.ActivityCompleted, new ActivityCompletedAttributes(1, 5, JsonSerializer.SerializeToElement(new { receiptId = "rcpt-7" })));
            Add(3050, EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
            Add(3100, EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(9));
            Add(3120, EventTypes.WorkflowTaskCompleted, new WorkflowTaskCompletedAttributes(9));
            Add(3130, EventTypes.TimerStarted, new TimerStartedAttributes(2, TimeSpan.FromSeconds(2), t.AddMilliseconds(5130)));
            Add(3140, EventTypes.ActivityScheduled, new ActivityScheduledAttributes(3, "ReserveStock", array));
            Add(3500, EventTypes.ActivityStarted, new ActivityStartedAttributes(3, 13, 1));
            Add(5130, EventTypes.TimerFired, new TimerFiredAttributes(2, 12));
            Add(6500, EventTypes.ActivityStarted, new ActivityStartedAttributes(3, 13, 2));
            return run;
        }

        public void Close(string status)
        {
            Status = status;
            ClosedAt = DateTimeOffset.UtcNow;
        }

        public object Describe() => new
        {
            workflowId = WorkflowId, runId = RunId, workflowType = WorkflowType, taskQueue = "default", status = Status, input = Input,
            result = (object?)null, failure = (object?)null, startedAt = StartedAt, closedAt = ClosedAt,
            previousRunId = (string?)null, nextRunId = (string?)null, parentWorkflowId = (string?)null, parentRunId = (string?)null,
            historyLength = Events.Count,
            pendingActivities = Status != "Running" ? [] : new[]
            {
                new
                {
                    scheduledEventId = 13L, activityName = "ReserveStock", attempt = 2, startedAt = (DateTimeOffset?)StartedAt.AddSeconds(6.5),
                    lastFailure = (object?)new FailureInfo("TimeoutException", "Inventory service did not answer within 5 s.", "   at Shop.Inventory.ReserveAsync(Order order) in Inventory.cs:line 42\n   at Shop.Activities.ReserveStockAsync(Order order) in Activities.cs:line 17"),
                    nextAttemptAt = (DateTimeOffset?)null,
                },
            },
        };
    }
}
