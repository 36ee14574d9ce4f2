using System.Reflection;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Finds and checks the <see cref="WorkflowSignalAttribute"/>, <see cref="WorkflowUpdateAttribute"/> and
/// <see cref="WorkflowUpdateValidatorAttribute"/> methods of a workflow class when it is registered, and says what is wrong
/// (<see cref="ArgumentException"/>) so a mistake fails at start-up, not when the first signal or update arrives.
/// </summary>
internal static class WorkflowHandlerDiscovery
{
    private const BindingFlags AllMethods = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Type[] Roles =
        [typeof(WorkflowRunAttribute), typeof(WorkflowQueryAttribute), typeof(WorkflowSignalAttribute), typeof(WorkflowUpdateAttribute), typeof(WorkflowUpdateValidatorAttribute)];

    private const string ParameterShapes = "(), (WorkflowContext context), (T input) or (WorkflowContext context, T input) (not by reference)";

    /// <summary>A method marked with two of [WorkflowRun], [WorkflowQuery], [WorkflowSignal], [WorkflowUpdate], [WorkflowUpdateValidator].</summary>
    public static void CheckOneRolePerMethod(Type workflowType)
    {
        foreach (var method in workflowType.GetMethods(AllMethods))
        {
            var roles = Roles.Where(r => method.IsDefined(r, inherit: false)).Select(r => "[" + r.Name[..^"Attribute".Length] + "]").ToList();
            if (roles.Count > 1)
            {
                throw new ArgumentException($"Method {workflowType.Name}.{method.Name} is marked {string.Join(" and ", roles)}: a method plays one of these roles.", nameof(workflowType));
            }
        }
    }

    /// <summary>The signal handlers by signal name.</summary>
    public static Dictionary<string, WorkflowHandlerMethod> Signals(Type workflowType)
    {
        var signals = new Dictionary<string, WorkflowHandlerMethod>(StringComparer.Ordinal);
        foreach (var method in workflowType.GetMethods(AllMethods))
        {
            if (method.GetCustomAttribute<WorkflowSignalAttribute>(inherit: false) is not { } signal)
            {
                continue;
            }
            var where = $"[WorkflowSignal] method {workflowType.Name}.{method.Name}";
            CheckPublicInstance(method, where, workflowType);
            if (method.ReturnType != typeof(void) && method.ReturnType != typeof(Task))
            {
                throw new ArgumentException($"{where} must return void or Task, not {method.ReturnType.Name}: a signal has no result.", nameof(workflowType));
            }
            var (takesContext, argument) = Parameters(method, where, workflowType);
            var name = NameOf(signal.Name, method, where, "signal", workflowType);
            if (!signals.TryAdd(name, new WorkflowHandlerMethod(name, method, takesContext, argument, null)))
            {
                throw new ArgumentException($"{where}: workflow {workflowType.Name} has two signal handlers named '{name}'.", nameof(workflowType));
            }
        }
        return signals;
    }

    /// <summary>The update handlers by update name, each with its validator.</summary>
    public static Dictionary<string, WorkflowHandlerMethod> Updates(Type workflowType)
    {
        var updates = new Dictionary<string, WorkflowHandlerMethod>(StringComparer.Ordinal);
        foreach (var method in workflowType.GetMethods(AllMethods))
        {
            if (method.GetCustomAttribute<WorkflowUpdateAttribute>(inherit: false) is not { } update)
            {
                continue;
            }
            var where = $"[WorkflowUpdate] method {workflowType.Name}.{method.Name}";
            CheckPublicInstance(method, where, workflowType);
            Type? result;
            if (method.ReturnType == typeof(Task))
            {
                result = null;
            }
            else if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                result = method.ReturnType.GetGenericArguments()[0];
            }
            else
            {
                throw new ArgumentException($"{where} must return Task or Task<T>, not {method.ReturnType.Name}.", nameof(workflowType));
            }
            var (takesContext, argument) = Parameters(method, where, workflowType);
            var name = NameOf(update.Name, method, where, "update", workflowType);
            if (!updates.TryAdd(name, new WorkflowHandlerMethod(name, method, takesContext, argument, result)))
            {
                throw new ArgumentException($"{where}: workflow {workflowType.Name} has two updates named '{name}'.", nameof(workflowType));
            }
        }
        AddValidators(workflowType, updates);
        return updates;
    }

    private static void AddValidators(Type workflowType, Dictionary<string, WorkflowHandlerMethod> updates)
    {
        foreach (var validator in workflowType.GetMethods(AllMethods))
        {
            if (validator.GetCustomAttribute<WorkflowUpdateValidatorAttribute>(inherit: false) is not { } attribute)
            {
                continue;
            }
            var where = $"[WorkflowUpdateValidator] method {workflowType.Name}.{validator.Name}";
            var targets = updates.Values.Where(u => u.Method.Name == attribute.UpdateMethod).ToList();
            if (targets.Count != 1)
            {
                throw new ArgumentException(targets.Count == 0
                    ? $"{where} names '{attribute.UpdateMethod}', which is not a [WorkflowUpdate] method of {workflowType.Name} (name the update's method: [WorkflowUpdateValidator(nameof(AddItemAsync))]; updates: {MethodNames(updates)})."
                    : $"{where} names '{attribute.UpdateMethod}', which is ambiguous: {targets.Count} [WorkflowUpdate] methods of {workflowType.Name} have that name.",
                    nameof(workflowType));
            }
            var target = targets[0];
            if (target.Validator is { } other)
            {
                throw new ArgumentException($"{where}: update '{target.Name}' ({target.Method.Name}) has two validators, {other.Name} and {validator.Name}.", nameof(workflowType));
            }
            CheckPublicInstance(validator, where, workflowType);
            if (validator.ReturnType != typeof(void))
            {
                throw new ArgumentException($"{where} must return void, not {validator.ReturnType.Name}: a validator rejects the update by throwing.", nameof(workflowType));
            }
            var parameters = validator.GetParameters();
            var fits = target.ArgumentType is { } type
                ? parameters is [{ ParameterType: var p }] && p == type
                : parameters.Length == 0;
            if (!fits)
            {
                var expected = target.ArgumentType is { } t ? $"one parameter of the update's argument type ({t.Name})" : "no parameter, as the update takes no argument";
                var actual = parameters.Length == 0 ? "none" : string.Join(", ", parameters.Select(p => p.ParameterType.Name));
                throw new ArgumentException($"{where} must take {expected}, like {target.Method.Name}; it takes ({actual}).", nameof(workflowType));
            }
            updates[target.Name] = target.WithValidator(validator);
        }
    }

    private static string MethodNames(Dictionary<string, WorkflowHandlerMethod> updates) =>
        updates.Count == 0 ? "none" : string.Join(", ", updates.Values.Select(u => u.Method.Name).Order(StringComparer.Ordinal));

    private static void CheckPublicInstance(MethodInfo method, string where, Type workflowType)
    {
        if (!method.IsPublic || method.IsStatic || method.ContainsGenericParameters)
        {
            throw new ArgumentException($"{where} must be a public, non-generic instance method.", nameof(workflowType));
        }
    }

    private static (bool TakesContext, Type? Argument) Parameters(MethodInfo method, string where, Type workflowType)
    {
        var parameters = method.GetParameters();
        if (parameters.Any(p => p.ParameterType.IsByRef))
        {
            throw new ArgumentException($"{where} must take {ParameterShapes}.", nameof(workflowType));
        }
        return parameters switch
        {
            [] => (false, null),
            [{ ParameterType: var c }] when c == typeof(WorkflowContext) => (true, null),
            [{ ParameterType: var a }] => (false, a),
            [{ ParameterType: var c }, { ParameterType: var a }] when c == typeof(WorkflowContext) && a != typeof(WorkflowContext) => (true, a),
            _ => throw new ArgumentException($"{where} must take {ParameterShapes}.", nameof(workflowType)),
        };
    }

    private static string NameOf(string? given, MethodInfo method, string where, string kind, Type workflowType)
    {
        var name = !string.IsNullOrWhiteSpace(given)
            ? given
            : method.Name.EndsWith("Async", StringComparison.Ordinal) && method.Name.Length > "Async".Length ? method.Name[..^"Async".Length] : method.Name;
        if (name.StartsWith(WorkflowDefinition.ReservedQueryPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{where}: {kind} names starting with '{WorkflowDefinition.ReservedQueryPrefix}' are the SDK's own ('{name}').", nameof(workflowType));
        }
        return name;
    }
}
