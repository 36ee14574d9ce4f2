using Orchestrator.Contracts.Api;

namespace Orchestrator.Engine.Visibility;

/// <summary>What values a field holds, which decides the operators it takes and how its values are read.</summary>
internal enum FieldKind
{
    Keyword,
    Text,
    Int,
    Double,
    Bool,
    Datetime,
    KeywordList,
    /// <summary>A TimeSpan written as a string ("00:05:00").</summary>
    Duration,
    Uuid,
    /// <summary>A run status name.</summary>
    Status,
}

/// <summary>
/// A field of the query language: a built-in (its column is mapped by <see cref="Persistence.QuerySqlCompiler"/> from this fixed
/// name) or a registered search attribute (<see cref="Attribute"/>: read from <c>search_attributes</c> by a name passed as a parameter).
/// </summary>
internal sealed record QueryField(string Name, FieldKind Kind, bool Nullable, SearchAttributeType? Attribute = null)
{
    public bool IsAttribute => Attribute is not null;
}

/// <summary>The built-in fields of the query language.</summary>
internal static class QueryFields
{
    private static readonly Dictionary<string, QueryField> BuiltIns = new QueryField[]
    {
        new("WorkflowId", FieldKind.Keyword, false),
        new("RunId", FieldKind.Uuid, false),
        new("WorkflowType", FieldKind.Keyword, false),
        new("ExecutionStatus", FieldKind.Status, false),
        new("TaskQueue", FieldKind.Keyword, false),
        new("StartTime", FieldKind.Datetime, false),
        new("CloseTime", FieldKind.Datetime, true),
        new("ExecutionDuration", FieldKind.Duration, true),
        new("HistoryLength", FieldKind.Int, false),
        new("ParentWorkflowId", FieldKind.Keyword, true),
    }.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> BuiltInNames => BuiltIns.Values.Select(f => f.Name);

    public static bool IsBuiltIn(string name) => BuiltIns.ContainsKey(name);

    /// <summary>The field named <paramref name="name"/> (built-ins case-insensitively, attributes exactly), or null.</summary>
    public static QueryField? Resolve(string name, IReadOnlyDictionary<string, SearchAttributeType> attributes) =>
        BuiltIns.TryGetValue(name, out var builtIn) ? builtIn
        : attributes.TryGetValue(name, out var type) ? new QueryField(name, Kind(type), true, type)
        : null;

    private static FieldKind Kind(SearchAttributeType type) => type switch
    {
        SearchAttributeType.Keyword => FieldKind.Keyword,
        SearchAttributeType.Text => FieldKind.Text,
        SearchAttributeType.Int => FieldKind.Int,
        SearchAttributeType.Double => FieldKind.Double,
        SearchAttributeType.Bool => FieldKind.Bool,
        SearchAttributeType.Datetime => FieldKind.Datetime,
        _ => FieldKind.KeywordList,
    };
}
