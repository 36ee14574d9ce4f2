using Dapper;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Tests.Persistence;

/// <summary>The latest run of a workflow id is the one created last, whatever the clocks wrote in <c>started_at</c>.</summary>
public sealed class LatestRunTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task EarlierRunStampedInTheFuture_LatestRunIsStillTheOneCreatedLast()
    {
        var workflowId = "latest-" + Guid.NewGuid().ToString("N");
        // an engine whose clock ran an hour ahead started (and closed) the first run; a correct one started the next
        var first = await CreateAsync(workflowId, DateTime.UtcNow.AddHours(1));
        await using (var connection = db.DataSource.CreateConnection())
        {
            await connection.ExecuteAsync("UPDATE workflow_runs SET status = 'Completed', closed_at = now() WHERE run_id = @first", new { first });
        }
        var second = await CreateAsync(workflowId, DateTime.UtcNow);

        var latest = await db.Store.GetLatestRunAsync(workflowId);

        Assert.Equal(second, latest!.RunId);
    }

    private async Task<Guid> CreateAsync(string workflowId, DateTime startedAt)
    {
        var run = new WorkflowRunRecord
        {
            RunId = Guid.CreateVersion7(), WorkflowId = workflowId, WorkflowType = "Test", TaskQueue = "default",
            Status = RunStatus.Running, StartedAt = startedAt,
        };
        var (connection, tx) = await db.Store.BeginAsync();
        await using (connection)
        await using (tx)
        {
            await db.Store.CreateRunAsync(tx, run, []);
            await tx.CommitAsync();
        }
        return run.RunId;
    }
}
