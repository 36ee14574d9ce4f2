using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Sdk.Hosting;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Tests.Simulation;

/// <summary>
/// Local activities in the simulator: after each activation the worker's <see cref="LocalActivityDriver"/> runs them with
/// <see cref="LocalActivities"/> on a clock of its own (each attempt takes <see cref="LocalActivityDuration"/>, back-offs in
/// the task pass at once), within <see cref="LocalActivityBudget"/>. The cold instance gets the attempts' results the
/// cached one had, without calling <see cref="LocalActivities"/> again, and must answer the same.
/// </summary>
internal sealed partial class EngineSimulator
{
    /// <summary>Whether the last task answered with <c>ContinueInNewTask</c> (the next task is due at once).</summary>
    public bool ContinueRequested { get; private set; }

    /// <summary>The local activities' implementation: name, JSON argument array, attempt → result (or throw for a failure). Default: <see cref="Activities"/>.</summary>
    public Func<string, JsonElement, int, object?>? LocalActivities { get; set; }

    /// <summary>How many local activity attempts ran (each call of <see cref="LocalActivities"/>).</summary>
    public int LocalActivityAttempts { get; private set; }

    /// <summary>How long each attempt takes on the driver's clock (longer than its limit: it times out). Default zero.</summary>
    public TimeSpan LocalActivityDuration { get; set; }

    /// <summary>The task's time for local activities. Default: the worker's for the engine's default timeout (8 s).</summary>
    public TimeSpan LocalActivityBudget { get; set; } = LocalActivityDriver.Budget(null);

    /// <summary>Activity names this "worker" does not have (a local activity of one fails the task).</summary>
    public HashSet<string> UnregisteredActivities { get; } = [];

    private WorkflowActivation RunLocalActivities(WorkflowInstance instance, WorkflowActivation activation, Dictionary<(int Seq, int Attempt), ActivityResult> attempts, bool record)
    {
        var clock = new ManualClock(_clock);
        var started = clock.GetTimestamp();
        var driver = new LocalActivityDriver(
            name => !UnregisteredActivities.Contains(name),
            (attempt, _) =>
            {
                clock.Advance(LocalActivityDuration);
                var key = (attempt.Request.Seq, attempt.Attempt);
                if (!record)
                {
                    Assert.True(attempts.TryGetValue(key, out var had), $"the cold instance ran local activity seq {key.Seq} attempt {key.Attempt}, which the cached one did not");
                    return Task.FromResult(had!);
                }
                var result = RunAttempt(attempt);
                attempts[key] = result;
                return Task.FromResult(result);
            },
            clock,
            (delay, _) =>
            {
                clock.Advance(delay);
                return Task.CompletedTask;
            });
        return driver.RunAsync(instance, activation, "wf-1", "run-1", LocalActivityBudget, started, CancellationToken.None).GetAwaiter().GetResult();
    }

    private ActivityResult RunAttempt(LocalActivityAttempt attempt)
    {
        LocalActivityAttempts++;
        if (LocalActivityDuration > attempt.Limit)
        {
            return new ActivityResult(null, new FailureInfo("ActivityTimedOut", $"Attempt {attempt.Attempt} passed its time limit ({attempt.Limit})."));
        }
        try
        {
            var run = LocalActivities ?? ((name, input, _) => Activities(name, input));
            var result = run(attempt.Request.ActivityName, attempt.Request.Arguments, attempt.Attempt);
            return new ActivityResult(result is null ? null : JsonSerializer.SerializeToElement(result, result.GetType(), _options.JsonSerializerOptions), null);
        }
        catch (Exception ex)
        {
            return new ActivityResult(null, FailureInfo.FromException(ex) with { StackTrace = null });
        }
    }

    /// <summary>A clock that moves only when told (the local activity driver's time in the simulator).</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now.UtcTicks;

        public void Advance(TimeSpan by) => _now += by;
    }
}
