using System.Text.Json;

namespace Orchestrator.Cli.Commands;

/// <summary>A JSON value given on the command line (<c>--input</c>), checked before anything is sent.</summary>
internal static class JsonInput
{
    public static JsonElement? Parse(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage,
                $"{option} is not valid JSON ({e.Message}); a string needs its quotes, e.g. {option} '\"text\"' or {option} '{{\"orderId\":\"o-1\"}}'.");
        }
    }
}
