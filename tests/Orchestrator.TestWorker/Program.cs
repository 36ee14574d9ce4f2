using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Sdk;
using Orchestrator.TestWorker;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOrchestratorWorker(builder.Configuration, w => w
    .AddWorkflow<ThreeStepWorkflow>()
    .AddActivities<TestActivities>());
await builder.Build().RunAsync();
