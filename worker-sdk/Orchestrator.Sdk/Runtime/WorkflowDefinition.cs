using System.Reflection;
using System.Text.Json;

namespace Orchestrator.Sdk.Runtime;

/// <summary>A validated workflow class: its name, its run method, input and result types, queries, signal and update handlers.</summary>
internal sealed class WorkflowDefinition
{
    private WorkflowDefinition(string name, Type type, MethodInfo run, Type? inputType, Type? resultType, IReadOnlyDictionary<string, MethodInfo> queries,
        IReadOnlyDictionary<string, WorkflowHandlerMethod> signals, IReadOnlyDictionary<string, WorkflowHandlerMethod> updates)
    {
        Queries = queries;
        Signals = signals;
        Updates = updates;
        Name = name;
        Type = type;
        RunMethod = run;
        InputType = inputType;
        ResultType = resultType;
        _run = WorkflowHandlerMethod.Compile(run, takesContext: true, inputType); // not Invoke: see Compile
    }

    private readonly Func<object, WorkflowContext, object?, Task?> _run;

    /// <summary>The workflow type name (the <see cref="WorkflowAttribute"/> name, else the class name).</summary>
    public string Name { get; }

    /// <summary>The workflow class.</summary>
    public Type Type { get; }

    /// <summary>The <see cref="WorkflowRunAttribute"/> method.</summary>
    public MethodInfo RunMethod { get; }

    /// <summary>The input parameter's type, or null when the run method takes only the context.</summary>
    public Type? InputType { get; }

    /// <summary>The result type, or null for <see cref="Task"/>.</summary>
    public Type? ResultType { get; }

    /// <summary>The <see cref="WorkflowQueryAttribute"/> methods by query name.</summary>
    public IReadOnlyDictionary<string, MethodInfo> Queries { get; }

    /// <summary>The <see cref="WorkflowSignalAttribute"/> methods by signal name (signals of other names are buffered for <c>WaitForSignalAsync</c>).</summary>
    public IReadOnlyDictionary<string, WorkflowHandlerMethod> Signals { get; }

    /// <summary>The <see cref="WorkflowUpdateAttribute"/> methods by update name, each with its validator if it has one.</summary>
    public IReadOnlyDictionary<string, WorkflowHandlerMethod> Updates { get; }

    /// <summary>Query, signal handler and update names starting with this are the SDK's own.</summary>
    public const string ReservedQueryPrefix = "__";

    /// <summary>Validates <paramref name="workflowType"/> and describes it.</summary>
    /// <exception cref="ArgumentException">The class is not a valid workflow; the message says why.</exception>
    public static WorkflowDefinition Create(Type workflowType)
    {
        ArgumentNullException.ThrowIfNull(workflowType);
        var attribute = workflowType.GetCustomAttribute<WorkflowAttribute>()
            ?? throw new ArgumentException($"{workflowType.FullName} is not a workflow: mark the class with [Workflow].", nameof(workflowType));
        if (workflowType.IsAbstract || workflowType.IsInterface || workflowType.ContainsGenericParameters)
        {
            throw new ArgumentException($"Workflow {workflowType.FullName} must be a concrete, non-generic class.", nameof(workflowType));
        }
        if (workflowType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ArgumentException($"Workflow {workflowType.FullName} needs a public parameterless constructor (workflows are not DI-constructed; put dependencies in activities).", nameof(workflowType));
        }
        var runs = workflowType.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => m.IsDefined(typeof(WorkflowRunAttribute), inherit: false))
            .ToList();
        if (runs.Count != 1)
        {
            throw new ArgumentException($"Workflow {workflowType.FullName} must have exactly one [WorkflowRun] method; it has {runs.Count}.", nameof(workflowType));
        }
        var run = runs[0];
        if (!run.IsPublic || run.IsStatic || run.ContainsGenericParameters)
        {
            throw new ArgumentException($"[WorkflowRun] method {workflowType.Name}.{run.Name} must be a public, non-generic instance method.", nameof(workflowType));
        }
        Type? resultType;
        if (run.ReturnType == typeof(Task))
        {
            resultType = null;
        }
        else if (run.ReturnType.IsGenericType && run.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            resultType = run.ReturnType.GetGenericArguments()[0];
        }
        else
        {
            throw new ArgumentException($"[WorkflowRun] method {workflowType.Name}.{run.Name} must return Task or Task<T>, not {run.ReturnType.Name}.", nameof(workflowType));
        }
        var parameters = run.GetParameters();
        if (parameters.Length is 0 or > 2 || parameters[0].ParameterType != typeof(WorkflowContext))
        {
            throw new ArgumentException($"[WorkflowRun] method {workflowType.Name}.{run.Name} must take (WorkflowContext context) or (WorkflowContext context, TInput input).", nameof(workflowType));
        }
        var name = string.IsNullOrWhiteSpace(attribute.Name) ? workflowType.Name : attribute.Name;
        WorkflowHandlerDiscovery.CheckOneRolePerMethod(workflowType);
        return new WorkflowDefinition(name, workflowType, run, parameters.Length == 2 ? parameters[1].ParameterType : null, resultType, QueriesOf(workflowType),
            WorkflowHandlerDiscovery.Signals(workflowType), WorkflowHandlerDiscovery.Updates(workflowType));
    }

    private static Dictionary<string, MethodInfo> QueriesOf(Type workflowType)
    {
        var queries = new Dictionary<string, MethodInfo>(StringComparer.Ordinal);
        foreach (var method in workflowType.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (method.GetCustomAttribute<WorkflowQueryAttribute>(inherit: false) is not { } query)
            {
                continue;
            }
            var where = $"[WorkflowQuery] method {workflowType.Name}.{method.Name}";
            if (!method.IsPublic || method.IsStatic || method.ContainsGenericParameters)
            {
                throw new ArgumentException($"{where} must be a public, non-generic instance method.", nameof(workflowType));
            }
            if (method.ReturnType == typeof(void) || IsAwaitable(method.ReturnType))
            {
                throw new ArgumentException($"{where} must return a value synchronously (not void, Task or ValueTask): a query reads the workflow's state and may not wait.",
                    nameof(workflowType));
            }
            if (method.GetParameters() is { Length: > 1 } or [{ ParameterType.IsByRef: true }] || method.GetParameters() is [var p] && p.ParameterType == typeof(WorkflowContext))
            {
                throw new ArgumentException($"{where} must take no parameter or one argument (not the WorkflowContext, not by reference).", nameof(workflowType));
            }
            var name = string.IsNullOrWhiteSpace(query.Name) ? method.Name : query.Name;
            if (name.StartsWith(ReservedQueryPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"{where}: query names starting with '{ReservedQueryPrefix}' are the SDK's own ('{name}').", nameof(workflowType));
            }
            if (!queries.TryAdd(name, method))
            {
                throw new ArgumentException($"{where}: workflow {workflowType.Name} has two queries named '{name}'.", nameof(workflowType));
            }
        }
        return queries;
    }

    private static bool IsAwaitable(Type type) =>
        typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>));


    /// <summary>A new object of the workflow class (its run method, queries and handlers are called on it).</summary>
    public object Create() => Activator.CreateInstance(Type)!;

    /// <summary>Starts the run method of <paramref name="workflow"/> (on the calling scheduler); the task yields the JSON result.</summary>
    public async Task<JsonElement?> RunAsync(object workflow, WorkflowContext context, JsonElement? input, JsonSerializerOptions json)
    {
        var argument = InputType is null ? null : Payloads.Deserialize(input, InputType, json);
        var task = _run(workflow, context, argument)!;
        await task;
        if (ResultType is null)
        {
            return null;
        }
        var result = RunMethod.ReturnType.GetProperty(nameof(Task<int>.Result))!.GetValue(task);
        return Payloads.Serialize(result, ResultType, json);
    }
}
