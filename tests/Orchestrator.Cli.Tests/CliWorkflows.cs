using Npgsql;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Tests;

/// <summary>Returns "Hello, {name}!" from an activity.</summary>
[Workflow]
public sealed class GreetWorkflow
{
    [WorkflowRun]
    public Task<string> RunAsync(WorkflowContext context, string name) =>
        context.ExecuteActivityAsync((CliActivities a) => a.GreetAsync(name), CliActivities.Options);
}

/// <summary>Fails at once.</summary>
[Workflow]
public sealed class OutOfStockWorkflow
{
    [WorkflowRun]
    public Task<string> RunAsync(WorkflowContext context) => throw new InvalidOperationException("Item pen is out of stock.");
}

/// <summary>
/// Waits for signal "go" and returns its payload; query "state" says whether it still waits, "echo" returns its argument;
/// update "Rename" sets the state (its validator refuses an empty one) and returns the one before.
/// </summary>
[Workflow]
public sealed class WaitForGoWorkflow
{
    private string _state = "waiting";

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        var go = await context.WaitForSignalAsync<string>("go");
        _state = "went";
        return go;
    }

    [WorkflowQuery("state")]
    public string State() => _state;

    [WorkflowQuery("echo")]
    public int[] Echo(int[] values) => values;

    [WorkflowUpdateValidator(nameof(RenameAsync))]
    public void ValidateRename(string state) => ArgumentException.ThrowIfNullOrEmpty(state);

    [WorkflowUpdate]
    public Task<string> RenameAsync(string state)
    {
        var before = _state;
        _state = state;
        return Task.FromResult(before);
    }
}

/// <summary>
/// A long history, quickly: <c>markers</c> patch markers (one MarkerRecorded event each, recorded by the workflow task
/// itself: no activity round trips) in batches of 4,000 (the engine takes at most 10,000 commands a task) with one
/// activity after each batch. Its result comes from a library the CLI does not carry (Npgsql, in this assembly's folder),
/// so a replay by the built tool fails unless the workflow's dependencies resolve from the assembly's folder.
/// </summary>
[Workflow]
public sealed class LongHistoryWorkflow
{
    public const int Batch = 4_000;

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, int markers)
    {
        var batches = 0;
        for (var done = 0; done < markers; done += Batch)
        {
            for (var i = done; i < Math.Min(markers, done + Batch); i++)
            {
                context.Patched($"step-{i}");
            }
            batches++;
            await context.ExecuteActivityAsync((CliActivities a) => a.GreetAsync($"batch {batches}"), CliActivities.Options);
        }
        return new NpgsqlConnectionStringBuilder { ApplicationName = $"{batches} batches" }.ApplicationName!;
    }
}

/// <summary>A changed <see cref="LongHistoryWorkflow"/> (same workflow type name): it now waits a minute first, which its old histories never did.</summary>
[Workflow("LongHistoryWorkflow")]
public sealed class LongHistoryWorkflowChanged
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, int markers)
    {
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        return await new LongHistoryWorkflow().RunAsync(context, markers);
    }
}

/// <summary>The activities of the CLI's test workflows.</summary>
public sealed class CliActivities
{
    public static readonly ActivityOptions Options = new() { StartToCloseTimeout = TimeSpan.FromSeconds(60) };

    [Activity]
    public Task<string> GreetAsync(string name) => Task.FromResult($"Hello, {name}!");
}
