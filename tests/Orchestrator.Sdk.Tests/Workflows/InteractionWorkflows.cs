namespace Orchestrator.Sdk.Tests.Workflows;

// Workflows for the signal handler, WaitConditionAsync and update tests (SignalHandlerTests, WaitConditionTests, UpdateTests).

/// <summary>One signal handler of each shape; the run waits for "done" and returns what the handlers logged.</summary>
[Workflow]
public sealed class SignalShapesWorkflow
{
    private readonly List<string> _log = [];
    private bool _done;

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await context.WaitConditionAsync(() => _done);
        return string.Join(",", _log);
    }

    [WorkflowQuery]
    public IReadOnlyList<string> Log() => _log;

    [WorkflowSignal]                                   // () void, name from the method
    public void Ping() => _log.Add("ping");

    [WorkflowSignal]                                   // (WorkflowContext) Task, name "Hello" (no "Async")
    public Task HelloAsync(WorkflowContext context)
    {
        _log.Add("hello " + context.WorkflowId);
        return Task.CompletedTask;
    }

    [WorkflowSignal("add")]                            // (T) void, named
    public void Add(int n) => _log.Add("add " + n);

    [WorkflowSignal]                                   // (WorkflowContext, T) Task, awaits a timer
    public async Task LaterAsync(WorkflowContext context, string text)
    {
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        _log.Add("later " + text);
    }

    [WorkflowSignal("done")]
    public void Done() => _done = true;
}

/// <summary>Signal "count" has a handler; signal "name" has none and is taken by WaitForSignalAsync.</summary>
[Workflow]
public sealed class MixedSignalsWorkflow
{
    private int _count;

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        var name = await context.WaitForSignalAsync<string>("name");
        await context.WaitConditionAsync(() => _count >= 2);
        return $"{name}:{_count}";
    }

    [WorkflowSignal("count")]
    public void Count() => _count++;
}

/// <summary>Waits with WaitForSignalAsync for a signal that has a handler: refused.</summary>
[Workflow]
public sealed class WaitForHandledSignalWorkflow
{
    [WorkflowRun]
    public Task<int> RunAsync(WorkflowContext context) => context.WaitForSignalAsync<int>("count");

    [WorkflowSignal("count")]
    public void Count(int n)
    {
    }
}

/// <summary>The run's first line reads what the "Configure" handler set.</summary>
[Workflow]
public sealed class EarlySignalWorkflow
{
    private string? _config;

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        var seen = _config ?? "none";
        await context.DelayAsync(TimeSpan.FromSeconds(1));
        return seen;
    }

    [WorkflowSignal]
    public void Configure(string value) => _config = value;
}

/// <summary>A signal handler that throws (after a timer, so asynchronously) fails the run.</summary>
[Workflow]
public sealed class ThrowingSignalWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(WorkflowContext context) => await context.WaitConditionAsync(() => false);

    [WorkflowSignal]
    public void Explode(string why) => throw new InvalidOperationException("signal handler broke: " + why);
}

public sealed record ConditionInput(bool Preset = false, int? TimeoutSeconds = null, bool CatchCancel = false, int? CancelTokenAfterSeconds = null);

/// <summary>
/// Waits for the "Set" signal handler to set a flag, with or without a timeout; optionally the wait's own token is canceled
/// by the run after a timer.
/// </summary>
[Workflow]
public sealed class ConditionWorkflow
{
    private bool _flag;

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ConditionInput input)
    {
        _flag = input.Preset;
        var timeout = input.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        using var token = new CancellationTokenSource();
        try
        {
            var waiting = context.WaitConditionAsync(() => _flag, timeout, token.Token);
            if (input.CancelTokenAfterSeconds is { } after)
            {
                await context.DelayAsync(TimeSpan.FromSeconds(after));
                token.Cancel(); // not CancelAsync: its callbacks run on the thread pool
            }
            return await waiting ? "held" : "timed out";
        }
        catch (OperationCanceledException) when (input.CatchCancel)
        {
            return context.CancellationToken.IsCancellationRequested ? "canceled" : "token canceled";
        }
    }

    [WorkflowSignal]
    public void Set() => _flag = true;
}

/// <summary>
/// A counter changed by updates: <c>Add</c> (validated, no workflow API), <c>Charge</c> (awaits activity "Pay"), <c>Fail</c> and
/// <c>FailLater</c> (throw, at once and after a timer), <c>Sneaky</c> (its validator schedules an activity), <c>Nothing</c>
/// (no argument, no result). The run waits for signal "Finish" and returns the total.
/// </summary>
[Workflow]
public sealed class CounterWorkflow
{
    private WorkflowContext? _context;
    private int _total;
    private bool _finished;
    private readonly List<string> _log = [];

    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context)
    {
        _context = context;
        await context.WaitConditionAsync(() => _finished);
        return _total;
    }

    [WorkflowQuery]
    public int Total() => _total;

    [WorkflowQuery]
    public IReadOnlyList<string> Log() => _log;

    [WorkflowUpdateValidator(nameof(AddAsync))]
    public void ValidateAdd(int n)
    {
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "Add takes a positive number.");
        }
    }

    [WorkflowUpdate]
    public Task<int> AddAsync(int n)
    {
        _total += n;
        _log.Add("add " + n);
        return Task.FromResult(_total);
    }

    [WorkflowUpdate]
    public async Task<string> ChargeAsync(WorkflowContext context, string item)
    {
        var receipt = await context.ExecuteActivityAsync<string>("Pay", item);
        _log.Add("charged " + item);
        return receipt;
    }

    [WorkflowUpdate]
    public Task<int> FailAsync() => throw new InvalidOperationException("update broke at once");

    [WorkflowUpdate]
    public async Task FailLaterAsync(WorkflowContext context)
    {
        await context.DelayAsync(TimeSpan.FromSeconds(5));
        throw new InvalidOperationException("update broke later");
    }

    [WorkflowUpdateValidator(nameof(SneakyAsync))]
    public void ValidateSneaky() => _ = _context!.ExecuteActivityAsync("Audit", null);

    [WorkflowUpdate]
    public Task<int> SneakyAsync() => Task.FromResult(_total);

    [WorkflowUpdate("nothing")]
    public Task NothingAsync()
    {
        _log.Add("nothing");
        return Task.CompletedTask;
    }

    [WorkflowSignal]
    public void Finish() => _finished = true;
}

/// <summary>
/// For the property test: updates and signal handlers that await activities and timers while the run loops on a condition,
/// activities and timers of its own, until signal "stop".
/// </summary>
[Workflow]
public sealed class BusyInteractionWorkflow
{
    private readonly List<string> _log = [];
    private int _pokes;
    private bool _stop;

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, int rounds)
    {
        for (var r = 0; r < rounds && !_stop; r++)
        {
            switch (context.Random.Next(3))
            {
                case 0:
                    _log.Add("run " + await context.ExecuteActivityAsync<int>("echo", r));
                    break;
                case 1:
                    await context.DelayAsync(TimeSpan.FromSeconds(context.Random.Next(1, 30)));
                    _log.Add("run timer");
                    break;
                default:
                    var seen = _pokes;
                    var held = await context.WaitConditionAsync(() => _pokes > seen || _stop, TimeSpan.FromSeconds(20));
                    _log.Add(held ? "run poked" : "run waited");
                    break;
            }
        }
        return string.Join(";", _log);
    }

    [WorkflowSignal]
    public async Task PokeAsync(WorkflowContext context, int n)
    {
        _pokes++;
        if (n % 2 == 0)
        {
            await context.DelayAsync(TimeSpan.FromSeconds(n));
        }
        _log.Add("poke " + n);
    }

    [WorkflowSignal("stop")]
    public void Stop() => _stop = true;

    [WorkflowUpdateValidator(nameof(WorkAsync))]
    public void ValidateWork(int n)
    {
        if (n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n));
        }
    }

    [WorkflowUpdate]
    public async Task<int> WorkAsync(WorkflowContext context, int n)
    {
        var value = n % 3 == 0 ? n : await context.ExecuteActivityAsync<int>("echo", n);
        if (n % 5 == 0)
        {
            await context.DelayAsync(TimeSpan.FromSeconds(3));
        }
        if (n % 7 == 0)
        {
            throw new InvalidOperationException("seven " + n);
        }
        _log.Add("work " + value);
        return value;
    }
}
