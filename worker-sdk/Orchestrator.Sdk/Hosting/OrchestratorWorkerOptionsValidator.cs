using Microsoft.Extensions.Options;

namespace Orchestrator.Sdk.Hosting;

/// <summary>Rejects worker options that cannot work, with a message naming the configuration key.</summary>
internal sealed class OrchestratorWorkerOptionsValidator : IValidateOptions<OrchestratorWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, OrchestratorWorkerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RabbitMq) || !Uri.TryCreate(options.RabbitMq, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            errors.Add("Orchestrator:RabbitMq must be an AMQP URI, e.g. amqp://user:password@127.0.0.1:5672/ (environment variable Orchestrator__RabbitMq).");
        }
        if (options.QueueType is not (WorkerBroker.Quorum or WorkerBroker.Classic))
        {
            errors.Add($"Orchestrator:QueueType must be '{WorkerBroker.Quorum}' (the default) or '{WorkerBroker.Classic}', not '{options.QueueType}'.");
        }
        foreach (var node in WorkerBroker.Nodes(options.RabbitMqNodes))
        {
            var parts = node.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0 || !ushort.TryParse(parts[1], out var port) || port == 0)
            {
                errors.Add($"Orchestrator:RabbitMqNodes must be a comma-separated list of host:port, and '{node}' is not.");
            }
        }
        if (!OrchestratorClient.IsValidApiKey(options.ApiKey))
        {
            errors.Add("Orchestrator:ApiKey may hold only visible ASCII characters (it is sent as header X-Api-Key).");
        }
        if (string.IsNullOrWhiteSpace(options.TaskQueue))
        {
            errors.Add("Orchestrator:TaskQueue must not be empty.");
        }
        if (options.MaxConcurrentActivities < 1)
        {
            errors.Add("Orchestrator:Worker:MaxConcurrentActivities must be at least 1.");
        }
        if (options.MaxConcurrentWorkflowTasks < 1)
        {
            errors.Add("Orchestrator:Worker:MaxConcurrentWorkflowTasks must be at least 1.");
        }
        if (options.MaxCachedWorkflows < 0)
        {
            errors.Add("Orchestrator:Worker:MaxCachedWorkflows must not be negative.");
        }
        if (string.IsNullOrWhiteSpace(options.EngineQueue))
        {
            errors.Add("Orchestrator:Worker:EngineQueue must not be empty.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
