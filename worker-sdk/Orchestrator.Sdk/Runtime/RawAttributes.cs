using System.Runtime.CompilerServices;
using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Reads one top-level attribute of an event with a <see cref="Utf8JsonReader"/> over its unparsed JSON text (events of
/// <see cref="HistoryJson.ParseHistoryPage(ReadOnlyMemory{byte})"/>), so that matching a command does not build a
/// document; events whose attributes are parsed already are read through <see cref="HistoryEvent.Attributes"/>. Either way
/// the answer is that of <see cref="CommandMatcher.Int"/> and <see cref="CommandMatcher.Str"/> on the parsed attributes:
/// the last of duplicate names counts, as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> finds it.
/// </summary>
internal static class RawAttributes
{
    /// <summary>The attribute as an int when it is a number (<see cref="FormatException"/> when it does not fit), else null.</summary>
    public static int? Int(HistoryEvent e, ReadOnlySpan<byte> name)
    {
        var raw = e.RawAttributes;
        if (raw.IsEmpty)
        {
            return CommandMatcher.Int(e.Attributes, System.Text.Encoding.UTF8.GetString(name));
        }
        return Find(raw.Span, name, out var reader) && reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : null;
    }

    /// <summary>Whether the attribute is a string equal to <paramref name="expected"/> (null: absent or not a string).</summary>
    public static bool StrEquals(HistoryEvent e, ReadOnlySpan<byte> name, string? expected)
    {
        var raw = e.RawAttributes;
        if (raw.IsEmpty)
        {
            return CommandMatcher.Str(e.Attributes, System.Text.Encoding.UTF8.GetString(name)) == expected;
        }
        if (!Find(raw.Span, name, out var reader) || reader.TokenType != JsonTokenType.String)
        {
            return expected is null;
        }
        return expected is not null && reader.ValueTextEquals(expected);
    }

    /// <summary>The attribute's value unless absent or JSON null, as <see cref="CommandMatcher.Json"/>: a document of that value alone when unparsed.</summary>
    public static JsonElement? Json(HistoryEvent e, ReadOnlySpan<byte> name)
    {
        var raw = e.RawAttributes;
        if (raw.IsEmpty)
        {
            return CommandMatcher.Json(e.Attributes, System.Text.Encoding.UTF8.GetString(name));
        }
        return Find(raw.Span, name, out var reader) && reader.TokenType != JsonTokenType.Null ? JsonElement.ParseValue(ref reader) : null;
    }

    /// <summary>Positions <paramref name="value"/> on the value of the last top-level property <paramref name="name"/> of an object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop: compiled optimized at once (see ParseHistoryPage)
    private static bool Find(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, out Utf8JsonReader value)
    {
        var reader = new Utf8JsonReader(json);
        value = default;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                value = reader;
                found = true;
            }
            reader.Skip();
        }
        return found;
    }
}
