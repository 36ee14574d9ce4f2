using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;

namespace Orchestrator.Sdk.Runtime;

/// <summary>Turns <c>(PaymentActivities a) =&gt; a.ChargeAsync(request)</c> into an activity name and a JSON argument array.</summary>
internal static class ActivityCall
{
    private static readonly ConcurrentDictionary<MethodInfo, string> Names = new();
    private static readonly ConcurrentDictionary<MethodInfo, (int[] Indexes, Type[] Types)> Sent = new(); // GetParameters() copies its array on every call

    /// <summary>The activity name of a method: its <see cref="ActivityAttribute"/> name, else the method name without "Async".</summary>
    public static string NameOf(MethodInfo method) => Names.GetOrAdd(method, static m =>
    {
        if (m.GetCustomAttribute<ActivityAttribute>() is { Name: { Length: > 0 } name })
        {
            return name;
        }
        return m.Name.EndsWith("Async", StringComparison.Ordinal) && m.Name.Length > 5 ? m.Name[..^5] : m.Name;
    });

    public static (string Name, JsonElement Arguments) Parse(LambdaExpression call, JsonSerializerOptions json)
    {
        if (call.Body is not MethodCallExpression { Object: ParameterExpression target } body || target != call.Parameters[0])
        {
            throw new ArgumentException($"An activity call must be a single method call on the lambda's parameter, like (MyActivities a) => a.DoAsync(x); got {call.Body}.", nameof(call));
        }
        var method = body.Method;
        var (indexes, types) = Sent.GetOrAdd(method, static m =>
        {
            // the arguments sent: all but CancellationToken (filled by the activity host)
            var sent = m.GetParameters().Select((p, i) => (p.ParameterType, i)).Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();
            return (sent.Select(p => p.i).ToArray(), sent.Select(p => p.ParameterType).ToArray());
        });
        var values = new object?[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            values[i] = Evaluate(body.Arguments[indexes[i]]);
        }
        return (NameOf(method), Payloads.SerializeArguments(values, types, json));
    }

    private static object? Evaluate(Expression expression)
    {
        switch (expression)
        {
            case ConstantExpression constant:
                return constant.Value;
            case MemberExpression { Member: FieldInfo field, Expression: var owner } when owner is null or ConstantExpression:
                return field.GetValue((owner as ConstantExpression)?.Value);
            case MemberExpression { Member: PropertyInfo property, Expression: var owner } when owner is null or ConstantExpression:
                return property.GetValue((owner as ConstantExpression)?.Value);
            case MemberExpression { Member: FieldInfo field, Expression: { } inner }:
                return field.GetValue(Evaluate(inner));
            case MemberExpression { Member: PropertyInfo property, Expression: { } inner }:
                return property.GetValue(Evaluate(inner));
            case UnaryExpression { NodeType: ExpressionType.Convert } convert when convert.Method is null && !convert.Type.IsValueType:
                return Evaluate(convert.Operand);
            default:
                var lambda = Expression.Lambda<Func<object?>>(Expression.Convert(expression, typeof(object)));
                return lambda.Compile(preferInterpretation: true)();
        }
    }
}
