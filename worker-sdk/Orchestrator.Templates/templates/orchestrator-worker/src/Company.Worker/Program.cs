using Company.Worker;
using Orchestrator.Sdk;

// The worker: takes this task queue's workflow and activity tasks from RabbitMQ and answers the engine.
// Configuration (appsettings.json beside the binary, then environment variables, then the command line):
// Orchestrator:RabbitMq (required: the workers' broker user), Orchestrator:EngineUrl, Orchestrator:TaskQueue,
// Orchestrator:ApiKey (when the engine has one). See README.md.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Services.AddOrchestratorWorker(builder.Configuration, worker => worker
    .AddWorkflow<GreetingWorkflow>()
    .AddActivities<GreetingActivities>());

await builder.Build().RunAsync();
