using Orchestrator.Contracts;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Testing.InMemory;

/// <summary>A run's request to another workflow (signal, cancel), waiting in the outbox for its delivery.</summary>
internal sealed record ExternalDelivery(Guid RunId, int Seq);

/// <summary>Requests of runs to other workflows (<c>external_requests</c>), delivered as <c>RunShell.DeliverExternalAsync</c> does.</summary>
internal sealed partial class MemoryShell
{
    private readonly Dictionary<(Guid RunId, int Seq), ExternalRequestRow> _external = [];

    /// <summary>The decision's new requests (a seq the run used before adds no second one), each queued for delivery after it.</summary>
    private void RecordExternalRequests(WorkflowRunRecord run, RunEffects effects)
    {
        foreach (var request in effects.ExternalRequests)
        {
            if (_external.TryAdd((run.RunId, request.Seq), request))
            {
                Outbox.Enqueue(new ExternalDelivery(run.RunId, request.Seq));
            }
        }
    }

    /// <summary>
    /// Delivers a request once: the target's open run gets its signal or cancel request, then the requesting run (open or
    /// not) gets the outcome (<see cref="ExternalRequestDoneTrigger"/>; <c>WorkflowNotFound</c> when the target has no open run).
    /// </summary>
    public void DeliverExternal(ExternalDelivery delivery)
    {
        if (!_external.Remove((delivery.RunId, delivery.Seq), out var request))
        {
            return;
        }
        var target = Latest(request.TargetWorkflowId) is { IsOpen: true } open ? open : null;
        FailureInfo? failure = null;
        if (target is null)
        {
            failure = RunDecider.NotFound(request.Kind, request.TargetWorkflowId);
        }
        else
        {
            Execute(target.Run.RunId, RunDecider.TargetTrigger(request.Kind, request.SignalName, request.Input, request.Reason));
        }
        Execute(delivery.RunId, new ExternalRequestDoneTrigger(delivery.Seq, request.Kind, target?.Run.RunId, failure));
    }
}
