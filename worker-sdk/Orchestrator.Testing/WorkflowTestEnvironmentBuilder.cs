using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Visibility;
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

    internal Dictionary<string, SearchAttributeType> SearchAttributes { get; } = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Registers search attribute <paramref name="name"/> of <paramref name="type"/>, as <c>POST /api/v1/search-attributes</c>
    /// does on an engine (<c>env.Client.RegisterSearchAttributeAsync</c> registers more later): starts may then carry it,
    /// workflows may upsert it, and list and count queries may use it.
    /// </summary>
    /// <param name="name">A letter followed by letters, digits or '_' (not a built-in field such as WorkflowId).</param>
    /// <param name="type">Its type.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is not one the engine accepts, or it was given with another type.</exception>
    public WorkflowTestEnvironmentBuilder AddSearchAttribute(string name, SearchAttributeType type)
    {
        if (SearchAttributeRules.CheckName(name) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a search attribute type.");
        }
        if (SearchAttributes.TryGetValue(name, out var existing) && existing != type)
        {
            throw new ArgumentException($"Search attribute '{name}' was added with type {existing}.", nameof(type));
        }
        SearchAttributes[name] = type;
        return this;
    }
}
