using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// A validated <see cref="WorkflowSignalAttribute"/> or <see cref="WorkflowUpdateAttribute"/> method of a workflow class
/// (<see cref="WorkflowHandlerDiscovery"/> checks its shape): its name, what it takes and returns, and how to call it.
/// </summary>
internal sealed class WorkflowHandlerMethod
{
    private readonly PropertyInfo? _result;
    private readonly Func<object, WorkflowContext, object?, Task?> _invoke;

    public WorkflowHandlerMethod(string name, MethodInfo method, bool takesContext, Type? argumentType, Type? resultType, MethodInfo? validator = null)
        : this(name, method, takesContext, argumentType, resultType, validator, Compile(method, takesContext, argumentType))
    {
    }

    private WorkflowHandlerMethod(string name, MethodInfo method, bool takesContext, Type? argumentType, Type? resultType, MethodInfo? validator,
        Func<object, WorkflowContext, object?, Task?> invoke)
    {
        Name = name;
        Method = method;
        TakesContext = takesContext;
        ArgumentType = argumentType;
        ResultType = resultType;
        Validator = validator;
        _result = resultType is null ? null : method.ReturnType.GetProperty(nameof(Task<int>.Result));
        _invoke = invoke;
    }

    /// <summary>The signal's or update's name.</summary>
    public string Name { get; }

    /// <summary>The handler method.</summary>
    public MethodInfo Method { get; }

    /// <summary>Whether the method's first parameter is the <see cref="WorkflowContext"/>.</summary>
    public bool TakesContext { get; }

    /// <summary>The argument's type, or null when the method takes none.</summary>
    public Type? ArgumentType { get; }

    /// <summary>An update's result type (<c>T</c> of <see cref="Task{TResult}"/>), or null (<see cref="Task"/>, <c>void</c>).</summary>
    public Type? ResultType { get; }

    /// <summary>An update's <see cref="WorkflowUpdateValidatorAttribute"/> method, if it has one.</summary>
    public MethodInfo? Validator { get; }

    /// <summary>The same handler with its validator.</summary>
    public WorkflowHandlerMethod WithValidator(MethodInfo validator) => new(Name, Method, TakesContext, ArgumentType, ResultType, validator, _invoke);

    /// <summary>The argument for the method from its JSON input (null when it takes none).</summary>
    /// <exception cref="JsonException">The input does not fit the argument's type.</exception>
    public object? DeserializeArgument(JsonElement? input, JsonSerializerOptions json) =>
        ArgumentType is null ? null : Payloads.Deserialize(input, ArgumentType, json);

    /// <summary>Calls the method (on the calling scheduler) and gives its result as JSON (null for <see cref="Task"/> and <c>void</c>).</summary>
    public async Task<JsonElement?> InvokeAsync(object workflow, WorkflowContext context, object? argument, JsonSerializerOptions json)
    {
        if (_invoke(workflow, context, argument) is not { } task)
        {
            return null; // a void signal handler
        }
        await task;
        return _result is null ? null : Payloads.Serialize(_result.GetValue(task), ResultType!, json);
    }

    /// <summary>
    /// A compiled call of a handler or run method (workflow, context, argument) → its task, or null for <c>void</c>. Not
    /// <see cref="MethodBase.Invoke(object, object[])"/>: the stack trace of an exception the method throws before it returns
    /// its task would hold reflection's frames, which change after the first calls (interpreted, then emitted stubs), so a
    /// cached and a cold instance would send different failures for the same history.
    /// </summary>
    internal static Func<object, WorkflowContext, object?, Task?> Compile(MethodInfo method, bool takesContext, Type? argumentType)
    {
        var workflow = Expression.Parameter(typeof(object), "workflow");
        var context = Expression.Parameter(typeof(WorkflowContext), "context");
        var argument = Expression.Parameter(typeof(object), "argument");
        var arguments = new List<Expression>();
        if (takesContext)
        {
            arguments.Add(context);
        }
        if (argumentType is not null)
        {
            arguments.Add(argumentType.IsValueType && Nullable.GetUnderlyingType(argumentType) is null
                ? Expression.Condition(Expression.Equal(argument, Expression.Constant(null)), Expression.Default(argumentType), Expression.Convert(argument, argumentType))
                : Expression.Convert(argument, argumentType));
        }
        Expression call = Expression.Call(Expression.Convert(workflow, method.DeclaringType!), method, arguments);
        Expression body = method.ReturnType == typeof(void)
            ? Expression.Block(call, Expression.Constant(null, typeof(Task)))
            : Expression.Convert(call, typeof(Task)) as Expression;
        // named: a stack trace shows "at Invoke(Closure, ...)", the same in every process, not lambda_method<n>
        return Expression.Lambda<Func<object, WorkflowContext, object?, Task?>>(body, "Invoke", [workflow, context, argument]).Compile();
    }

    /// <summary>Calls the update's validator, if any; it rejects the update by throwing.</summary>
    public void Validate(object workflow, object? argument) =>
        Validator?.Invoke(workflow, BindingFlags.DoNotWrapExceptions, null, ArgumentType is null ? [] : [argument], null);
}
