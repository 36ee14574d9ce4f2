using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace Orchestrator.Chaos;

/// <summary>What one round did and found.</summary>
internal sealed record RoundResult(int Round, int Workflows, int Runs, IReadOnlyDictionary<FaultKind, int> Faults, IReadOnlyList<Violation> Violations,
    RoundState? State, IReadOnlyDictionary<Guid, string> Dumps, int SelfExits, TimeSpan Duration, string Database);

/// <summary>
/// One round: a fresh database, two engines and two workers, the load and the fault schedule at once, then the drain
/// (every run final, or the deadline) and the checks.
/// </summary>
internal sealed class Round(ChaosOptions options, IServerFaults servers, int round, Action<string> log)
{
    public async Task<RoundResult> RunAsync()
    {
        var total = Stopwatch.StartNew();
        var logDir = Path.Combine(options.Logs, $"round-{round}");
        Directory.CreateDirectory(logDir);
        var database = await CreateDatabaseAsync($"chaos_r{round}");
        await MigrateAsync(database, logDir);
        // the engine queue must be orchestrator-engine[-suffix]: the broker users' permissions allow that family only (scripts/services.sh)
        var suffix = $"{options.Seed}-{round}";
        await using var fleet = Fleet.Create(options, database, $"chaos-{suffix}", $"orchestrator-engine-chaos-{suffix}", logDir);
        await fleet.StartAsync(TimeSpan.FromSeconds(120));
        using var client = new EngineClient(fleet);

        var plans = LoadPlan.Create(options.Seed, round, options.Workflows, options.LoadSeconds);
        var schedule = FaultSchedule.Plan(options.Seed, round, options);
        await File.WriteAllLinesAsync(Path.Combine(logDir, "faults-planned.txt"), schedule.Select(f => f.ToString()));
        var faultLog = Path.Combine(logDir, "faults.log");
        var faults = new FaultRunner(fleet, servers, line => File.AppendAllText(faultLog, line + "\n"));
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var watchdog = new Watchdog(fleet, faults, msg => File.AppendAllText(faultLog, msg + "\n"));
        var watching = watchdog.RunAsync(stop.Token);
        var load = new LoadRunner(client, $"chaos-{suffix}", options.Seed).RunAsync(plans, clock);
        var faulting = faults.RunAsync(schedule, clock, CancellationToken.None);
        await Task.WhenAll(load, faulting);
        log($"  round {round}: load and {faults.Total} faults done after {clock.Elapsed.TotalSeconds:F0} s; draining");

        var violations = new List<Violation>();
        var drain = options.Short ? TimeSpan.FromSeconds(90) : TimeSpan.FromSeconds(180);
        await DrainAsync(database, drain, clock);
        await stop.CancelAsync();
        await watching;
        violations.AddRange(watchdog.Violations);
        violations.AddRange(faults.Errors.Select(e => new Violation("-", null, $"fault could not be injected: {e}")));
        violations.AddRange(await LeftoversAsync(database));
        var state = await RoundState.LoadAsync(database);
        violations.AddRange(Checks.Run(state, plans));
        violations.AddRange(await RestChecksAsync(client, plans, state));
        var dumps = new Dictionary<Guid, string>();
        foreach (var run in state.Runs.Values.Where(r => r.Status == "Running").Take(20))
        {
            dumps[run.RunId] = await RoundState.DumpAsync(database, run.RunId);
        }
        if (violations.Count == 0)
        {
            await DropDatabaseAsync(database);
        }
        return new RoundResult(round, plans.Count, state.Runs.Count, new Dictionary<FaultKind, int>(faults.Injected), violations, state, dumps,
            watchdog.SelfExits, total.Elapsed, new NpgsqlConnectionStringBuilder(database).Database!);
    }

    /// <summary>Waits until no run is open; stops early when the only open runs are children whose parent closed 20 s ago (a close policy missed them).</summary>
    private async Task DrainAsync(string database, TimeSpan timeout, Stopwatch clock)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lastLog = DateTime.UtcNow;
        while (true)
        {
            (long open, long orphans) counts;
            try
            {
                counts = await RoundState.OpenRunsAsync(database, TimeSpan.FromSeconds(20));
            }
            catch (NpgsqlException)
            {
                await Task.Delay(1000);
                continue;
            }
            if (counts.open == 0 || (counts.open == counts.orphans) || DateTime.UtcNow > deadline)
            {
                log($"  round {round}: {counts.open} runs open after {clock.Elapsed.TotalSeconds:F0} s" + (counts.open > 0 ? $" ({counts.orphans} children of closed parents)" : ""));
                return;
            }
            if (DateTime.UtcNow - lastLog > TimeSpan.FromSeconds(20))
            {
                log($"  round {round}: {counts.open} runs open at {clock.Elapsed.TotalSeconds:F0} s");
                lastLog = DateTime.UtcNow;
            }
            await Task.Delay(1000);
        }
    }

    /// <summary>Nothing may be left in the task tables for a closed run, nor in the outbox (given 30 s to drain).</summary>
    private static async Task<List<Violation>> LeftoversAsync(string database)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var rows = await RoundState.LeftoversAsync(database);
            if (rows.Count == 0)
            {
                return [];
            }
            if (DateTime.UtcNow > deadline)
            {
                return [.. rows.Select(r => new Violation("-", null, $"left in a table 30 s after the round: {r}"))];
            }
            await Task.Delay(1000);
        }
    }

    /// <summary>The REST API says what PostgreSQL says: the latest run and its status of every workflow.</summary>
    private static async Task<List<Violation>> RestChecksAsync(EngineClient client, IReadOnlyList<WorkflowPlan> plans, RoundState state)
    {
        var violations = new List<Violation>();
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(plans.Select(async plan =>
        {
            var runs = state.ByWorkflow[plan.WorkflowId].ToList();
            var root = runs.FirstOrDefault(r => r.PreviousRunId is null);
            if (root is null)
            {
                return;
            }
            var last = state.Chain(root)[^1];
            await gate.WaitAsync();
            try
            {
                var reply = await client.GetAsync($"/api/v1/workflows/{plan.WorkflowId}", 0);
                string? problem = null;
                if (!reply.Is(200))
                {
                    problem = $"GET /api/v1/workflows/{plan.WorkflowId} answered {reply} {reply.Body}";
                }
                else
                {
                    var body = JsonDocument.Parse(reply.Body).RootElement;
                    var status = body.GetProperty("status").GetString();
                    var runId = body.GetProperty("runId").GetString();
                    if (status != last.Status || !Guid.TryParse(runId, out var id) || id != last.RunId)
                    {
                        problem = $"the REST API describes run {runId} {status}, PostgreSQL's last run is {last.RunId} {last.Status}";
                    }
                }
                if (problem is not null)
                {
                    lock (violations)
                    {
                        violations.Add(new Violation(plan.WorkflowId, last.RunId, problem));
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        return violations;
    }

    private async Task<string> CreateDatabaseAsync(string name)
    {
        // the last round's faults may have left PostgreSQL recovering from a crash, and the pool holds dead connections
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryCreateDatabaseAsync(name);
            }
            catch (Exception e) when (e is NpgsqlException && attempt < 60)
            {
                NpgsqlConnection.ClearAllPools();
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private async Task<string> TryCreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(options.Postgres))
        {
            await connection.OpenAsync();
            // the name is the harness's own (chaos_r<n>), not input
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection))
            {
                await drop.ExecuteNonQueryAsync();
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(options.Postgres) { Database = name }.ConnectionString;
    }

    private async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(options.Postgres);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(database).Database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task MigrateAsync(string database, string logDir)
    {
        var migrate = new ManagedProcess("migrate", options.EngineDll, ["migrate"], new Dictionary<string, string>
        {
            ["Orchestrator__Postgres"] = database,
            ["Orchestrator__RabbitMq"] = options.EngineRabbitMq,
        }, logDir);
        migrate.Start();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (migrate.Running)
        {
            if (DateTime.UtcNow > deadline)
            {
                migrate.Kill9();
                throw new InvalidOperationException($"migrate did not finish:\n{migrate.Tail()}");
            }
            await Task.Delay(200);
        }
    }
}

/// <summary>
/// Notices an engine or worker that exited although no fault killed it (it is started again so the round can go on, and
/// reported: a process must survive its servers' faults).
/// </summary>
internal sealed class Watchdog(Fleet fleet, FaultRunner faults, Action<string> log)
{
    private readonly List<Violation> _violations = [];

    public IReadOnlyList<Violation> Violations => _violations;

    public int SelfExits { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        var all = fleet.Engines.Select(e => e.Process).Concat(fleet.Workers).ToList();
        var exits = all.ToDictionary(p => p, _ => 0);
        var lastStart = all.ToDictionary(p => p, _ => DateTime.UtcNow);
        while (!stop.IsCancellationRequested)
        {
            // started again at most every 5 s; reported once per process with its first exit's log
            foreach (var p in all.Where(p => !p.Running && !faults.IsDown(p) && DateTime.UtcNow - lastStart[p] > TimeSpan.FromSeconds(5)))
            {
                SelfExits++;
                if (exits[p]++ == 0)
                {
                    var tail = p.Tail(15);
                    log($"{DateTime.UtcNow:HH:mm:ss.fff} {p.Name} exited by itself; starting it again. Log {p.LogPath}:\n{tail}");
                    _violations.Add(new Violation(p.Name, null, $"{p.Name} exited without being killed (log {p.LogPath}); last lines:\n{tail}"));
                }
                p.Start();
                lastStart[p] = DateTime.UtcNow;
            }
            try
            {
                await Task.Delay(500, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
