using System.Reflection;

namespace Orchestrator.Sdk.Runtime;

/// <summary>The activities a worker can run, by activity name.</summary>
internal sealed class ActivityRegistry
{
    private readonly Dictionary<string, ActivityDefinition> _activities = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ActivityDefinition> Activities => _activities.Values;

    /// <summary>Registers every <see cref="ActivityAttribute"/> method of <typeparamref name="TActivities"/>.</summary>
    public ActivityRegistry Add<TActivities>() => Add(typeof(TActivities));

    /// <summary>Registers every <see cref="ActivityAttribute"/> method of <paramref name="activitiesType"/>.</summary>
    /// <exception cref="ArgumentException">No activity methods, an invalid one, or a name registered twice.</exception>
    public ActivityRegistry Add(Type activitiesType)
    {
        ArgumentNullException.ThrowIfNull(activitiesType);
        var methods = activitiesType.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => m.IsDefined(typeof(ActivityAttribute), inherit: false))
            .ToList();
        if (methods.Count == 0)
        {
            throw new ArgumentException($"{activitiesType.FullName} has no [Activity] methods.", nameof(activitiesType));
        }
        foreach (var method in methods)
        {
            var definition = ActivityDefinition.Create(activitiesType, method);
            if (_activities.TryGetValue(definition.Name, out var existing) && existing.Method != method)
            {
                throw new ArgumentException(
                    $"Activity name '{definition.Name}' is registered twice: {existing.ActivitiesType.Name}.{existing.Method.Name} and {activitiesType.Name}.{method.Name}. Give one an explicit [Activity(\"name\")].",
                    nameof(activitiesType));
            }
            _activities[definition.Name] = definition;
        }
        return this;
    }

    /// <summary>Registers <paramref name="body"/> as the activity <paramref name="name"/> (replacing one of that name).</summary>
    public ActivityRegistry Add(string name, Delegate body)
    {
        _activities[name] = ActivityDefinition.FromDelegate(name, body);
        return this;
    }

    public bool TryGet(string activityName, out ActivityDefinition definition) => _activities.TryGetValue(activityName, out definition!);
}
