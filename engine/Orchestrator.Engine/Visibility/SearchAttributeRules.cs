using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Engine.Visibility;

/// <summary>
/// What a search attribute may be: its name, its values by type, and how many and how large a run's may be. Values are
/// stored as jsonb in a canonical form (times in UTC, fixed format), so equality is containment (<c>@&gt;</c>, GIN-indexed).
/// </summary>
internal static partial class SearchAttributeRules
{
    public const int MaxNameLength = 64;

    /// <summary>Most characters of a Keyword or Text value, and of each item of a KeywordList.</summary>
    public const int MaxStringLength = 2048;

    /// <summary>Most items of a KeywordList value.</summary>
    public const int MaxListItems = 100;

    /// <summary>Most search attributes one run may have, and most one start or upsert may name.</summary>
    public const int MaxPerRun = 100;

    /// <summary>Largest JSON of a run's search attributes together (UTF-8 bytes), as Temporal's 40 KB.</summary>
    public const int MaxBytesPerRun = 40 * 1024;

    /// <summary>Most registered search attributes.</summary>
    public const int MaxRegistered = 500;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();

    /// <summary>Null when <paramref name="name"/> may be registered, else why not.</summary>
    public static string? CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "'name' is required.";
        }
        if (name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            return $"'name' must be a letter followed by letters, digits or '_', at most {MaxNameLength} characters.";
        }
        return QueryFields.IsBuiltIn(name) ? $"'{name}' is a built-in field; choose another name." : null;
    }

    /// <summary>
    /// Checks <paramref name="value"/> against <paramref name="type"/>: null and the value as stored (canonical JSON) when it
    /// fits, else what is wrong.
    /// </summary>
    public static string? Normalize(string name, SearchAttributeType type, JsonElement value, out JsonNode? stored)
    {
        stored = null;
        switch (type)
        {
            case SearchAttributeType.Keyword or SearchAttributeType.Text:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return $"search attribute '{name}' is {type}: its value must be a string.";
                }
                var text = value.GetString()!;
                if (text.Length > MaxStringLength)
                {
                    return $"search attribute '{name}' has {text.Length} characters; at most {MaxStringLength} are allowed.";
                }
                stored = JsonValue.Create(text);
                return null;
            case SearchAttributeType.Int:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var l))
                {
                    return $"search attribute '{name}' is Int: its value must be a whole number between {long.MinValue} and {long.MaxValue}.";
                }
                stored = JsonValue.Create(l);
                return null;
            case SearchAttributeType.Double:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || !double.IsFinite(d))
                {
                    return $"search attribute '{name}' is Double: its value must be a finite number.";
                }
                stored = JsonValue.Create(d);
                return null;
            case SearchAttributeType.Bool:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return $"search attribute '{name}' is Bool: its value must be true or false.";
                }
                stored = JsonValue.Create(value.GetBoolean());
                return null;
            case SearchAttributeType.Datetime:
                if (value.ValueKind != JsonValueKind.String || !TryParseTime(value.GetString()!, out var time))
                {
                    return $"search attribute '{name}' is Datetime: its value must be an ISO 8601 time with an offset, such as \"2026-11-01T00:00:00Z\".";
                }
                stored = JsonValue.Create(FormatTime(time));
                return null;
            case SearchAttributeType.KeywordList:
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxListItems)
                {
                    return $"search attribute '{name}' is KeywordList: its value must be an array of at most {MaxListItems} strings.";
                }
                var list = new JsonArray();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || item.GetString()!.Length > MaxStringLength)
                    {
                        return $"search attribute '{name}' is KeywordList: each item must be a string of at most {MaxStringLength} characters.";
                    }
                    list.Add(item.GetString());
                }
                stored = list;
                return null;
            default:
                return $"search attribute '{name}' has an unknown type.";
        }
    }

    /// <summary>
    /// Checks a start's or upsert's attributes against the registered <paramref name="types"/> and merges them into
    /// <paramref name="current"/> (the run's, as stored; null: none). Null values remove (<paramref name="allowRemove"/>).
    /// Returns the error, or null with <paramref name="merged"/> (null when the run ends up with none) and the canonical
    /// <paramref name="applied"/> values (null: removed).
    /// </summary>
    public static string? Merge(IEnumerable<KeyValuePair<string, JsonElement?>> given, IReadOnlyDictionary<string, SearchAttributeType> types, string? current,
        bool allowRemove, out string? merged, out Dictionary<string, JsonNode?> applied)
    {
        merged = current;
        applied = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var values = given.ToList();
        if (values.Count > MaxPerRun)
        {
            return $"at most {MaxPerRun} search attributes may be given at once; {values.Count} were.";
        }
        var result = current is null ? new JsonObject() : JsonNode.Parse(current)!.AsObject();
        foreach (var (name, value) in values)
        {
            if (name is null || !types.TryGetValue(name, out var type))
            {
                return $"search attribute '{Shown(name)}' is not registered (POST /api/v1/search-attributes registers it).";
            }
            if (value is null || value.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                if (!allowRemove)
                {
                    return $"search attribute '{name}' has no value.";
                }
                result.Remove(name);
                applied[name] = null;
                continue;
            }
            if (Normalize(name, type, value.Value, out var stored) is { } error)
            {
                return error;
            }
            result[name] = stored;
            applied[name] = stored?.DeepClone();
        }
        if (result.Count > MaxPerRun)
        {
            return $"a run may have at most {MaxPerRun} search attributes; this would give it {result.Count}.";
        }
        var json = result.ToJsonString();
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > MaxBytesPerRun)
        {
            return $"a run's search attributes may have at most {MaxBytesPerRun} bytes of JSON; this would give it {bytes}.";
        }
        merged = result.Count == 0 ? null : json;
        return null;
    }

    private static string Shown(string? name) => name is null ? "" : name.Length > MaxNameLength ? name[..MaxNameLength] + "..." : name;

    /// <summary>An ISO 8601 time with an offset (or 'Z'), in UTC.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out time)
        && (text.EndsWith('Z') || text.EndsWith('z') || text.Contains('+') || text.LastIndexOf('-') > 9);

    /// <summary>The stored form of a time: UTC, microseconds (what PostgreSQL keeps), fixed width.</summary>
    public static string FormatTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>A run's stored search attributes as the API shows them (empty when none).</summary>
    public static IReadOnlyDictionary<string, JsonElement> Read(string? stored)
    {
        if (stored is null)
        {
            return new Dictionary<string, JsonElement>();
        }
        using var doc = JsonDocument.Parse(stored);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }
}
