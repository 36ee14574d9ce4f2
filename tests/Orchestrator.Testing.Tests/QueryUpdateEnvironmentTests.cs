using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Testing.Tests;

/// <summary>Queries, updates and __stack_trace through env.Client: the engine's answers and errors, in memory.</summary>
public sealed class QueryUpdateEnvironmentTests
{
    [Workflow]
    public sealed class CartWorkflow
    {
        private readonly List<string> _items = [];
        private bool _checkedOut;

        [WorkflowRun]
        public async Task<int> RunAsync(WorkflowContext context, string customerId)
        {
            await context.WaitConditionAsync(() => _checkedOut, TimeSpan.FromDays(30));
            return _items.Count;
        }

        [WorkflowQuery] public IReadOnlyList<string> Items() => _items;

        [WorkflowQuery("total")] public string Total(string currency) => $"{_items.Count} {currency}";

        [WorkflowQuery] public int Broken() => throw new InvalidOperationException("no total yet");

        [WorkflowUpdateValidator(nameof(AddItemAsync))]
        public void ValidateAddItem(string item)
        {
            if (item.Length == 0)
            {
                throw new ArgumentException("empty item");
            }
        }

        [WorkflowUpdate]
        public async Task<int> AddItemAsync(WorkflowContext context, string item)
        {
            await context.ExecuteActivityAsync("Reserve", item, new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
            _items.Add(item);
            return _items.Count;
        }

        /// <summary>Waits a day of workflow time before it answers (virtual time runs while the caller waits).</summary>
        [WorkflowUpdate]
        public async Task<string> ConfirmLaterAsync(WorkflowContext context)
        {
            await context.DelayAsync(TimeSpan.FromDays(1));
            return "confirmed";
        }

        [WorkflowUpdate]
        public Task<int> FailAsync(WorkflowContext context) => throw new InvalidOperationException("cannot do that");

        [WorkflowSignal]
        public Task CheckoutAsync(WorkflowContext context)
        {
            _checkedOut = true;
            return Task.CompletedTask;
        }
    }

    private static Task<WorkflowTestEnvironment> StartAsync(List<string>? reserved = null) =>
        WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<CartWorkflow>().AddActivity("Reserve", (string item) => reserved?.Add(item)));

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Update_RunsItsHandler_ThenQueriesSeeTheState_OpenAndClosed()
    {
        var reserved = new List<string>();
        await using var env = await StartAsync(reserved);
        var cart = await env.Client.StartWorkflowAsync("CartWorkflow", "c-1", new StartWorkflowOptions { WorkflowId = "cart-1" });

        Assert.Equal(1, await cart.ExecuteUpdateAsync<int>("AddItem", "apple"));
        Assert.Equal(2, await env.Client.ExecuteUpdateAsync<int>("cart-1", "AddItem", "pear"));

        Assert.Equal(["apple", "pear"], reserved);
        Assert.Equal(["apple", "pear"], (await cart.QueryAsync<List<string>>("Items"))!);
        Assert.Equal("2 EUR", await env.Client.QueryWorkflowAsync<string>("cart-1", "total", "EUR"));
        var events = (await env.Client.GetHistoryAsync("cart-1")).Events;
        Assert.Equal(2, events.Count(e => e.EventType == EventTypes.WorkflowUpdateAccepted));
        Assert.Equal(2, events.Count(e => e.EventType == EventTypes.WorkflowUpdateCompleted));

        await cart.SignalAsync("Checkout");
        Assert.Equal(2, await cart.GetResultAsync<int>());
        Assert.Equal(["apple", "pear"], (await cart.QueryAsync<List<string>>("Items"))!); // a closed run answers too
        await WorkflowReplayer.ReplayAsync<CartWorkflow>(await env.GetHistoryJsonAsync("cart-1"));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Query_Errors_AreTheEngines_400ListsTheQueries_422CarriesTheFailure_404UnknownWorkflow()
    {
        await using var env = await StartAsync();
        await env.Client.StartWorkflowAsync("CartWorkflow", "c-2", new StartWorkflowOptions { WorkflowId = "cart-2" });

        var unknown = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.QueryWorkflowAsync<int>("cart-2", "Nope"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("Workflow type 'CartWorkflow' has no query 'Nope'. Its queries: Broken, Items, total.", unknown.Detail);

        var broken = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.QueryWorkflowAsync<int>("cart-2", "Broken"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        Assert.Equal("The query failed", broken.Title);
        Assert.Contains("InvalidOperationException: no total yet", broken.Detail, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.QueryWorkflowAsync<int>("cart-404", "Items"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var badTimeout = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.QueryWorkflowAsync<int>("cart-2", "Items", timeout: TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.BadRequest, badTimeout.StatusCode);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task StackTrace_NamesTheConditionTheRunWaitsOn_WithItsLocation()
    {
        await using var env = await StartAsync();
        var cart = await env.Client.StartWorkflowAsync("CartWorkflow", "c-3");

        var wait = Assert.Single(await cart.GetStackTraceAsync());
        Assert.Equal("condition", wait.Kind);
        Assert.Equal(env.UtcNow + TimeSpan.FromDays(30), wait.DueAt);
        Assert.StartsWith("QueryUpdateEnvironmentTests.cs:", wait.Location, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Update_Rejected_Is422WithTheValidatorsMessage_AndRecordsNothing_UnknownIs400()
    {
        var reserved = new List<string>();
        await using var env = await StartAsync(reserved);
        var cart = await env.Client.StartWorkflowAsync("CartWorkflow", "c-4");
        var before = (await env.Client.GetHistoryAsync(cart.WorkflowId)).Events.Count;

        var rejected = await Assert.ThrowsAsync<OrchestratorApiException>(() => cart.ExecuteUpdateAsync<int>("AddItem", ""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Equal("The update was rejected", rejected.Title);
        Assert.Equal("empty item", rejected.Detail);
        var unknown = await Assert.ThrowsAsync<OrchestratorApiException>(() => cart.ExecuteUpdateAsync<int>("Remove", "x"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("Workflow type 'CartWorkflow' has no update 'Remove'. Its updates: AddItem, ConfirmLater, Fail.", unknown.Detail);

        Assert.Equal(before, (await env.Client.GetHistoryAsync(cart.WorkflowId)).Events.Count);
        Assert.Empty(reserved);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Update_SameIdAppliedOnce_AnotherNameIs409_AFailingHandlerThrowsWorkflowUpdateFailed_ClosedIs404()
    {
        var reserved = new List<string>();
        await using var env = await StartAsync(reserved);
        var cart = await env.Client.StartWorkflowAsync("CartWorkflow", "c-5");

        Assert.Equal(1, await cart.ExecuteUpdateAsync<int>("AddItem", "apple", updateId: "u-1"));
        Assert.Equal(1, await cart.ExecuteUpdateAsync<int>("AddItem", "apple", updateId: "u-1"));
        Assert.Equal(["apple"], reserved);
        var reused = await Assert.ThrowsAsync<OrchestratorApiException>(() => cart.ExecuteUpdateAsync<string>("ConfirmLater", null, updateId: "u-1"));
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);

        var failed = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => cart.ExecuteUpdateAsync<int>("Fail"));
        Assert.Equal("cannot do that", failed.Failure.Message);

        await cart.TerminateAsync("done");
        var closed = await Assert.ThrowsAsync<OrchestratorApiException>(() => cart.ExecuteUpdateAsync<int>("AddItem", "late"));
        Assert.Equal(HttpStatusCode.NotFound, closed.StatusCode);
        Assert.Equal($"Workflow '{cart.WorkflowId}' has no open run.", closed.Detail);
        var unknownId = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.GetUpdateResultAsync<int>(cart.WorkflowId, "u-404"));
        Assert.Equal(HttpStatusCode.NotFound, unknownId.StatusCode);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task StartUpdate_ReturnsOnceAccepted_ItsResultWaitSkipsTheVirtualDay()
    {
        await using var env = await StartAsync();
        var cart = await env.Client.StartWorkflowAsync("CartWorkflow", "c-6");
        var start = env.UtcNow;

        var update = await cart.StartUpdateAsync("ConfirmLater", updateId: "later-1");
        Assert.Equal(start, env.UtcNow); // accepting it moved no time
        Assert.Contains(await cart.GetStackTraceAsync(), w => w.Kind == "update" && w.UpdateId == "later-1");

        Assert.Equal("confirmed", await update.GetResultAsync<string>());
        Assert.Equal(start + TimeSpan.FromDays(1), env.UtcNow);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Update_OfARunThatClosesFirst_FailsWithRunClosed()
    {
        await using var env = await StartAsync();
        var cart = await env.Client.StartWorkflowAsync("CartWorkflow", "c-7");
        var update = await cart.StartUpdateAsync("ConfirmLater");

        await cart.TerminateAsync("closing");

        var failed = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => update.GetResultAsync<string>());
        Assert.Equal("RunClosed", failed.Failure.Type);
        Assert.Equal("The run closed (Terminated) before the update finished.", failed.Failure.Message);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task UpdateWithStart_StartsTheRunOnce_ThenUpdatesIt()
    {
        await using var env = await StartAsync();
        var request = new UpdateWithStartRequest("CartWorkflow", "cart-8", "AddItem", Input: JsonSerializer.SerializeToElement("c-8"),
            UpdateInput: JsonSerializer.SerializeToElement("fig"));

        using var first = await env.Http.PostAsJsonAsync("http://orchestrator.test/api/v1/workflows/update-with-start", request, OrchestratorClient.JsonSerializerOptions);
        using var second = await env.Http.PostAsJsonAsync("http://orchestrator.test/api/v1/workflows/update-with-start", request, OrchestratorClient.JsonSerializerOptions);

        var one = await first.Content.ReadFromJsonAsync<WorkflowUpdateResponse>(OrchestratorClient.JsonSerializerOptions);
        var two = await second.Content.ReadFromJsonAsync<WorkflowUpdateResponse>(OrchestratorClient.JsonSerializerOptions);
        Assert.Equal((HttpStatusCode.OK, "Completed", true, "1"), (first.StatusCode, one!.Status, one.Started, one.Result?.GetRawText()));
        Assert.Equal((false, "2"), (two!.Started, two.Result?.GetRawText()));
        Assert.Equal(["fig", "fig"], (await env.Client.QueryWorkflowAsync<List<string>>("cart-8", "Items"))!);
    }
}
