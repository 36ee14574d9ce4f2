using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Testing;

/// <summary>What a <see cref="WorkflowTestEnvironment"/> runs: workflow classes, activity objects and activity lambdas.</summary>
public sealed class WorkflowTestEnvironmentBuilder
{
    internal WorkflowTestEnvironmentBuilder()
    {
    }

    internal WorkflowRegistry Workflows { get; } = new();

    internal ActivityRegistry Activities { get; } = new();

    internal Dictionary<Type, object> ActivityObjects { get; } = [];

    /// <summary>Registers the workflow class <typeparamref name="TWorkflow"/> (marked <c>[Workflow]</c>).</summary>
    /// <typeparam name="TWorkflow">The workflow class.</typeparam>
    /// <returns>This builder.</returns>
    public WorkflowTestEnvironmentBuilder AddWorkflow<TWorkflow>()
    {
        Workflows.Add<TWorkflow>();
        return this;
    }

    /// <summary>Registers the <c>[Activity]</c> methods of <paramref name="activities"/>, run on that very object (your fakes inside it).</summary>
    /// <param name="activities">An instance of an activities class.</param>
    /// <returns>This builder.</returns>
    public WorkflowTestEnvironmentBuilder AddActivities(object activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        Activities.Add(activities.GetType());
        ActivityObjects[activities.GetType()] = activities;
        return this;
    }

    /// <summary>
    /// Registers <paramref name="activity"/> as the activity <paramref name="name"/> (replacing a registered one of that name),
    /// e.g. <c>.AddActivity("Charge", (ChargeRequest r) => new Receipt("r-1"))</c>. Its parameters bind like an
    /// <c>[Activity]</c> method's; it may return a value, a <c>Task</c> or a <c>Task&lt;T&gt;</c>, throw to fail the attempt, and read
    /// <c>ActivityExecutionContext.Current.Attempt</c> to fail only some attempts.
    /// </summary>
    /// <param name="name">The activity name the workflow schedules.</param>
    /// <param name="activity">The lambda or method.</param>
    /// <returns>This builder.</returns>
    public WorkflowTestEnvironmentBuilder AddActivity(string name, Delegate activity)
    {
        Activities.Add(name, activity);
        return this;
    }
}
