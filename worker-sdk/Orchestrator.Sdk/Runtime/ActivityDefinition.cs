using System.Reflection;

namespace Orchestrator.Sdk.Runtime;

/// <summary>One <see cref="ActivityAttribute"/> method: its name, class, parameters and result type.</summary>
internal sealed class ActivityDefinition
{
    private ActivityDefinition(string name, Type activitiesType, MethodInfo method, Type resultType, Func<object, Task<object?>>? awaiter)
    {
        Name = name;
        ActivitiesType = activitiesType;
        Method = method;
        Parameters = method.GetParameters();
        ResultType = resultType;
        Awaiter = awaiter;
    }

    public string Name { get; }

    public Type ActivitiesType { get; }

    public MethodInfo Method { get; }

    public ParameterInfo[] Parameters { get; }

    /// <summary>The type of the value the activity produces (<see cref="void"/> for none).</summary>
    public Type ResultType { get; }

    /// <summary>Turns the returned awaitable into its value; null for synchronous methods.</summary>
    public Func<object, Task<object?>>? Awaiter { get; }

    /// <summary>
    /// The object a delegate activity runs on (<see cref="FromDelegate"/>: the delegate's target); null for an
    /// <see cref="ActivityAttribute"/> method, whose class is constructed through DI.
    /// </summary>
    public object? Target { get; private set; }

    /// <summary>Whether this is a delegate activity (<see cref="Target"/> is used, even when null for a static lambda).</summary>
    public bool IsDelegate { get; private set; }

    public static ActivityDefinition Create(Type activitiesType, MethodInfo method)
    {
        if (!method.IsPublic || method.ContainsGenericParameters)
        {
            throw new ArgumentException($"Activity {activitiesType.Name}.{method.Name} must be a public, non-generic method.", nameof(method));
        }
        return Create(ActivityCall.NameOf(method), activitiesType, method);
    }

    /// <summary>An activity named <paramref name="name"/> that runs <paramref name="body"/> (a lambda; the test environment's mocks).</summary>
    public static ActivityDefinition FromDelegate(string name, Delegate body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(body);
        var method = body.Method;
        var definition = Create(name, method.DeclaringType ?? typeof(object), method);
        definition.Target = body.Target;
        definition.IsDelegate = true;
        return definition;
    }

    private static ActivityDefinition Create(string name, Type activitiesType, MethodInfo method)
    {
        var returnType = method.ReturnType;
        if (returnType == typeof(Task))
        {
            return new(name, activitiesType, method, typeof(void), static async t =>
            {
                await (Task)t;
                return null;
            });
        }
        if (returnType == typeof(ValueTask))
        {
            return new(name, activitiesType, method, typeof(void), static async t =>
            {
                await (ValueTask)t;
                return null;
            });
        }
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = returnType.GetProperty(nameof(Task<int>.Result))!;
            return new(name, activitiesType, method, returnType.GetGenericArguments()[0], async t =>
            {
                await (Task)t;
                return result.GetValue(t);
            });
        }
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var asTask = returnType.GetMethod(nameof(ValueTask<int>.AsTask))!;
            var result = asTask.ReturnType.GetProperty(nameof(Task<int>.Result))!;
            return new(name, activitiesType, method, returnType.GetGenericArguments()[0], async t =>
            {
                var task = (Task)asTask.Invoke(t, null)!;
                await task;
                return result.GetValue(task);
            });
        }
        return new(name, activitiesType, method, returnType, null);
    }
}
