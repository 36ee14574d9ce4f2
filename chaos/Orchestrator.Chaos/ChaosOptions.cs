using System.Globalization;

namespace Orchestrator.Chaos;

/// <summary>The command line of the harness (./chaos.sh passes its own arguments through, plus the paths).</summary>
internal sealed class ChaosOptions
{
    public const string Usage = """
        usage: Orchestrator.Chaos [--rounds N] [--seed S] [--workflows N] [--short] [--rabbit-cluster]
                                  [--load-seconds S] [--faults-per-kind K]
                                  --engine-dll PATH --worker-dll PATH --faults PATH --logs DIR
          --rounds N           rounds to run (default 1)
          --seed S             seed of the load and the fault schedule (default: random; printed)
          --workflows N        workflows started per round (default 1000; 150 with --short)
          --short              the short round of ./test.sh: 150 workflows, one fault of each kind
          --rabbit-cluster     the broker is a three-node cluster: one node, chosen at random, is killed each round
          --load-seconds S     how long the starts (and the faults) of a round are spread over (default 60; 20 short)
          --faults-per-kind K  faults of each kind per round (default 5; 1 short)
        environment: Orchestrator__Postgres (the server; the harness creates a database per round),
                     Orchestrator__RabbitMq (engines), ORCHESTRATOR_WORKER_RABBITMQ (workers; default the same),
                     Orchestrator__RabbitMqNodes (a cluster's nodes, for both)
        """;

    public int Rounds { get; private set; } = 1;

    public int Seed { get; private set; } = Random.Shared.Next(1, 1_000_000);

    public int Workflows { get; private set; } = 1000;

    public bool Short { get; private set; }

    public bool RabbitCluster { get; private set; }

    public double LoadSeconds { get; private set; } = 60;

    public int FaultsPerKind { get; private set; } = 5;

    public string EngineDll { get; private set; } = "";

    public string WorkerDll { get; private set; } = "";

    public string FaultsScript { get; private set; } = "";

    public string Logs { get; private set; } = "";

    public string Postgres { get; private set; } = "";

    public string EngineRabbitMq { get; private set; } = "";

    public string WorkerRabbitMq { get; private set; } = "";

    /// <summary>The cluster's nodes (host:port,...) for engines and workers; empty with one node.</summary>
    public string RabbitMqNodes { get; private set; } = "";

    /// <summary>Parses the arguments; null (after printing why) when they are wrong.</summary>
    public static ChaosOptions? Parse(string[] args)
    {
        var o = new ChaosOptions();
        int? workflows = null, faults = null;
        double? load = null;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--rounds": o.Rounds = Positive(Next()); break;
                    case "--seed": o.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--workflows": workflows = Positive(Next()); break;
                    case "--short": o.Short = true; break;
                    case "--rabbit-cluster": o.RabbitCluster = true; break;
                    case "--load-seconds": load = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--faults-per-kind": faults = Positive(Next()); break;
                    case "--engine-dll": o.EngineDll = Next(); break;
                    case "--worker-dll": o.WorkerDll = Next(); break;
                    case "--faults": o.FaultsScript = Next(); break;
                    case "--logs": o.Logs = Next(); break;
                    case "-h" or "--help": Console.WriteLine(Usage); return null;
                    default: throw new FormatException($"unknown argument {args[i]}");
                }
            }
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"chaos: {e.Message}\n{Usage}");
            return null;
        }
        o.Workflows = workflows ?? (o.Short ? 150 : 1000);
        o.LoadSeconds = load ?? (o.Short ? 20 : 60);
        o.FaultsPerKind = faults ?? (o.Short ? 1 : 5);
        o.Postgres = Environment.GetEnvironmentVariable("Orchestrator__Postgres") ?? "";
        o.EngineRabbitMq = Environment.GetEnvironmentVariable("Orchestrator__RabbitMq") ?? "";
        o.RabbitMqNodes = Environment.GetEnvironmentVariable("Orchestrator__RabbitMqNodes") ?? "";
        o.WorkerRabbitMq = Environment.GetEnvironmentVariable("ORCHESTRATOR_WORKER_RABBITMQ") is { Length: > 0 } w ? w : o.EngineRabbitMq;
        var missing = new[] { ("--engine-dll", o.EngineDll), ("--worker-dll", o.WorkerDll), ("--faults", o.FaultsScript), ("--logs", o.Logs),
            ("Orchestrator__Postgres", o.Postgres), ("Orchestrator__RabbitMq", o.EngineRabbitMq) }.Where(m => m.Item2.Length == 0).Select(m => m.Item1).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"chaos: missing {string.Join(", ", missing)} (run it through ./chaos.sh)\n{Usage}");
            return null;
        }
        return o;
    }

    private static int Positive(string s) =>
        int.TryParse(s, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"'{s}' is not a positive number");
}
