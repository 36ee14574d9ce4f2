using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Sdk.Runtime;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

public interface IGreeter
{
    string Greet(string name);
}

public sealed class Greeter : IGreeter
{
    public string Greet(string name) => "hi " + name;
}

public sealed record Point(int X, int Y);

public sealed class InvokerActivities(IGreeter greeter)
{
    [Activity]
    public Task<string> GreetAsync(string name) => Task.FromResult(greeter.Greet(name));

    [Activity("sum-points")]
    public ValueTask<int> SumAsync(Point a, Point b) => ValueTask.FromResult(a.X + a.Y + b.X + b.Y);

    [Activity]
    public int Sync() => 7;

    [Activity]
    public async ValueTask NothingAsync(CancellationToken cancellationToken) => await Task.Delay(1, cancellationToken);

    [Activity]
    public Task<string> WhoAmIAsync()
    {
        var context = ActivityExecutionContext.Current;
        return Task.FromResult($"{context.ActivityName} {context.WorkflowId} {context.RunId} {context.Attempt} {context.HeartbeatDetails<int>()}");
    }

    [Activity]
    public async Task HeartbeatAsync() => await ActivityExecutionContext.Current.HeartbeatAsync(new { progress = 5 });

    [Activity]
    public Task ThrowAsync() => throw new InvalidOperationException("nope");

    [Activity]
    public async Task<int> ThrowLaterAsync()
    {
        await Task.Yield();
        throw new TimeoutException("late");
    }
}

public sealed class ActivityInvokerTests
{
    private static readonly ActivityInvoker Invoker = new(
        new ActivityRegistry().Add<InvokerActivities>(),
        new ServiceCollectionStub(new Dictionary<Type, object> { [typeof(IGreeter)] = new Greeter() }));

    private static ActivityExecutionContext Context(string name, int attempt = 1, Func<ActivityExecutionContext, JsonElement?, Task>? heartbeat = null, JsonElement? details = null) =>
        new(name, "wf-9", "run-9", attempt, CancellationToken.None, heartbeat, details);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Theory(Timeout = Limit)]
    [InlineData("Greet", "[\"ana\"]", "\"hi ana\"")]
    [InlineData("sum-points", "[{\"x\":1,\"y\":2},{\"x\":3,\"y\":4}]", "10")]
    [InlineData("Sync", "[]", "7")]
    [InlineData("Nothing", "[]", null)]
    [InlineData("WhoAmI", "[]", "\"WhoAmI wf-9 run-9 2 42\"")]
    public async Task Invoke_BindsArguments_ReturnsJson(string name, string input, string? expected)
    {
        var result = await Invoker.InvokeAsync(Context(name, attempt: 2, details: Json("42")), Json(input));
        Assert.Null(result.Failure);
        Assert.Equal(expected, result.Result?.GetRawText());
    }

    [Theory(Timeout = Limit)]
    [InlineData("Throw", "InvalidOperationException", "nope")]
    [InlineData("ThrowLater", "TimeoutException", "late")]
    [InlineData("Missing", "ActivityNotRegisteredException", "Activity 'Missing' is not registered with this worker.")]
    public async Task Invoke_Failure_ReportsExceptionTypeName(string name, string type, string message)
    {
        var result = await Invoker.InvokeAsync(Context(name), Json("[]"));
        Assert.Equal(type, result.Failure!.Type);
        Assert.Equal(message, result.Failure.Message);
    }

    [Fact(Timeout = Limit)]
    public async Task Heartbeat_GoesThroughTheHostDelegate()
    {
        JsonElement? seen = null;
        var result = await Invoker.InvokeAsync(Context("Heartbeat", heartbeat: (_, details) =>
        {
            seen = details;
            return Task.CompletedTask;
        }), Json("[]"));
        Assert.Null(result.Failure);
        Assert.Equal("{\"progress\":5}", seen?.GetRawText());
        Assert.False(ActivityExecutionContext.HasCurrent);
    }

    [Fact(Timeout = Limit)]
    public Task Registry_RejectsDuplicateNames_AndClassesWithoutActivities() => Bounded(() =>
    {
        Assert.Throws<ArgumentException>(() => new ActivityRegistry().Add<InvokerActivities>().Add<DuplicateActivities>());
        Assert.Throws<ArgumentException>(() => new ActivityRegistry().Add<Greeter>());
    });

    public sealed class DuplicateActivities
    {
        [Activity("Greet")]
        public Task<string> OtherAsync() => Task.FromResult("x");
    }

    private sealed class ServiceCollectionStub(Dictionary<Type, object> services) : IServiceProvider
    {
        public object? GetService(Type serviceType) => services.GetValueOrDefault(serviceType);
    }
}
