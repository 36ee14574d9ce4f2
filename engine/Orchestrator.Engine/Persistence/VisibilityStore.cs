using Dapper;
using Npgsql;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Engine.Persistence;

/// <summary>
/// Reads of the visibility API: runs matching a list query (<see cref="QuerySqlCompiler"/>), their counts, and the search
/// attribute registry. Reads only, apart from registering an attribute; runs are changed by the shell alone.
/// </summary>
internal sealed class VisibilityStore(NpgsqlDataSource dataSource)
{
    /// <summary>Longest a list or count query may run before PostgreSQL is asked to cancel it.</summary>
    public const int QueryTimeoutSeconds = 30;

    /// <summary>Most groups a grouped count answers (the largest).</summary>
    public const int MaxGroups = 1000;

    /// <summary>One page of runs matching <paramref name="query"/>, after the token's key (null: the first page).</summary>
    /// <exception cref="QueryException">a field or value that does not fit.</exception>
    public async Task<IReadOnlyList<WorkflowRunRecord>> ListAsync(ParsedQuery query, IReadOnlyDictionary<string, SearchAttributeType> attributes,
        Func<OrderKey, (string? Key, Guid RunId)?> after, int limit, CancellationToken ct)
    {
        var compiler = new QuerySqlCompiler(attributes);
        var where = compiler.Where(query.Where);
        var order = compiler.Order(query.Order);
        var keyset = after(order) is { } a ? order.After(compiler, a.Key, a.RunId) : "TRUE";
        var limitParameter = compiler.Add(limit);
        var sql = $"SELECT {SqlStatements.RunColumns} FROM workflow_runs WHERE {where} AND {keyset} ORDER BY {order.OrderBySql} LIMIT {limitParameter}";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<WorkflowRunRecord>(new CommandDefinition(sql, compiler.Parameters, commandTimeout: QueryTimeoutSeconds,
            cancellationToken: ct))).ToList();
    }

    /// <summary>How many runs match <paramref name="query"/>; per value of <paramref name="groupBy"/> when given.</summary>
    public async Task<WorkflowCount> CountAsync(ParsedQuery query, string? groupBy, IReadOnlyDictionary<string, SearchAttributeType> attributes, CancellationToken ct)
    {
        var compiler = new QuerySqlCompiler(attributes);
        var where = compiler.Where(query.Where);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (groupBy is null)
        {
            var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM workflow_runs WHERE {where}",
                compiler.Parameters, commandTimeout: QueryTimeoutSeconds, cancellationToken: ct));
            return new WorkflowCount(Count: count);
        }
        var group = compiler.GroupBy(groupBy);
        var sql = $"SELECT {group} AS value, count(*) AS count FROM workflow_runs WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {MaxGroups}";
        var rows = await connection.QueryAsync<(string? Value, long Count)>(new CommandDefinition(sql, compiler.Parameters,
            commandTimeout: QueryTimeoutSeconds, cancellationToken: ct));
        return new WorkflowCount(Groups: rows.Select(r => new WorkflowCountGroup(r.Value, r.Count)).ToList());
    }

    public async Task<IReadOnlyList<SearchAttributeDefinition>> ReadSearchAttributesAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Name, string Type)>(new CommandDefinition(SqlStatements.ReadSearchAttributes, cancellationToken: ct));
        return rows.Select(r => new SearchAttributeDefinition(r.Name, Enum.Parse<SearchAttributeType>(r.Type))).ToList();
    }

    /// <summary>Registers an attribute; returns the type it has (another type than asked for when it existed already), or null when the registry is full.</summary>
    public async Task<(SearchAttributeType Type, bool Created)?> RegisterSearchAttributeAsync(string name, SearchAttributeType type, int maxRegistered,
        CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(string Type, bool Created)?>(new CommandDefinition(SqlStatements.RegisterSearchAttribute,
            new { Name = name, Type = type.ToString(), Max = maxRegistered }, cancellationToken: ct));
        return row is { } r ? (Enum.Parse<SearchAttributeType>(r.Type), r.Created) : null;
    }
}
