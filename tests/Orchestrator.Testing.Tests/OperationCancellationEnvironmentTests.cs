using Orchestrator.Contracts.History;
using Orchestrator.Sdk;
using Orchestrator.TestWorker;

namespace Orchestrator.Testing.Tests;

/// <summary>
/// Canceling one activity through its token (each <see cref="ActivityCancellationType"/>), in memory: the workflows of the
/// end-to-end OperationCancellationTests, held to what the engine records for them, and the cases around them (an attempt
/// that never hears the request, one waiting to retry).
/// </summary>
public sealed class OperationCancellationEnvironmentTests
{
    /// <summary>
    /// As <see cref="ChargeWithTimeoutWorkflow"/> ("charge, but give up after a second", then 4 s more), with no heartbeat
    /// timeout unless the input gives one, and a retry after an hour.
    /// </summary>
    [Workflow]
    public sealed class RaceWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, RaceInput input)
        {
            using var cts = new CancellationTokenSource();
            var charge = context.ExecuteActivityAsync<string>("SlowCharge", input.ChargeMilliseconds, new ActivityOptions
            {
                StartToCloseTimeout = TimeSpan.FromMinutes(30), HeartbeatTimeout = input.HeartbeatTimeout,
                RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromHours(1), MaximumAttempts = 3 },
                CancellationToken = cts.Token, CancellationType = Enum.Parse<ActivityCancellationType>(input.CancellationType),
            });
            var timeout = context.DelayAsync(TimeSpan.FromSeconds(1));
            if (await Task.WhenAny(charge, timeout) != timeout)
            {
                return await charge;
            }
            cts.Cancel();
            string outcome;
            try
            {
                outcome = await charge;
            }
            catch (OperationCanceledException)
            {
                outcome = "canceled";
            }
            await context.DelayAsync(TimeSpan.FromSeconds(4));
            return outcome;
        }
    }

    public sealed record RaceInput(string CancellationType, int ChargeMilliseconds, TimeSpan? HeartbeatTimeout = null);

    /// <summary>What the activity of a test saw: its attempts, and whether its token was canceled (and when, in virtual time).</summary>
    private sealed class Seen
    {
        public List<int> Attempts { get; } = [];

        public DateTimeOffset? CanceledAt { get; set; }
    }

    /// <summary>
    /// The end-to-end test's "SlowCharge" on the virtual clock: heartbeats every 100 ms for <paramref name="milliseconds"/>
    /// (with <paramref name="heartbeats"/>), honouring its token, and returns "charged".
    /// </summary>
    private static async Task<string> SlowChargeAsync(WorkflowTestEnvironment env, Seen seen, int milliseconds, bool heartbeats)
    {
        var context = ActivityExecutionContext.Current;
        seen.Attempts.Add(context.Attempt);
        try
        {
            for (var waited = 0; waited < milliseconds; waited += 100)
            {
                if (heartbeats)
                {
                    await context.HeartbeatAsync();
                }
                await WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromMilliseconds(100));
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            seen.CanceledAt = env.UtcNow;
            throw;
        }
        return "charged";
    }

    private static async Task<(WorkflowTestEnvironment Env, Seen Seen)> StartAsync(bool heartbeats = true, Func<WorkflowTestEnvironment, Seen, int, Task<string>>? charge = null)
    {
        var seen = new Seen();
        WorkflowTestEnvironment? env = null;
        env = await WorkflowTestEnvironment.StartAsync(w => w
            .AddWorkflow<ChargeWithTimeoutWorkflow>()
            .AddWorkflow<RaceWorkflow>()
            .AddActivity("SlowCharge", (int milliseconds) => charge is null ? SlowChargeAsync(env!, seen, milliseconds, heartbeats) : charge(env!, seen, milliseconds)));
        return (env, seen);
    }

    private static List<string> Types(IEnumerable<HistoryEvent> history) => history.Select(e => e.EventType).ToList();

    private static HistoryEvent Single(IEnumerable<HistoryEvent> history, string eventType) => Assert.Single(history, e => e.EventType == eventType);

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("TryCancel")]
    [InlineData("WaitCancellationCompleted")]
    public async Task ACanceledActivity_SeesTheRequestThroughItsToken_AndClosesCanceled_AsTheEngineRecordsIt(string type)
    {
        var (env, seen) = await StartAsync();
        await using var _ = env;
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("ChargeWithTimeoutWorkflow", new ChargeWithTimeoutInput(type, 3_000));

        Assert.Equal("canceled", await handle.GetResultAsync<string>());

        // as the end-to-end test of the same workflow asserts of the engine's history
        var history = await env.GetHistoryAsync(handle.WorkflowId);
        var types = Types(history);
        var requested = types.IndexOf(EventTypes.ActivityCancelRequested);
        var canceled = types.IndexOf(EventTypes.ActivityCanceled);
        Assert.True(requested > types.IndexOf(EventTypes.TimerFired) && canceled > requested, string.Join(", ", types));
        Assert.Equal("The activity acknowledged the cancel request.", history[canceled].GetAttributes<ActivityCanceledAttributes>().Detail);
        Assert.DoesNotContain(EventTypes.ActivityCompleted, types);
        Assert.Single(history, e => e.EventType == EventTypes.ActivityScheduled); // never retried
        Assert.True(type == "WaitCancellationCompleted"
            ? types.LastIndexOf(EventTypes.TimerStarted) > canceled  // the code went on only after the activity closed
            : types.LastIndexOf(EventTypes.TimerStarted) < canceled, // the code went on at once
            string.Join(", ", types));

        // the attempt heartbeats, so it is told at once: its token is canceled when the 1 s timer fires, and it is not retried
        Assert.Equal([1], seen.Attempts);
        Assert.Equal(start + TimeSpan.FromSeconds(1), seen.CanceledAt);
        Assert.Equal(start + TimeSpan.FromSeconds(5), env.UtcNow);
        history.Assert().Completed().ActivityCanceled("SlowCharge", acknowledged: true);
        await WorkflowReplayer.ReplayAsync<ChargeWithTimeoutWorkflow>(await env.GetHistoryJsonAsync(handle.WorkflowId));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AnAbandonedActivity_IsNotTold_AndRunsToItsResult_WhichIsRecordedAndIgnored()
    {
        var (env, seen) = await StartAsync();
        await using var _ = env;
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("ChargeWithTimeoutWorkflow", new ChargeWithTimeoutInput("Abandon", 3_000));

        Assert.Equal("canceled", await handle.GetResultAsync<string>());

        var history = await env.GetHistoryAsync(handle.WorkflowId);
        var types = Types(history);
        Assert.DoesNotContain(EventTypes.ActivityCancelRequested, types);
        Assert.DoesNotContain(EventTypes.ActivityCanceled, types);
        Assert.Equal("charged", Single(history, EventTypes.ActivityCompleted).GetAttributes<ActivityCompletedAttributes>().Result?.GetString());
        Assert.Null(seen.CanceledAt);
        Assert.Equal(start + TimeSpan.FromSeconds(3), Single(history, EventTypes.ActivityCompleted).Timestamp);
        Assert.Throws<WorkflowAssertionException>(() => history.Assert().ActivityCanceled("SlowCharge"));
        await WorkflowReplayer.ReplayAsync<ChargeWithTimeoutWorkflow>(await env.GetHistoryJsonAsync(handle.WorkflowId));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AnAttemptThatNeverHeartbeats_IsNotTold_AndClosesCanceledAtItsHeartbeatTimeout()
    {
        var (env, seen) = await StartAsync(heartbeats: false);
        await using var _ = env;
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("ChargeWithTimeoutWorkflow", new ChargeWithTimeoutInput("WaitCancellationCompleted", 3_000));

        Assert.Equal("canceled", await handle.GetResultAsync<string>());

        // the workflow's 2 s heartbeat timeout passes with the attempt silent: the engine closes it then, whatever it does next
        var canceled = Single(await env.GetHistoryAsync(handle.WorkflowId), EventTypes.ActivityCanceled);
        Assert.Equal("It sent no answer to the cancel request within its time (heartbeat or start-to-close timeout).",
            canceled.GetAttributes<ActivityCanceledAttributes>().Detail);
        Assert.Equal(start + TimeSpan.FromSeconds(2), canceled.Timestamp);
        Assert.Equal(start + TimeSpan.FromSeconds(2), seen.CanceledAt); // stopped as no longer current, as its worker's heartbeat watch would
        await env.AssertHistoryAsync(handle.WorkflowId, h => h.Completed().ActivityCanceled("SlowCharge", acknowledged: false).HasNoEvent(EventTypes.ActivityAttemptFailed));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AnAttemptThatNeverHeartbeats_RunsToItsEnd_AndItsResultIsDroppedForActivityCanceled()
    {
        var (env, seen) = await StartAsync(heartbeats: false);
        await using var _ = env;
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("RaceWorkflow", new RaceInput("WaitCancellationCompleted", 3_000));

        Assert.Equal("canceled", await handle.GetResultAsync<string>());

        var history = await env.GetHistoryAsync(handle.WorkflowId);
        var canceled = Single(history, EventTypes.ActivityCanceled);
        Assert.Equal("It completed after the cancel request; its result is dropped.", canceled.GetAttributes<ActivityCanceledAttributes>().Detail);
        Assert.Equal(start + TimeSpan.FromSeconds(3), canceled.Timestamp); // the workflow waited for the whole charge
        Assert.Null(seen.CanceledAt);
        Assert.Equal(start + TimeSpan.FromSeconds(3 + 4), env.UtcNow);
        Assert.DoesNotContain(EventTypes.ActivityCompleted, Types(history));
        history.Assert().ActivityCanceled("SlowCharge", acknowledged: false);
        var wrong = Assert.Throws<WorkflowAssertionException>(() => history.Assert().ActivityCanceled("SlowCharge", acknowledged: true));
        Assert.Contains("SlowCharge #1 (canceled: It completed after the cancel request; its result is dropped.)", wrong.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AnAttemptThatHeartbeated_IsToldAtOnce_EvenWhileItWaitsLongBeforeItsNextHeartbeat()
    {
        var (env, seen) = await StartAsync(charge: async (env, seen, _) =>
        {
            await ActivityExecutionContext.Current.HeartbeatAsync();
            try
            {
                await WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromMinutes(10));
            }
            catch (OperationCanceledException)
            {
                seen.CanceledAt = env.UtcNow;
                throw;
            }
            return "charged";
        });
        await using var _ = env;
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("RaceWorkflow", new RaceInput("WaitCancellationCompleted", 0));

        Assert.Equal("canceled", await handle.GetResultAsync<string>());

        Assert.Equal(start + TimeSpan.FromSeconds(1), seen.CanceledAt);
        Assert.Equal(start + TimeSpan.FromSeconds(1 + 4), env.UtcNow);
        await env.AssertHistoryAsync(handle.WorkflowId, h => h.Completed().ActivityCanceled("SlowCharge", acknowledged: true));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AnActivityWaitingToRetry_ClosesCanceledAtOnce_AndIsNeverRetried()
    {
        var (env, seen) = await StartAsync(charge: (_, seen, _) =>
        {
            seen.Attempts.Add(ActivityExecutionContext.Current.Attempt);
            return Task.FromException<string>(new InvalidOperationException("gateway down"));
        });
        await using var _ = env;
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("RaceWorkflow", new RaceInput("WaitCancellationCompleted", 0));

        Assert.Equal("canceled", await handle.GetResultAsync<string>());

        Assert.Equal([1], seen.Attempts); // the retry an hour later never ran
        Assert.Equal(start + TimeSpan.FromSeconds(1 + 4), env.UtcNow);
        var canceled = Single(await env.GetHistoryAsync(handle.WorkflowId), EventTypes.ActivityCanceled).GetAttributes<ActivityCanceledAttributes>();
        Assert.StartsWith("Canceled while it waited to retry (attempt 1 failed)", canceled.Detail, StringComparison.Ordinal);
        await env.AssertHistoryAsync(handle.WorkflowId, h => h.Completed().ActivityCanceled("SlowCharge", acknowledged: false));
    }
}
