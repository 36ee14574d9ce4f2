using Microsoft.Extensions.Options;
using Npgsql;

namespace Orchestrator.Engine;

/// <summary>Rejects engine options that cannot work, every problem at once, each naming its configuration key.</summary>
internal sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Postgres))
        {
            errors.Add("Orchestrator:Postgres is not set: give an Npgsql connection string (env Orchestrator__Postgres).");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.Postgres);
            }
            catch (ArgumentException e)
            {
                // the message names the bad keyword, never the value (a password may be in it)
                errors.Add($"Orchestrator:Postgres is not an Npgsql connection string: {e.Message}");
            }
        }
        if (string.IsNullOrWhiteSpace(options.RabbitMq))
        {
            errors.Add("Orchestrator:RabbitMq is not set: give an AMQP URI such as amqp://user:password@127.0.0.1:5672/ (env Orchestrator__RabbitMq).");
        }
        else if (Broker.RabbitMqSetup.Validate(options) is { } problem)
        {
            errors.Add(problem);
        }
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.EventsExchange ?? "", @"^orchestrator\.events(\.[a-z0-9-]+)*$"))
        {
            errors.Add($"Orchestrator:EventsExchange must be 'orchestrator.events' or start with 'orchestrator.events.' followed by lower-case letters, digits and '-' (the engine's broker permissions name these), not '{options.EventsExchange}'.");
        }
        if (string.IsNullOrWhiteSpace(options.EngineQueue))
        {
            errors.Add("Orchestrator:EngineQueue must not be empty (default orchestrator-engine).");
        }
        if (options.RequiresApiKey && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            errors.Add("Orchestrator:ApiKey holds only white space: set a real key, or leave it empty to run the API without one.");
        }
        else if (options.RequiresApiKey && options.ApiKey!.Any(c => c is < (char)0x21 or > (char)0x7e))
        {
            errors.Add("Orchestrator:ApiKey may hold only visible ASCII characters (callers send it as header X-Api-Key).");
        }
        errors.AddRange(options.Retention?.Check() ?? []);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
