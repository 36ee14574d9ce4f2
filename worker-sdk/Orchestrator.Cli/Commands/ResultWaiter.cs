using System.Text.Json;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// Waits until a workflow closes (the client long-polls the result and follows continue-as-new), then prints it:
/// <c>--output json</c> the closed run's description (the REST result body); else its status and result.
/// Exit 0 when it completed, 1 otherwise (with the failure on stderr).
/// </summary>
internal static class ResultWaiter
{
    public static async Task<int> WaitAsync(CliContext context, string workflowId, CancellationToken cancellationToken)
    {
        WorkflowDescription closed;
        TimeSpan waited;
        string? failure = null;
        var progress = ProgressLine.Start(context, workflowId, cancellationToken);
        try
        {
            try
            {
                await context.Client.GetResultAsync<JsonElement?>(workflowId, cancellationToken);
                closed = await context.Client.DescribeWorkflowAsync(workflowId, cancellationToken: cancellationToken);
            }
            catch (WorkflowFailedException e)
            {
                closed = await context.Client.DescribeWorkflowAsync(workflowId, e.RunId, cancellationToken);
                var why = closed.Failure ?? e.Failure;
                failure = $"workflow {e.WorkflowId} (run {e.RunId}) closed {closed.Status}: {Why(closed.Status, why)}";
            }
        }
        finally
        {
            waited = progress.Elapsed;
            await progress.DisposeAsync();
        }
        await PrintAsync(context, closed, waited);
        if (failure is not null)
        {
            await context.Error.WriteLineAsync("error: " + CliErrors.OneLine(failure));
            return ExitCodes.WorkflowFailed;
        }
        return ExitCodes.Ok;
    }

    private static async Task PrintAsync(CliContext context, WorkflowDescription run, TimeSpan waited)
    {
        if (context.Json)
        {
            await CliJson.WriteAsync(context.Out, run);
            return;
        }
        await context.Out.WriteLineAsync($"{run.Status}: workflow {run.WorkflowId} (run {run.RunId}), waited {Display.Duration(waited)}.");
        if (run.Status == WorkflowStatus.Completed)
        {
            await context.Out.WriteLineAsync(run.Result is { } result ? JsonSerializer.Serialize(result, CliJson.Indented) : "null");
        }
        else if (run.Failure is { } failure)
        {
            await context.Out.WriteLineAsync(Why(run.Status, failure));
        }
    }

    /// <summary>"Type: message", without the type when it only repeats the status (a terminated run's "Terminated").</summary>
    private static string Why(WorkflowStatus status, Orchestrator.Contracts.FailureInfo failure) =>
        failure.Type == status.ToString() ? failure.Message : $"{failure.Type}: {failure.Message}";
}
