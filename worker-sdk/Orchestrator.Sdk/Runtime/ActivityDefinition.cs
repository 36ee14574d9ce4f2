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

    public static ActivityDefinition Create(Type activitiesType, MethodInfo method)
    {
        if (!method.IsPublic || method.ContainsGenericParameters)
        {
            throw new ArgumentException($"Activity {activitiesType.Name}.{method.Name} must be a public, non-generic method.", nameof(method));
        }
        var name = ActivityCall.NameOf(method);
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
