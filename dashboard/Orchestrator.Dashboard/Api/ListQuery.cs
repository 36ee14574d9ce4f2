using System.Globalization;

namespace Orchestrator.Dashboard.Api;

/// <summary>The query text the list sends for a filter: its query, with the filter's time range as <c>StartTime</c> conditions.</summary>
internal static class ListQuery
{
    /// <summary>
    /// The query as written when the filter has no time range; else its condition in parentheses AND the range, its ORDER BY
    /// kept last (<c>(Q) AND StartTime &gt; '2026-12-04T18:00:00Z' ORDER BY ...</c>). <see cref="Shift"/> tells how far the
    /// written text moved in it, so that a problem's position can be given back in the text the user wrote.
    /// </summary>
    public static string? Of(WorkflowFilter filter)
    {
        var query = string.IsNullOrWhiteSpace(filter.Query) ? null : filter.Query;
        var range = Range(filter);
        if (range is null)
        {
            return query;
        }
        if (query is null)
        {
            return range;
        }
        var where = EngineApiClient.WithoutOrder(query);
        var order = query[where.Length..].Trim();
        return (where.Trim().Length == 0 ? range : $"({where.TrimEnd()}) AND {range}") + (order.Length > 0 ? " " + order : "");
    }

    /// <summary>How far the user's query moved in <see cref="Of"/>'s text: 1 (the parenthesis) when both a query and a range are set.</summary>
    public static int Shift(WorkflowFilter filter)
        => !string.IsNullOrWhiteSpace(filter.Query) && Range(filter) is not null && EngineApiClient.WithoutOrder(filter.Query).Trim().Length > 0 ? 1 : 0;

    /// <summary>A problem's position in <see cref="Of"/>'s text, given back in the filter's query (clamped to it).</summary>
    public static int? PositionInQuery(WorkflowFilter filter, int? position)
        => position is not { } p ? null : Math.Clamp(p - Shift(filter), 0, filter.Query?.Length ?? 0);

    /// <summary><c>StartTime &gt; 'A' AND StartTime &lt; 'B'</c> of the filter's range, or null without one.</summary>
    public static string? Range(WorkflowFilter filter)
    {
        var parts = new List<string>(2);
        if (filter.StartedAfter is { } after)
        {
            parts.Add($"StartTime > {Literal(after)}");
        }
        if (filter.StartedBefore is { } before)
        {
            parts.Add($"StartTime < {Literal(before)}");
        }
        return parts.Count == 0 ? null : string.Join(" AND ", parts);
    }

    /// <summary>'2026-12-04T18:00:00Z': UTC, to the second.</summary>
    public static string Literal(DateTimeOffset time) => "'" + time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "'";
}
