using Orchestrator.Contracts.History;
using Orchestrator.Sdk;
using Orchestrator.Testing.Tests.Workflows;
using Orchestrator.TestWorker;

namespace Orchestrator.Testing.Tests;

/// <summary>env.AssertHistoryAsync and WorkflowHistory: each check holds on the history it describes, and fails with a message that says why.</summary>
public sealed class HistoryAssertionTests
{
    private static readonly RenewalInput Input = new("c-1", TimeSpan.FromDays(30), TimeSpan.FromDays(7));

    /// <summary>The renewal saga whose third step (Ship) fails for good: compensations Refund, then Release.</summary>
    private static async Task<WorkflowTestEnvironment> FailedRenewalAsync()
    {
        var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<RenewalWorkflow>().AddActivities(new RenewalActivities { OutOfStockAt = "Ship" }));
        await env.Client.StartWorkflowAsync("RenewalWorkflow", Input, new StartWorkflowOptions { WorkflowId = "r-1" });
        await env.SkipTimeAsync(TimeSpan.FromDays(30));
        await env.Client.SignalWorkflowAsync("r-1", "approve", new Approval("ana"));
        await Assert.ThrowsAsync<WorkflowFailedException>(() => env.Client.GetResultAsync<string>("r-1"));
        return env;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task EveryCheck_HoldsOnTheHistoryItDescribes_InOneChain()
    {
        await using var env = await FailedRenewalAsync();

        await env.AssertHistoryAsync("r-1", h => h
            .Failed("ActivityFailedException")
            .ActivitiesInOrder("Reserve", "Charge", "Ship", "Refund", "Release")
            .ActivityCompleted("Charge", times: 1)
            .ActivityAttempts("Charge", 2)
            .ActivityAttempts("Reserve", 1)
            .ActivityFailed("Ship", "OutOfStockException")
            .ActivityCompleted("Release")
            .TimerFired(TimeSpan.FromDays(30))
            .SignalReceived("approve")
            .HasEvent(EventTypes.TimerCanceled)
            .HasNoEvent(EventTypes.ChildWorkflowStarted));

        var history = await env.GetHistoryAsync("r-1");
        Assert.Equal(["Reserve", "Charge", "Ship", "Refund", "Release"], history.Activities.Select(a => a.Name));
        var ship = history.Activities.Single(a => a.Name == "Ship");
        Assert.Equal((RecordedActivityStatus.Failed, "OutOfStockException", "res-c-1"), (ship.Status, ship.Failure!.Type, ship.InputAs<string>()));
        Assert.Equal("rcpt-c-1", history.Activities.Single(a => a.Name == "Charge").ResultAs<string>());
        Assert.Equal(EventTypes.WorkflowFailed, history.CloseEvent!.EventType);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task FailedChecks_ThrowWorkflowAssertionException_SayingWhatWasExpected_AndShowingTheHistory()
    {
        await using var env = await FailedRenewalAsync();
        var h = (await env.GetHistoryAsync("r-1")).Assert();

        var completed = Assert.Throws<WorkflowAssertionException>(() => h.Completed());
        Assert.StartsWith("Expected workflow 'r-1' to close with WorkflowCompleted, but it closed with WorkflowFailed (ActivityFailedException: ", completed.Message,
            StringComparison.Ordinal);
        Assert.Contains("\nHistory of 'r-1' (", completed.Message, StringComparison.Ordinal);
        Assert.Contains(" ActivityFailed Ship OutOfStockException: Ship: out of stock", completed.Message, StringComparison.Ordinal);

        var shipped = Assert.Throws<WorkflowAssertionException>(() => h.ActivityCompleted("Ship"));
        Assert.StartsWith("Expected activity 'Ship' of 'r-1' to complete, but it completed 0 times. Its activities: Reserve #3 (completed), Charge #4 (completed after 2 attempts)", shipped.Message,
            StringComparison.Ordinal);
        Assert.Contains("Ship #5 (failed: OutOfStockException: Ship: out of stock)", shipped.Message, StringComparison.Ordinal);

        var order = Assert.Throws<WorkflowAssertionException>(() => h.ActivitiesInOrder("Release", "Refund"));
        Assert.StartsWith("Expected 'r-1' to schedule Release, Refund in this order, but 'Refund' does not follow 'Release'.", order.Message, StringComparison.Ordinal);
        Assert.Contains("took 2", Assert.Throws<WorkflowAssertionException>(() => h.ActivityAttempts("Charge", 1)).Message, StringComparison.Ordinal);
        Assert.Contains("was scheduled (event ", Assert.Throws<WorkflowAssertionException>(() => h.NoActivity("Refund")).Message, StringComparison.Ordinal);
        Assert.Contains("Timers: 30.00:00:00 (fired), 7.00:00:00 (not fired).",
            Assert.Throws<WorkflowAssertionException>(() => h.TimerFired(TimeSpan.FromHours(1))).Message, StringComparison.Ordinal);
        Assert.Throws<WorkflowAssertionException>(() => h.SignalReceived("reject"));
        Assert.Throws<WorkflowAssertionException>(() => h.Failed("TimeoutException"));
        Assert.Throws<WorkflowAssertionException>(() => h.HasNoEvent(EventTypes.SignalReceived));
        Assert.Throws<WorkflowAssertionException>(() => h.Running());
        await Assert.ThrowsAsync<WorkflowAssertionException>(() => env.AssertHistoryAsync("r-1", x => x.ActivityCompleted("Charge", times: 2)));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task CompletedWith_ComparesTheResultAsJson_AndUpdateAndSearchAttributeChecks()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<TickWorkflow>());
        await env.Client.StartWorkflowAsync("TickWorkflow", null, new StartWorkflowOptions { WorkflowId = "t-1" });
        var ticks = await env.Client.GetResultAsync<List<DateTimeOffset>>("t-1");

        await env.AssertHistoryAsync("t-1", h => h.CompletedWith(ticks).TimerFired(TimeSpan.FromHours(1)).NoActivity("Charge"));
        var wrong = await Assert.ThrowsAsync<WorkflowAssertionException>(() => env.AssertHistoryAsync("t-1", h => h.CompletedWith(new List<DateTimeOffset>())));
        Assert.StartsWith("Expected workflow 't-1' to complete with [], but it completed with [", wrong.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkflowAssertionException>(() => env.AssertHistoryAsync("t-1", h => h.UpdateCompleted("AddItem")));
        await Assert.ThrowsAsync<WorkflowAssertionException>(() => env.AssertHistoryAsync("t-1", h => h.SearchAttributeUpserted("Stage", "x")));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task UpdateCompleted_AndSearchAttributeUpserted_HoldOnTheirEvents()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w
            .AddWorkflow<QueryUpdateEnvironmentTests.CartWorkflow>().AddActivity("Reserve", (string _) => { })
            .AddWorkflow<SearchAttributeEnvironmentTests.ShipmentWorkflow>()
            .AddSearchAttribute("Stage", Contracts.Api.SearchAttributeType.Keyword).AddSearchAttribute("Hold", Contracts.Api.SearchAttributeType.Bool));
        var cart = await env.Client.StartWorkflowAsync("CartWorkflow", "c-1", new StartWorkflowOptions { WorkflowId = "cart" });
        await cart.ExecuteUpdateAsync<int>("AddItem", "fig");
        await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => cart.ExecuteUpdateAsync<int>("Fail"));
        await env.Client.StartWorkflowAsync("ShipmentWorkflow", "packing", new StartWorkflowOptions { WorkflowId = "ship" });
        await env.Client.SignalWorkflowAsync("ship", "ship", "now");

        await env.AssertHistoryAsync("cart", h => h.Running().UpdateCompleted("AddItem"));
        await Assert.ThrowsAsync<WorkflowAssertionException>(() => env.AssertHistoryAsync("cart", h => h.UpdateCompleted("Fail")));
        await env.AssertHistoryAsync("ship", h => h.Completed().SearchAttributeUpserted("Stage", "shipped").SearchAttributeUpserted("Hold", null));
        var stage = await Assert.ThrowsAsync<WorkflowAssertionException>(() => env.AssertHistoryAsync("ship", h => h.SearchAttributeUpserted("Stage", "packing")));
        Assert.StartsWith("Expected 'ship' to upsert search attribute 'Stage' as \"packing\", but its last upsert set \"shipped\".", stage.Message, StringComparison.Ordinal);
    }
}
