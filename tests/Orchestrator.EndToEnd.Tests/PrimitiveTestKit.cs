using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>Calls and polls shared by the durable-primitive and failure-handling tests.</summary>
internal static class PrimitiveTestKit
{
    /// <summary>POST /api/v1/workflows with any body (the cluster's task queue is added); returns status and body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> StartAsync(Cluster cluster, string workflowType, object? input,
        string? workflowId = null, string? idReusePolicy = null, string? runTimeout = null, object? retryPolicy = null)
    {
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), "/api/v1/workflows"),
            new { workflowType, workflowId, taskQueue = cluster.TaskQueue, input, idReusePolicy, runTimeout, retryPolicy });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    public static async Task<HttpStatusCode> PostAsync(Cluster cluster, string path, object? body = null)
    {
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), path), body);
        return response.StatusCode;
    }

    public static Task<HttpStatusCode> SignalAsync(Cluster cluster, string workflowId, string name, object? payload) =>
        PostAsync(cluster, $"/api/v1/workflows/{workflowId}/signals/{name}", payload);

    public static async Task<JsonElement> DescribeAsync(Cluster cluster, string workflowId, string? runId = null)
    {
        var json = await cluster.Http.GetStringAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{workflowId}" + (runId is null ? "" : $"?runId={runId}")));
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public static async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(Cluster cluster, string workflowId, string? runId)
    {
        var json = await cluster.Http.GetStringAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{workflowId}/history?pageSize=10000" + (runId is null ? "" : $"&runId={runId}")));
        return HistoryJson.ParseHistoryPage(json).Events;
    }

    /// <summary>Polls the latest run's history until <paramref name="condition"/> holds (engine restarts are tolerated).</summary>
    public static async Task<IReadOnlyList<HistoryEvent>> WaitForHistoryAsync(Cluster cluster, string workflowId,
        Func<IReadOnlyList<HistoryEvent>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                var history = await cluster.HistoryAsync(workflowId);
                if (condition(history))
                {
                    return history;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The history of {workflowId} did not reach the expected state.\n{cluster.Logs()}");
            }
            await Task.Delay(50);
        }
    }

    public static Task<IReadOnlyList<HistoryEvent>> WaitForEventAsync(Cluster cluster, string workflowId, string eventType, int count = 1) =>
        WaitForHistoryAsync(cluster, workflowId, h => h.Count(e => e.EventType == eventType) >= count);

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>A fresh directory the worker's activities leave marks in (same machine).</summary>
    public static string NewMarkDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "orchestrator-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Lines of <c>{dir}/{file}</c> (none when it does not exist yet).</summary>
    public static string[] Lines(string dir, string file = "log.txt")
    {
        var path = Path.Combine(dir, file);
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    /// <summary>The unix-ms time of the line of <c>log.txt</c> that starts with <paramref name="prefix"/>.</summary>
    public static DateTimeOffset MarkTime(string dir, string prefix) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Lines(dir).Single(l => l.StartsWith(prefix + " ", StringComparison.Ordinal)).Split(' ')[^1]));

    public static JsonElement Attr(HistoryEvent e, string name) => e.Attributes.GetProperty(name);

    public static string Status(JsonElement describe) => describe.GetProperty("status").GetString()!;
}
