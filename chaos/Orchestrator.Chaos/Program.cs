using Orchestrator.Chaos;

// Orchestrator.Chaos [options]: the chaos run (./chaos.sh builds it and brings the servers up; docs/reliability.md).
var options = ChaosOptions.Parse(args);
if (options is null)
{
    return 2;
}
Directory.CreateDirectory(options.Logs);
var servers = new ShellServerFaults(options.FaultsScript, Path.Combine(options.Logs, "server-faults.log"));
Console.WriteLine($"chaos: seed {options.Seed}, {options.Rounds} round(s) of {options.Workflows} workflows over {options.LoadSeconds:F0} s, " +
    $"{options.FaultsPerKind} fault(s) of each kind a round{(options.RabbitCluster ? ", three-node RabbitMQ cluster" : "")}; logs in {options.Logs}");
Console.WriteLine($"chaos: repeat with ./chaos.sh --seed {options.Seed} --rounds {options.Rounds}{(options.Short ? " --short" : "")}{(options.RabbitCluster ? " --rabbit-cluster" : "")}" +
    (args.Contains("--workflows") ? $" --workflows {options.Workflows}" : ""));
var totalFaults = new Dictionary<FaultKind, int>();
var violations = 0;
for (var round = 1; round <= options.Rounds; round++)
{
    RoundResult result;
    try
    {
        result = await new Round(options, servers, round, Console.WriteLine).RunAsync();
    }
    catch (Exception e)
    {
        Console.WriteLine($"chaos: round {round} could not run: {e}");
        return 2;
    }
    Console.WriteLine(Report.SummaryLine(result, options.Rounds, options.Seed));
    if (result.Violations.Count > 0)
    {
        Console.Write(Report.Violations(result));
    }
    foreach (var (kind, n) in result.Faults)
    {
        totalFaults[kind] = totalFaults.GetValueOrDefault(kind) + n;
    }
    violations += result.Violations.Count;
}
Console.WriteLine($"faults by kind: {Report.FaultNames(totalFaults)}");
Console.WriteLine($"{options.Rounds} rounds, {totalFaults.Values.Sum()} faults injected, {violations} violations");
return violations == 0 ? 0 : 1;
