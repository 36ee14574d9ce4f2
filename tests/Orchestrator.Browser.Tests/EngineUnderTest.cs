using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// The engine the browser tests run against, spoken to only through its REST API. By default a
/// <see cref="FakeEngine"/> hosted in the test (requiring an API key); with <c>ORCHESTRATOR_E2E_ENGINE_URL</c> set, that
/// real engine (with <c>ORCHESTRATOR_E2E_API_KEY</c> when it requires one, and a worker running
/// <c>ORCHESTRATOR_E2E_WORKFLOW_TYPE</c>, a workflow that stays open and accepts signals).
/// </summary>
internal sealed class EngineUnderTest : IAsyncDisposable
{
    public const string FakeApiKey = "browser-test-key";

    private EngineUnderTest(string url, string? apiKey, string workflowType, FakeEngine? fake)
    {
        Url = url;
        ApiKey = apiKey;
        WorkflowType = workflowType;
        Fake = fake;
        Http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(10) };
        if (apiKey is not null)
        {
            Http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
    }

    public string Url { get; }

    public string? ApiKey { get; }

    public string WorkflowType { get; }

    /// <summary>The fake engine, or null against a real one.</summary>
    public FakeEngine? Fake { get; }

    public HttpClient Http { get; }

    public static async Task<EngineUnderTest> StartAsync()
    {
        var real = Environment.GetEnvironmentVariable("ORCHESTRATOR_E2E_ENGINE_URL");
        if (!string.IsNullOrWhiteSpace(real))
        {
            var key = Environment.GetEnvironmentVariable("ORCHESTRATOR_E2E_API_KEY");
            var type = Environment.GetEnvironmentVariable("ORCHESTRATOR_E2E_WORKFLOW_TYPE");
            return new EngineUnderTest(real, string.IsNullOrEmpty(key) ? null : key, string.IsNullOrEmpty(type) ? "ApprovalWorkflow" : type, null);
        }
        var fake = await FakeEngine.StartAsync(FakeApiKey);
        return new EngineUnderTest(fake.Url, FakeApiKey, "OrderWorkflow", fake);
    }

    /// <summary>Starts a workflow with a fresh id through <c>POST /api/v1/workflows</c>.</summary>
    public async Task<string> StartWorkflowAsync(string idPrefix)
    {
        var id = $"{idPrefix}-{Guid.NewGuid().ToString("N")[..8]}";
        using var response = await Http.PostAsJsonAsync("api/v1/workflows", new { workflowType = WorkflowType, workflowId = id, input = new { orderId = 42, amount = 99.5 } });
        response.EnsureSuccessStatusCode();
        return id;
    }

    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string workflowId)
    {
        var events = new List<HistoryEvent>();
        string? token = null;
        do
        {
            var json = await Http.GetStringAsync($"api/v1/workflows/{Uri.EscapeDataString(workflowId)}/history" + (token is null ? "" : $"?pageToken={Uri.EscapeDataString(token)}"));
            var page = HistoryJson.ParseHistoryPage(json);
            events.AddRange(page.Events);
            token = page.NextPageToken;
        }
        while (token is not null);
        return events;
    }

    public async Task<string> StatusAsync(string workflowId)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync($"api/v1/workflows/{Uri.EscapeDataString(workflowId)}"));
        return document.RootElement.GetProperty("status").GetString()!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (Fake is not null)
        {
            await Fake.DisposeAsync();
        }
    }
}
