using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Chaos;

/// <summary>
/// An engine or worker process (<c>dotnet X.dll</c>, exec'd by bash so its pid is the .NET process) that the chaos run
/// kills with SIGKILL and starts again. Each start appends to its own log file.
/// </summary>
internal sealed class ManagedProcess(string name, string dll, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, string logDir)
{
    private readonly Lock _lock = new();
    private Process? _process;

    public string Name { get; } = name;

    public int Starts { get; private set; }

    public string LogPath { get; private set; } = "";

    public bool Running
    {
        get
        {
            lock (_lock)
            {
                return _process is { HasExited: false };
            }
        }
    }

    public void Start()
    {
        lock (_lock)
        {
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} is running");
            }
            _process?.Dispose();
            Starts++;
            LogPath = Path.Combine(logDir, $"{Name}-{Starts}.log");
            // the content root is the binary's folder (not the repository, whose .services/ the servers write to)
            var psi = new ProcessStartInfo("bash") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))! };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec dotnet \"$@\" >>\"$CHAOS_CHILD_LOG\" 2>&1 </dev/null");
            psi.ArgumentList.Add("chaos-child");
            psi.ArgumentList.Add(dll);
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
            psi.Environment["CHAOS_CHILD_LOG"] = LogPath;
            psi.Environment["DOTNET_gcServer"] = "0";
            psi.Environment["Logging__LogLevel__Default"] = "Warning";
            psi.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
            _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Name}");
        }
    }

    /// <summary><c>kill -9</c>: no shutdown code runs.</summary>
    public void Kill9()
    {
        lock (_lock)
        {
            if (_process is { HasExited: false } p)
            {
                p.Kill();
                p.WaitForExit(10_000);
            }
        }
    }

    /// <summary>SIGTERM (an orderly stop at the end of a round), SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Process? p;
        lock (_lock)
        {
            p = _process;
        }
        if (p is null || p.HasExited)
        {
            return;
        }
        using (var term = Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill9();
        }
    }

    public string Tail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var all = new StreamReader(stream).ReadToEnd().Split('\n');
            return string.Join("\n", all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }
}

/// <summary>The two engines and two workers of a round: their own database, engine queue and task queue.</summary>
internal sealed class Fleet : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    private Fleet(IReadOnlyList<(ManagedProcess Process, int Port)> engines, IReadOnlyList<ManagedProcess> workers)
    {
        Engines = engines;
        Workers = workers;
    }

    public IReadOnlyList<(ManagedProcess Process, int Port)> Engines { get; }

    public IReadOnlyList<ManagedProcess> Workers { get; }

    public static Fleet Create(ChaosOptions options, string database, string taskQueue, string engineQueue, string logDir)
    {
        var engines = new List<(ManagedProcess, int)>();
        for (var i = 0; i < 2; i++)
        {
            var port = FreePort();
            engines.Add((new ManagedProcess($"engine{i}", options.EngineDll, ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
            {
                ["Orchestrator__Postgres"] = database,
                ["Orchestrator__RabbitMq"] = options.EngineRabbitMq,
                ["Orchestrator__EngineQueue"] = engineQueue,
                ["Orchestrator__RabbitMqNodes"] = options.RabbitMqNodes,
            }, logDir), port));
        }
        var workers = new List<ManagedProcess>();
        for (var i = 0; i < 2; i++)
        {
            // each worker reads history (on a cache miss) from its own engine: a killed engine costs its worker those reads
            workers.Add(new ManagedProcess($"worker{i}", options.WorkerDll, [], new Dictionary<string, string>
            {
                ["Orchestrator__RabbitMq"] = options.WorkerRabbitMq,
                ["Orchestrator__EngineUrl"] = $"http://127.0.0.1:{engines[i].Item2}",
                ["Orchestrator__TaskQueue"] = taskQueue,
                ["Orchestrator__Worker__EngineQueue"] = engineQueue,
                ["Orchestrator__RabbitMqNodes"] = options.RabbitMqNodes,
            }, logDir));
        }
        return new Fleet(engines, workers);
    }

    /// <summary>Starts everything and waits until both engines answer /health/ready.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        foreach (var (process, _) in Engines)
        {
            process.Start();
        }
        foreach (var worker in Workers)
        {
            worker.Start();
        }
        var deadline = DateTime.UtcNow + timeout;
        foreach (var (process, port) in Engines)
        {
            while (!await ReadyAsync(port))
            {
                if (!process.Running || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"{process.Name} did not become ready:\n{process.Tail()}");
                }
                await Task.Delay(200);
            }
        }
    }

    public static async Task<bool> ReadyAsync(int port)
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Workers.Select(w => w.StopAsync(TimeSpan.FromSeconds(10))));
        await Task.WhenAll(Engines.Select(e => e.Process.StopAsync(TimeSpan.FromSeconds(10))));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
