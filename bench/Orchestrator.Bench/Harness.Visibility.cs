using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Bench;

internal static partial class Harness
{
    private sealed partial class Bench
    {
        /// <summary>
        /// Visibility at scale (issue 18): the bench database emptied, then 1,000,000 closed and 10,000 open runs (quick:
        /// 100,000 and 1,000) generated with plain SQL by <c>scripts/visibility/generate.sql</c> (its search attributes
        /// registered in <c>search_attributes</c>, where the engine reads them; the engine restarted before, with retention off:
        /// the runs are dated October and November 2026); then, through the REST API as a user
        /// would, one request at a time: the first page of <c>CustomerId = 'c-N' AND ExecutionStatus = 'Running'</c> for a
        /// random customer, 300 (50) times: <c>listQueryP95Ms</c>; and <c>count?groupBy=ExecutionStatus</c> over every run,
        /// 50 (10) times: <c>countByStatusMs</c>, its p95; both after 70 counts and 105 lists unmeasured. Every engine table is
        /// emptied again at the end.
        /// </summary>
        private async Task VisibilityAsync(JsonObject d)
        {
            var (closed, open) = o.Quick ? (100_000, 1_000) : (1_000_000, 10_000);
            var customers = closed / 10; // about 10 runs each, one in ten with an open run, as in the full data
            var (lists, counts) = o.Quick ? (50, 10) : (300, 50);
            // the engine restarted first, with retention off (the generated runs closed weeks ago, and a sweep would delete them
            // while we measure): .NET's tiered JIT recompiles its start-up paths in the background for 10-20 s after a start,
            // which is then over before the clocks below run (at least 15 s after the start: a quick run generates in seconds)
            await StopChildrenAsync();
            await StartChildrenAsync(truncate: true, new Dictionary<string, string> { ["Orchestrator__Retention__ClosedRuns"] = "00:00:00" });
            var engineUp = Stopwatch.StartNew();

            var generate = Stopwatch.StartNew();
            var statements = new JsonArray();
            foreach (var sql in GenerateStatements(closed, open, customers))
            {
                var sw = Stopwatch.StartNew();
                await ExecLongAsync(sql);
                var oneLine = Regex.Replace(sql, @"\s+", " ");
                statements.Add((JsonNode)new JsonObject
                {
                    ["statement"] = oneLine[..Math.Min(60, oneLine.Length)], ["seconds"] = Math.Round(sw.Elapsed.TotalSeconds, 1),
                });
            }
            var generateSeconds = generate.Elapsed.TotalSeconds;
            var (runs, openRuns) = (await ScalarAsync("SELECT count(*) FROM workflow_runs"), await ScalarAsync("SELECT count(*) FROM workflow_runs WHERE status = 'Running'"));
            if (runs != closed + open || openRuns != open)
            {
                throw new InvalidOperationException($"visibility: generated {runs} runs ({openRuns} open), expected {closed + open} ({open})");
            }
            Say($"  {closed:N0} closed + {open:N0} open runs generated in {generateSeconds:F1} s (load {LoadAvg()})");
            d["data"] = $"{closed:N0} closed + {open:N0} open runs, {customers:N0} customers, from scripts/visibility/generate.sql{(o.Quick ? " (QUICK run: a tenth of the full data)" : "")}";
            d["closedRuns"] = closed;
            d["openRuns"] = open;
            d["customers"] = customers;
            d["generateSeconds"] = Math.Round(generateSeconds, 1);
            d["generateStatements"] = statements;
            d["tableMb"] = Math.Round(await ScalarAsync("SELECT pg_relation_size('workflow_runs')") / 1048576.0, 1);
            d["indexesMb"] = Math.Round(await ScalarAsync("SELECT pg_indexes_size('workflow_runs')") / 1048576.0, 1);

            // the engine reads the registry every 5 s; a registration of an attribute it holds answers 200 and reads it at once
            using (var register = await _http.PostAsync("/api/v1/search-attributes",
                new StringContent("""{"name":"CustomerId","type":"Keyword"}""", System.Text.Encoding.UTF8, "application/json")))
            {
                if (register.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"visibility: registering CustomerId again answered {(int)register.StatusCode}, not 200 (it exists): {await register.Content.ReadAsStringAsync()}");
                }
            }
            if (TimeSpan.FromSeconds(15) - engineUp.Elapsed is { Ticks: > 0 } rest)
            {
                await Task.Delay(rest);
            }
            d["idleCpuMsPerSecondBefore"] = await IdleCpuAsync();

            var random = new Random(18);
            string ListUrl(int customer) => "/api/v1/workflows?query=" + Uri.EscapeDataString($"CustomerId = 'c-{customer}' AND ExecutionStatus = 'Running'");
            // the first customers' pages checked against the table: the query finds what it should
            for (var c = 0; c < 5; c++)
            {
                var (_, rows) = await TimedGetAsync(ListUrl(c), CountRows);
                var expected = await ScalarAsync($"SELECT count(*) FROM workflow_runs WHERE search_attributes @> '{{\"CustomerId\":\"c-{c}\"}}' AND status = 'Running'");
                if (rows != Math.Min(expected, 50))
                {
                    throw new InvalidOperationException($"visibility: the list of customer c-{c} has {rows} runs, the table {expected}");
                }
            }
            // the counts checked too, then both paths warmed so that .NET's tiered JIT has compiled them before the clocks run
            // (with dynamic PGO a method is recompiled twice, after 30 calls each: instrumented, then optimised)
            var total = closed + open;
            for (var i = 0; i < 70; i++)
            {
                var (_, sum) = await TimedGetAsync("/api/v1/workflows/count?groupBy=ExecutionStatus", SumGroups);
                if (sum != total)
                {
                    throw new InvalidOperationException($"visibility: the count by status sums to {sum}, expected {total}");
                }
            }
            for (var i = 0; i < 100; i++)
            {
                await TimedGetAsync(ListUrl(random.Next(customers)), CountRows);
            }
            await Task.Delay(TimeSpan.FromSeconds(2)); // the tier-1 compilations those calls queued
            var listMs = new List<double>(lists);
            long returned = 0, withRows = 0;
            var cpu0 = Cpu();
            var listClock = Stopwatch.StartNew();
            for (var i = 0; i < lists; i++)
            {
                var (ms, rows) = await TimedGetAsync(ListUrl(random.Next(customers)), CountRows);
                listMs.Add(ms);
                returned += rows;
                withRows += rows > 0 ? 1 : 0;
            }
            d["cpuMsPerListQuery"] = CpuAccounting.PerUnit(cpu0, Cpu(), lists, listClock.Elapsed.TotalSeconds);
            var listSorted = listMs.Order().ToArray();
            _results["listQueryP95Ms"] = Percentile(listSorted, 95);
            d["listQuery"] = new JsonObject
            {
                ["request"] = "GET /api/v1/workflows?query=CustomerId = 'c-<random>' AND ExecutionStatus = 'Running' (first page, 50 a page), one at a time",
                ["queries"] = lists, ["p50Ms"] = Math.Round(Percentile(listSorted, 50), 2), ["p95Ms"] = Math.Round(Percentile(listSorted, 95), 2),
                ["p99Ms"] = Math.Round(Percentile(listSorted, 99), 2), ["maxMs"] = Math.Round(listSorted[^1], 2),
                ["runsReturned"] = returned, ["queriesWithRuns"] = withRows,
            };

            var countMs = new List<double>(counts);
            var exited0 = ExitedPostgresSeconds();
            cpu0 = Cpu();
            var countClock = Stopwatch.StartNew();
            for (var i = 0; i < counts; i++)
            {
                countMs.Add((await TimedGetAsync("/api/v1/workflows/count?groupBy=ExecutionStatus", SumGroups)).Ms);
            }
            d["cpuMsPerCount"] = CpuAccounting.PerUnit(cpu0, Cpu(), counts, countClock.Elapsed.TotalSeconds);
            // parallel query workers exit before the next snapshot: their CPU is in the postmaster's cutime + cstime only
            var exitedMs = (ExitedPostgresSeconds() - exited0) * 1000 / counts;
            d["postgresExitedWorkersCpuMsPerCount"] = double.IsNaN(exitedMs) ? null : Math.Round(exitedMs, 2);
            var countSorted = countMs.Order().ToArray();
            _results["countByStatusMs"] = Percentile(countSorted, 95);
            d["countByStatus"] = new JsonObject
            {
                ["request"] = "GET /api/v1/workflows/count?groupBy=ExecutionStatus (every run), one at a time; countByStatusMs is the p95",
                ["queries"] = counts, ["p50Ms"] = Math.Round(Percentile(countSorted, 50), 2), ["p95Ms"] = Math.Round(Percentile(countSorted, 95), 2),
                ["maxMs"] = Math.Round(countSorted[^1], 2),
            };
            Say($"  list p50 {Percentile(listSorted, 50):F1} ms p95 {Percentile(listSorted, 95):F1} ms max {listSorted[^1]:F1} ms ({withRows} of {lists} with runs); count by status p50 {Percentile(countSorted, 50):F1} ms p95 {Percentile(countSorted, 95):F1} ms");

            d["idleCpuMsPerSecondAfter"] = await IdleCpuAsync();

            var truncate = Stopwatch.StartNew();
            await TruncateAsync(); // the scenarios after this one start on empty tables
            d["truncateSeconds"] = Math.Round(truncate.Elapsed.TotalSeconds, 1);
        }

        /// <summary>
        /// The statements of <c>scripts/visibility/generate.sql</c> (found above the harness's folder or the working
        /// directory), its psql lines dropped and its variables given: one statement each, as VACUUM wants.
        /// </summary>
        private static List<string> GenerateStatements(int closed, int open, int customers)
        {
            const string relative = "scripts/visibility/generate.sql";
            var file = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() }
                .SelectMany(start => Ancestors(new DirectoryInfo(start)))
                .Select(dir => Path.Combine(dir.FullName, relative)).FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException($"visibility: {relative} not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}");
            var lines = File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith('\\') && !l.TrimStart().StartsWith("--", StringComparison.Ordinal));
            var sql = string.Join('\n', lines)
                .Replace(":closed", closed.ToString(Inv), StringComparison.Ordinal)
                .Replace(":open", open.ToString(Inv), StringComparison.Ordinal)
                .Replace(":customers", customers.ToString(Inv), StringComparison.Ordinal);
            if (Regex.Match(sql, @"(?<!:):[a-z_]+") is { Success: true } left)
            {
                throw new InvalidOperationException($"visibility: {file} uses the variable {left.Value}, which the harness does not give");
            }
            var statements = Regex.Split(sql, @";\s*(?:\n|$)").Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
            if (!statements.Any(s => s.StartsWith("INSERT INTO workflow_runs", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"visibility: {file} has no INSERT INTO workflow_runs");
            }
            return statements;

            static IEnumerable<DirectoryInfo> Ancestors(DirectoryInfo? dir)
            {
                for (; dir is not null; dir = dir.Parent)
                {
                    yield return dir;
                }
            }
        }

        /// <summary>One statement without the command timeout (generating a million runs takes longer than its 30 s).</summary>
        private async Task ExecLongAsync(string sql)
        {
            await using var cmd = _db.CreateCommand(sql);
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync();
        }

        /// <summary>One GET, timed to the last byte of the body (a 200 is required), and a figure read from the body after the clock stopped.</summary>
        private async Task<(double Ms, long Value)> TimedGetAsync(string url, Func<JsonElement, long> read)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var response = await _http.GetAsync(url);
            var body = await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"visibility: GET {url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
            }
            using var doc = JsonDocument.Parse(body);
            return (ms, read(doc.RootElement));
        }

        /// <summary>What the processes burn in 2 s with nothing asked of them (sweeps, polls, tiered JIT): CPU ms per second.</summary>
        private async Task<JsonObject> IdleCpuAsync()
        {
            var cpu0 = Cpu();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var cpu1 = Cpu();
            var seconds = clock.Elapsed.TotalSeconds;
            var perSecond = new JsonObject();
            foreach (var key in cpu0.Keys)
            {
                perSecond[key] = Math.Round((cpu1[key] - cpu0[key]) * 1000 / seconds, 1);
            }
            perSecond["totalOurs"] = Math.Round(cpu0.Keys.Where(k => k != "other").Sum(k => cpu1[k] - cpu0[k]) * 1000 / seconds, 1);
            perSecond["seconds"] = Math.Round(seconds, 2);
            perSecond["note"] = "CPU ms per second of each process while no request is made ('other': every other process on the machine); seconds after the engine's start most of the engine's is .NET's tiered compilation thread (the engine starts before the data is generated, so that it is over)";
            return perSecond;
        }

        /// <summary>CPU seconds of the postmaster's children that exited (its cutime + cstime): parallel query workers; NaN off this machine.</summary>
        private double ExitedPostgresSeconds()
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{_postmasterPid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields[0] is field 3; cutime is field 16, cstime 17
                return (long.Parse(fields[13], Inv) + long.Parse(fields[14], Inv)) / 100.0;
            }
            catch (IOException)
            {
                return double.NaN;
            }
        }

        private static long CountRows(JsonElement page) => page.GetProperty("workflows").GetArrayLength();

        private static long SumGroups(JsonElement count) => count.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("count").GetInt64());
    }
}
