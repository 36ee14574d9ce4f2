using Orchestrator.Contracts.History;
using Orchestrator.Sdk;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Testing.InMemory;

namespace Orchestrator.Testing;

/// <summary>
/// Runs workflows in process, in milliseconds: on the SDK's replay runtime, with the engine's own decision logic, your
/// activities (objects or lambdas), and a virtual clock. No PostgreSQL, RabbitMQ or network; any test framework.
/// </summary>
/// <remarks>
/// Time is virtual. It stands still, except while the test awaits a workflow's result (<c>GetResultAsync</c>): then, whenever
/// every workflow waits, it jumps to the next timer, retry or timeout; and in <see cref="SkipTimeAsync"/>, which moves it by
/// the amount given, firing what falls due in order. Activities run at once, as a worker would take them.
/// </remarks>
public sealed class WorkflowTestEnvironment : IAsyncDisposable
{
    private readonly MemoryEngine _engine;
    private readonly HttpClient _http;

    private WorkflowTestEnvironment(WorkflowTestEnvironmentBuilder builder, WorkflowRuntimeOptions options)
    {
        var invoker = new ActivityInvoker(builder.Activities, new ObjectServices(builder.ActivityObjects), options.JsonSerializerOptions);
        var now = DateTime.UtcNow;
        _engine = new MemoryEngine(new MemoryWorker(builder.Workflows, builder.Activities, invoker, options), new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc));
        _engine.Shell.Settings.SearchAttributes.Replace(builder.SearchAttributes);
        _http = new HttpClient(new MemoryApiHandler(_engine)) { Timeout = Timeout.InfiniteTimeSpan };
        Client = new OrchestratorClient(new Uri("http://orchestrator.test/"), _http);
    }

    /// <summary>Starts an environment with what <paramref name="configure"/> registers.</summary>
    /// <param name="configure">Registers workflows and activities.</param>
    /// <param name="options">The runtime options of the workflows (serializer); null = the worker's defaults.</param>
    /// <returns>The environment; dispose it when the test ends.</returns>
    public static Task<WorkflowTestEnvironment> StartAsync(Action<WorkflowTestEnvironmentBuilder> configure, WorkflowRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new WorkflowTestEnvironmentBuilder();
        configure(builder);
        return Task.FromResult(new WorkflowTestEnvironment(builder, options ?? new WorkflowRuntimeOptions()));
    }

    /// <summary>
    /// A client of this environment, with the engine's client's workflow methods (start, signal-with-start, signal, cancel,
    /// terminate, describe, history, result, queries, updates, list, count, search attributes); not schedules, triggers,
    /// batches or reset.
    /// </summary>
    public OrchestratorClient Client { get; }

    /// <summary>The environment's REST API in memory (for tests of calls the client does not make, such as update-with-start).</summary>
    internal HttpClient Http => _http;

    /// <summary>The virtual time now (UTC): what a workflow started now sees as <c>context.UtcNow</c>.</summary>
    public DateTimeOffset UtcNow => new(_engine.Now, TimeSpan.Zero);

    /// <summary>Moves the virtual clock by <paramref name="duration"/>: timers, retries and timeouts that fall due on the way fire, in order.</summary>
    /// <param name="duration">How far (not negative).</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <returns>A task that completes when everything due by then has run.</returns>
    public async Task SkipTimeAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        await _engine.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _engine.AdvanceAsync(duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _engine.Gate.Release();
            _engine.NotifyChanged();
        }
    }

    /// <summary>
    /// The history of the latest run of <paramref name="workflowId"/> as the engine's <c>GET /api/v1/workflows/{id}/history</c>
    /// returns it: save it as a replay fixture, or hand it to <see cref="WorkflowReplayer.ReplayAsync{TWorkflow}(string, WorkflowRuntimeOptions?)"/>.
    /// </summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="runId">A run id, or null for the latest run.</param>
    /// <returns>The JSON body.</returns>
    /// <exception cref="OrchestratorApiException">No such workflow.</exception>
    public async Task<string> GetHistoryJsonAsync(string workflowId, string? runId = null)
    {
        var page = await Client.GetHistoryAsync(workflowId, runId).ConfigureAwait(false);
        return HistoryWriter.Write(new HistoryPage(page.Events));
    }

    /// <summary>
    /// The history of the latest run of <paramref name="workflowId"/> (or of run <paramref name="runId"/>) as it is now, read
    /// for tests: its events, its activities with their outcomes, and <see cref="WorkflowHistory.Assert"/>.
    /// </summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="runId">A run id, or null for the latest run.</param>
    /// <returns>The history.</returns>
    /// <exception cref="OrchestratorApiException">No such workflow.</exception>
    public async Task<WorkflowHistory> GetHistoryAsync(string workflowId, string? runId = null)
    {
        var page = await Client.GetHistoryAsync(workflowId, runId).ConfigureAwait(false);
        return new WorkflowHistory(workflowId, page.Events);
    }

    /// <summary>
    /// Checks the history of <paramref name="workflowId"/> as it is now (call it after the result, or after
    /// <see cref="SkipTimeAsync"/>): <c>await env.AssertHistoryAsync("o-1", h =&gt; h.Completed().ActivityCompleted("Charge"))</c>.
    /// </summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="assert">The checks (<see cref="HistoryAssertions"/>, chained).</param>
    /// <param name="runId">A run id, or null for the latest run.</param>
    /// <returns>A task that completes when every check held.</returns>
    /// <exception cref="WorkflowAssertionException">A check did not hold (its message says what and shows the history).</exception>
    /// <exception cref="OrchestratorApiException">No such workflow.</exception>
    public async Task AssertHistoryAsync(string workflowId, Action<HistoryAssertions> assert, string? runId = null)
    {
        ArgumentNullException.ThrowIfNull(assert);
        assert((await GetHistoryAsync(workflowId, runId).ConfigureAwait(false)).Assert());
    }

    /// <summary>
    /// Inside an activity the environment runs (a lambda or an activities object of the test): lets
    /// <paramref name="duration"/> of virtual time pass while the attempt runs, as a slow call would. Meanwhile the attempt
    /// counts as running: the clock moves on to other workflows' timers, its heartbeats (<c>ActivityExecutionContext.HeartbeatAsync</c>)
    /// keep it alive, and its StartToCloseTimeout or HeartbeatTimeout pass as on the engine, which then times the attempt
    /// out (and retries it by its policy) and cancels its token, so this call throws <see cref="OperationCanceledException"/>.
    /// <code>.AddActivity("Charge", async (ChargeRequest r) =&gt; { await WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromMinutes(10)); return "late"; })</code>
    /// </summary>
    /// <param name="duration">How much virtual time the activity takes here (not negative).</param>
    /// <returns>A task that completes when the virtual clock reached the end of the delay.</returns>
    /// <exception cref="InvalidOperationException">Not inside an activity attempt of a test environment (local activities run inside the workflow task and cannot wait here).</exception>
    /// <exception cref="OperationCanceledException">The attempt was timed out or its run closed meanwhile.</exception>
    public static Task DelayActivityAsync(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var attempt = MemoryAttempt.Current
            ?? throw new InvalidOperationException("DelayActivityAsync works inside an activity that a WorkflowTestEnvironment runs (not in a local activity, not outside an activity).");
        return attempt.DelayAsync(duration);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _engine.Dispose();
        Client.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Hands the registered activity objects to the SDK's activity invoker, as a worker's DI container would.</summary>
    private sealed class ObjectServices(IReadOnlyDictionary<Type, object> objects) : IServiceProvider
    {
        public object? GetService(Type serviceType) => objects.GetValueOrDefault(serviceType);
    }
}
