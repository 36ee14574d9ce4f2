using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;

namespace Orchestrator.Sdk.Tests;

/// <summary>Signals and cancel requests to other workflows in the runtime: their commands, their outcomes, replay and non-determinism.</summary>
public sealed class ExternalWorkflowTests
{
    [Workflow]
    public sealed class NotifyWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, string target)
        {
            await context.SignalExternalWorkflowAsync(target, "paid", "r-1");
            try
            {
                await context.CancelExternalWorkflowAsync(target + "-old");
            }
            catch (WorkflowNotFoundException e)
            {
                return "signalled; " + e.WorkflowId + " was gone";
            }
            return "signalled and canceled";
        }
    }

    [Workflow]
    public sealed class ChangedNotifyWorkflow
    {
        [WorkflowRun]
        public async Task RunAsync(WorkflowContext context, string target) => await context.SignalExternalWorkflowAsync(target, "refunded");
    }

    [Fact]
    public void ARequest_IsACommand_ItsOutcomeResumesTheCode_AndAMissingTargetRaises()
    {
        var sim = new EngineSimulator(typeof(NotifyWorkflow), "order-42");

        var first = Assert.IsType<SignalExternalWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal((1, "order-42", "paid", "r-1"), (first.Seq, first.WorkflowId, first.SignalName, first.Input!.Value.GetString()));
        Assert.Empty(sim.RunTask()); // nothing yet: the code waits for the delivery

        sim.ExternalDone(1);
        var cancel = Assert.IsType<RequestCancelExternalWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal((2, "order-42-old"), (cancel.Seq, cancel.WorkflowId));
        Assert.Contains("Requested by workflow 'wf-1'", cancel.Reason, StringComparison.Ordinal);

        sim.ExternalDone(2, cancel: true, notFound: true);
        var done = Assert.IsType<CompleteWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal("signalled; order-42-old was gone", done.Result!.Value.GetString());
    }

    [Fact]
    public void ARecordedHistory_Replays_AndCodeThatNowSignalsAnotherName_IsNonDeterminismNamingBoth()
    {
        var sim = new EngineSimulator(typeof(NotifyWorkflow), "order-42");
        sim.RunTask();
        sim.ExternalDone(1);
        sim.RunTask();
        sim.ExternalDone(2, cancel: true);
        sim.RunTask();
        Assert.True(sim.IsClosed);

        var replayed = sim.NewInstance();
        replayed.Replay(sim.History.ToList());
        Assert.True(replayed.IsCompleted);

        var changed = new EngineSimulator(typeof(ChangedNotifyWorkflow), "order-42");
        var history = sim.History.ToList();
        var activation = changed.NewInstance().Activate(history.Take(history.FindIndex(e => e.EventType == EventTypes.ExternalSignalRequested) + 1)
            .Append(HistoryJson.CreateEvent(history.Count + 1, EventTypes.WorkflowTaskScheduled, DateTimeOffset.UtcNow, new WorkflowTaskScheduledAttributes(1)))
            .ToList());
        Assert.True(activation.IsTaskFailure);
        Assert.Contains("signal 'paid' to 'order-42'", activation.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("signal 'refunded' to 'order-42'", activation.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APendingRequest_IsListedByTheStackTrace()
    {
        var sim = new EngineSimulator(typeof(NotifyWorkflow), "order-42");
        sim.RunTask();
        var instance = sim.NewInstance();
        instance.Replay(sim.History.ToList());

        Assert.Equal(["signalExternal order-42 paid"], instance.Waits().Select(w => $"{w.Kind} {w.WorkflowId} {w.Name}"));
    }
}
