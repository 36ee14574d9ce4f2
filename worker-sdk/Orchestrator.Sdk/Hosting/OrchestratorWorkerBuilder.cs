using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk;

/// <summary>Registers the workflows and activities a worker runs; handed to <see cref="OrchestratorWorkerServiceCollectionExtensions.AddOrchestratorWorker"/>.</summary>
public sealed class OrchestratorWorkerBuilder
{
    internal OrchestratorWorkerBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The application's services (activities classes are constructed from them, one DI scope per attempt).</summary>
    public IServiceCollection Services { get; }

    internal WorkflowRegistry Workflows { get; } = new();

    internal ActivityRegistry Activities { get; } = new();

    /// <summary>Runs <typeparamref name="TWorkflow"/> (a <see cref="WorkflowAttribute"/> class) on this worker.</summary>
    /// <typeparam name="TWorkflow">The workflow class.</typeparam>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The class is not a valid workflow, or its name is taken.</exception>
    public OrchestratorWorkerBuilder AddWorkflow<TWorkflow>()
        where TWorkflow : class
    {
        Workflows.Add<TWorkflow>();
        return this;
    }

    /// <summary>Runs the <see cref="ActivityAttribute"/> methods of <typeparamref name="TActivities"/> on this worker.</summary>
    /// <typeparam name="TActivities">The activities class; constructed through DI for every attempt (registered or not).</typeparam>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">No activity methods, or an activity name is taken.</exception>
    public OrchestratorWorkerBuilder AddActivities<TActivities>()
        where TActivities : class
    {
        Activities.Add<TActivities>();
        return this;
    }

    /// <summary>Changes options in code, after configuration was bound.</summary>
    /// <param name="configure">The change.</param>
    /// <returns>This builder.</returns>
    public OrchestratorWorkerBuilder Configure(Action<OrchestratorWorkerOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }
}
