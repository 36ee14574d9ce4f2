using System.Diagnostics;

namespace Orchestrator.Chaos;

/// <summary>The kinds of fault a round injects.</summary>
internal enum FaultKind
{
    /// <summary><c>kill -9</c> of an engine, started again after a pause.</summary>
    EngineKill,

    /// <summary><c>kill -9</c> of a worker, started again after a pause.</summary>
    WorkerKill,

    /// <summary>RabbitMQ stopped, started again after a pause.</summary>
    RabbitRestart,

    /// <summary>PostgreSQL crashed and restarted (<c>pg_ctl restart -m immediate</c>).</summary>
    PostgresCrash,

    /// <summary>One node of the three-node RabbitMQ cluster killed with <c>kill -9</c>, started again after a pause.</summary>
    RabbitNodeKill,
}

/// <summary>One planned fault: when (seconds into the round), what, which target (engine/worker index, node), and the pause before the restart.</summary>
internal sealed record Fault(double At, FaultKind Kind, int Target, double PauseSeconds)
{
    public override string ToString() => $"{At,6:F1}s {Kind}{(Kind is FaultKind.PostgresCrash or FaultKind.RabbitRestart ? "" : $" #{Target}")} pause {PauseSeconds:F1}s";
}

/// <summary>The fault schedule of a round, drawn from the seed: the same seed and round give the same schedule.</summary>
internal static class FaultSchedule
{
    public static IReadOnlyList<Fault> Plan(int seed, int round, ChaosOptions options)
    {
        var random = new Random(HashCode.Combine(seed, round, 0xFA017));
        var faults = new List<Fault>();
        var kinds = new List<FaultKind> { FaultKind.EngineKill, FaultKind.WorkerKill, FaultKind.RabbitRestart, FaultKind.PostgresCrash };
        if (options.RabbitCluster)
        {
            kinds.Add(FaultKind.RabbitNodeKill);
        }
        // the first second is the fleet settling; faults stop at the end of the load so the round can drain
        double Time() => 1 + random.NextDouble() * Math.Max(1, options.LoadSeconds - 1);
        foreach (var kind in kinds)
        {
            var count = kind == FaultKind.RabbitNodeKill ? Math.Max(1, options.FaultsPerKind / 2) : options.FaultsPerKind;
            for (var i = 0; i < count; i++)
            {
                var (target, pause) = kind switch
                {
                    FaultKind.EngineKill or FaultKind.WorkerKill => (random.Next(2), 0.2 + random.NextDouble() * 3.8),
                    FaultKind.RabbitRestart => (0, 0.5 + random.NextDouble() * 7.5),
                    FaultKind.RabbitNodeKill => (1 + random.Next(3), 0.5 + random.NextDouble() * 5.5),
                    _ => (0, 0.0),
                };
                faults.Add(new Fault(Time(), kind, target, pause));
            }
        }
        return [.. faults.OrderBy(f => f.At)];
    }

    /// <summary>Process faults and server faults run in two lanes (each in time order): a kill may overlap a broker outage.</summary>
    public static bool IsProcessFault(FaultKind kind) => kind is FaultKind.EngineKill or FaultKind.WorkerKill;
}

/// <summary>Executes a round's fault schedule against the fleet and the servers; counts what it injected.</summary>
internal sealed class FaultRunner(Fleet fleet, IServerFaults servers, Action<string> log)
{
    private readonly Dictionary<FaultKind, int> _injected = [];
    private readonly HashSet<ManagedProcess> _down = [];
    private readonly List<string> _errors = [];

    /// <summary>Faults that could not be injected (a server command failed or timed out).</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Whether <paramref name="process"/> is down because a fault killed it (and will start it again).</summary>
    public bool IsDown(ManagedProcess process)
    {
        lock (_down)
        {
            return _down.Contains(process);
        }
    }

    private async Task KillAndRestartAsync(ManagedProcess process, TimeSpan pause)
    {
        lock (_down)
        {
            _down.Add(process);
        }
        try
        {
            process.Kill9();
            await Task.Delay(pause);
            process.Start();
        }
        finally
        {
            lock (_down)
            {
                _down.Remove(process);
            }
        }
    }

    public IReadOnlyDictionary<FaultKind, int> Injected => _injected;

    public int Total => _injected.Values.Sum();

    public async Task RunAsync(IReadOnlyList<Fault> schedule, Stopwatch clock, CancellationToken cancel)
    {
        await Task.WhenAll(
            RunLaneAsync(schedule.Where(f => FaultSchedule.IsProcessFault(f.Kind)).ToList(), clock, cancel),
            RunLaneAsync(schedule.Where(f => !FaultSchedule.IsProcessFault(f.Kind)).ToList(), clock, cancel));
    }

    private async Task RunLaneAsync(List<Fault> lane, Stopwatch clock, CancellationToken cancel)
    {
        foreach (var fault in lane)
        {
            var wait = TimeSpan.FromSeconds(fault.At) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancel);
            }
            log($"{clock.Elapsed.TotalSeconds,6:F1}s fault {fault}");
            try
            {
                await InjectAsync(fault);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // not counted as injected; reported (the run did not test what it says), and the lane goes on
                log($"{clock.Elapsed.TotalSeconds,6:F1}s fault {fault.Kind} FAILED: {e.Message}");
                lock (_errors)
                {
                    _errors.Add($"{fault}: {e.Message}");
                }
                continue;
            }
            lock (_injected)
            {
                _injected[fault.Kind] = _injected.GetValueOrDefault(fault.Kind) + 1;
            }
            log($"{clock.Elapsed.TotalSeconds,6:F1}s fault {fault.Kind} done");
        }
    }

    private async Task InjectAsync(Fault fault)
    {
        var pause = TimeSpan.FromSeconds(fault.PauseSeconds);
        switch (fault.Kind)
        {
            case FaultKind.EngineKill:
                await KillAndRestartAsync(fleet.Engines[fault.Target].Process, pause);
                // not waiting for it to be ready (it is not while the broker is down): the load uses whichever engine answers
                break;
            case FaultKind.WorkerKill:
                await KillAndRestartAsync(fleet.Workers[fault.Target], pause);
                break;
            case FaultKind.RabbitRestart:
                try
                {
                    await servers.RabbitStopAsync();
                    await Task.Delay(pause);
                }
                finally
                {
                    await servers.RabbitStartAsync(); // also after a failed stop: the broker must be up for the round to go on
                }
                break;
            case FaultKind.PostgresCrash:
                await servers.PostgresCrashRestartAsync();
                break;
            case FaultKind.RabbitNodeKill:
                try
                {
                    await servers.RabbitNodeKillAsync(fault.Target);
                    await Task.Delay(pause);
                }
                finally
                {
                    await servers.RabbitNodeStartAsync(fault.Target);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, null);
        }
    }
}
