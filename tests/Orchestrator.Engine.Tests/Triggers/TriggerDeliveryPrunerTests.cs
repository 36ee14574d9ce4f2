using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Tests.Persistence;
using Orchestrator.Engine.Triggers;

namespace Orchestrator.Engine.Tests.Triggers;

/// <summary>Claims older than the deduplication window are deleted, in batches; younger ones and other tables stay.</summary>
public sealed class TriggerDeliveryPrunerTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Prune_DeletesEveryClaimOlderThanTheWindow_InBatches_AndKeepsTheRest()
    {
        var store = new TriggerStore(db.DataSource);
        var now = DateTime.UtcNow;
        var triggerId = "prune-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await store.InsertAsync(new TriggerKey(triggerId, "cloudevents", "t", null, "{}"), now));
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            // more old claims than one batch, so the pass has to go round
            await connection.ExecuteAsync("""
                INSERT INTO trigger_deliveries (trigger_id, event_source, event_id, workflow_id, delivered_at)
                SELECT @T, '/s', 'old-' || i, 'w', @Old FROM generate_series(1, @N) i
                UNION ALL SELECT @T, '/s', 'young', 'w', @Young
                """, new { T = triggerId, Old = now.AddDays(-31), Young = now.AddDays(-29), N = TriggerDeliveryPruner.BatchSize + 7 });
        }
        var pruner = new TriggerDeliveryPruner(store, new EngineSettings(), NullLogger<TriggerDeliveryPruner>.Instance);

        Assert.Equal(TriggerDeliveryPruner.BatchSize + 7, await pruner.PruneAsync(CancellationToken.None));

        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            var left = (await connection.QueryAsync<string>("SELECT event_id FROM trigger_deliveries WHERE trigger_id = @T", new { T = triggerId })).ToList();
            Assert.Equal(["young"], left);
        }
        Assert.Equal(0, await pruner.PruneAsync(CancellationToken.None));
        var keepAll = new TriggerDeliveryPruner(store, new EngineSettings { TriggerDeduplicationWindow = TimeSpan.Zero }, NullLogger<TriggerDeliveryPruner>.Instance);
        Assert.Equal(0, await keepAll.PruneAsync(CancellationToken.None));
    }
}
