using System.Text.Json;

namespace Orchestrator.Sdk.Runtime;

/// <summary>JSON conversions of workflow payloads.</summary>
internal static class Payloads
{
    private static readonly JsonElement EmptyArray = JsonDocument.Parse("[]").RootElement.Clone();

    public static JsonElement? Serialize(object? value, JsonSerializerOptions options) =>
        value is null ? null : JsonSerializer.SerializeToElement(value, value.GetType(), options);

    public static JsonElement? Serialize(object? value, Type type, JsonSerializerOptions options) =>
        type == typeof(void) ? null : JsonSerializer.SerializeToElement(value, type, options);

    public static T? Deserialize<T>(JsonElement? json, JsonSerializerOptions options) =>
        json is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } value ? value.Deserialize<T>(options) : default;

    public static object? Deserialize(JsonElement? json, Type type, JsonSerializerOptions options)
    {
        if (json is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } value)
        {
            return value.Deserialize(type, options);
        }
        return type.IsValueType ? Activator.CreateInstance(type) : null;
    }

    /// <summary>Writes arguments as one JSON array.</summary>
    public static JsonElement SerializeArguments(IReadOnlyList<object?> values, IReadOnlyList<Type> types, JsonSerializerOptions options)
    {
        if (values.Count == 0)
        {
            return EmptyArray;
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < values.Count; i++)
            {
                JsonSerializer.Serialize(writer, values[i], types[i], options);
            }
            writer.WriteEndArray();
        }
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }
}
