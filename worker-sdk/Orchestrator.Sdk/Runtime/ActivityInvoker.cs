using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Runs one activity attempt: constructs the activities class through DI (<see cref="ActivatorUtilities"/>), binds the JSON
/// argument array to the method's parameters (a <see cref="CancellationToken"/> parameter gets the attempt's token), sets
/// <see cref="ActivityExecutionContext.Current"/>, awaits the method and returns its JSON result or failure.
/// </summary>
internal sealed class ActivityInvoker(ActivityRegistry registry, IServiceProvider services, JsonSerializerOptions? jsonSerializerOptions = null)
{
    private readonly JsonSerializerOptions _json = jsonSerializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <summary>Runs the activity <see cref="ActivityExecutionContext.ActivityName"/> of <paramref name="context"/>.</summary>
    /// <param name="context">The attempt's context (name, ids, attempt, token, heartbeat delegate).</param>
    /// <param name="input">The JSON array of arguments (<c>ScheduleActivity.input</c>).</param>
    /// <param name="scopedServices">Services to construct the activities class from (e.g. a per-attempt scope); null = the invoker's.</param>
    /// <returns>The result or failure; never throws for activity errors.</returns>
    public async Task<ActivityResult> InvokeAsync(ActivityExecutionContext context, JsonElement input, IServiceProvider? scopedServices = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!registry.TryGet(context.ActivityName, out var definition))
        {
            return new ActivityResult(null, new FailureInfo("ActivityNotRegisteredException", $"Activity '{context.ActivityName}' is not registered with this worker."));
        }
        var previous = ActivityExecutionContext.Swap(context);
        try
        {
            var arguments = BindArguments(definition, input, context.CancellationToken);
            var target = definition.IsDelegate || definition.Method.IsStatic
                ? definition.Target
                : ActivatorUtilities.GetServiceOrCreateInstance(scopedServices ?? services, definition.ActivitiesType);
            object? returned;
            try
            {
                returned = definition.Method.Invoke(target, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                return new ActivityResult(null, FailureInfo.FromException(ex.InnerException));
            }
            var value = definition.Awaiter is null ? returned : await definition.Awaiter(returned!).ConfigureAwait(false);
            return new ActivityResult(Payloads.Serialize(value, definition.ResultType, _json), null);
        }
        catch (Exception ex)
        {
            return new ActivityResult(null, FailureInfo.FromException(ex));
        }
        finally
        {
            ActivityExecutionContext.Swap(previous);
        }
    }

    private object?[] BindArguments(ActivityDefinition definition, JsonElement input, CancellationToken cancellationToken)
    {
        var parameters = definition.Parameters;
        var values = new object?[parameters.Length];
        var count = input.ValueKind == JsonValueKind.Array ? input.GetArrayLength() : 0;
        if (input.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null or JsonValueKind.Undefined))
        {
            throw new ArgumentException($"Activity '{definition.Name}' input must be a JSON array of arguments, not {input.ValueKind}.");
        }
        var next = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            if (type == typeof(CancellationToken))
            {
                values[i] = cancellationToken;
            }
            else if (next < count)
            {
                values[i] = input[next++].Deserialize(type, _json);
            }
            else if (parameters[i].HasDefaultValue)
            {
                values[i] = parameters[i].DefaultValue;
            }
            else
            {
                throw new ArgumentException($"Activity '{definition.Name}' takes {parameters.Count(p => p.ParameterType != typeof(CancellationToken))} argument(s) but got {count}.");
            }
        }
        return values;
    }
}
