using System.CommandLine;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// The <c>batch</c> group (DESIGN.md "Visibility, retention, batches, reset"; docs/visibility.md "Batch operations"):
/// start, describe, wait, cancel.
/// </summary>
internal static class BatchCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals) =>
        new("batch", "Cancel, terminate or signal every open run a list query matches, and follow or cancel such a batch")
        {
            StartCommand(terminal, globals),
            BatchDescribeCommand.Create(terminal, globals),
            WaitCommand(terminal, globals),
            CancelCommand(terminal, globals),
        };

    public static Argument<string> BatchId() => new("batch-id") { Description = "The batch id (printed by batch start)" };

    private static Command StartCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var query = new Option<string>("--query", "-q") { Description = "A list query (docs/visibility.md); the batch acts on the open runs it matches now", Required = true };
        var operation = new Option<string>("--operation") { Description = "What to do to each run: cancel, terminate or signal", Required = true };
        operation.AcceptOnlyFromAmong("cancel", "terminate", "signal");
        var signalName = new Option<string?>("--signal-name") { Description = "The signal's name (--operation signal)" };
        var input = new Option<string?>("--input") { Description = "The signal's payload as JSON (--operation signal)" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in each run's history (cancel, terminate; default 'batch ID')" };
        var maxPerSecond = new Option<int?>("--max-per-second") { Description = "At most this many runs a second (default 50, at most 1000)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Start without asking first (needed when stdin is not a terminal)" };
        var wait = new Option<bool>("--wait") { Description = "Then wait until the batch is done, with a progress line on stderr" };
        var command = new Command("start", "Start a batch: cancel, terminate or signal every open run the query matches (asks first, with the count)")
        {
            query, operation, signalName, input, reason, maxPerSecond, yes, wait,
        };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var text = parse.GetValue(query)!;
            var op = Operation(parse.GetValue(operation)!);
            var signal = parse.GetValue(signalName);
            var inputText = parse.GetValue(input);
            var why = parse.GetValue(reason);
            var rate = parse.GetValue(maxPerSecond);
            Check(text, op, signal, inputText, why, rate);
            var payload = JsonInput.Parse(inputText, "--input");
            if (!parse.GetValue(yes) && await BatchConfirmation.AskAsync(context, text, op, signal, cancellationToken) is { } declined)
            {
                return declined;
            }
            var started = await context.Client.StartBatchAsync(text, op, signal, payload, why, rate, cancellationToken);
            if (parse.GetValue(wait))
            {
                await context.Error.WriteLineAsync($"Batch {started.BatchId} started: {Runs(started.Total)} to {Verb(op, signal)}.");
                return await BatchWaiter.WaitAsync(context, started.BatchId, cancellationToken);
            }
            return await CommandOutput.PrintAsync(context, started,
                $"Batch {started.BatchId} started: {Runs(started.Total)} to {Verb(op, signal)}. Follow it: orchestrator batch wait {started.BatchId}");
        });
        return command;
    }

    private static Command WaitCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var id = BatchId();
        var command = new Command("wait", "Wait until a batch is done (a progress line on stderr), then describe it; exit 1 when runs failed or it was canceled") { id };
        CliAction.Set(command, terminal, globals, (context, parse, cancellationToken) => BatchWaiter.WaitAsync(context, parse.GetValue(id)!, cancellationToken));
        return command;
    }

    private static Command CancelCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var id = BatchId();
        var command = new Command("cancel", "Cancel a batch: no run is acted on after this; the runs not reached yet stay as they are") { id };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var batch = await context.Client.CancelBatchAsync(parse.GetValue(id)!, cancellationToken);
            return await CommandOutput.PrintAsync(context, batch,
                $"Batch {batch.BatchId} {batch.State}: {batch.Done} of {batch.Total} done, {batch.Failed} failed; the rest are left as they are.");
        });
        return command;
    }

    /// <summary>The combinations the engine refuses, refused here before anything is counted or sent (exit 2).</summary>
    private static void Check(string query, BatchOperation operation, string? signalName, string? input, string? reason, int? maxPerSecond)
    {
        var error = string.IsNullOrWhiteSpace(query) ? "--query is empty; a batch needs a query, e.g. --query \"WorkflowType = 'OrderWorkflow'\"."
            : operation == BatchOperation.Signal && string.IsNullOrWhiteSpace(signalName) ? "--operation signal needs --signal-name."
            : operation == BatchOperation.Signal && reason is not null ? "--reason is for --operation cancel and terminate."
            : operation != BatchOperation.Signal && signalName is not null ? "--signal-name is only for --operation signal."
            : operation != BatchOperation.Signal && input is not null ? "--input is only for --operation signal."
            : maxPerSecond is < 1 ? "--max-per-second must be at least 1."
            : null;
        if (error is not null)
        {
            throw new CliException(ExitCodes.Usage, error);
        }
    }

    private static BatchOperation Operation(string name) => name switch
    {
        "cancel" => BatchOperation.Cancel,
        "terminate" => BatchOperation.Terminate,
        _ => BatchOperation.Signal,
    };

    /// <summary>"cancel", "terminate", "signal approve".</summary>
    public static string Verb(BatchOperation operation, string? signalName) => operation switch
    {
        BatchOperation.Cancel => "cancel",
        BatchOperation.Terminate => "terminate",
        _ => "signal " + signalName,
    };

    /// <summary>"1 run", "3 runs".</summary>
    public static string Runs(long n) => n == 1 ? "1 run" : $"{n} runs";
}
