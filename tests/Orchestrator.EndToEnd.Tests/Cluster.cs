using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Npgsql;
using Orchestrator.Contracts.History;
using Orchestrator.TestSupport;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// A private Orchestrator: its own database, engine queue and task queue on the shared test servers, with the
/// engine(s) and worker(s) as separate processes that a test can kill and start again.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly List<(ChildProcess Process, int Port)> _engines = [];
    private readonly List<ChildProcess> _workers = [];
    private readonly string _engineQueue = "orchestrator-engine-e2e-" + Guid.NewGuid().ToString("N")[..8];

    private Cluster(string postgres, string rabbitMq, string workerRabbitMq)
    {
        Postgres = postgres;
        RabbitMq = rabbitMq;
        WorkerRabbitMq = workerRabbitMq;
    }

    public string Postgres { get; }

    /// <summary>The broker, with the engine's user.</summary>
    public string RabbitMq { get; }

    /// <summary>The broker, with the workers' user.</summary>
    public string WorkerRabbitMq { get; }

    public string TaskQueue { get; } = "e2e-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The queue this cluster's engines take worker answers from.</summary>
    public string EngineQueue => _engineQueue;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(100) };

    public Uri EngineUrl(int index = 0) => new($"http://127.0.0.1:{_engines[index].Port}");

    /// <summary>Extra environment of the engine processes (e.g. <c>Orchestrator__ApiKey</c>).</summary>
    public Dictionary<string, string> EngineEnvironment { get; } = [];

    /// <summary>Extra environment of the worker processes (e.g. <c>Orchestrator__ApiKey</c>).</summary>
    public Dictionary<string, string> WorkerEnvironment { get; } = [];

    public static async Task<Cluster> StartAsync(int engines = 1, int workers = 1, IReadOnlyDictionary<string, string>? engineEnvironment = null,
        IReadOnlyDictionary<string, string>? workerEnvironment = null)
    {
        var cluster = new Cluster(await TestServers.CreateDatabaseAsync("e2e"), await TestServers.RabbitMqAsync(), await TestServers.RabbitMqWorkerAsync());
        foreach (var (key, value) in engineEnvironment ?? new Dictionary<string, string>())
        {
            cluster.EngineEnvironment[key] = value;
        }
        foreach (var (key, value) in workerEnvironment ?? new Dictionary<string, string>())
        {
            cluster.WorkerEnvironment[key] = value;
        }
        for (var i = 0; i < engines; i++)
        {
            await cluster.StartEngineAsync();
        }
        for (var i = 0; i < workers; i++)
        {
            cluster.StartWorker();
        }
        return cluster;
    }

    /// <summary>Starts an engine process (on <paramref name="port"/> or a free one) and waits until it is ready.</summary>
    public async Task<int> StartEngineAsync(int? port = null, int? replaceIndex = null)
    {
        var p = port ?? FreePort();
        var env = new Dictionary<string, string>(EngineEnvironment)
        {
            ["Orchestrator__Postgres"] = Postgres,
            ["Orchestrator__RabbitMq"] = RabbitMq,
            ["Orchestrator__EngineQueue"] = _engineQueue,
            // "Dropped stale ..." lines: tests wait for them to know a late answer reached the engine
            ["Logging__LogLevel__Orchestrator.Engine.Dispatch.RunShell"] = "Debug",
        };
        var process = ChildProcess.Start("engine", Binary("engine/Orchestrator.Engine", "Orchestrator.Engine.dll"), env, "--urls", $"http://127.0.0.1:{p}");
        if (replaceIndex is { } i)
        {
            _engines[i] = (process, p);
        }
        else
        {
            _engines.Add((process, p));
        }
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{p}/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return p;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The engine did not become ready:\n{process.ReadLog()}");
            }
            await Task.Delay(100);
        }
    }

    public void KillEngine(int index) => _engines[index].Process.Kill();

    /// <summary>Kills engine <paramref name="index"/> with SIGKILL and starts it again on the same port.</summary>
    public async Task RestartEngineAsync(int index)
    {
        var (process, port) = _engines[index];
        process.Kill();
        await StartEngineAsync(port, index);
    }

    public ChildProcess StartWorker()
    {
        var worker = ChildProcess.Start("worker", Binary("tests/Orchestrator.TestWorker", "Orchestrator.TestWorker.dll"), new Dictionary<string, string>(WorkerEnvironment)
        {
            ["Orchestrator__RabbitMq"] = WorkerRabbitMq,
            ["Orchestrator__EngineUrl"] = EngineUrl().ToString(),
            ["Orchestrator__TaskQueue"] = TaskQueue,
            ["Orchestrator__Worker__EngineQueue"] = _engineQueue,
        });
        _workers.Add(worker);
        return worker;
    }

    public void KillWorker(int index) => _workers[index].Kill();

    public async Task<string> StartWorkflowAsync(string workflowType, object? input, string? workflowId = null, int engine = 0)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(EngineUrl(engine), "/api/v1/workflows"),
            new { workflowType, workflowId, taskQueue = TaskQueue, input });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Start failed: {(int)response.StatusCode} {body}");
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("workflowId").GetString()!;
    }

    /// <summary>Polls until the workflow closes (any engine that answers); returns the describe body.</summary>
    public async Task<JsonElement> WaitClosedAsync(string workflowId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            foreach (var (process, port) in _engines.Where(e => !e.Process.HasExited))
            {
                try
                {
                    using var response = await Http.GetAsync($"http://127.0.0.1:{port}/api/v1/workflows/{workflowId}/result?waitSeconds=5");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                    }
                }
                catch (HttpRequestException)
                {
                }
                break;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Workflow {workflowId} did not close in time.\n{Logs()}");
            }
            await Task.Delay(50);
        }
    }

    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string workflowId)
    {
        var json = await Http.GetStringAsync(new Uri(EngineUrl(), $"/api/v1/workflows/{workflowId}/history?pageSize=10000"));
        return HistoryJson.ParseHistoryPage(json).Events;
    }

    /// <summary>Every run of this cluster's database: its event ids and types, straight from PostgreSQL.</summary>
    public async Task<IReadOnlyList<(Guid RunId, string WorkflowId, string Status, long[] EventIds, string[] Types, string[] Attributes)>> AllRunsAsync()
    {
        await using var connection = new NpgsqlConnection(Postgres);
        var runs = await connection.QueryAsync<(Guid RunId, string WorkflowId, string Status)>("SELECT run_id, workflow_id, status FROM workflow_runs");
        var result = new List<(Guid, string, string, long[], string[], string[])>();
        foreach (var run in runs)
        {
            var events = (await connection.QueryAsync<(long Id, string Type, string Attributes)>(
                "SELECT event_id, event_type, attributes::text FROM history_events WHERE run_id = @RunId ORDER BY event_id", new { run.RunId })).ToList();
            result.Add((run.RunId, run.WorkflowId, run.Status, events.Select(e => e.Id).ToArray(), events.Select(e => e.Type).ToArray(),
                events.Select(e => e.Attributes).ToArray()));
        }
        return result;
    }

    /// <summary>What PostgreSQL holds for a workflow id (history, task rows, outbox): for the message of a test that timed out.</summary>
    public async Task<string> DumpRunStateAsync(string workflowId)
    {
        await using var connection = new NpgsqlConnection(Postgres);
        var lines = new List<string> { $"--- state of {workflowId} ---" };
        foreach (var (runId, status) in await connection.QueryAsync<(Guid, string)>(
            "SELECT run_id, status FROM workflow_runs WHERE workflow_id = @workflowId", new { workflowId }))
        {
            lines.Add($"run {runId} {status}");
            lines.AddRange((await connection.QueryAsync<(long, string, DateTime)>(
                "SELECT event_id, event_type, \"timestamp\" FROM history_events WHERE run_id = @runId ORDER BY event_id", new { runId }))
                .Select(e => $"  event {e.Item1} {e.Item2} {e.Item3:HH:mm:ss.ffffff}"));
            lines.AddRange((await connection.QueryAsync<(long, int, string, DateTime)>(
                "SELECT scheduled_event_id, attempt, state, dispatch_after FROM workflow_tasks WHERE run_id = @runId", new { runId }))
                .Select(t => $"  workflow task {t.Item1} attempt {t.Item2} {t.Item3} due {t.Item4:HH:mm:ss.fff}"));
            lines.AddRange((await connection.QueryAsync<(long, int, string, DateTime)>(
                "SELECT scheduled_event_id, attempt, state, dispatch_after FROM activity_tasks WHERE run_id = @runId", new { runId }))
                .Select(t => $"  activity {t.Item1} attempt {t.Item2} {t.Item3} due {t.Item4:HH:mm:ss.fff}"));
        }
        lines.Add($"outbox rows: {await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox")}; now {DateTime.UtcNow:HH:mm:ss.fff}");
        return string.Join("\n", lines);
    }

    /// <summary>Polls the engines' logs until a line satisfies <paramref name="line"/> (e.g. a dropped stale answer).</summary>
    public async Task WaitForEngineLogAsync(Func<string, bool> line, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!_engines.Any(e => e.Process.ReadLog().Split('\n').Any(line)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The engine never logged {what}.\n{Logs()}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The tail of every process's log (or the whole of it), for a failing assertion's message; the whole logs go to files under
    /// <c>$TMPDIR/orchestrator-e2e-logs/&lt;task queue&gt;/</c>, named in the message, for what the tail cuts off.
    /// </summary>
    public string Logs(bool whole = false)
    {
        var logs = _engines.Select((e, i) => ($"engine-{i}", e.Process.ReadLog())).Concat(_workers.Select((w, i) => ($"worker-{i}", w.ReadLog()))).ToList();
        var saved = "";
        try
        {
            var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "orchestrator-e2e-logs", TaskQueue)).FullName;
            foreach (var (name, log) in logs)
            {
                File.WriteAllText(Path.Combine(dir, name + ".log"), log);
            }
            saved = $"(whole logs in {dir})\n";
        }
        catch (IOException)
        {
        }
        return saved + string.Join("\n", logs.Select(l => $"--- {l.Item1} log ---\n" + (whole ? l.Item2 : Tail(l.Item2))));
    }

    private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Binary(string projectDir, string dll)
    {
        // tests/Orchestrator.EndToEnd.Tests/bin/<Configuration>/net10.0/ -> repo root, same configuration
        var baseDir = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = baseDir.Parent!.Name;
        var root = baseDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Orchestrator.sln")))
        {
            root = root.Parent;
        }
        var path = Path.Combine(root!.FullName, projectDir, "bin", configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {projectDir} first.", path);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var w in _workers)
        {
            w.Dispose();
        }
        foreach (var (process, _) in _engines)
        {
            process.Dispose();
        }
        Http.Dispose();
        await TestServers.DropDatabaseAsync(Postgres);
    }
}

/// <summary>End-to-end tests share the machine's two cores: run them one class at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
