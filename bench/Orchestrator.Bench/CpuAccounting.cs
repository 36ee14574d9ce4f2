using System.Globalization;

namespace Orchestrator.Bench;

/// <summary>
/// CPU time (user + system, from /proc/PID/stat) of the components on this machine: engine, worker, this harness,
/// every PostgreSQL process and the RabbitMQ node (beam.smp). A difference of two snapshots divided by the work done
/// gives CPU milliseconds per workflow per component: with 2 cores, the sum bounds the throughput.
/// </summary>
internal static class CpuAccounting
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>
    /// CPU seconds by component. PostgreSQL and RabbitMQ count only the process trees of the servers this run uses
    /// (<paramref name="postmasterPid"/>, <paramref name="rabbitPid"/>; other agents may run their own servers on
    /// this machine); without a pid, every <c>postgres</c> / <c>beam</c> process counts.
    /// </summary>
    public static Dictionary<string, double> Snapshot(int enginePid, int workerPid, int postmasterPid = -1, int rabbitPid = -1)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["engine"] = 0, ["worker"] = 0, ["harness"] = 0, ["postgres"] = 0, ["rabbitmq"] = 0, ["other"] = 0,
        };
        var self = Environment.ProcessId;
        var procs = new Dictionary<int, (int Parent, string Comm, double Seconds)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            var close = stat.LastIndexOf(')');
            if (close < 0)
            {
                continue;
            }
            var comm = stat[(stat.IndexOf('(') + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            // fields[0] is field 3 (state), fields[1] the parent pid; utime is field 14, stime field 15
            var seconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            procs[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), comm, seconds);
        }
        bool Under(int pid, int root)
        {
            for (var i = 0; i < 8 && pid > 1; i++)
            {
                if (pid == root)
                {
                    return true;
                }
                pid = procs.TryGetValue(pid, out var p) ? p.Parent : -1;
            }
            return false;
        }
        foreach (var (pid, (_, comm, seconds)) in procs)
        {
            var key = pid == enginePid ? "engine"
                : pid == workerPid ? "worker"
                : pid == self ? "harness"
                : postmasterPid > 0 ? (Under(pid, postmasterPid) ? "postgres" : null)
                : comm.StartsWith("postgres", StringComparison.Ordinal) ? "postgres" : null;
            key ??= rabbitPid > 0 ? (Under(pid, rabbitPid) ? "rabbitmq" : "other")
                : comm.StartsWith("beam", StringComparison.Ordinal) || comm is "erl_child_setup" or "inet_gethost" ? "rabbitmq" : "other";
            result[key] += seconds;
        }
        return result;
    }

    /// <summary>CPU ms per unit of work, per component, between two snapshots.</summary>
    public static System.Text.Json.Nodes.JsonObject PerUnit(Dictionary<string, double> a, Dictionary<string, double> b, int units, double wallSeconds)
    {
        var o = new System.Text.Json.Nodes.JsonObject();
        double total = 0;
        foreach (var key in a.Keys)
        {
            var ms = (b[key] - a[key]) * 1000 / units;
            if (key != "other")
            {
                total += ms;
            }
            o[key] = Math.Round(ms, 3);
        }
        o["totalOurs"] = Math.Round(total, 3);
        o["coresBusyOurs"] = Math.Round(total * units / 1000 / wallSeconds, 2);
        o["note"] = "CPU ms per unit; 'other' = every other process on the machine (other agents; processes that exit in between make it approximate), not in totalOurs";
        return o;
    }
}
