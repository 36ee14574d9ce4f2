using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Orchestrator.Cli.Output;
using Orchestrator.Cli.Replay;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>workflow replay --history h.json --assembly My.dll [--type T]</c>: replays a recorded history (the file of
/// <c>workflow history ID --output json</c>) against the workflow class in the user's assembly with
/// <see cref="WorkflowReplayer"/>, without an engine. Exit 0 when it replays, 1 on non-determinism.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var history = new Option<FileInfo>("--history") { Description = "The history file (workflow history ID --output json > h.json)", Required = true };
        var assembly = new Option<FileInfo>("--assembly") { Description = "The built assembly with the workflow class (e.g. bin/Debug/net10.0/Shop.Worker.dll)", Required = true };
        var type = new Option<string?>("--type") { Description = "The workflow class: full or short name (default: the class of the history's workflow type)" };
        var command = new Command("replay", "Replay a history against your workflow code; exit 1 when the code no longer matches it") { history, assembly, type };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var events = await ReadHistoryAsync(parse.GetValue(history)!, cancellationToken);
            var recordedType = events[0].EventType == EventTypes.WorkflowStarted ? events[0].GetAttributes<WorkflowStartedAttributes>().WorkflowType : null;
            var workflows = Load(parse.GetValue(assembly)!);
            if (WorkflowLoadContext.CheckSdkVersion(workflows) is { } note)
            {
                await context.Error.WriteLineAsync(note);
            }
            var workflowClass = WorkflowTypeFinder.Find(workflows, parse.GetValue(type), recordedType);
            var failure = await ReplayAsync(workflowClass, events);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, new
                {
                    ok = failure is null, events = events.Count, workflowType = recordedType, type = workflowClass.FullName,
                    nonDeterminism = failure?.Message, eventId = failure?.EventId,
                });
            }
            else if (failure is null)
            {
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"OK: {events.Count} events of workflow type {recordedType} replayed against {workflowClass.FullName}."));
            }
            if (failure is not null)
            {
                await context.Error.WriteLineAsync("error: non-determinism: " + CliErrors.OneLine(failure.Message));
                return ExitCodes.WorkflowFailed;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(FileInfo file, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            json = await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.NotFound, $"no history file {file.FullName}.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"cannot read {file.FullName}: {e.Message}");
        }
        HistoryPage page;
        try
        {
            page = HistoryJson.ParseHistoryPage(json);
            if (page.Events.Count > 0 && page.Events[0].EventType == EventTypes.WorkflowStarted)
            {
                page.Events[0].GetAttributes<WorkflowStartedAttributes>();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CliException(ExitCodes.Usage, $"{file.Name} is not a history ({e.Message}); make one with: orchestrator workflow history ID --output json > {file.Name}");
        }
        if (page.NextPageToken is not null)
        {
            throw new CliException(ExitCodes.Usage,
                $"{file.Name} is one page of a longer history (it has a nextPageToken); export the whole history with: orchestrator workflow history ID --output json > {file.Name}");
        }
        if (page.Events.Count == 0 || page.Events[0].EventId != 1)
        {
            throw new CliException(ExitCodes.Usage, $"{file.Name} does not start at event 1 (WorkflowStarted).");
        }
        return page.Events;
    }

    private static Assembly Load(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.NotFound, $"no assembly {file.FullName}.");
        }
        try
        {
            return new WorkflowLoadContext(file.FullName).LoadFromAssemblyPath(file.FullName);
        }
        catch (BadImageFormatException)
        {
            throw new CliException(ExitCodes.Usage, $"{file.Name} is not a .NET assembly.");
        }
        catch (Exception e) when (e is FileLoadException or IOException)
        {
            throw new CliException(ExitCodes.Usage, $"cannot load {file.Name}: {e.Message}");
        }
    }

    /// <summary>Runs <see cref="WorkflowReplayer.ReplayAsync{TWorkflow}(IReadOnlyList{HistoryEvent}, WorkflowRuntimeOptions?)"/> for a type known at run time.</summary>
    /// <returns>The non-determinism found, or null when the history replayed.</returns>
    private static async Task<NonDeterminismException?> ReplayAsync(Type workflowClass, IReadOnlyList<HistoryEvent> events)
    {
        var replay = typeof(WorkflowReplayer).GetMethod(nameof(WorkflowReplayer.ReplayAsync), [typeof(IReadOnlyList<HistoryEvent>), typeof(WorkflowRuntimeOptions)])!
            .MakeGenericMethod(workflowClass);
        try
        {
            await (Task)replay.Invoke(null, [events, null])!;
            return null;
        }
        catch (Exception e) when (Unwrap(e) is NonDeterminismException nondeterminism)
        {
            return nondeterminism;
        }
        catch (Exception e) when (Unwrap(e) is ArgumentException argument)
        {
            throw new CliException(ExitCodes.Usage, argument.Message.Replace($" (Parameter '{argument.ParamName}')", "", StringComparison.Ordinal));
        }
        catch (Exception e) when (Unwrap(e) is TypeLoadException or FileNotFoundException or FileLoadException or MissingMemberException)
        {
            throw new CliException(ExitCodes.Usage,
                $"the workflow code needs what is not there ({Unwrap(e).Message}); build the assembly and give its bin folder's copy, beside its dependencies.");
        }
    }

    private static Exception Unwrap(Exception e) => e is TargetInvocationException { InnerException: { } inner } ? inner : e;
}
