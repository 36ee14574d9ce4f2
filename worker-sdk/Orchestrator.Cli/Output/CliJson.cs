using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Cli.Output;

/// <summary>
/// The JSON of <c>--output json</c>: the engine's conventions (web defaults: camelCase; enums as strings; nulls written, as
/// the engine writes them), indented, or one object per line for streams (<c>history --follow</c>).
/// </summary>
internal static class CliJson
{
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    public static Task WriteAsync<T>(TextWriter writer, T value, bool indented = true) =>
        writer.WriteLineAsync(JsonSerializer.Serialize(value, indented ? Indented : Compact));

    /// <summary>A JSON value as one compact line (for tables), cut at <paramref name="max"/> characters.</summary>
    public static string Inline(JsonElement? value, int max = 500)
    {
        if (value is not { ValueKind: not JsonValueKind.Undefined } v)
        {
            return "";
        }
        var text = JsonSerializer.Serialize(v, Compact);
        return text.Length <= max ? text : text[..max] + "…";
    }

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
