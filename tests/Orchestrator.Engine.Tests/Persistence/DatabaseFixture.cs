using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Engine.Persistence;
using Orchestrator.TestSupport;

namespace Orchestrator.Engine.Tests.Persistence;

/// <summary>A fresh, migrated database per test class.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    internal NpgsqlDataSource DataSource { get; private set; } = null!;

    internal HistoryStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestServers.CreateDatabaseAsync("store");
        await DatabaseMigrator.MigrateAsync(ConnectionString, NullLogger.Instance);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Store = new HistoryStore(DataSource);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await TestServers.DropDatabaseAsync(ConnectionString);
    }
}
