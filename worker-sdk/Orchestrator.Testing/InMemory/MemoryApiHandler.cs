using System.Net;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;
using Orchestrator.Sdk;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// Serves the engine's workflow REST calls (<c>/api/v1/workflows...</c>: start, describe, history, result, signal, cancel,
/// terminate) from the <see cref="MemoryEngine"/>, so that <see cref="WorkflowTestEnvironment.Client"/> is a real
/// <see cref="OrchestratorClient"/>. Waiting for a result is what lets virtual time run.
/// </summary>
internal sealed class MemoryApiHandler(MemoryEngine engine) : HttpMessageHandler
{
    private static readonly JsonSerializerOptions Json = OrchestratorClient.JsonSerializerOptions;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (path is not ["api", "v1", "workflows", ..])
        {
            return Problem(HttpStatusCode.NotFound, $"The test environment serves /api/v1/workflows only, not {request.RequestUri.AbsolutePath}.");
        }
        var get = request.Method == HttpMethod.Get;
        if (path is [_, _, _, var id, "result"] && get)
        {
            return await ResultAsync(id, int.TryParse(query["waitSeconds"], out var wait) ? wait : 30, cancellationToken).ConfigureAwait(false);
        }
        await engine.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = path switch
            {
                [_, _, _] when request.Method == HttpMethod.Post => Start(body),
                [_, _, _, var wid] when get => Describe(wid, query["runId"]),
                [_, _, _, var wid, "history"] when get => History(wid, query["runId"]),
                [_, _, _, var wid, "signals", var name] => Deliver(wid, new SignalTrigger(name, Parse(body))),
                [_, _, _, var wid, "cancel"] => Deliver(wid, new CancelRequestTrigger(Reason(body))),
                [_, _, _, var wid, "terminate"] => Deliver(wid, new TerminateTrigger(Reason(body))),
                _ => Problem(HttpStatusCode.NotFound, $"The test environment does not serve {request.Method} {request.RequestUri.AbsolutePath}."),
            };
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
        var start = JsonSerializer.Deserialize<StartWorkflowRequest>(body, Json);
        if (start?.WorkflowType is not { Length: > 0 } type)
        {
            return Problem(HttpStatusCode.BadRequest, "'workflowType' is required.");
        }
        if (start.WorkflowId is { } id && engine.Shell.Latest(id) is { IsOpen: true })
        {
            return Problem(HttpStatusCode.Conflict, $"Workflow '{id}' has an open run.");
        }
        var run = engine.Shell.Start(new Engine.Dispatch.StartWorkflowRequest(type, start.WorkflowId, start.TaskQueue, start.Input, start.RunTimeout, start.RetryPolicy));
        return Ok(new StartWorkflowResponse(run.WorkflowId, run.RunId.ToString()), HttpStatusCode.Created);
    }

    private HttpResponseMessage Describe(string workflowId, string? runId) =>
        Find(workflowId, runId) is { } run ? Ok(Description(run)) : NotFound(workflowId);

    private HttpResponseMessage History(string workflowId, string? runId) =>
        Find(workflowId, runId) is { } run ? Ok(new HistoryPage(MemoryEngine.Events(run)), HttpStatusCode.OK, HistoryWriter.Options) : NotFound(workflowId);

    private HttpResponseMessage Deliver(string workflowId, RunTrigger trigger) =>
        engine.Shell.Latest(workflowId) is { IsOpen: true } run && engine.Shell.Execute(run.Run.RunId, trigger)
            ? new HttpResponseMessage(HttpStatusCode.Accepted)
            : Problem(HttpStatusCode.NotFound, $"Workflow '{workflowId}' has no open run.");

    private async Task<HttpResponseMessage> ResultAsync(string workflowId, int waitSeconds, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(Math.Clamp(waitSeconds, 0, 60));
        while (true)
        {
            var changed = engine.Changed;
            MemoryRun? run;
            await engine.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                run = await engine.RunUntilClosedAsync(workflowId, cancellationToken).ConfigureAwait(false);
            }
            catch (WorkflowTaskFailedInTestException ex)
            {
                return Problem(HttpStatusCode.InternalServerError, ex.Message);
            }
            finally
            {
                engine.Gate.Release();
            }
            if (run is null)
            {
                return NotFound(workflowId);
            }
            var left = deadline - DateTime.UtcNow;
            if (!run.IsOpen || left <= TimeSpan.Zero)
            {
                return Ok(Description(run), run.IsOpen ? HttpStatusCode.Accepted : HttpStatusCode.OK);
            }
            // every workflow waits for something only a client can give (a signal): wait for another thread's call
            await Task.WhenAny(changed, Task.Delay(left, cancellationToken)).ConfigureAwait(false);
        }
    }

    private MemoryRun? Find(string workflowId, string? runId) =>
        runId is null ? engine.Shell.Latest(workflowId)
        : Guid.TryParse(runId, out var id) && engine.Shell.Get(id) is { } run && run.Run.WorkflowId == workflowId ? run : null;

    private static WorkflowDescription Description(MemoryRun state)
    {
        var run = state.Run;
        return new WorkflowDescription(run.WorkflowId, run.RunId.ToString(), run.WorkflowType, run.TaskQueue, Enum.Parse<WorkflowStatus>(run.Status),
            Parse(run.Input), Parse(run.Result), run.Failure is { } f ? JsonSerializer.Deserialize<FailureInfo>(f, HistoryJson.Options) : null,
            Utc(run.StartedAt), run.ClosedAt is { } closed ? Utc(closed) : null, run.PreviousRunId?.ToString(), run.NextRunId?.ToString(),
            run.ParentWorkflowId, run.ParentRunId?.ToString(), run.NextEventId - 1);
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static string? Reason(string body) => string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize<ReasonRequest>(body, Json)?.Reason;

    private static HttpResponseMessage NotFound(string workflowId) => Problem(HttpStatusCode.NotFound, $"No workflow '{workflowId}'.");

    private static HttpResponseMessage Ok<T>(T value, HttpStatusCode status = HttpStatusCode.OK, JsonSerializerOptions? options = null) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(value, options ?? Json), Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Problem(HttpStatusCode status, string detail) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(new { title = status.ToString(), status = (int)status, detail }), Encoding.UTF8, "application/problem+json"),
    };
}
