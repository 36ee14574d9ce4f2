using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Tests.Simulation;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// Canceling one operation through its token, not the run: an activity raced against a timer with each cancellation type,
/// a child, a signal wait. What the code sees, which commands it sends, and that the histories replay.
/// </summary>
public sealed class OperationCancellationTests
{
    /// <summary>Charges, but gives up after a second (the temporalio/features "cancel_*" shape); then waits 5 s more.</summary>
    [Workflow]
    public sealed class RaceWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, string type)
        {
            using var cts = new CancellationTokenSource();
            var charge = context.ExecuteActivityAsync<string>("Charge", null, new ActivityOptions
            {
                CancellationToken = cts.Token, CancellationType = Enum.Parse<ActivityCancellationType>(type),
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
            await context.DelayAsync(TimeSpan.FromSeconds(5));
            return outcome;
        }
    }

    /// <summary>The same code without the cancel: a history with <c>ActivityCancelRequested</c> does not fit it.</summary>
    [Workflow("RaceWorkflow")]
    public sealed class NoCancelRaceWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, string type)
        {
            var charge = context.ExecuteActivityAsync<string>("Charge", null, new ActivityOptions());
            var timeout = context.DelayAsync(TimeSpan.FromSeconds(1));
            await Task.WhenAny(charge, timeout);
            await context.DelayAsync(TimeSpan.FromSeconds(5));
            return type;
        }
    }

    private static EngineSimulator RunUntilTheTimerFires(string type, out IReadOnlyList<WorkflowCommand> afterTimer)
    {
        var sim = new EngineSimulator(typeof(RaceWorkflow), type);
        var first = sim.RunTask();
        Assert.Equal(["ScheduleActivity (seq 1, activity 'Charge')", "StartTimer (seq 2, 00:00:01)"], first.Select(Describe));
        sim.FireTimer(2);
        afterTimer = sim.RunTask();
        return sim;
    }

    private static string Describe(WorkflowCommand c) => c switch
    {
        ScheduleActivityCommand s => $"ScheduleActivity (seq {s.Seq}, activity '{s.ActivityName}')",
        StartTimerCommand t => $"StartTimer (seq {t.Seq}, {t.Duration})",
        RequestCancelActivityCommand r => $"RequestCancelActivity (seq {r.Seq})",
        CompleteWorkflowCommand w => $"CompleteWorkflow ({w.Result!.Value.GetString()})",
        RequestCancelExternalWorkflowCommand x => $"RequestCancelExternalWorkflow (seq {x.Seq}, {x.WorkflowId})",
        CancelTimerCommand x => $"CancelTimer (seq {x.Seq})",
        _ => c.GetType().Name,
    };

    [Fact]
    public void TryCancel_SendsTheRequest_AndTheCodeSeesTheCancelAtOnce_ThenActivityCanceledChangesNothing()
    {
        var sim = RunUntilTheTimerFires("TryCancel", out var afterTimer);
        Assert.Equal(["RequestCancelActivity (seq 1)", "StartTimer (seq 3, 00:00:05)"], afterTimer.Select(Describe));

        sim.ActivityCanceled(1);
        Assert.Empty(sim.RunTask());
        sim.FireTimer(3);
        Assert.Equal(["CompleteWorkflow (canceled)"], sim.RunTask().Select(Describe));

        var replayed = sim.NewInstance();
        replayed.Replay(sim.History.ToList());
        Assert.True(replayed.IsCompleted);
    }

    [Fact]
    public void WaitCancellationCompleted_SendsTheRequest_AndTheCodeWaitsForActivityCanceled()
    {
        var sim = RunUntilTheTimerFires("WaitCancellationCompleted", out var afterTimer);
        Assert.Equal(["RequestCancelActivity (seq 1)"], afterTimer.Select(Describe));
        Assert.Equal(["activity Charge"], Waits(sim));

        sim.ActivityCanceled(1);
        Assert.Equal(["StartTimer (seq 3, 00:00:05)"], sim.RunTask().Select(Describe));
        sim.FireTimer(3);
        Assert.Equal(["CompleteWorkflow (canceled)"], sim.RunTask().Select(Describe));

        var replayed = sim.NewInstance();
        replayed.Replay(sim.History.ToList());
        Assert.True(replayed.IsCompleted);
    }

    [Fact]
    public void Abandon_SendsNothing_AndTheLateResultIsRecordedAndIgnored()
    {
        var sim = RunUntilTheTimerFires("Abandon", out var afterTimer);
        Assert.Equal(["StartTimer (seq 3, 00:00:05)"], afterTimer.Select(Describe));

        sim.Activities = (_, _) => "receipt";
        sim.CompleteActivity(1);
        Assert.Empty(sim.RunTask());
        sim.FireTimer(3);
        Assert.Equal(["CompleteWorkflow (canceled)"], sim.RunTask().Select(Describe));
        Assert.DoesNotContain(sim.History, e => e.EventType == EventTypes.ActivityCancelRequested);
    }

    [Fact]
    public void AHistoryWithACancelRequest_DoesNotReplayOnCodeThatNoLongerCancels()
    {
        var sim = RunUntilTheTimerFires("TryCancel", out _);
        sim.ActivityCanceled(1);
        sim.RunTask();

        var changed = new EngineSimulator(typeof(NoCancelRaceWorkflow), "TryCancel", checkCold: false).NewInstance();
        var activation = changed.Activate(sim.History.Append(HistoryJson.CreateEvent(sim.History.Count + 1, EventTypes.WorkflowTaskScheduled,
            DateTimeOffset.UtcNow, new WorkflowTaskScheduledAttributes(1))).ToList());
        Assert.True(activation.IsTaskFailure);
        Assert.Contains("ActivityCancelRequested (seq 1)", activation.Failure!.Message, StringComparison.Ordinal);
    }

    [Workflow]
    public sealed class CanceledBeforeWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context)
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            try
            {
                await context.ExecuteActivityAsync<string>("Charge", null, new ActivityOptions { CancellationToken = cts.Token });
            }
            catch (OperationCanceledException)
            {
            }
            try
            {
                await context.ExecuteChildWorkflowAsync<string>("Ship", null, new ChildWorkflowOptions { CancellationToken = cts.Token });
            }
            catch (OperationCanceledException)
            {
            }
            try
            {
                await context.WaitForSignalAsync<string>("go", cancellationToken: cts.Token);
            }
            catch (OperationCanceledException)
            {
                return "nothing scheduled";
            }
            return "?";
        }
    }

    [Fact]
    public void ATokenCanceledBeforeTheCall_SchedulesNothing()
    {
        var sim = new EngineSimulator(typeof(CanceledBeforeWorkflow));
        Assert.Equal(["CompleteWorkflow (nothing scheduled)"], sim.RunTask().Select(Describe));
    }

    [Workflow]
    public sealed class SignalOrGiveUpWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context)
        {
            using var cts = new CancellationTokenSource();
            var approval = context.WaitForSignalAsync<string>("approve", TimeSpan.FromDays(7), cts.Token);
            var reminder = context.DelayAsync(TimeSpan.FromHours(1));
            if (await Task.WhenAny(approval, reminder) == reminder)
            {
                cts.Cancel();
            }
            try
            {
                return await approval;
            }
            catch (OperationCanceledException)
            {
                return await context.WaitForSignalAsync<string>("approve") + " (late)";
            }
        }
    }

    [Fact]
    public void ACanceledSignalWait_CancelsItsTimeoutTimer_AndASignalThatComesLaterGoesToTheNextWait()
    {
        var sim = new EngineSimulator(typeof(SignalOrGiveUpWorkflow));
        Assert.Equal(["StartTimer (seq 1, 7.00:00:00)", "StartTimer (seq 2, 01:00:00)"], sim.RunTask().Select(Describe));
        sim.FireTimer(2);
        Assert.Equal(["CancelTimer (seq 1)"], sim.RunTask().Select(Describe));
        sim.Signal("approve", "ana");
        Assert.Equal(["CompleteWorkflow (ana (late))"], sim.RunTask().Select(Describe));
    }

    [Workflow]
    public sealed class ParentWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, string type)
        {
            using var cts = new CancellationTokenSource();
            var child = context.ExecuteChildWorkflowAsync<string>("Ship", null, new ChildWorkflowOptions
            {
                WorkflowId = "ship-1", CancellationToken = cts.Token, CancellationType = Enum.Parse<ChildWorkflowCancellationType>(type),
            });
            await context.DelayAsync(TimeSpan.FromSeconds(1));
            cts.Cancel();
            try
            {
                return await child;
            }
            catch (OperationCanceledException)
            {
                return "child canceled";
            }
        }
    }

    [Theory]
    [InlineData("TryCancel", true, false)]
    [InlineData("WaitCancellationCompleted", true, true)]
    [InlineData("Abandon", false, false)]
    public void ACanceledChild_GetsACancelRequest_AsItsTypeSays(string type, bool requests, bool waits)
    {
        var sim = new EngineSimulator(typeof(ParentWorkflow), type);
        sim.RunTask();
        sim.FireTimer(2);
        var commands = sim.RunTask().Select(Describe).ToList();

        Assert.Equal(requests, commands.Contains("RequestCancelExternalWorkflow (seq 3, ship-1)"));
        Assert.Equal(!waits, commands.Contains("CompleteWorkflow (child canceled)"));
        if (waits)
        {
            sim.ExternalDone(3, cancel: true);
            Assert.Empty(sim.RunTask());
            sim.FailChild(1, new FailureInfo("ChildWorkflowCanceled", "Child workflow 'ship-1' closed as Canceled."));
            Assert.Equal(["CompleteWorkflow (child canceled)"], sim.RunTask().Select(Describe));
        }
        var replayed = sim.NewInstance();
        replayed.Replay(sim.History.ToList());
        Assert.True(replayed.IsCompleted);
    }

    private static IEnumerable<string> Waits(EngineSimulator sim)
    {
        var instance = sim.NewInstance();
        instance.Replay(sim.History.ToList());
        return instance.Waits().Select(w => $"{w.Kind} {w.Name}");
    }
}
