using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.Engine.Api;

/// <summary>Reads request bodies with clear errors: 400 for malformed JSON or wrong types, 413 when too large.</summary>
internal static class RequestBodies
{
    public static async Task<T?> ReadAsync<T>(HttpRequest request, CancellationToken ct)
    {
        var raw = await ReadRawAsync(request, ct);
        if (raw is null)
        {
            return default;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(raw.Value, HistoryJson.Options);
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? null : e.Path.TrimStart('$', '.');
            if (path is not null && EnumAt<T>(path) is { } names)
            {
                throw new BodyException(Problems.BadRequest($"'{path}' must be one of {string.Join(", ", names)}."));
            }
            var where = path is null ? "" : $" at '{path}'";
            throw new BodyException(Problems.BadRequest($"The request body does not have the expected shape{where}: a value has the wrong JSON type."));
        }
    }

    /// <summary>The names of the string enum a property of <typeparamref name="T"/> holds (a path such as <c>policy.overlap</c>), if it is one.</summary>
    private static string[]? EnumAt<T>(string camelCasePath)
    {
        Type? type = typeof(T);
        foreach (var name in camelCasePath.Split('.'))
        {
            var property = type?.GetProperties().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }
        return type is { IsEnum: true } ? Enum.GetNames(type) : null;
    }

    /// <summary>The body as a JSON value (null when empty).</summary>
    public static async Task<JsonElement?> ReadRawAsync(HttpRequest request, CancellationToken ct)
    {
        var bytes = await ReadBytesAsync(request, ct);
        if (bytes.Length == 0)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new BodyException(Problems.BadRequest($"The request body is not valid JSON: {e.Message}"));
        }
    }

    /// <summary>The body's bytes, up to <see cref="ApiLimits.MaxBodyBytes"/> (413 past it).</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > ApiLimits.MaxBodyBytes)
        {
            throw new BodyException(Problems.TooLarge());
        }
        // stop as soon as the body is over the limit: Kestrel's own limit is far higher (ApiLimits.MaxDrainBytes), so that
        // the 413 can drain the rest of the body instead of Kestrel cutting the connection
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > ApiLimits.MaxBodyBytes)
                {
                    throw new BodyException(Problems.TooLarge());
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new BodyException(Problems.TooLarge());
        }
        return buffer.ToArray();
    }
}
