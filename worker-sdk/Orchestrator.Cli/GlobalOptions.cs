using System.CommandLine;
using Orchestrator.Cli.Output;

namespace Orchestrator.Cli;

/// <summary>The options every command takes, before or after its name (<c>Recursive</c>).</summary>
internal sealed class GlobalOptions
{
    public const string DefaultAddress = "http://127.0.0.1:5080";

    public const string AddressVariable = "ORCHESTRATOR_ADDRESS";

    public const string ApiKeyVariable = "ORCHESTRATOR_API_KEY";

    // No DefaultValueFactory from the environment: help would print the key.
    public Option<string?> Address { get; } = new("--address")
    {
        Description = $"The engine's URL (env {AddressVariable}; default {DefaultAddress})",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"The engine's API key, sent as X-Api-Key (env {ApiKeyVariable})",
        Recursive = true,
    };

    public Option<string> Output { get; } = CreateOutput();

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table (for people) or json (for scripts)",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }

    public OutputFormat FormatOf(ParseResult parse) =>
        string.Equals(parse.GetValue(Output), "json", StringComparison.OrdinalIgnoreCase) ? OutputFormat.Json : OutputFormat.Table;
}
