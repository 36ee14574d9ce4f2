namespace Orchestrator.Dashboard.Api;

/// <summary>The list query a batch of the list's view takes, and the count of the open runs it would act on.</summary>
internal static class BatchQuery
{
    /// <summary>
    /// The query of the runs the list shows (its time range included: <see cref="ListQuery.Of"/>): its query as written when no other filter is set (so that a problem's
    /// <c>position</c> points into the text the user wrote), else its condition AND the filters (status, workflow type, id
    /// prefix), with its ORDER BY kept last. Null when the view has neither: a batch needs a query.
    /// </summary>
    public static string? Of(WorkflowFilter filter)
    {
        var conditions = new List<string>();
        if (filter.Status is { } status)
        {
            conditions.Add($"ExecutionStatus = {Quoted(status)}");
        }
        if (filter.WorkflowType is { } type)
        {
            conditions.Add($"WorkflowType = {Quoted(type.Trim())}");
        }
        if (filter.WorkflowIdPrefix is { } prefix)
        {
            conditions.Add($"WorkflowId STARTS_WITH {Quoted(prefix.Trim())}");
        }
        var query = ListQuery.Of(filter)?.Trim(); // with the list's time range, if any
        query = string.IsNullOrWhiteSpace(query) ? null : query;
        if (conditions.Count == 0)
        {
            return query;
        }
        var where = query is null ? "" : EngineApiClient.WithoutOrder(query).Trim();
        var order = query is null ? "" : query[EngineApiClient.WithoutOrder(query).Length..].Trim();
        if (where.Length > 0)
        {
            conditions.Insert(0, $"({where})");
        }
        return string.Join(" AND ", conditions) + (order.Length > 0 ? " " + order : "");
    }

    /// <summary>The open runs of <paramref name="query"/>: its condition (without ORDER BY) AND <c>ExecutionStatus = 'Running'</c>.</summary>
    public static string Open(string query)
    {
        var where = EngineApiClient.WithoutOrder(query).Trim();
        return where.Length == 0 ? "ExecutionStatus = 'Running'" : $"({where}) AND ExecutionStatus = 'Running'";
    }

    private static string Quoted(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
