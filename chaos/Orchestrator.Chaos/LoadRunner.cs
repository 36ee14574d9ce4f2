using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Orchestrator.Chaos;

/// <summary>Runs a round's load: each workflow starts at its moment, then sends its signals, cancels and terminates.</summary>
internal sealed class LoadRunner(EngineClient client, string taskQueue, int seed)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RunAsync(IReadOnlyList<WorkflowPlan> plans, Stopwatch clock)
    {
        await Task.WhenAll(plans.Select(p => RunOneAsync(p, clock)));
    }

    private async Task RunOneAsync(WorkflowPlan plan, Stopwatch clock)
    {
        var wait = TimeSpan.FromSeconds(plan.StartAt) - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        // which engine a workflow's requests go to first: from the seed (the other one when it refuses)
        var engine = (int)((uint)HashCode.Combine(seed, plan.WorkflowId) % 2);
        await StartAsync(plan, engine);
        if (!plan.Started)
        {
            return;
        }
        var started = clock.Elapsed;
        foreach (var group in plan.Actions.GroupBy(a => a.AfterStart).OrderBy(g => g.Key))
        {
            var due = started + TimeSpan.FromSeconds(group.Key) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
            await Task.WhenAll(group.Select(a => SendAsync(plan, a, engine)));
        }
    }

    /// <summary>
    /// Starts the workflow, again after an error (RejectDuplicate: a 409 on a retry means an earlier attempt did start it)
    /// for up to 90 s: during a PostgreSQL crash or with both engines down a start cannot succeed.
    /// </summary>
    private async Task StartAsync(WorkflowPlan plan, int engine)
    {
        var body = JsonSerializer.Serialize(new
        {
            workflowType = plan.WorkflowType, workflowId = plan.WorkflowId, taskQueue, input = plan.Input,
            idReusePolicy = "RejectDuplicate", retryPolicy = plan.RetryPolicy,
        }, Json);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        var attempts = 0;
        while (true)
        {
            attempts++;
            var reply = await client.PostAsync("/api/v1/workflows", body, engine);
            plan.StartReply = reply;
            if (EngineClient.IsSuccess(reply, HttpStatusCode.Created) || (attempts > 1 && EngineClient.IsSuccess(reply, HttpStatusCode.Conflict)))
            {
                plan.Started = true;
                return;
            }
            if (reply.Delivery == Delivery.Answered && reply.Status is >= 400 and < 500)
            {
                return; // refused (a harness bug, or a 409 on the first attempt): reported by the checks
            }
            if (DateTime.UtcNow > deadline)
            {
                return;
            }
            engine = 1 - engine;
            await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempts, 8)));
        }
    }

    /// <summary>
    /// Sends a signal, cancel or terminate. A signal is sent again only when it certainly did not leave (both engines
    /// refused the connection): a repeated signal would be a second signal. A cancel or terminate is also sent again
    /// after an unknown outcome or a 5xx (they are idempotent); its reply then says so.
    /// </summary>
    private async Task SendAsync(WorkflowPlan plan, PlannedAction action, int engine)
    {
        var path = action.Kind switch
        {
            ActionKind.Signal => $"/api/v1/workflows/{plan.WorkflowId}/signals/s",
            ActionKind.Cancel => $"/api/v1/workflows/{plan.WorkflowId}/cancel",
            _ => $"/api/v1/workflows/{plan.WorkflowId}/terminate",
        };
        var body = action.Kind == ActionKind.Signal ? JsonSerializer.Serialize(action.SignalId) : "{\"reason\":\"chaos\"}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(action.Kind == ActionKind.Signal ? 30 : 60);
        var uncertain = false;
        Reply reply;
        while (true)
        {
            reply = await client.PostAsync(path, body, engine);
            var again = reply.Delivery == Delivery.NotSent
                || (action.Kind != ActionKind.Signal && (reply.Delivery == Delivery.Unknown || reply.Status >= 500));
            if (!again || DateTime.UtcNow > deadline)
            {
                break;
            }
            uncertain |= reply.Delivery != Delivery.NotSent;
            engine = 1 - engine;
            await Task.Delay(300);
        }
        plan.Outcomes.Enqueue((action, reply with { AfterUncertainAttempt = uncertain }));
    }
}
