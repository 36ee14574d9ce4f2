using Orchestrator.Sdk;

namespace Company.Worker;

/// <summary>
/// Activities: ordinary methods that may do anything (HTTP, databases, files). They are created through dependency
/// injection for every attempt and retried on failure, so make them idempotent. Inside one,
/// ActivityExecutionContext.Current tells the workflow id, the attempt and the cancellation token.
/// </summary>
public sealed class GreetingActivities(ILogger<GreetingActivities> logger)
{
    [Activity] // activity "ComposeGreeting"
    public Task<string> ComposeGreetingAsync(string name)
    {
        logger.LogInformation("Greeting {Name}", name);
        return Task.FromResult($"Hello, {name}!");
    }
}
