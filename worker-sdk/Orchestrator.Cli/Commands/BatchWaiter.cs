using System.Diagnostics;
using System.Net;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// Waits until a batch is no longer Running: reads its description every second and shows it on stderr
/// ("batch X: Running, 1200 of 3000 done, 3 failed, 4.0 s"), rewritten in place on a terminal, a new line every 10 s
/// otherwise. Then prints the description (as <c>batch describe</c>). Exit 0 when it completed with no failed run;
/// 1 when runs failed or it was canceled (a line on stderr says which).
/// </summary>
internal static class BatchWaiter
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);

    public static async Task<int> WaitAsync(CliContext context, string batchId, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var lastLine = TimeSpan.MinValue;
        var batch = await context.Client.DescribeBatchAsync(batchId, cancellationToken); // no such batch, no engine: the error and its exit code
        try
        {
            while (batch.State == BatchState.Running)
            {
                var line = $"batch {batch.BatchId}: {batch.State}, {BatchDescribeCommand.Progress(batch)}, {Display.Duration(elapsed.Elapsed)}";
                if (context.ErrorIsTerminal)
                {
                    await context.Error.WriteAsync("\r\u001b[K" + line);
                }
                else if (lastLine == TimeSpan.MinValue || elapsed.Elapsed - lastLine >= LogEvery)
                {
                    await context.Error.WriteLineAsync(line);
                    lastLine = elapsed.Elapsed;
                }
                await Task.Delay(Poll, cancellationToken);
                batch = await ReadAgainAsync(context, batch, cancellationToken);
            }
        }
        finally
        {
            if (context.ErrorIsTerminal)
            {
                await context.Error.WriteAsync("\r\u001b[K");
            }
        }
        await BatchDescribeCommand.PrintAsync(context, batch);
        var failure = batch.State == BatchState.Canceled ? $"batch {batch.BatchId} was canceled: {BatchDescribeCommand.Progress(batch)}; the rest were left as they were."
            : batch.Failed > 0 ? $"batch {batch.BatchId} completed, but {(batch.Failed == 1 ? "1 run" : $"{batch.Failed} runs")} could not be acted on (see Failures)."
            : null;
        if (failure is not null)
        {
            await context.Error.WriteLineAsync("error: " + CliErrors.OneLine(failure));
            return ExitCodes.WorkflowFailed;
        }
        return ExitCodes.Ok;
    }

    /// <summary>The batch read again; a read that fails as the engine's hiccup would (a lost connection, a timeout, a 5xx) keeps the last one and is tried at the next poll.</summary>
    private static async Task<BatchDescription> ReadAgainAsync(CliContext context, BatchDescription last, CancellationToken cancellationToken)
    {
        try
        {
            return await context.Client.DescribeBatchAsync(last.BatchId, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
            && e is HttpRequestException or TimeoutException or OperationCanceledException or OrchestratorApiException { StatusCode: >= HttpStatusCode.InternalServerError })
        {
            return last;
        }
    }
}
