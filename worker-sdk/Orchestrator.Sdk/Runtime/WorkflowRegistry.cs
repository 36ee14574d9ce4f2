namespace Orchestrator.Sdk.Runtime;

/// <summary>The workflow types a worker can run, by workflow type name.</summary>
internal sealed class WorkflowRegistry
{
    private readonly Dictionary<string, WorkflowDefinition> _definitions = new(StringComparer.Ordinal);

    /// <summary>All registered definitions.</summary>
    public IReadOnlyCollection<WorkflowDefinition> Definitions => _definitions.Values;

    /// <summary>Registers <typeparamref name="TWorkflow"/>.</summary>
    public WorkflowDefinition Add<TWorkflow>() => Add(typeof(TWorkflow));

    /// <summary>Registers a workflow class.</summary>
    /// <exception cref="ArgumentException">Invalid class, or the name is taken by another class.</exception>
    public WorkflowDefinition Add(Type workflowType)
    {
        var definition = WorkflowDefinition.Create(workflowType);
        if (_definitions.TryGetValue(definition.Name, out var existing))
        {
            if (existing.Type == workflowType)
            {
                return existing;
            }
            throw new ArgumentException($"Workflow name '{definition.Name}' is registered twice: {existing.Type.FullName} and {workflowType.FullName}.", nameof(workflowType));
        }
        _definitions.Add(definition.Name, definition);
        return definition;
    }

    /// <summary>Finds a definition by workflow type name.</summary>
    public bool TryGet(string workflowType, out WorkflowDefinition definition) => _definitions.TryGetValue(workflowType, out definition!);

    /// <summary>Gets a definition by workflow type name.</summary>
    /// <exception cref="KeyNotFoundException">No such workflow is registered.</exception>
    public WorkflowDefinition Get(string workflowType) =>
        TryGet(workflowType, out var definition)
            ? definition
            : throw new KeyNotFoundException($"Workflow type '{workflowType}' is not registered with this worker (registered: {string.Join(", ", _definitions.Keys)}).");
}
