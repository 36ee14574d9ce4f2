using Dapper;

namespace Orchestrator.Engine.Tests.Retention;

/// <summary>
/// Every table that names a run is a decision of retention's: its rows go with the run (a foreign key with ON DELETE
/// CASCADE, looked up by an index), or they are another thing's record and stay. A new table that names runs fails here
/// until it is one or the other.
/// </summary>
public sealed class RetentionSchemaTests
{
    /// <summary>Tables that name runs and are kept when a run is deleted, and why (docs/visibility.md "Retention").</summary>
    private static readonly Dictionary<string, string> Kept = new(StringComparer.Ordinal)
    {
        ["schedule_actions"] = "a schedule's record of what it fired; its key stops a scheduled time from firing twice",
        ["batch_items"] = "a batch's record of its targets (no foreign key by design: a deleted run is a failed item)",
        ["trigger_deliveries"] = "a trigger's claim on an event (workflow id only); pruned by its own window",
    };

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task EveryTableKeyedByRun_GoesWithTheRunByAnIndexedCascade_OrIsKeptOnPurpose()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var children = (await connection.QueryAsync<(string Table, string Column, string OnDelete, bool Indexed)>("""
            SELECT c.conrelid::regclass::text, a.attname::text, c.confdeltype::text,
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
            FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.confrelid = 'workflow_runs'::regclass
            """)).ToList();
        var naming = (await connection.QueryAsync<string>("""
            SELECT DISTINCT table_name::text FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name IN ('run_id', 'workflow_id') AND table_name <> 'workflow_runs'
            """)).ToHashSet(StringComparer.Ordinal);

        Assert.All(children, c =>
        {
            Assert.True(c.OnDelete == "c", $"{c.Table}.{c.Column} references workflow_runs without ON DELETE CASCADE: deleting a run would fail");
            Assert.True(c.Indexed, $"{c.Table}.{c.Column} has no index that starts with it: deleting a run would read the whole table");
        });
        Assert.Equal(RetentionDatabase.RunTables.Select(t => t.Table).Order(), children.Select(c => c.Table).Order());
        var undecided = naming.Except(children.Select(c => c.Table)).Except(Kept.Keys).ToList();
        Assert.True(undecided.Count == 0, $"Tables that name runs but neither go with them nor are kept on purpose: {string.Join(", ", undecided)}");
    }
}
