using System.Net;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;
using Orchestrator.Testing.Tests.Workflows;

namespace Orchestrator.Testing.Tests;

public sealed class EnvironmentTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task LambdaActivity_FailsTwoAttempts_RetriesOnTheVirtualClockWithThePolicysBackOff()
    {
        var attempts = new List<int>();
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w
            .AddWorkflow<ChargeWorkflow>()
            .AddActivity("Charge", (ChargeRequest r) =>
            {
                var attempt = ActivityExecutionContext.Current.Attempt;
                attempts.Add(attempt);
                return attempt < 3 ? throw new TimeoutException("gateway slow") : $"{r.Customer}:{r.Amount}";
            }));
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("ChargeWorkflow", new ChargeRequest("c-9", 12.5m));

        Assert.Equal("c-9:12.5", await handle.GetResultAsync<string>());
        Assert.Equal([1, 2, 3], attempts);
        Assert.Equal(TimeSpan.FromSeconds(10 + 30), env.UtcNow - start); // 10 s, then 10 s × 3
        var history = await env.Client.GetHistoryAsync(handle.WorkflowId);
        Assert.Equal(2, history.Events.Count(e => e.EventType == EventTypes.ActivityAttemptFailed));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task LambdaActivity_AlwaysFails_WorkflowFailsAfterMaximumAttempts()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w
            .AddWorkflow<ChargeWorkflow>()
            .AddActivity("Charge", (ChargeRequest _) => Task.FromException<string>(new InvalidOperationException("declined"))));
        var handle = await env.Client.StartWorkflowAsync("ChargeWorkflow", new ChargeRequest("c-1", 1));

        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync<string>());
        Assert.Contains("declined", failed.Failure.Message, StringComparison.Ordinal);
        var failedEvent = (await env.Client.GetHistoryAsync(handle.WorkflowId)).Events.Single(e => e.EventType == EventTypes.ActivityFailed);
        Assert.Equal(4, failedEvent.GetAttributes<ActivityFailedAttributes>().Attempt);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task SkipTime_FiresOnlyWhatFallsDue_InOrder_AndTheWorkflowSeesTheVirtualTime()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<TickWorkflow>());
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("TickWorkflow", null, new StartWorkflowOptions { WorkflowId = "ticks" });

        await env.SkipTimeAsync(TimeSpan.FromMinutes(150));
        Assert.Equal(start + TimeSpan.FromMinutes(150), env.UtcNow);
        var history = await env.Client.GetHistoryAsync("ticks");
        Assert.Equal(2, history.Events.Count(e => e.EventType == EventTypes.TimerFired));
        Assert.Equal(WorkflowStatus.Running, (await handle.DescribeAsync()).Status);

        var ticks = await handle.GetResultAsync<List<DateTimeOffset>>();
        Assert.Equal([start.AddHours(1), start.AddHours(2), start.AddHours(3)], ticks!);
        Assert.Equal(start + TimeSpan.FromHours(3), env.UtcNow);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Client_AnswersAsTheEngine_409ForAnOpenId_404ForAnUnknownWorkflow_CancelAndTerminate()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<TickWorkflow>());
        await env.Client.StartWorkflowAsync("TickWorkflow", null, new StartWorkflowOptions { WorkflowId = "t-1" });

        var conflict = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.StartWorkflowAsync("TickWorkflow", null, new StartWorkflowOptions { WorkflowId = "t-1" }));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var missing = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.SignalWorkflowAsync("nope", "approve"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        await env.Client.TerminateWorkflowAsync("t-1", "enough");
        var terminated = await Assert.ThrowsAsync<WorkflowFailedException>(() => env.Client.GetResultAsync<object>("t-1"));
        Assert.Equal("Terminated", terminated.Failure.Type);
        Assert.Equal(WorkflowStatus.Terminated, (await env.Client.DescribeWorkflowAsync("t-1")).Status);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task HistoryJson_IsTheEnginesHistoryBody_EventForEvent()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<TickWorkflow>());
        await env.Client.StartWorkflowAsync("TickWorkflow", null, new StartWorkflowOptions { WorkflowId = "t-2" });
        await env.Client.GetResultAsync<List<DateTimeOffset>>("t-2");

        var json = await env.GetHistoryJsonAsync("t-2");
        Assert.StartsWith("{\"events\":[{\"eventId\":1,\"eventType\":\"WorkflowStarted\",\"timestamp\":", json, StringComparison.Ordinal);
        static string Text(HistoryEvent e) => $"{e.EventId} {e.EventType} {e.Timestamp:O} {e.Attributes.GetRawText()}";
        Assert.Equal((await env.Client.GetHistoryAsync("t-2")).Events.Select(Text), HistoryJson.ParseHistoryPage(json).Events.Select(Text));
        await WorkflowReplayer.ReplayAsync<TickWorkflow>(json);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AsyncLambdaActivity_GetsTheAttemptsCancellationToken()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w
            .AddWorkflow<ChargeWorkflow>()
            .AddActivity("Charge", async (ChargeRequest r, CancellationToken ct) =>
            {
                await Task.Yield();
                return $"{r.Customer}:{ct.CanBeCanceled || !ct.IsCancellationRequested}";
            }));
        var handle = await env.Client.StartWorkflowAsync("ChargeWorkflow", new ChargeRequest("c-2", 3));

        Assert.Equal("c-2:True", await handle.GetResultAsync<string>());
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task WorkflowTaskFails_UnregisteredType_GetResultReportsTheFailure_InsteadOfRetryingForever()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<TickWorkflow>());
        var handle = await env.Client.StartWorkflowAsync("NoSuchWorkflow", null);

        var error = await Assert.ThrowsAsync<OrchestratorApiException>(() => handle.GetResultAsync<object>());
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("WorkflowTypeNotRegisteredException", error.Message, StringComparison.Ordinal);
        Assert.Equal(WorkflowStatus.Running, (await handle.DescribeAsync()).Status); // as on the engine: the run stays open
    }
}
