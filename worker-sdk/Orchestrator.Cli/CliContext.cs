using System.CommandLine;
using Orchestrator.Cli.Output;
using Orchestrator.Sdk;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>One command's run: its output, its global options and (made on first use) the engine's client.</summary>
internal sealed class CliContext : IDisposable
{
    /// <summary>A call that takes longer fails with exit 4 (the result long-poll asks for 30 s).</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(100);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly CliTerminal _terminal;
    private readonly string? _addressText;
    private readonly string? _apiKey;
    private OrchestratorClient? _client;
    private HttpClient? _http;

    public CliContext(CliTerminal terminal, GlobalOptions globals, ParseResult parse)
    {
        _terminal = terminal;
        Format = globals.FormatOf(parse);
        _addressText = parse.GetValue(globals.Address) ?? NonEmpty(terminal.Environment(GlobalOptions.AddressVariable));
        _apiKey = parse.GetValue(globals.ApiKey) ?? NonEmpty(terminal.Environment(GlobalOptions.ApiKeyVariable));
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal.Colour ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal.Colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(terminal.Out),
        });
        if (!terminal.OutIsTerminal)
        {
            Console.Profile.Width = 200; // a file or a pipe: no wrapping at 80 columns
        }
    }

    public OutputFormat Format { get; }

    public bool Json => Format == OutputFormat.Json;

    public TextWriter Out => _terminal.Out;

    public TextWriter Error => _terminal.Error;

    public bool ErrorIsTerminal => _terminal.ErrorIsTerminal;

    /// <summary>stdin, when a person at a terminal can answer a question on it; else null (a pipe, a file, a script, CI).</summary>
    public TextReader? Interactive => _terminal.InIsTerminal ? _terminal.In : null;

    /// <summary>Tables and colour on stdout.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The engine's address as given (for messages).</summary>
    public string AddressText => _addressText ?? GlobalOptions.DefaultAddress;

    /// <summary>An API key was given (for the message of a 401).</summary>
    public bool HasApiKey => _apiKey is not null;

    /// <summary>The engine's client; a bad <c>--address</c> or <c>--api-key</c> fails with exit 2.</summary>
    public OrchestratorClient Client => _client ??= CreateClient();

    private OrchestratorClient CreateClient()
    {
        if (!Uri.TryCreate(AddressText, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https") || address.Host.Length == 0)
        {
            throw new CliException(ExitCodes.Usage, $"--address '{AddressText}' is not an http:// or https:// URL (e.g. {GlobalOptions.DefaultAddress}).");
        }
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = ConnectTimeout }) { Timeout = CallTimeout };
        try
        {
            return new OrchestratorClient(address, _http) { ApiKey = _apiKey };
        }
        catch (ArgumentException)
        {
            throw new CliException(ExitCodes.Usage, "--api-key may hold only visible ASCII characters (no spaces or control characters).");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    public void Dispose()
    {
        _client?.Dispose();
        _http?.Dispose();
    }
}
