using System.Diagnostics;
using System.Globalization;
using Orchestrator.Cli.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// The progress of a wait on stderr: "waiting for X: Running, 12 events, 3.0 s", rewritten in place every second on a
/// terminal, a new line every 10 s otherwise (a log file). Reads the run's description for it; a failed read is skipped.
/// </summary>
internal sealed class ProgressLine : IAsyncDisposable
{
    private readonly CliContext _context;
    private readonly string _workflowId;
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Task _loop;

    private ProgressLine(CliContext context, string workflowId, CancellationToken cancellationToken)
    {
        _context = context;
        _workflowId = workflowId;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loop = RunAsync(_stop.Token);
    }

    public TimeSpan Elapsed => _elapsed.Elapsed;

    public static ProgressLine Start(CliContext context, string workflowId, CancellationToken cancellationToken) => new(context, workflowId, cancellationToken);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(_context.ErrorIsTerminal ? 1 : 10);
        await WriteAsync($"waiting for the result of {_workflowId} ...");
        try
        {
            while (true)
            {
                await Task.Delay(interval, cancellationToken);
                string line;
                try
                {
                    var run = await _context.Client.DescribeWorkflowAsync(_workflowId, cancellationToken: cancellationToken);
                    line = string.Create(CultureInfo.InvariantCulture,
                        $"waiting for the result of {_workflowId}: {run.Status}, {run.HistoryLength} events, {Display.Duration(Elapsed)}");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    line = $"waiting for the result of {_workflowId}: {Display.Duration(Elapsed)}";
                }
                await WriteAsync(line);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task WriteAsync(string line) =>
        _context.ErrorIsTerminal ? _context.Error.WriteAsync("\r\u001b[K" + line) : _context.Error.WriteLineAsync(line);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        if (_context.ErrorIsTerminal)
        {
            await _context.Error.WriteAsync("\r\u001b[K");
        }
    }
}
