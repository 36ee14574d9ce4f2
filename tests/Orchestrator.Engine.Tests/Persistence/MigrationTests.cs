using Dapper;
using DbUp.Engine;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Engine.Persistence;
using Orchestrator.TestSupport;

namespace Orchestrator.Engine.Tests.Persistence;

public sealed class MigrationTests
{
    private const string SchemaQuery = """
        SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable
        FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL SELECT 'index:' || indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'
        ORDER BY 1
        """;

    private static async Task<List<string>> SchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.QueryAsync<string>(SchemaQuery)).ToList();
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Migrate_AppliedTwice_SecondRunChangesNothing()
    {
        var cs = await TestServers.CreateDatabaseAsync("migrate");
        try
        {
            var first = await DatabaseMigrator.MigrateAsync(cs, NullLogger.Instance);
            var schema = await SchemaAsync(cs);

            var second = await DatabaseMigrator.MigrateAsync(cs, NullLogger.Instance);

            Assert.NotEmpty(first);
            Assert.Empty(second);
            Assert.Equal(schema, await SchemaAsync(cs));
            Assert.Contains(schema, s => s.StartsWith("history_events.attributes:json", StringComparison.Ordinal));
        }
        finally
        {
            await TestServers.DropDatabaseAsync(cs);
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Migrate_TwoEnginesAtOnce_BothSucceedAndTheScriptsRunOnce()
    {
        var cs = await TestServers.CreateDatabaseAsync("migrate");
        try
        {
            var results = await Task.WhenAll(
                Task.Run(() => DatabaseMigrator.MigrateAsync(cs, NullLogger.Instance)),
                Task.Run(() => DatabaseMigrator.MigrateAsync(cs, NullLogger.Instance)));

            Assert.Equal(DatabaseMigrator.EmbeddedScripts().Count, results.Sum(r => r.Count));
        }
        finally
        {
            await TestServers.DropDatabaseAsync(cs);
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Migrate_FailingScript_ThrowsClearErrorAndLeavesTheSchemaAsItWas()
    {
        var cs = await TestServers.CreateDatabaseAsync("migrate");
        try
        {
            await DatabaseMigrator.MigrateAsync(cs, NullLogger.Instance);
            var before = await SchemaAsync(cs);
            var scripts = DatabaseMigrator.EmbeddedScripts()
                .Append(new SqlScript("9998_good.sql", "CREATE TABLE should_vanish (id int);"))
                .Append(new SqlScript("9999_bad.sql", "ALTER TABLE workflow_runs ADD COLUMN x int; SELECT 1/0;"));

            var e = await Assert.ThrowsAsync<MigrationFailedException>(() => DatabaseMigrator.MigrateAsync(cs, NullLogger.Instance, scripts));

            Assert.Contains("9999_bad.sql", e.Message, StringComparison.Ordinal);
            Assert.Contains("schema is as it was", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, await SchemaAsync(cs));
        }
        finally
        {
            await TestServers.DropDatabaseAsync(cs);
        }
    }
}
