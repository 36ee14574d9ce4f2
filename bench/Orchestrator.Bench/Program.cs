using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Bench;
using Orchestrator.Sdk;

// Orchestrator.Bench worker            the benchmark worker (configuration as any worker: Orchestrator__RabbitMq, ...)
// Orchestrator.Bench replay FILE...    replays a recorded history in a fresh process, prints timings as JSON
// Orchestrator.Bench run [options]     the harness (see Harness.Usage); also the default
var mode = args.Length > 0 ? args[0] : "run";
switch (mode)
{
    case "worker":
    {
        var builder = Host.CreateApplicationBuilder(args[1..]);
        builder.Services.AddOrchestratorWorker(builder.Configuration, w => w
            .AddWorkflow<OneActivityWorkflow>()
            .AddWorkflow<ChainWorkflow>()
            .AddWorkflow<LocalChainWorkflow>()
            .AddWorkflow<FanOutWorkflow>()
            .AddWorkflow<SleepWorkflow>()
            .AddActivities<BenchActivities>());
        await builder.Build().RunAsync();
        return 0;
    }
    case "replay":
        return await ReplayProbe.RunAsync(args[1..]);
    case "run":
        return await Harness.RunAsync(args[1..]);
    default:
        return await Harness.RunAsync(args);
}
