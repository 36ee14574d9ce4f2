using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.TestSupport;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// The engine the browser tests run against, spoken to only through its REST API. By default the real engine and the
/// real sample worker (<c>samples/OrderSample</c>: <c>OrderWorkflow</c>, <c>ApprovalWorkflow</c>) started from build
/// output as separate processes (and, for the tests that ask, the test worker: <see cref="TestWorkerTaskQueueAsync"/>), on a fresh database and their own engine and task queues on the test servers
/// (<see cref="TestServers"/>), the engine requiring an API key. With <c>ORCHESTRATOR_E2E_ENGINE_URL</c> set: that
/// engine instead (with <c>ORCHESTRATOR_E2E_API_KEY</c> when it requires one), which must have the sample worker
/// on <c>ORCHESTRATOR_E2E_TASK_QUEUE</c> (default: the engine's default task queue).
/// </summary>
internal sealed class EngineUnderTest : IAsyncDisposable
{
    public const string LocalApiKey = "browser-test-key";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly ChildProcess? engine;
    private readonly ChildProcess? worker;
    private readonly string? database;
    private readonly string? engineQueue;
    private readonly SemaphoreSlim testWorkerLock = new(1, 1);
    private (ChildProcess Process, string TaskQueue)? testWorker;

    private EngineUnderTest(string url, string? apiKey, string? taskQueue, ChildProcess? engine = null, ChildProcess? worker = null, string? database = null,
        string? engineQueue = null)
    {
        Url = url;
        ApiKey = apiKey;
        TaskQueue = taskQueue;
        this.engine = engine;
        this.worker = worker;
        this.database = database;
        this.engineQueue = engineQueue;
        Http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(40) };
        if (apiKey is not null)
        {
            Http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
    }

    public string Url { get; }

    public string? ApiKey { get; }

    /// <summary>Where the workflows are started; null for the engine's default.</summary>
    public string? TaskQueue { get; }

    public HttpClient Http { get; }

    public static async Task<EngineUnderTest> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable("ORCHESTRATOR_E2E_ENGINE_URL");
        if (!string.IsNullOrWhiteSpace(given))
        {
            var key = Environment.GetEnvironmentVariable("ORCHESTRATOR_E2E_API_KEY");
            var queue = Environment.GetEnvironmentVariable("ORCHESTRATOR_E2E_TASK_QUEUE");
            return new EngineUnderTest(given, string.IsNullOrEmpty(key) ? null : key, string.IsNullOrEmpty(queue) ? null : queue);
        }
        return await StartLocalAsync();
    }

    /// <summary>Engine and sample worker as processes (like <c>./run.sh</c>), then one order run end to end so that the worker is known to answer.</summary>
    private static async Task<EngineUnderTest> StartLocalAsync()
    {
        var database = await TestServers.CreateDatabaseAsync("browser");
        var rabbitMq = await TestServers.RabbitMqAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var engineQueue = "orchestrator-engine-browser-" + suffix;
        var taskQueue = "browser-" + suffix;
        var url = $"http://127.0.0.1:{DashboardProcess.FreePort()}";
        var engine = ChildProcess.Start("engine", BuildOutput("EngineDll"), new Dictionary<string, string>
        {
            ["Orchestrator__Postgres"] = database,
            ["Orchestrator__RabbitMq"] = rabbitMq,
            ["Orchestrator__EngineQueue"] = engineQueue,
            ["Orchestrator__ApiKey"] = LocalApiKey,
        }, "--urls", url);
        EngineUnderTest? started = null;
        try
        {
            await WaitReadyAsync(engine, url);
            var worker = ChildProcess.Start("worker", BuildOutput("WorkerDll"), new Dictionary<string, string>
            {
                ["Orchestrator__RabbitMq"] = await TestServers.RabbitMqWorkerAsync(),
                ["Orchestrator__EngineUrl"] = url,
                ["Orchestrator__TaskQueue"] = taskQueue,
                ["Orchestrator__Worker__EngineQueue"] = engineQueue,
                ["Orchestrator__ApiKey"] = LocalApiKey,
            });
            started = new EngineUnderTest(url, LocalApiKey, taskQueue, engine, worker, database, engineQueue);
            var warmUp = await started.StartOrderAsync("order-warmup");
            await started.WaitUntilAsync(async () => await started.StatusAsync(warmUp) == "Completed", StartTimeout, $"the warm-up order {warmUp} to complete");
            return started;
        }
        catch
        {
            if (started is not null)
            {
                await started.DisposeAsync();
            }
            else
            {
                engine.Dispose();
                await TestServers.DropDatabaseAsync(database);
            }
            throw;
        }
    }

    private static async Task WaitReadyAsync(ChildProcess engine, string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url + "/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (engine.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The engine did not become ready at {url}:\n{engine.ReadLog()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The path of a built program, from this assembly's metadata (its project's <c>bin/&lt;Configuration&gt;</c>).</summary>
    internal static string BuildOutput(string key)
    {
        var dll = typeof(EngineUnderTest).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Not built: {dll}. Build Orchestrator.sln first.", dll);
    }

    /// <summary>An <c>ApprovalWorkflow</c>: stays open until signal <c>approve</c> (<c>{"by":"ana"}</c>), then runs one activity and completes.</summary>
    public Task<string> StartApprovalAsync(string idPrefix)
        => StartWorkflowAsync("ApprovalWorkflow", idPrefix, id => new { requestId = id, days = 7 });

    /// <summary>An <c>OrderWorkflow</c>: charge, reserve stock, ship (about a second); <paramref name="failAt"/> <c>"ship"</c> fails it and compensates.</summary>
    public Task<string> StartOrderAsync(string idPrefix, string? failAt = null)
        => StartWorkflowAsync("OrderWorkflow", idPrefix, id => new { orderId = id, amount = 99.5m, items = new[] { "book", "lamp" }, failAt });

    /// <summary>An <c>ApprovalWorkflow</c> started with search attributes (registered here as Keyword or Int by their values).</summary>
    public async Task<string> StartApprovalAsync(string idPrefix, IReadOnlyDictionary<string, object> searchAttributes)
    {
        foreach (var (name, value) in searchAttributes)
        {
            using var registered = await Http.PostAsJsonAsync("api/v1/search-attributes", new { name, type = value is int ? "Int" : "Keyword" });
            if (registered.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                throw new InvalidOperationException($"Registering {name} failed: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
            }
        }
        return await StartWorkflowAsync("ApprovalWorkflow", idPrefix, id => new { requestId = id, days = 7 }, searchAttributes);
    }

    /// <summary>
    /// A <c>StuckWorkflow</c> of the test worker (<see cref="TestWorkerTaskQueueAsync"/>): two "ChaosHang" activities that hang for
    /// <paramref name="hangMs"/> and a wait for signal "release"; query "phase", update "SetPhase". Null against a given engine.
    /// </summary>
    public async Task<string?> StartStuckAsync(string idPrefix, int hangMs)
        => await TestWorkerTaskQueueAsync() is { } queue ? await StartWorkflowAsync("StuckWorkflow", idPrefix, _ => hangMs, taskQueue: queue) : null;

    /// <summary>
    /// The task queue of the test worker (<c>tests/Orchestrator.TestWorker</c>, the end-to-end tests' workflows), its own process on its own task queue,
    /// started the first time a test asks (most browser tests need only the sample worker); null against a given engine, which has none.
    /// </summary>
    public async Task<string?> TestWorkerTaskQueueAsync()
    {
        if (engine is null)
        {
            return null;
        }
        await testWorkerLock.WaitAsync();
        try
        {
            if (testWorker is null)
            {
                var queue = "browser-test-worker-" + Guid.NewGuid().ToString("N")[..8];
                var process = ChildProcess.Start("test-worker", BuildOutput("TestWorkerDll"), new Dictionary<string, string>
                {
                    ["Orchestrator__RabbitMq"] = await TestServers.RabbitMqWorkerAsync(),
                    ["Orchestrator__EngineUrl"] = Url,
                    ["Orchestrator__TaskQueue"] = queue,
                    ["Orchestrator__Worker__EngineQueue"] = engineQueue!,
                    ["Orchestrator__ApiKey"] = LocalApiKey,
                });
                testWorker = (process, queue);
            }
            return testWorker.Value.TaskQueue;
        }
        finally
        {
            testWorkerLock.Release();
        }
    }

    /// <summary>Starts a workflow with a fresh id through <c>POST /api/v1/workflows</c>, on <paramref name="taskQueue"/> (else the sample worker's).</summary>
    private async Task<string> StartWorkflowAsync(string workflowType, string idPrefix, Func<string, object> input, IReadOnlyDictionary<string, object>? searchAttributes = null,
        string? taskQueue = null)
    {
        var id = $"{idPrefix}-{Guid.NewGuid().ToString("N")[..8]}";
        using var response = await Http.PostAsJsonAsync("api/v1/workflows", new { workflowType, workflowId = id, taskQueue = taskQueue ?? TaskQueue, input = input(id), searchAttributes });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Starting {workflowType} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
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

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (then fails with the processes' logs).</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.\n{Logs()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The tail of the engine's and the worker's logs (empty against a given engine).</summary>
    public string Logs()
    {
        static string Tail(ChildProcess? p, string name)
        {
            if (p is null)
            {
                return "";
            }
            var log = p.ReadLog();
            return $"--- {name} log ({p.LogPath}) ---\n{(log.Length > 4000 ? log[^4000..] : log)}\n";
        }
        return Tail(engine, "engine") + Tail(worker, "worker") + Tail(testWorker?.Process, "test worker");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        testWorker?.Process.Dispose();
        testWorkerLock.Dispose();
        worker?.Dispose();
        engine?.Dispose();
        if (database is not null)
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
