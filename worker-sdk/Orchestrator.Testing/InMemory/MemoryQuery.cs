using System.Globalization;
using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Visibility;
using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// A parsed list query (the engine's own <see cref="QueryParser"/>) compiled to a predicate over runs in memory, as the
/// engine's <c>QuerySqlCompiler</c> compiles it to SQL: the same checks (unknown fields, operators a field does not take,
/// values of the wrong type, with their positions) and the same answers, down to SQL's three-valued logic (a comparison
/// with a missing value is unknown, and so is its NOT: the run does not match either way).
/// </summary>
internal sealed class MemoryQuery(IReadOnlyDictionary<string, SearchAttributeType> attributes)
{
    /// <summary>The condition of <paramref name="node"/>: true, false or unknown (null) for a run.</summary>
    /// <exception cref="QueryException">an unknown field, an operator the field does not take, or a value of the wrong type.</exception>
    public Func<WorkflowRunRecord, bool?> Where(QueryNode? node)
    {
        switch (node)
        {
            case null:
                return _ => true;
            case AndNode n:
                var (leftAnd, rightAnd) = (Where(n.Left), Where(n.Right));
                return run => leftAnd(run) is not { } l ? (rightAnd(run) == false ? false : null) : l ? rightAnd(run) : false;
            case OrNode n:
                var (leftOr, rightOr) = (Where(n.Left), Where(n.Right));
                return run => leftOr(run) is not { } l ? (rightOr(run) == true ? true : null) : l ? true : rightOr(run);
            case NotNode n:
                var inner = Where(n.Inner);
                return run => !inner(run);
            case ComparisonNode n:
                return Comparison(n);
            case InNode n:
                return In(n);
            case BetweenNode n:
                return Between(n);
            case StartsWithNode n:
                return StartsWith(n);
            case IsNullNode n:
                var field = Resolve(n.Field);
                return run => (Value(field, run) is null) != n.Negated;
            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    /// <summary>The order of a list (<c>StartTime DESC</c> unless the query says otherwise): its field, direction and signature.</summary>
    public (QueryField Field, bool Descending, string Signature) Order(OrderBy? order)
    {
        if (order is null)
        {
            return (QueryFields.Resolve("StartTime", attributes)!, true, "StartTime DESC");
        }
        var field = Resolve(order.Field);
        if (field.Kind is FieldKind.KeywordList)
        {
            throw new QueryException(order.Field.Position, $"'{field.Name}' is a KeywordList; it cannot order the list.", "a field of another type");
        }
        return (field, order.Descending, $"{field.Name} {(order.Descending ? "DESC" : "ASC")}");
    }

    /// <summary>The field of a count's <c>groupBy</c> (a Keyword-like or Bool field).</summary>
    public QueryField GroupBy(string name)
    {
        var field = Resolve(new FieldRef(name, 0));
        if (field.Kind is not (FieldKind.Keyword or FieldKind.Status or FieldKind.Bool))
        {
            throw new QueryException(0, $"'{field.Name}' cannot group a count: groupBy takes ExecutionStatus, WorkflowType, TaskQueue, WorkflowId, ParentWorkflowId or a Keyword or Bool search attribute.",
                "a keyword field");
        }
        return field;
    }

    /// <summary>A field's value as the count's group shows it (PostgreSQL's text of it).</summary>
    public static string? GroupText(QueryField field, WorkflowRunRecord run) => Value(field, run) switch
    {
        null => null,
        bool b => b ? "true" : "false",
        var v => (string)v,
    };

    /// <summary>
    /// A run's value of <paramref name="field"/>, as the SQL reads it: a string, long (built-in), decimal (numeric
    /// attribute), UTC DateTime, TimeSpan, bool, Guid, a list of strings (KeywordList), or null.
    /// </summary>
    public static object? Value(QueryField field, WorkflowRunRecord run)
    {
        if (!field.IsAttribute)
        {
            return field.Name switch
            {
                "WorkflowId" => run.WorkflowId,
                "RunId" => run.RunId,
                "WorkflowType" => run.WorkflowType,
                "ExecutionStatus" => run.Status,
                "TaskQueue" => run.TaskQueue,
                "StartTime" => DateTime.SpecifyKind(run.StartedAt, DateTimeKind.Utc),
                "CloseTime" => run.ClosedAt is { } c ? DateTime.SpecifyKind(c, DateTimeKind.Utc) : null,
                "ExecutionDuration" => run.ClosedAt is { } closed ? closed - run.StartedAt : null,
                "HistoryLength" => run.NextEventId - 1,
                "ParentWorkflowId" => run.ParentWorkflowId,
                _ => throw new ArgumentOutOfRangeException(nameof(field)),
            };
        }
        if (run.SearchAttributes is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(run.SearchAttributes);
        if (!doc.RootElement.TryGetProperty(field.Name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return field.Kind switch
        {
            FieldKind.Int or FieldKind.Double => decimal.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture),
            FieldKind.Datetime => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture).UtcDateTime,
            FieldKind.Bool => value.GetBoolean(),
            FieldKind.KeywordList => value.EnumerateArray().Select(i => i.GetString()!).ToList(),
            _ => value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(),
        };
    }

    /// <summary>Orders two values of one field (PostgreSQL's order of their types; text by code point).</summary>
    public static int Compare(object a, object b) => (a, b) switch
    {
        (string x, string y) => string.CompareOrdinal(x, y),
        (Guid x, Guid y) => string.CompareOrdinal(x.ToString("N"), y.ToString("N")),
        (bool x, bool y) => x.CompareTo(y),
        (IComparable x, _) => x.CompareTo(b),
        _ => throw new ArgumentException($"Values of {a.GetType().Name} and {b.GetType().Name} do not compare."),
    };

    private QueryField Resolve(FieldRef reference) =>
        QueryFields.Resolve(reference.Name, attributes)
        ?? throw new QueryException(reference.Position, $"Unknown field '{reference.Name}' at position {reference.Position}.",
            $"a built-in field ({string.Join(", ", QueryFields.BuiltInNames)}) or a registered search attribute");

    private Func<WorkflowRunRecord, bool?> Comparison(ComparisonNode n)
    {
        var field = Resolve(n.Field);
        var op = n.Operator;
        if (op is "=" or "!=")
        {
            if (field.IsAttribute && field.Kind is not FieldKind.Text)
            {
                // containment (search_attributes @> {"name": value}): unknown for a run with no attributes at all
                var contains = Contains(field, n.Value);
                return op == "="
                    ? contains
                    : run => Value(field, run) is not null && contains(run) == false;
            }
            var equal = Read(field, n.Value);
            return run => Value(field, run) is { } v ? (Compare(v, equal) == 0) == (op == "=") : null;
        }
        if (!Ordered(field))
        {
            throw new QueryException(n.OperatorPosition,
                $"'{field.Name}' ({field.Kind}) takes =, !=, IN, IS NULL{(field.Kind is FieldKind.Keyword or FieldKind.Text ? ", STARTS_WITH" : "")}, not '{op}'.",
                "=, != or IN");
        }
        var literal = Read(field, n.Value);
        return run => Value(field, run) is { } v ? Holds(Compare(v, literal), op) : null;
    }

    private static bool Holds(int comparison, string op) => op switch
    {
        ">" => comparison > 0,
        ">=" => comparison >= 0,
        "<" => comparison < 0,
        _ => comparison <= 0,
    };

    private static bool Ordered(QueryField field) =>
        field.Kind is FieldKind.Keyword or FieldKind.Int or FieldKind.Double or FieldKind.Datetime or FieldKind.Duration;

    private Func<WorkflowRunRecord, bool?> In(InNode n)
    {
        var field = Resolve(n.Field);
        if (field.IsAttribute && field.Kind is not FieldKind.Text)
        {
            var any = n.Values.Select(v => Contains(field, v)).ToList();
            return run => run.SearchAttributes is null ? null : any.Any(c => c(run) == true);
        }
        var values = n.Values.Select(v => Read(field, v)).ToList();
        return run => Value(field, run) is { } v ? values.Any(x => Compare(v, x) == 0) : null;
    }

    private Func<WorkflowRunRecord, bool?> Between(BetweenNode n)
    {
        var field = Resolve(n.Field);
        if (!Ordered(field))
        {
            throw new QueryException(n.Field.Position, $"'{field.Name}' ({field.Kind}) cannot be compared with BETWEEN.", "=, != or IN");
        }
        var (low, high) = (Read(field, n.Low), Read(field, n.High));
        return run => Value(field, run) is { } v ? Compare(v, low) >= 0 && Compare(v, high) <= 0 : null;
    }

    private Func<WorkflowRunRecord, bool?> StartsWith(StartsWithNode n)
    {
        var field = Resolve(n.Field);
        if (field.Kind is not (FieldKind.Keyword or FieldKind.Text))
        {
            throw new QueryException(n.Field.Position, $"'{field.Name}' ({field.Kind}) does not take STARTS_WITH; only Keyword and Text fields do.", "=, != or IN");
        }
        var prefix = QueryLiterals.Text(n.Prefix, field);
        return run => Value(field, run) is string v ? v.StartsWith(prefix, StringComparison.Ordinal) : null;
    }

    /// <summary>Whether a run's attribute holds the literal (a KeywordList: among its items); unknown when the run has no attributes.</summary>
    private Func<WorkflowRunRecord, bool?> Contains(QueryField field, Literal literal)
    {
        var wanted = field.Kind switch
        {
            FieldKind.KeywordList or FieldKind.Keyword => QueryLiterals.Text(literal, field),
            FieldKind.Int => (decimal)(long)Read(field, literal),
            _ => Read(field, literal),
        };
        return run =>
        {
            if (run.SearchAttributes is null)
            {
                return null;
            }
            return Value(field, run) switch
            {
                null => false,
                List<string> list => list.Contains((string)wanted, StringComparer.Ordinal),
                var v => Compare(v, wanted) == 0,
            };
        };
    }

    /// <summary>A literal as a value of the field's type (the engine's checks and messages); whole numbers of an attribute as decimal, as attributes are read.</summary>
    private static object Read(QueryField field, Literal literal)
    {
        var value = QueryLiterals.Read(field, literal);
        return value is long whole && field.IsAttribute ? (decimal)whole : value;
    }
}
