using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Sdk.Hosting;

namespace Orchestrator.Sdk;

/// <summary>Hosts an Orchestrator worker in a .NET Generic Host.</summary>
public static class OrchestratorWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a worker that runs the registered workflows and activities for the task queue <c>Orchestrator:TaskQueue</c>:
    /// a hosted service with its own MassTransit bus on the broker <c>Orchestrator:RabbitMq</c> (it does not touch an
    /// application's own MassTransit registration), which takes workflow and activity tasks from RabbitMQ and sends the
    /// answers to the engine.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">Configuration holding the <c>Orchestrator</c> section (see <see cref="OrchestratorWorkerOptions"/>).</param>
    /// <param name="configure">Registers workflows and activities, e.g. <c>w => w.AddWorkflow&lt;OrderWorkflow&gt;().AddActivities&lt;PaymentActivities&gt;()</c>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="InvalidOperationException">A worker was already added to these services.</exception>
    /// <remarks>
    /// Also registers the health check <c>orchestrator-worker</c> (tag <c>ready</c>): healthy while the worker's bus is
    /// started and its task queues' receive endpoints are ready. An ASP.NET Core application serves it with
    /// <c>app.MapHealthChecks("/health/ready", ...)</c>; histories are fetched through the <c>AddOrchestratorClient</c>
    /// HTTP client registration (<see cref="OrchestratorClientServiceCollectionExtensions.HttpClientName"/>).
    /// </remarks>
    public static IServiceCollection AddOrchestratorWorker(this IServiceCollection services, IConfiguration configuration, Action<OrchestratorWorkerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(WorkerRegistrations)))
        {
            throw new InvalidOperationException("AddOrchestratorWorker was already called on these services; register every workflow and activity in one call.");
        }

        // Configuration first, so that Configure(...) calls made by the builder below win over it.
        services.AddOptions<OrchestratorWorkerOptions>()
            .Configure(options => BindRootKeys(configuration, options))
            .Bind(configuration.GetSection("Orchestrator:Worker"));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrchestratorWorkerOptions>, OrchestratorWorkerOptionsValidator>());

        var builder = new OrchestratorWorkerBuilder(services);
        configure(builder);

        services.AddSingleton(new WorkerRegistrations(builder.Workflows, builder.Activities));
        services.AddSingleton<EngineSender>();
        services.AddSingleton<WorkerLifetime>();
        OrchestratorClientServiceCollectionExtensions.AddHttpClient(services); // history fetches: the client's registration
        services.AddSingleton<LocalActivityRunner>();
        services.AddSingleton<WorkflowTaskHandler>();
        services.AddSingleton<ActivityCancellations>();
        services.AddSingleton<ActivityTaskHandler>();
        services.AddSingleton<WorkerHost>();
        services.AddHostedService(provider => provider.GetRequiredService<WorkerHost>());
        services.AddHealthChecks().AddCheck<WorkerHealthCheck>(WorkerHealthCheck.Name, tags: [WorkerHealthCheck.ReadyTag]);
        return services;
    }

    private static void BindRootKeys(IConfiguration configuration, OrchestratorWorkerOptions options)
    {
        var section = configuration.GetSection("Orchestrator");
        if (section["RabbitMq"] is { Length: > 0 } rabbitMq)
        {
            options.RabbitMq = rabbitMq;
        }
        if (section["RabbitMqNodes"] is { Length: > 0 } rabbitMqNodes)
        {
            options.RabbitMqNodes = rabbitMqNodes;
        }
        if (section["QueueType"] is { Length: > 0 } queueType)
        {
            options.QueueType = queueType;
        }
        if (section["EngineUrl"] is { Length: > 0 } engineUrl)
        {
            options.EngineUrl = new Uri(engineUrl, UriKind.Absolute);
        }
        if (section["TaskQueue"] is { Length: > 0 } taskQueue)
        {
            options.TaskQueue = taskQueue;
        }
        if (section["ApiKey"] is { Length: > 0 } apiKey)
        {
            options.ApiKey = apiKey; // the engine's own setting: one key for the engine, its workers and the dashboard
        }
    }
}
