using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orchestrator.Dashboard.History;

/// <summary>Pretty and one-line renderings of JSON values for display.</summary>
internal static class JsonText
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Pretty(JsonElement? value)
        => value is not { } element || element.ValueKind == JsonValueKind.Undefined ? "null" : JsonSerializer.Serialize(element, Indented);

    public static string OneLine(JsonElement? value, int maxLength = 80)
    {
        var text = value is not { } element || element.ValueKind == JsonValueKind.Undefined ? "null" : JsonSerializer.Serialize(element, Compact);
        return text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength - 1), "…");
    }

    /// <summary>Null when <paramref name="text"/> is valid JSON (blank counts as <c>null</c>), else the parser's message.</summary>
    public static string? Validate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            using var _ = JsonDocument.Parse(text);
            return null;
        }
        catch (JsonException ex)
        {
            return ex.Message;
        }
    }
}
