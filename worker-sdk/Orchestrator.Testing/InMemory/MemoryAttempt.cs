using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// An activity attempt the in-memory worker runs. It runs to its end at once, unless it waits on the virtual clock
/// (<see cref="WorkflowTestEnvironment.DelayActivityAsync"/>): then it is suspended, counts as running (its heartbeat and
/// start-to-close deadlines pass meanwhile, other workflows go on), and resumes when the clock reaches its wake-up time.
/// An attempt the engine's decider timed out (or that is no longer the activity's current one) has its token cancelled;
/// so has one its workflow asked to cancel (<see cref="RequestCancel"/>), whose failure then says so, as a worker's does.
/// </summary>
internal sealed class MemoryAttempt : IDisposable
{
    private static readonly AsyncLocal<MemoryAttempt?> CurrentAttempt = new();

    private readonly Func<DateTime> _clock;
    private TaskCompletionSource _suspended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _resume;

    public MemoryAttempt(ActivityTaskMessage message, Func<DateTime> clock, CancellationToken cancellationToken)
    {
        Message = message;
        _clock = clock;
        Cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>The attempt running in this async flow (inside its activity), if any.</summary>
    public static MemoryAttempt? Current
    {
        get => CurrentAttempt.Value;
        set => CurrentAttempt.Value = value;
    }

    public ActivityTaskMessage Message { get; }

    /// <summary>The attempt's token: cancelled when the decider ended the attempt (a timeout) or the environment stops.</summary>
    public CancellationTokenSource Cancellation { get; }

    /// <summary>The activity's answer, as the trigger the engine decides; set when the attempt starts.</summary>
    public Task<RunTrigger> Answer { get; set; } = Task.FromResult<RunTrigger>(null!);

    /// <summary>When a suspended attempt resumes (virtual time); null while it runs.</summary>
    public DateTime? WakeAt { get; private set; }

    /// <summary>The workflow asked to cancel the activity and the attempt was told (its token is cancelled).</summary>
    public bool CancelRequested { get; private set; }

    /// <summary>Called by the activity: resumes when the virtual clock has moved by <paramref name="duration"/>.</summary>
    public Task DelayAsync(TimeSpan duration)
    {
        Cancellation.Token.ThrowIfCancellationRequested();
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = Cancellation.Token.Register(() => resume.TrySetCanceled(Cancellation.Token));
        _resume = resume;
        WakeAt = _clock() + duration;
        _suspended.TrySetResult();
        return WaitAsync(resume.Task, registration);
    }

    private static async Task WaitAsync(Task resumed, CancellationTokenRegistration registration)
    {
        await using (registration.ConfigureAwait(false))
        {
            await resumed.ConfigureAwait(false);
        }
    }

    /// <summary>Resumes a suspended attempt (its wake-up time came).</summary>
    public void Wake()
    {
        var resume = _resume;
        (_resume, WakeAt) = (null, null);
        _suspended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        resume?.TrySetResult();
    }

    /// <summary>
    /// Cancels the attempt's token: <paramref name="requested"/>, because its workflow asked to cancel the activity (a
    /// worker cancels it on the engine's notice), else because the attempt ended (timed out, its run closed). A suspended
    /// attempt resumes with <see cref="OperationCanceledException"/> and cannot suspend again: <see cref="RunAsync"/> then
    /// waits for its answer.
    /// </summary>
    public async Task CancelAsync(bool requested)
    {
        CancelRequested |= requested;
        (_resume, WakeAt) = (null, null);
        _suspended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Cancellation.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>The workflow asked to cancel the activity, and the running attempt (inside a heartbeat) is told.</summary>
    public void RequestCancel()
    {
        CancelRequested = true;
        Cancellation.Cancel();
    }

    /// <summary>Waits until the attempt answered (true) or suspended itself on the virtual clock (false).</summary>
    public async Task<bool> RunAsync()
    {
        await Task.WhenAny(Answer, _suspended.Task).ConfigureAwait(false);
        return Answer.IsCompleted;
    }

    public void Dispose() => Cancellation.Dispose();
}
