using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Visibility;
using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Engine.Persistence;

/// <summary>
/// Compiles a parsed list query (<see cref="ParsedQuery"/>) to a parameterised SQL condition over <c>workflow_runs</c>.
/// Identifiers come only from <see cref="Columns"/> (fixed text keyed by the built-in field names); every value, and every
/// search attribute name, goes in as a parameter. Each value is checked against its field's type here, with its position.
/// </summary>
internal sealed class QuerySqlCompiler
{
    private static readonly Dictionary<string, string> Columns = new(StringComparer.Ordinal)
    {
        ["WorkflowId"] = "workflow_id", ["RunId"] = "run_id", ["WorkflowType"] = "workflow_type", ["ExecutionStatus"] = "status",
        ["TaskQueue"] = "task_queue", ["StartTime"] = "started_at", ["CloseTime"] = "closed_at",
        ["ExecutionDuration"] = "(closed_at - started_at)", ["HistoryLength"] = "(next_event_id - 1)", ["ParentWorkflowId"] = "parent_workflow_id",
    };


    private readonly IReadOnlyDictionary<string, SearchAttributeType> _attributes;
    private readonly DynamicParameters _parameters = new();
    private int _count;

    public QuerySqlCompiler(IReadOnlyDictionary<string, SearchAttributeType> attributes) => _attributes = attributes;

    public DynamicParameters Parameters => _parameters;

    /// <summary>The condition of <paramref name="node"/> (<c>TRUE</c> for none).</summary>
    /// <exception cref="QueryException">an unknown field, an operator the field does not take, or a value of the wrong type.</exception>
    public string Where(QueryNode? node) => node switch
    {
        null => "TRUE",
        AndNode n => $"({Where(n.Left)} AND {Where(n.Right)})",
        OrNode n => $"({Where(n.Left)} OR {Where(n.Right)})",
        NotNode n => $"(NOT {Where(n.Inner)})",
        ComparisonNode n => Comparison(n),
        InNode n => In(n),
        BetweenNode n => Between(n),
        StartsWithNode n => StartsWith(n),
        IsNullNode n => $"({Value(Resolve(n.Field))} IS {(n.Negated ? "NOT " : "")}NULL)",
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    /// <summary>The order: the field's key expression and how its value is read back for a page token.</summary>
    public OrderKey Order(OrderBy? order)
    {
        if (order is null)
        {
            return OrderKey.Default;
        }
        var field = Resolve(order.Field);
        if (field.Kind is FieldKind.KeywordList)
        {
            throw new QueryException(order.Field.Position, $"'{field.Name}' is a KeywordList; it cannot order the list.", "a field of another type");
        }
        var cast = CastOf(field);
        return new OrderKey($"{field.Name} {(order.Descending ? "DESC" : "ASC")}", Value(field), cast, order.Descending, field.Nullable, field);
    }

    /// <summary>The grouping expression of a count's <c>groupBy</c> (a Keyword-like or Bool field), as text.</summary>
    public string GroupBy(string name)
    {
        var field = Resolve(new FieldRef(name, 0));
        if (field.Kind is not (FieldKind.Keyword or FieldKind.Status or FieldKind.Bool))
        {
            throw new QueryException(0, $"'{field.Name}' cannot group a count: groupBy takes ExecutionStatus, WorkflowType, TaskQueue, WorkflowId, ParentWorkflowId or a Keyword or Bool search attribute.",
                "a keyword field");
        }
        return $"({Value(field)})::text";
    }

    /// <summary>Adds a parameter; returns its placeholder.</summary>
    public string Add(object? value)
    {
        var name = "q" + _count++.ToString(CultureInfo.InvariantCulture);
        _parameters.Add(name, value);
        return "@" + name;
    }

    private QueryField Resolve(FieldRef reference) =>
        QueryFields.Resolve(reference.Name, _attributes)
        ?? throw new QueryException(reference.Position, $"Unknown field '{reference.Name}' at position {reference.Position}.",
            $"a built-in field ({string.Join(", ", QueryFields.BuiltInNames)}) or a registered search attribute");

    /// <summary>The field's value as SQL: a built-in column, or the attribute read from <c>search_attributes</c> and cast to its type.</summary>
    private string Value(QueryField field)
    {
        if (!field.IsAttribute)
        {
            return Columns[field.Name];
        }
        var text = $"(search_attributes ->> {Add(field.Name)})";
        return field.Kind switch
        {
            FieldKind.Int or FieldKind.Double => $"({text}::numeric)",
            FieldKind.Datetime => $"({text}::timestamptz)",
            FieldKind.Bool => $"({text}::boolean)",
            FieldKind.KeywordList => $"(search_attributes -> {Add(field.Name)})",
            _ => text,
        };
    }

    private static string CastOf(QueryField field) => field.Kind switch
    {
        FieldKind.Datetime => "timestamptz",
        FieldKind.Int when !field.IsAttribute => "bigint",
        FieldKind.Int or FieldKind.Double => "numeric",
        FieldKind.Bool => "boolean",
        FieldKind.Duration => "interval",
        FieldKind.Uuid => "uuid",
        _ => "text",
    };

    private string Comparison(ComparisonNode n)
    {
        var field = Resolve(n.Field);
        var op = n.Operator;
        if (op is "=" or "!=")
        {
            if (field.IsAttribute && field.Kind is not (FieldKind.Text))
            {
                // equality by containment: the GIN index on search_attributes answers it
                var contains = $"(search_attributes @> {Add(Containment(field, n.Value))}::jsonb)";
                return op == "=" ? contains : $"((search_attributes -> {Add(field.Name)}) IS NOT NULL AND NOT {contains})";
            }
            return $"({Value(field)} {(op == "=" ? "=" : "<>")} {Add(QueryLiterals.Read(field, n.Value))})";
        }
        if (!Ordered(field))
        {
            throw new QueryException(n.OperatorPosition,
                $"'{field.Name}' ({field.Kind}) takes =, !=, IN, IS NULL{(field.Kind is FieldKind.Keyword or FieldKind.Text ? ", STARTS_WITH" : "")}, not '{op}'.",
                "=, != or IN");
        }
        return $"({Value(field)} {op} {Add(QueryLiterals.Read(field, n.Value))})";
    }

    private static bool Ordered(QueryField field) =>
        field.Kind is FieldKind.Keyword or FieldKind.Int or FieldKind.Double or FieldKind.Datetime or FieldKind.Duration;

    private string In(InNode n)
    {
        var field = Resolve(n.Field);
        if (field.IsAttribute && field.Kind is not FieldKind.Text)
        {
            var any = n.Values.Select(v => $"search_attributes @> {Add(Containment(field, v))}::jsonb");
            return $"({string.Join(" OR ", any)})";
        }
        var values = n.Values.Select(v => QueryLiterals.Read(field, v)).ToList();
        object array = field.Kind switch
        {
            FieldKind.Uuid => values.Cast<Guid>().ToArray(),
            FieldKind.Datetime => values.Cast<DateTime>().ToArray(),
            FieldKind.Duration => values.Cast<TimeSpan>().ToArray(),
            FieldKind.Int => values.Cast<long>().ToArray(),
            _ => values.Cast<string>().ToArray(),
        };
        return $"({Value(field)} = ANY({Add(array)}))";
    }

    private string Between(BetweenNode n)
    {
        var field = Resolve(n.Field);
        if (!Ordered(field))
        {
            throw new QueryException(n.Field.Position, $"'{field.Name}' ({field.Kind}) cannot be compared with BETWEEN.", "=, != or IN");
        }
        return $"({Value(field)} BETWEEN {Add(QueryLiterals.Read(field, n.Low))} AND {Add(QueryLiterals.Read(field, n.High))})";
    }

    private string StartsWith(StartsWithNode n)
    {
        var field = Resolve(n.Field);
        if (field.Kind is not (FieldKind.Keyword or FieldKind.Text))
        {
            throw new QueryException(n.Field.Position, $"'{field.Name}' ({field.Kind}) does not take STARTS_WITH; only Keyword and Text fields do.", "=, != or IN");
        }
        return $"starts_with({Value(field)}, {Add(QueryLiterals.Text(n.Prefix, field))})";
    }

    /// <summary>The jsonb object <c>{"name": value}</c> that a run with that value contains (a KeywordList: the list containing it).</summary>
    private string Containment(QueryField field, Literal literal)
    {
        JsonNode? stored = field.Kind switch
        {
            FieldKind.KeywordList => new JsonArray(JsonValue.Create(QueryLiterals.Text(literal, field))),
            FieldKind.Keyword => JsonValue.Create(QueryLiterals.Text(literal, field)),
            FieldKind.Int => JsonValue.Create((long)QueryLiterals.Read(field, literal)),
            FieldKind.Double => JsonValue.Create((decimal)QueryLiterals.Read(field, literal)),
            FieldKind.Bool => JsonValue.Create((bool)QueryLiterals.Read(field, literal)),
            FieldKind.Datetime => JsonValue.Create(SearchAttributeRules.FormatTime(new DateTimeOffset((DateTime)QueryLiterals.Read(field, literal)))),
            _ => throw new InvalidOperationException(),
        };
        return new JsonObject { [field.Name] = stored }.ToJsonString();
    }

    /// <summary>A search attribute value as read back from a stored run (the key of a page token), as text.</summary>
    public static string? AttributeText(string? stored, string name)
    {
        if (stored is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(stored);
        if (!doc.RootElement.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
    }

    /// <summary>A built-in's value of a run, as text PostgreSQL casts back exactly (the key of a page token).</summary>
    public static string? BuiltInText(string name, WorkflowRunRecord run) => name switch
    {
        "WorkflowId" => run.WorkflowId,
        "RunId" => run.RunId.ToString(),
        "WorkflowType" => run.WorkflowType,
        "ExecutionStatus" => run.Status,
        "TaskQueue" => run.TaskQueue,
        "StartTime" => SearchAttributeRules.FormatTime(new DateTimeOffset(DateTime.SpecifyKind(run.StartedAt, DateTimeKind.Utc))),
        "CloseTime" => run.ClosedAt is { } c ? SearchAttributeRules.FormatTime(new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc))) : null,
        "ExecutionDuration" => run.ClosedAt is { } closed ? ((closed - run.StartedAt).Ticks / 10).ToString(CultureInfo.InvariantCulture) + " microseconds" : null,
        "HistoryLength" => (run.NextEventId - 1).ToString(CultureInfo.InvariantCulture),
        "ParentWorkflowId" => run.ParentWorkflowId,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}

/// <summary>
/// The order of a list: <see cref="Expression"/> with run_id as the tie-breaker in the same direction, and runs without a
/// value ordered as PostgreSQL does (after every value: last ascending, first descending, so a B-tree serves both
/// directions); the cast that reads a page token's key back; and <see cref="Signature"/>, which a page token must carry.
/// </summary>
internal sealed record OrderKey(string Signature, string Expression, string Cast, bool Descending, bool Nullable, QueryField Field)
{
    public static OrderKey Default { get; } = new("StartTime DESC", "started_at", "timestamptz", true, false,
        new QueryField("StartTime", FieldKind.Datetime, false));

    /// <summary>The key of <paramref name="run"/> as text (what the next page starts after).</summary>
    public string? KeyOf(WorkflowRunRecord run) =>
        Field.IsAttribute ? QuerySqlCompiler.AttributeText(run.SearchAttributes, Field.Name) : QuerySqlCompiler.BuiltInText(Field.Name, run);

    /// <summary>The rows after (key, run) in this order, as a condition.</summary>
    public string After(QuerySqlCompiler compiler, string? key, Guid runId)
    {
        var cmp = Descending ? "<" : ">";
        var run = compiler.Add(runId);
        if (key is null)
        {
            // nulls come after every value: last ascending, first descending (then every run with a value follows)
            return Descending ? $"(({Expression} IS NULL AND run_id < {run}) OR {Expression} IS NOT NULL)" : $"({Expression} IS NULL AND run_id > {run})";
        }
        var after = $"(({Expression}, run_id) {cmp} ({compiler.Add(key)}::{Cast}, {run}))";
        return Nullable && !Descending ? $"({after} OR {Expression} IS NULL)" : after;
    }

    public string OrderBySql => $"{Expression} {(Descending ? "DESC" : "ASC")}, run_id {(Descending ? "DESC" : "ASC")}";
}
