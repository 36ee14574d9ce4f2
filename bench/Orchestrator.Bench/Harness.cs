using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Orchestrator.Bench;

/// <summary>
/// The benchmark harness: starts the engine and the benchmark worker as child processes on the PostgreSQL and RabbitMQ
/// given in <c>Orchestrator__Postgres</c> / <c>Orchestrator__RabbitMq</c>, runs the scenarios of issue 8 one after the
/// other (engine tables truncated before each), writes <c>latest.json</c> (the issue's keys + machine, commit, timestamp)
/// and <c>latest.details.json</c> (everything measured around them), and prints a markdown table.
/// </summary>
internal static partial class Harness
{
    public const string Usage = """
        usage: Orchestrator.Bench run --engine-dll PATH [--quick] [--port N] [--out DIR] [--logs DIR] [--commit SHA]
                                      [--only a,b,...] [--pg-stat-statements] [--isolate-queues]
        env:   Orchestrator__Postgres, Orchestrator__RabbitMq (required; the engine's broker user),
               ORCHESTRATOR_WORKER_RABBITMQ (the worker's broker user; default Orchestrator__RabbitMq)
        scenarios: ceiling, throughput1, throughput10, latency1, replay, fanOut2000, longChainGrowth, localActivities, idle, retention, visibility
        --isolate-queues: an engine queue and a task queue of this run's own (for a broker other agents share)
        """;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + Usage);
            return 2;
        }
        var bench = new Bench(o);
        try
        {
            return await bench.RunAsync();
        }
        finally
        {
            await bench.StopChildrenAsync();
        }
    }

    internal sealed record Options(bool Quick, string EngineDll, int Port, string OutDir, string LogDir, string Commit,
        HashSet<string> Only, bool PgStatStatements, string Postgres, string RabbitMq, bool IsolateQueues)
    {
        public static Options Parse(string[] args)
        {
            string? engineDll = null, outDir = null, logDir = null, commit = null;
            var quick = false;
            var pss = false;
            var isolate = false;
            var port = 5090;
            var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--quick": quick = true; break;
                    case "--pg-stat-statements": pss = true; break;
                    case "--isolate-queues": isolate = true; break;
                    case "--engine-dll": engineDll = Next(); break;
                    case "--port": port = int.Parse(Next(), Inv); break;
                    case "--out": outDir = Next(); break;
                    case "--logs": logDir = Next(); break;
                    case "--commit": commit = Next(); break;
                    case "--only": only.UnionWith(Next().Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
                    default: throw new ArgumentException($"unknown argument {args[i]}");
                }
            }
            var pg = Environment.GetEnvironmentVariable("Orchestrator__Postgres");
            var amqp = Environment.GetEnvironmentVariable("Orchestrator__RabbitMq");
            if (string.IsNullOrEmpty(pg) || string.IsNullOrEmpty(amqp))
            {
                throw new ArgumentException("Orchestrator__Postgres and Orchestrator__RabbitMq must be set");
            }
            if (engineDll is null || !File.Exists(engineDll))
            {
                throw new ArgumentException($"--engine-dll: '{engineDll}' not found (build the engine first)");
            }
            outDir ??= "bench/results";
            logDir ??= Path.Combine(Path.GetTempPath(), "orchestrator-bench-logs");
            Directory.CreateDirectory(outDir);
            Directory.CreateDirectory(logDir);
            return new Options(quick, Path.GetFullPath(engineDll), port, Path.GetFullPath(outDir), Path.GetFullPath(logDir), commit ?? "unknown",
                only, pss, pg, amqp, isolate);
        }
    }

    private sealed partial class Bench(Options o)
    {
        private readonly Dictionary<string, double> _results = new(StringComparer.Ordinal);
        private readonly JsonObject _details = [];
        private readonly Dictionary<string, string> _loadAt = new(StringComparer.Ordinal);
        private readonly string _tag = DateTime.UtcNow.ToString("HHmmss", Inv);
        private ChildProcess? _engine;
        private ChildProcess? _worker;
        private HttpClient _http = null!;
        private NpgsqlDataSource _db = null!;
        private string _benchDll = typeof(Harness).Assembly.Location;

        private Uri EngineUrl => new($"http://127.0.0.1:{o.Port}");

        /// <summary>The task queue of the runs (and, with <c>--isolate-queues</c>, the engine queue): this run's own on a shared broker.</summary>
        private string TaskQueue => o.IsolateQueues ? $"bench-{_tag}" : "default";

        private bool Wants(string scenario) => o.Only.Count == 0 || o.Only.Contains(scenario);

        public async Task<int> RunAsync()
        {
            var started = DateTimeOffset.UtcNow;
            var loadStart = LoadAvg();
            _http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false,
            }) { BaseAddress = EngineUrl, Timeout = TimeSpan.FromSeconds(60) };
            _db = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(o.Postgres) { MaxPoolSize = 64, Pooling = true }.ConnectionString).Build();
            Say($"quick={o.Quick} engine={o.EngineDll} logs={o.LogDir} load {loadStart}");
            if (o.PgStatStatements)
            {
                await ExecAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            }
            await FindPostmasterAsync();
            Say($"  postmaster pid {_postmasterPid}, RabbitMQ node pid {RabbitPid()}");

            if (Wants("ceiling"))
            {
                await Scenario("pgCeilingTps", PgCeilingAsync);
                await Scenario("rabbitHop", d => RabbitHop.MeasureAsync(o.RabbitMq, o.Quick, d));
            }
            var needsEngine = Wants("throughput1") || Wants("throughput10") || Wants("latency1") || Wants("replay")
                || Wants("fanOut2000") || Wants("longChainGrowth") || Wants("localActivities");
            if (needsEngine)
            {
                await StartChildrenAsync(truncate: true);
                await WarmUpAsync();
            }
            if (Wants("throughput1"))
            {
                await Scenario("throughput1WorkflowsPerSec", Throughput1Async);
            }
            if (Wants("throughput10"))
            {
                await Scenario("throughput10WorkflowsPerSec", Throughput10Async);
            }
            if (Wants("latency1"))
            {
                await Scenario("latency1", Latency1Async);
            }
            if (Wants("fanOut2000"))
            {
                await Scenario("fanOut2000ActivitiesPerSec", FanOutAsync);
            }
            if (Wants("longChainGrowth"))
            {
                await Scenario("longChainGrowth", LongChainAsync);
            }
            if (Wants("localActivities"))
            {
                await Scenario("localActivitiesPerSec", LocalActivitiesAsync);
            }
            if (Wants("replay"))
            {
                await Scenario("replay10kMs", ReplayAsync);
            }
            if (Wants("idle"))
            {
                await Scenario("idleWorkflows10kRssMb", IdleAsync);
            }
            if (Wants("retention"))
            {
                await Scenario("retention", RetentionAsync);
            }
            if (Wants("visibility"))
            {
                await Scenario("visibility", VisibilityAsync); // last: a million generated runs, truncated at its end
            }
            await StopChildrenAsync();

            var loadEnd = LoadAvg();
            var machine = new JsonObject
            {
                ["nproc"] = Environment.ProcessorCount,
                ["memTotalMb"] = MemTotalMb(),
                ["cpu"] = CpuModel(),
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                ["dotnet"] = Environment.Version.ToString(),
                ["loadAvgStart"] = loadStart,
                ["loadAvgEnd"] = loadEnd,
                ["quick"] = o.Quick,
            };
            var latest = new JsonObject();
            foreach (var key in ResultKeys)
            {
                if (_results.TryGetValue(key, out var v))
                {
                    latest[key] = Math.Round(v, 2);
                }
            }
            latest["machine"] = machine;
            latest["commit"] = o.Commit;
            latest["timestamp"] = started.ToString("o", Inv);
            var json = new JsonSerializerOptions { WriteIndented = true };
            var name = o.Only.Count > 0 ? "partial" : "latest"; // a partial run never replaces the full results
            await File.WriteAllTextAsync(Path.Combine(o.OutDir, $"{name}.json"), latest.ToJsonString(json) + "\n");
            if (!o.Quick && o.Only.Count == 0)
            {
                // full runs are also kept by date and commit, so that later runs do not overwrite them
                await File.WriteAllTextAsync(Path.Combine(o.OutDir, $"{started:yyyy-MM-dd}-{o.Commit}.json"), latest.ToJsonString(json) + "\n");
            }
            _details["machine"] = machine.DeepClone();
            _details["commit"] = o.Commit;
            _details["enginePgSuffix"] = Environment.GetEnvironmentVariable("BENCH_ENGINE_PG_SUFFIX") ?? "";
            _details["timestamp"] = started.ToString("o", Inv);
            _details["loadDuring"] = new JsonObject(_loadAt.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            await File.WriteAllTextAsync(Path.Combine(o.OutDir, $"{name}.details.json"), _details.ToJsonString(json) + "\n");
            Console.WriteLine();
            Console.WriteLine(Table(o.Commit, machine));
            Say($"wrote {Path.Combine(o.OutDir, $"{name}.json")} and {name}.details.json");
            return 0;
        }

        // ------------------------------------------------------------------ scenarios

        /// <summary>32 connections, each a loop of single-row INSERTs (one durable commit each) on a scratch table.</summary>
        private async Task PgCeilingAsync(JsonObject d)
        {
            var seconds = o.Quick ? 3 : 10;
            const int clients = 32;
            await ExecAsync("CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), v text)");
            await ExecAsync("TRUNCATE bench_ceiling");
            await using var ds = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(o.Postgres) { MaxPoolSize = clients + 2 }.ConnectionString).Build();
            var conns = new List<NpgsqlConnection>();
            for (var i = 0; i < clients; i++)
            {
                conns.Add(await ds.OpenConnectionAsync());
            }
            var counts = new long[clients];
            var cpu0 = Cpu();
            var sw = Stopwatch.StartNew();
            var deadline = TimeSpan.FromSeconds(seconds);
            await Task.WhenAll(conns.Select(async (c, i) =>
            {
                await using var cmd = new NpgsqlCommand("INSERT INTO bench_ceiling (v) VALUES ($1)", c);
                cmd.Parameters.Add(new NpgsqlParameter { Value = "x" });
                await cmd.PrepareAsync();
                while (sw.Elapsed < deadline)
                {
                    await cmd.ExecuteNonQueryAsync();
                    counts[i]++;
                }
            }));
            var elapsed = sw.Elapsed.TotalSeconds;
            var total = counts.Sum();
            d["cpuMsPerTransaction"] = CpuAccounting.PerUnit(cpu0, Cpu(), (int)total, elapsed);
            // the same with 10 rows per transaction (one multi-row INSERT): what batching buys per durable commit
            Array.Clear(counts);
            sw.Restart();
            cpu0 = Cpu();
            var batchedDeadline = TimeSpan.FromSeconds(o.Quick ? 2 : 5);
            await Task.WhenAll(conns.Select(async (c, i) =>
            {
                await using var cmd = new NpgsqlCommand("INSERT INTO bench_ceiling (v) SELECT $1 FROM generate_series(1, 10)", c);
                cmd.Parameters.Add(new NpgsqlParameter { Value = "x" });
                await cmd.PrepareAsync();
                while (sw.Elapsed < batchedDeadline)
                {
                    await cmd.ExecuteNonQueryAsync();
                    counts[i]++;
                }
            }));
            var batchedSeconds = sw.Elapsed.TotalSeconds;
            d["tenRowTransactionsPerSec"] = Math.Round(counts.Sum() / batchedSeconds, 1);
            d["tenRowCpuMsPerTransaction"] = CpuAccounting.PerUnit(cpu0, Cpu(), (int)counts.Sum(), batchedSeconds);
            foreach (var c in conns)
            {
                await c.DisposeAsync();
            }
            _results["pgCeilingTps"] = total / elapsed;
            d["clients"] = clients;
            d["seconds"] = elapsed;
            d["transactions"] = total;
            // one client: the latency of one durable commit (what every serial step of a workflow pays)
            await using (var one = await ds.OpenConnectionAsync())
            {
                await using var cmd = new NpgsqlCommand("INSERT INTO bench_ceiling (v) VALUES ($1)", one);
                cmd.Parameters.Add(new NpgsqlParameter { Value = "x" });
                await cmd.PrepareAsync();
                var lat = new List<double>();
                var single = Stopwatch.StartNew();
                while (single.Elapsed < TimeSpan.FromSeconds(o.Quick ? 1 : 3))
                {
                    var t0 = Stopwatch.GetTimestamp();
                    await cmd.ExecuteNonQueryAsync();
                    lat.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
                var sorted = lat.Order().ToArray();
                d["singleClientCommitsPerSec"] = Math.Round(lat.Count / single.Elapsed.TotalSeconds, 1);
                d["singleClientCommitMs"] = new JsonObject
                {
                    ["p50"] = Math.Round(Percentile(sorted, 50), 3), ["p99"] = Math.Round(Percentile(sorted, 99), 3),
                };
            }
            await ExecAsync("DROP TABLE bench_ceiling");
        }

        private async Task Throughput1Async(JsonObject d)
        {
            var count = o.Quick ? 300 : 2000;
            await TruncateAsync();
            await SettleStatsAsync();
            var pss0 = await StatementsSnapshotAsync();
            var (c0, x0) = await DbCountersAsync();
            var cpu0 = Cpu();
            var run = await RunWorkflowsAsync("OneActivityWorkflow", 1, count, inFlight: 50, "t1");
            d["cpuMsPerWorkflow"] = CpuAccounting.PerUnit(cpu0, Cpu(), count, run.Seconds);
            _results["throughput1WorkflowsPerSec"] = run.PerSec;
            var scenarioSeconds = run.Seconds;
            // stats of idle pooled backends reach pg_stat_database within PGSTAT_IDLE_INTERVAL (10 s): wait them out
            await Task.Delay(TimeSpan.FromSeconds(11));
            var (c1, x1) = await DbCountersAsync();
            var pss1 = await StatementsSnapshotAsync();
            var window = scenarioSeconds + 11;
            Say($"  idle interval of {window:F1} s for background commits");
            await Task.Delay(TimeSpan.FromSeconds(window));
            var (c2, x2) = await DbCountersAsync();
            var commits = (c1 - c0) - (c2 - c1);
            var writes = (x1 - x0) - (x2 - x1);
            _results["commitsPerWorkflow1"] = (double)commits / count;
            d["run"] = run.ToJson();
            d["xactCommitDelta"] = c1 - c0;
            d["backgroundCommitsIdleWindow"] = c2 - c1;
            d["windowSeconds"] = window;
            d["commitsPerWorkflow"] = (double)commits / count;
            d["writeTransactionsPerWorkflow"] = (double)writes / count;
            d["backgroundWriteTransactions"] = x2 - x1;
            if (pss0 is not null && pss1 is not null)
            {
                d["statementsPerWorkflow"] = StatementsDelta(pss0, pss1, count);
            }
        }

        private async Task Throughput10Async(JsonObject d)
        {
            var count = o.Quick ? 60 : 500;
            await TruncateAsync();
            var pss0 = await StatementsSnapshotAsync();
            var (c0, x0) = await DbCountersAsync();
            var cpu0 = Cpu();
            var run = await RunWorkflowsAsync("ChainWorkflow", 10, count, inFlight: 50, "t10");
            d["cpuMsPerActivity"] = CpuAccounting.PerUnit(cpu0, Cpu(), count * 10, run.Seconds);
            var (c1, x1) = await DbCountersAsync();
            var pss1 = await StatementsSnapshotAsync();
            _results["throughput10WorkflowsPerSec"] = run.PerSec;
            _results["activitiesPerSec"] = run.PerSec * 10;
            d["run"] = run.ToJson();
            d["xactCommitDeltaApprox"] = c1 - c0;
            d["writeTransactionsPerActivity"] = (double)(x1 - x0) / (count * 10);
            if (pss0 is not null && pss1 is not null)
            {
                d["statementsPerActivity"] = StatementsDelta(pss0, pss1, count * 10);
            }
        }

        private async Task Latency1Async(JsonObject d)
        {
            var count = o.Quick ? 50 : 200;
            await TruncateAsync();
            await RunWorkflowsAsync("OneActivityWorkflow", 1, 10, inFlight: 1, "l1w"); // warm the sequential path
            var cpu0 = Cpu();
            var run = await RunWorkflowsAsync("OneActivityWorkflow", 1, count, inFlight: 1, "l1");
            d["cpuMsPerWorkflow"] = CpuAccounting.PerUnit(cpu0, Cpu(), count, run.Seconds);
            var sorted = run.LatenciesMs.Order().ToArray();
            _results["latency1P50Ms"] = Percentile(sorted, 50);
            _results["latency1P95Ms"] = Percentile(sorted, 95);
            _results["latency1P99Ms"] = Percentile(sorted, 99);
            d["run"] = run.ToJson();
            d["segmentsMs"] = await LatencySegmentsAsync(run);
            d["maxMs"] = sorted[^1];
            d["minMs"] = sorted[0];
        }

        /// <summary>One <see cref="FanOutWorkflow"/> that schedules 2,000 (500) activities at once and awaits them all, start to result.</summary>
        private async Task FanOutAsync(JsonObject d)
        {
            var count = o.Quick ? 500 : 2000;
            var (seconds, cpu0, cpu1, events) = await RunOneAsync("FanOutWorkflow", count, $"fanout-{_tag}-{count}");
            _results["fanOut2000ActivitiesPerSec"] = count / seconds;
            d["activities"] = count;
            d["seconds"] = Math.Round(seconds, 3);
            d["workflowTasks"] = events.Count(e => e.Type == "WorkflowTaskCompleted");
            d["historyEvents"] = events.Count;
            d["cpuMsPerWorkflow"] = CpuAccounting.PerUnit(cpu0, cpu1, 1, seconds);
            d["cpuMsPerActivity"] = CpuAccounting.PerUnit(cpu0, cpu1, count, seconds);
        }

        /// <summary>
        /// One <see cref="ChainWorkflow"/> of 3,000 (1,200) sequential activities: ms per activity over the last n/15 activities
        /// divided by the same over activities n/6 to n/6 + n/15 (500–700 of 3,000), from the <c>ActivityCompleted</c>
        /// timestamps of its history (the engine's clock at each append). The warm-up ran before, so the JIT has settled.
        /// </summary>
        private async Task LongChainAsync(JsonObject d)
        {
            var n = o.Quick ? 1200 : 3000;
            var (early, window) = (n / 6, n / 15);
            var (seconds, cpu0, cpu1, events) = await RunOneAsync("ChainWorkflow", n, $"longchain-{_tag}-{n}");
            var done = events.Where(e => e.Type == "ActivityCompleted").Select(e => e.At).ToArray();
            if (done.Length != n)
            {
                throw new InvalidOperationException($"longChain: {done.Length} ActivityCompleted events, expected {n}");
            }
            // done[k - 1] = when activity k completed; a window (a, b] costs (done[b - 1] - done[a - 1]) / (b - a)
            double MsPerActivity(int a, int b) => (done[b - 1] - done[a - 1]).TotalMilliseconds / (b - a);
            var earlyMs = MsPerActivity(early, early + window);
            var lastMs = MsPerActivity(n - window, n);
            _results["longChainGrowth"] = lastMs / earlyMs;
            d["activities"] = n;
            d["historyEvents"] = events.Count;
            d["seconds"] = Math.Round(seconds, 3);
            d["earlyWindow"] = $"activities {early}-{early + window}";
            d["earlyMsPerActivity"] = Math.Round(earlyMs, 3);
            d["lastWindow"] = $"activities {n - window}-{n}";
            d["lastMsPerActivity"] = Math.Round(lastMs, 3);
            d["msPerActivityOverall"] = Math.Round(seconds * 1000 / n, 3);
            d["cpuMsPerWorkflow"] = CpuAccounting.PerUnit(cpu0, cpu1, 1, seconds);
            d["cpuMsPerActivity"] = CpuAccounting.PerUnit(cpu0, cpu1, n, seconds);
        }

        /// <summary>
        /// One <see cref="LocalChainWorkflow"/> of 1,000 sequential local activities, REST start to result: activities / s; then
        /// the same chain of ordinary activities (<see cref="ChainWorkflow"/>), for the ratio in the details (issue 17: ≥ 10×).
        /// A chain of 50 local activities first, unmeasured: the local path's JIT (the warm-up runs ordinary activities only).
        /// </summary>
        private async Task LocalActivitiesAsync(JsonObject d)
        {
            const int count = 1000;
            await RunOneAsync("LocalChainWorkflow", 50, $"localchain-warm-{_tag}");
            var (seconds, cpu0, cpu1, events) = await RunOneAsync("LocalChainWorkflow", count, $"localchain-{_tag}-{count}");
            var markers = events.Count(e => e.Type == "MarkerRecorded");
            if (markers != count || events.Any(e => e.Type == "ActivityScheduled"))
            {
                throw new InvalidOperationException($"localChain: {markers} markers for {count} local activities");
            }
            var (ordinarySeconds, ordinaryCpu0, ordinaryCpu1, ordinaryEvents) = await RunOneAsync("ChainWorkflow", count, $"chain-{_tag}-{count}");
            _results["localActivitiesPerSec"] = count / seconds;
            d["activities"] = count;
            d["seconds"] = Math.Round(seconds, 3);
            d["workflowTasks"] = events.Count(e => e.Type == "WorkflowTaskCompleted");
            d["historyEvents"] = events.Count;
            d["cpuMsPerActivity"] = CpuAccounting.PerUnit(cpu0, cpu1, count, seconds);
            d["ordinaryActivitiesPerSec"] = Math.Round(count / ordinarySeconds, 1);
            d["ordinarySeconds"] = Math.Round(ordinarySeconds, 3);
            d["ordinaryWorkflowTasks"] = ordinaryEvents.Count(e => e.Type == "WorkflowTaskCompleted");
            d["ordinaryHistoryEvents"] = ordinaryEvents.Count;
            d["ordinaryCpuMsPerActivity"] = CpuAccounting.PerUnit(ordinaryCpu0, ordinaryCpu1, count, ordinarySeconds);
            d["ratio"] = Math.Round(ordinarySeconds / seconds, 1);
        }

        /// <summary>The local/ordinary rate ratio of the last <c>localActivities</c> scenario, if it ran.</summary>
        private double? LocalRatio() => _details["localActivitiesPerSec"] is JsonObject d && d["ratio"] is JsonValue r ? r.GetValue<double>() : null;

        /// <summary>On empty tables, one run from the REST start to its completed result: seconds, CPU before and after, its history.</summary>
        private async Task<(double Seconds, Dictionary<string, double> Cpu0, Dictionary<string, double> Cpu1, List<(string Type, DateTimeOffset At)> Events)> RunOneAsync(
            string type, int input, string id)
        {
            await TruncateAsync();
            var cpu0 = Cpu();
            var sw = Stopwatch.StartNew();
            await StartAsync(type, input, id);
            var status = await WaitResultAsync(id);
            var seconds = sw.Elapsed.TotalSeconds;
            var cpu1 = Cpu();
            if (status != "Completed")
            {
                throw new InvalidOperationException($"{id} ended {status}");
            }
            return (seconds, cpu0, cpu1, await HistoryAsync(id));
        }

        /// <summary>Every event of a run's history (type and timestamp), all pages.</summary>
        private async Task<List<(string Type, DateTimeOffset At)>> HistoryAsync(string workflowId)
        {
            var events = new List<(string, DateTimeOffset)>();
            string? token = null;
            do
            {
                var url = $"/api/v1/workflows/{workflowId}/history?pageSize=10000" + (token is null ? "" : $"&pageToken={Uri.EscapeDataString(token)}");
                using var doc = JsonDocument.Parse(await _http.GetStringAsync(url));
                foreach (var e in doc.RootElement.GetProperty("events").EnumerateArray())
                {
                    events.Add((e.GetProperty("eventType").GetString() ?? "", e.GetProperty("timestamp").GetDateTimeOffset()));
                }
                token = doc.RootElement.TryGetProperty("nextPageToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            }
            while (token is not null);
            return events;
        }

        /// <summary>
        /// Records a real 10-activity <see cref="ChainWorkflow"/> history, extends it to ≥10,000 events in the same shape
        /// (the 6-event activity block repeated with shifted ids), checks the synthesis against a real recording, and times
        /// replays in fresh worker-binary processes.
        /// </summary>
        private async Task ReplayAsync(JsonObject d)
        {
            var real10 = await RecordHistoryAsync(10);
            var real3 = await RecordHistoryAsync(3);
            // the synthesizer must reproduce a real recording exactly (apart from timestamps)
            var synth10 = HistorySynthesizer.Extend(real3, 10);
            if (!HistorySynthesizer.SameShape(synth10, real10, out var why))
            {
                throw new InvalidOperationException($"history synthesis does not match a real recording: {why}");
            }
            var steps = HistorySynthesizer.StepsFor(real10, 10, 10_000);
            var big = HistorySynthesizer.Extend(real10, steps);
            var bigFile = Path.Combine(o.LogDir, "replay-10k.json");
            var smallFile = Path.Combine(o.LogDir, "replay-warmup.json");
            await File.WriteAllTextAsync(bigFile, big);
            await File.WriteAllTextAsync(smallFile, real3);
            var jitCold = await RunProbeAsync([bigFile, smallFile, "1", "--jit-cold"]);
            var warm = await RunProbeAsync([bigFile, smallFile, o.Quick ? "3" : "7"]);
            _results["replay10kMs"] = warm["medianMs"]!.GetValue<double>();
            d["history"] = $"synthesized: a real 10-activity ChainWorkflow recording extended to {steps} activities (same event shapes, shifted ids and seqs)";
            d["jitColdFirstReplay"] = jitCold;
            d["cacheColdReplaysAfterWarmup"] = warm;
        }

        private async Task IdleAsync(JsonObject d)
        {
            var count = o.Quick ? 1000 : 10_000;
            await StopChildrenAsync();
            await StartChildrenAsync(truncate: true);
            await RunWorkflowsAsync("OneActivityWorkflow", 1, 5, inFlight: 5, "idlew"); // the worker is consuming
            await Task.Delay(2000);
            var before = (engine: _engine!.RssMb(), worker: _worker!.RssMb());
            var sw = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await StartAsync("SleepWorkflow", 3600, $"idle-{_tag}-{i}");
                }
            }));
            var startSeconds = sw.Elapsed.TotalSeconds;
            long timers = 0;
            while (sw.Elapsed < TimeSpan.FromMinutes(5))
            {
                timers = await ScalarAsync("SELECT count(*) FROM timers");
                if (timers >= count)
                {
                    break;
                }
                await Task.Delay(500);
            }
            var sleepingSeconds = sw.Elapsed.TotalSeconds;
            if (timers < count)
            {
                throw new InvalidOperationException($"only {timers} of {count} workflows reached their timer");
            }
            await Task.Delay(TimeSpan.FromSeconds(o.Quick ? 3 : 5));
            var samples = new List<(double Engine, double Worker)>();
            for (var i = 0; i < 3; i++)
            {
                samples.Add((_engine.RssMb(), _worker.RssMb()));
                await Task.Delay(1000);
            }
            var last = samples[^1];
            var total = last.Engine + last.Worker;
            _results["idleWorkflows10kRssMb"] = total;
            d["workflows"] = count;
            d["startSeconds"] = startSeconds;
            d["allSleepingAfterSeconds"] = sleepingSeconds;
            d["rssBeforeMb"] = new JsonObject { ["engine"] = before.engine, ["worker"] = before.worker };
            d["rssMb"] = new JsonObject { ["engine"] = last.Engine, ["worker"] = last.Worker };
            d["note"] = count == 10_000 ? "10,000 sleeping workflows" : $"quick run: {count} sleeping workflows (not 10,000)";
        }

        // ------------------------------------------------------------------ workflow driving

        private sealed record RunStats(string Type, int Count, int InFlight, double Seconds, int Failed, List<double> LatenciesMs)
        {
            /// <summary>Per run: workflow id, wall-clock time the start request was sent and the result received.</summary>
            public List<(string Id, DateTimeOffset Sent, DateTimeOffset Received)> Runs { get; init; } = [];

            public double PerSec => Count / Seconds;

            public JsonObject ToJson()
            {
                var s = LatenciesMs.Order().ToArray();
                return new JsonObject
                {
                    ["workflowType"] = Type, ["count"] = Count, ["inFlight"] = InFlight, ["seconds"] = Math.Round(Seconds, 3),
                    ["perSec"] = Math.Round(PerSec, 1), ["failed"] = Failed,
                    ["latencyMs"] = new JsonObject
                    {
                        ["p50"] = Math.Round(Percentile(s, 50), 2), ["p95"] = Math.Round(Percentile(s, 95), 2),
                        ["p99"] = Math.Round(Percentile(s, 99), 2), ["max"] = Math.Round(s[^1], 2),
                    },
                };
            }
        }

        /// <summary>Starts <paramref name="count"/> workflows, <paramref name="inFlight"/> at a time, each awaited with the long-poll.</summary>
        private async Task<RunStats> RunWorkflowsAsync(string type, int input, int count, int inFlight, string prefix)
        {
            var latencies = new double[count];
            var runs = new (string, DateTimeOffset, DateTimeOffset)[count];
            var failed = 0;
            var next = -1;
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var sent = DateTimeOffset.UtcNow;
                    var id = $"{prefix}-{_tag}-{i}";
                    await StartAsync(type, input, id);
                    var status = await WaitResultAsync(id);
                    latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    runs[i] = (id, sent, DateTimeOffset.UtcNow);
                    if (status != "Completed")
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }));
            var stats = new RunStats(type, count, inFlight, sw.Elapsed.TotalSeconds, failed, [.. latencies]) { Runs = [.. runs] };
            if (failed > 0)
            {
                throw new InvalidOperationException($"{failed} of {count} {type} runs did not complete");
            }
            return stats;
        }

        private async Task StartAsync(string type, int input, string workflowId)
        {
            var body = $"{{\"workflowType\":\"{type}\",\"workflowId\":\"{workflowId}\",\"taskQueue\":\"{TaskQueue}\",\"input\":{input.ToString(Inv)}}}";
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync("/api/v1/workflows", content);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"start {type} {workflowId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        private async Task<string> WaitResultAsync(string workflowId)
        {
            while (true)
            {
                using var response = await _http.GetAsync($"/api/v1/workflows/{workflowId}/result?waitSeconds=30");
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var doc = JsonDocument.Parse(text);
                    return doc.RootElement.GetProperty("status").GetString() ?? "";
                }
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"result {workflowId}: {(int)response.StatusCode} {text}");
                }
            }
        }

        /// <summary>
        /// Where the time of a sequential one-activity workflow goes, from the event timestamps (each is the engine's clock
        /// at the start of the transaction that appended it; same machine, same clock as the harness). Medians, ms:
        /// request → start tx; start tx → workflow task 1 answered (commit, relay, hop, worker, hop); → activity result
        /// applied (commit, relay, hop, activity, hop); → workflow task 2 answered (completion); → result received
        /// (commit, long-poll wake, HTTP).
        /// </summary>
        private async Task<JsonObject> LatencySegmentsAsync(RunStats run)
        {
            var names = new[] { "requestToStartTx", "startToTask1Answer", "task1AnswerToActivityResult", "activityResultToTask2Answer", "closeTxToResultReceived" };
            var segments = names.Select(_ => new List<double>()).ToArray();
            foreach (var (id, sent, received) in run.Runs)
            {
                using var doc = JsonDocument.Parse(await _http.GetStringAsync($"/api/v1/workflows/{id}/history?pageSize=100"));
                var events = doc.RootElement.GetProperty("events").EnumerateArray()
                    .Select(e => (Type: e.GetProperty("eventType").GetString(), At: e.GetProperty("timestamp").GetDateTimeOffset())).ToList();
                var started = events.First(e => e.Type == "WorkflowStarted").At;
                var task1 = events.First(e => e.Type == "WorkflowTaskCompleted").At;
                var activity = events.First(e => e.Type == "ActivityCompleted").At;
                var closed = events.First(e => e.Type == "WorkflowCompleted").At;
                double[] values = [(started - sent).TotalMilliseconds, (task1 - started).TotalMilliseconds, (activity - task1).TotalMilliseconds,
                    (closed - activity).TotalMilliseconds, (received - closed).TotalMilliseconds];
                for (var i = 0; i < values.Length; i++)
                {
                    segments[i].Add(values[i]);
                }
            }
            var result = new JsonObject();
            for (var i = 0; i < names.Length; i++)
            {
                var sorted = segments[i].Order().ToArray();
                result[names[i]] = new JsonObject { ["p50"] = Math.Round(Percentile(sorted, 50), 2), ["p99"] = Math.Round(Percentile(sorted, 99), 2) };
            }
            return result;
        }

        private async Task<string> RecordHistoryAsync(int activities)
        {
            var id = $"replay-{_tag}-{activities}-{Guid.NewGuid():N}";
            await StartAsync("ChainWorkflow", activities, id);
            if (await WaitResultAsync(id) != "Completed")
            {
                throw new InvalidOperationException($"{id} did not complete");
            }
            return await _http.GetStringAsync($"/api/v1/workflows/{id}/history?pageSize=1000");
        }

        private async Task<JsonObject> RunProbeAsync(string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(_benchDll);
            psi.ArgumentList.Add("replay");
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"replay probe failed ({p.ExitCode}): {await stderr}");
            }
            var line = (await stdout).Trim().Split('\n')[^1];
            return JsonNode.Parse(line)!.AsObject();
        }

        // ------------------------------------------------------------------ processes

        private async Task StartChildrenAsync(bool truncate, IReadOnlyDictionary<string, string>? engineSettings = null)
        {
            if (truncate)
            {
                await TruncateAsync();
            }
            var common = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                // BENCH_ENGINE_PG_SUFFIX: an experiment knob (e.g. ";No Reset On Close=true"); empty in the reported runs
                ["Orchestrator__Postgres"] = o.Postgres + Environment.GetEnvironmentVariable("BENCH_ENGINE_PG_SUFFIX"),
                ["Orchestrator__RabbitMq"] = o.RabbitMq,
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["DOTNET_hostBuilder__reloadConfigOnChange"] = "false", // no file watchers: config does not change during a run
            };
            if (o.IsolateQueues)
            {
                common["Orchestrator__EngineQueue"] = $"orchestrator-engine-bench-{_tag}";
                common["Orchestrator__Worker__EngineQueue"] = $"orchestrator-engine-bench-{_tag}";
                common["Orchestrator__TaskQueue"] = TaskQueue;
            }
            var engineEnv = new Dictionary<string, string>(common, StringComparer.Ordinal);
            foreach (var (key, value) in engineSettings ?? new Dictionary<string, string>())
            {
                engineEnv[key] = value;
            }
            _engine = ChildProcess.Start("engine", o.EngineDll, ["--urls", EngineUrl.ToString().TrimEnd('/')], engineEnv,
                Path.Combine(o.LogDir, "engine.log"));
            await WaitReadyAsync();
            var workerEnv = new Dictionary<string, string>(common, StringComparer.Ordinal) { ["Orchestrator__EngineUrl"] = EngineUrl.ToString() };
            if (Environment.GetEnvironmentVariable("ORCHESTRATOR_WORKER_RABBITMQ") is { Length: > 0 } workerAmqp)
            {
                workerEnv["Orchestrator__RabbitMq"] = workerAmqp; // the workers' own broker user (scripts/services.sh)
            }
            _worker = ChildProcess.Start("worker", _benchDll, ["worker"], workerEnv, Path.Combine(o.LogDir, "worker.log"));
            Say($"  engine pid {_engine.Pid}, worker pid {_worker.Pid}");
        }

        private int _postmasterPid = -1;

        private Dictionary<string, double> Cpu() => CpuAccounting.Snapshot(_engine?.Pid ?? -1, _worker?.Pid ?? -1, _postmasterPid, RabbitPid());

        /// <summary>RabbitMQ's node pid: BENCH_RABBIT_PID_FILE (bench.sh passes the node's pid file), else unknown.</summary>
        private static int RabbitPid()
        {
            var file = Environment.GetEnvironmentVariable("BENCH_RABBIT_PID_FILE");
            return file is { Length: > 0 } && File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : -1;
        }

        /// <summary>The postmaster of the server we use: the parent of one of our backends (when it is on this machine).</summary>
        private async Task FindPostmasterAsync()
        {
            try
            {
                var backend = (int)await ScalarAsync("SELECT pg_backend_pid()");
                var stat = await File.ReadAllTextAsync($"/proc/{backend}/stat");
                _postmasterPid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], Inv);
            }
            catch (IOException)
            {
                _postmasterPid = -1; // a remote server: PostgreSQL CPU then counts every local postgres process
            }
        }

        private async Task WaitReadyAsync()
        {
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (_engine!.HasExited)
                {
                    throw new InvalidOperationException($"the engine exited at start; see {_engine.Log}");
                }
                try
                {
                    using var r = await _http.GetAsync("/health/ready");
                    if (r.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(200);
            }
            throw new TimeoutException($"the engine was not ready within 60 s; see {_engine!.Log}");
        }

        public async Task StopChildrenAsync()
        {
            if (_worker is not null)
            {
                await _worker.DisposeAsync();
                _worker = null;
            }
            if (_engine is not null)
            {
                await _engine.DisposeAsync();
                _engine = null;
            }
        }

        private async Task WarmUpAsync()
        {
            var sw = Stopwatch.StartNew();
            await RunWorkflowsAsync("OneActivityWorkflow", 1, 1, 1, "warm1");
            await RunWorkflowsAsync("OneActivityWorkflow", 1, 100, 20, "warm");
            await RunWorkflowsAsync("ChainWorkflow", 10, 10, 10, "warm10");
            Say($"  warm-up done in {sw.Elapsed.TotalSeconds:F1} s");
        }

        // ------------------------------------------------------------------ database helpers

        /// <summary>Empties every engine table (all of schema public but the migration journal and bench_ tables).</summary>
        private async Task TruncateAsync()
        {
            await using var cmd = _db.CreateCommand("""
                SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') FROM pg_tables
                WHERE schemaname = 'public' AND tablename NOT ILIKE '%schemaversions%' AND tablename NOT LIKE 'bench\_%'
                """);
            var tables = await cmd.ExecuteScalarAsync() as string;
            if (!string.IsNullOrEmpty(tables))
            {
                await ExecAsync($"TRUNCATE {tables} CASCADE");
            }
        }

        private async Task ExecAsync(string sql)
        {
            await using var cmd = _db.CreateCommand(sql);
            await cmd.ExecuteNonQueryAsync();
        }

        private async Task<long> ScalarAsync(string sql)
        {
            await using var cmd = _db.CreateCommand(sql);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), Inv);
        }

        /// <summary>xact_commit of this database, and the next transaction id (advances only for writing transactions).</summary>
        private async Task<(long Commits, long NextXid)> DbCountersAsync()
        {
            await using var conn = await _db.OpenConnectionAsync();
            await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", conn))
            {
                await clear.ExecuteNonQueryAsync();
            }
            await using var cmd = new NpgsqlCommand("""
                SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
                       pg_snapshot_xmax(pg_current_snapshot())::text::bigint
                """, conn);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            return (r.GetInt64(0), r.GetInt64(1));
        }

        private async Task SettleStatsAsync()
        {
            Say("  waiting 11 s for pending backend statistics to reach pg_stat_database");
            await Task.Delay(TimeSpan.FromSeconds(11));
        }

        private async Task<Dictionary<string, (long Calls, double Ms)>?> StatementsSnapshotAsync()
        {
            if (!o.PgStatStatements)
            {
                return null;
            }
            await using var cmd = _db.CreateCommand("""
                SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS q, sum(calls)::bigint, sum(total_exec_time)
                FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                GROUP BY 1
                """);
            await using var r = await cmd.ExecuteReaderAsync();
            var result = new Dictionary<string, (long, double)>(StringComparer.Ordinal);
            while (await r.ReadAsync())
            {
                result[r.GetString(0)] = (r.GetInt64(1), r.GetDouble(2));
            }
            return result;
        }

        private static JsonArray StatementsDelta(Dictionary<string, (long Calls, double Ms)> a, Dictionary<string, (long Calls, double Ms)> b, int per)
        {
            var rows = b.Select(kv =>
            {
                var before = a.TryGetValue(kv.Key, out var x) ? x : (0, 0);
                return (Query: kv.Key, Calls: kv.Value.Calls - before.Calls, Ms: kv.Value.Ms - before.Ms);
            }).Where(r => r.Calls > 0).OrderByDescending(r => r.Calls).Take(30);
            return new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["perUnit"] = Math.Round((double)r.Calls / per, 3), ["msPerCall"] = Math.Round(r.Ms / r.Calls, 4),
                ["totalMs"] = Math.Round(r.Ms, 1), ["query"] = r.Query,
            }).ToArray());
        }

        // ------------------------------------------------------------------ reporting

        private async Task Scenario(string name, Func<JsonObject, Task> body)
        {
            var d = new JsonObject { ["loadAvgBefore"] = LoadAvg() };
            Say($"scenario {name} (load {LoadAvg()})");
            var sw = Stopwatch.StartNew();
            await body(d);
            d["loadAvgAfter"] = LoadAvg();
            d["scenarioSeconds"] = Math.Round(sw.Elapsed.TotalSeconds, 1);
            _loadAt[name] = LoadAvg();
            _details[name] = d;
            Say($"  done in {sw.Elapsed.TotalSeconds:F1} s: {string.Join(", ", _results.Select(kv => $"{kv.Key}={kv.Value:F2}"))} (load {LoadAvg()})");
        }

        private static readonly string[] ResultKeys =
        [
            "pgCeilingTps", "throughput1WorkflowsPerSec", "throughput10WorkflowsPerSec", "activitiesPerSec",
            "latency1P50Ms", "latency1P95Ms", "latency1P99Ms", "replay10kMs", "idleWorkflows10kRssMb", "commitsPerWorkflow1",
            "fanOut2000ActivitiesPerSec", "longChainGrowth", "localActivitiesPerSec", "retentionDeletesPerSec", "retentionThroughput1Ratio",
            "listQueryP95Ms", "countByStatusMs",
        ];

        private string Table(string commit, JsonObject machine)
        {
            (string Key, string Target, Func<double, bool>? Pass, string LoadKey)[] rows =
            [
                ("pgCeilingTps", "(denominator)", null, "pgCeilingTps"),
                ("throughput1WorkflowsPerSec", ">= 500", v => v >= 500, "throughput1WorkflowsPerSec"),
                ("throughput10WorkflowsPerSec", "(info)", null, "throughput10WorkflowsPerSec"),
                ("activitiesPerSec", ">= 1000", v => v >= 1000, "throughput10WorkflowsPerSec"),
                ("latency1P50Ms", "<= 8", v => v <= 8, "latency1"),
                ("latency1P95Ms", "(info)", null, "latency1"),
                ("latency1P99Ms", "<= 30", v => v <= 30, "latency1"),
                ("replay10kMs", "<= 25", v => v <= 25, "replay10kMs"),
                ("idleWorkflows10kRssMb", "<= 400", v => v <= 400, "idleWorkflows10kRssMb"),
                ("commitsPerWorkflow1", "<= 4", v => v <= 4, "throughput1WorkflowsPerSec"),
                ("fanOut2000ActivitiesPerSec", ">= 1500", v => v >= 1500, "fanOut2000ActivitiesPerSec"),
                ("longChainGrowth", "<= 1.2", v => v <= 1.2, "longChainGrowth"),
                ("localActivitiesPerSec", ">= 10x ordinary", _ => LocalRatio() >= 10, "localActivitiesPerSec"),
                ("retentionDeletesPerSec", ">= 5000", v => v >= 5000, "retention"),
                ("retentionThroughput1Ratio", ">= 0.9", v => v >= 0.9, "retention"),
                ("listQueryP95Ms", "<= 50", v => v <= 50, "visibility"),
                ("countByStatusMs", "<= 200 (p95)", v => v <= 200, "visibility"),
            ];
            var sb = new StringBuilder();
            sb.AppendLine(Inv, $"Commit {commit}, {machine["nproc"]} cores, {machine["memTotalMb"]} MB RAM, load {machine["loadAvgStart"]} -> {machine["loadAvgEnd"]}{(o.Quick ? " (QUICK run: smaller counts)" : "")}");
            sb.AppendLine();
            sb.AppendLine("| metric | value | target | result | load (1/5/15 min) after | CPU ms per unit: ours (engine, worker, PostgreSQL, RabbitMQ) |");
            sb.AppendLine("| --- | ---: | --- | --- | --- | --- |");
            foreach (var (key, target, pass, loadKey) in rows)
            {
                var has = _results.TryGetValue(key, out var v);
                var value = has ? v.ToString(v >= 100 ? "N0" : "0.##", Inv) : "—";
                var verdict = !has ? "not run" : pass is null ? "" : pass(v) ? "pass" : "FAIL";
                sb.AppendLine(Inv, $"| {key} | {value} | {target} | {verdict} | {(_loadAt.TryGetValue(loadKey, out var l) ? l : "")} | {CpuCell(key)} |");
            }
            return sb.ToString();
        }

        /// <summary>The CPU cost beside a metric of the summary: per workflow, or per activity where activities are the unit.</summary>
        private string CpuCell(string key)
        {
            var (scenario, field) = key switch
            {
                "throughput1WorkflowsPerSec" or "commitsPerWorkflow1" => ("throughput1WorkflowsPerSec", "cpuMsPerWorkflow"),
                "throughput10WorkflowsPerSec" or "activitiesPerSec" => ("throughput10WorkflowsPerSec", "cpuMsPerActivity"),
                "latency1P50Ms" or "latency1P99Ms" => ("latency1", "cpuMsPerWorkflow"),
                "fanOut2000ActivitiesPerSec" => (key, "cpuMsPerWorkflow"),
                "longChainGrowth" or "localActivitiesPerSec" => (key, "cpuMsPerActivity"),
                "listQueryP95Ms" => ("visibility", "cpuMsPerListQuery"),
                "countByStatusMs" => ("visibility", "cpuMsPerCount"),
                _ => ("", ""),
            };
            if (_details[scenario] is not JsonObject d || d[field] is not JsonObject cpu)
            {
                return "";
            }
            string F(string part) => cpu[part] is JsonValue x ? x.GetValue<double>().ToString("0.##", Inv) : "?";
            var unit = field switch { "cpuMsPerWorkflow" => "workflow", "cpuMsPerActivity" => "activity", _ => "query" };
            return $"{F("totalOurs")} per {unit} ({F("engine")}, {F("worker")}, {F("postgres")}, {F("rabbitmq")})";
        }

        private static double Percentile(double[] sorted, double p)
        {
            if (sorted.Length == 0)
            {
                return double.NaN;
            }
            var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }

        private static string LoadAvg()
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }

        private static long MemTotalMb()
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], Inv) / 1024;
        }

        private static string CpuModel() =>
            File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

        private static void Say(string text) => Console.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {text}");
    }
}
