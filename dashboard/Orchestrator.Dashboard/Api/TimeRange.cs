using System.Globalization;

namespace Orchestrator.Dashboard.Api;

/// <summary>
/// The list's time range, kept in its URL as <c>range=1h|24h|7d|30d</c> (relative: the last hour whenever the page loads) or
/// <c>range=custom&amp;from=ISO&amp;to=ISO</c> (either end may be left out). It filters on the runs' start time.
/// </summary>
internal static class TimeRange
{
    public const string Custom = "custom";

    /// <summary>The presets, in the order the list shows them: URL value, label, span back from now.</summary>
    public static IReadOnlyList<(string Value, string Label, TimeSpan Span)> Presets { get; } =
    [
        ("1h", "Last hour", TimeSpan.FromHours(1)),
        ("24h", "Last 24 hours", TimeSpan.FromDays(1)),
        ("7d", "Last 7 days", TimeSpan.FromDays(7)),
        ("30d", "Last 30 days", TimeSpan.FromDays(30)),
    ];

    /// <summary>
    /// The start-time bounds of <paramref name="range"/> at <paramref name="now"/>: (null, null) without a range; else the bounds, or
    /// <paramref name="error"/> for a range, a from or a to that cannot be read (nothing is listed then: a view must never show more than it says).
    /// </summary>
    public static (DateTimeOffset? After, DateTimeOffset? Before) Resolve(string? range, string? from, string? to, DateTimeOffset now, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(range))
        {
            return (null, null);
        }
        foreach (var preset in Presets)
        {
            if (preset.Value == range)
            {
                return (now - preset.Span, null);
            }
        }
        if (range != Custom)
        {
            error = $"The time range '{Cut(range)}' is not one of {string.Join(", ", Presets.Select(p => p.Value))} or custom.";
            return (null, null);
        }
        var after = Read(from, "from", ref error);
        var before = Read(to, "to", ref error);
        if (error is null && after is { } a && before is { } b && b <= a)
        {
            error = $"The time range ends ({ListQuery.Literal(b)}) before it starts ({ListQuery.Literal(a)}).";
        }
        return error is null ? (after, before) : (null, null);
    }

    /// <summary>A URL value of a custom range's end: an ISO 8601 time (a time without an offset is UTC).</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The value of a <c>datetime-local</c> input for <paramref name="time"/> (UTC).</summary>
    public static string LocalInput(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A <c>datetime-local</c> input's value (UTC) or an ISO time; null when blank or unreadable.</summary>
    public static DateTimeOffset? ParseInput(string? text)
        => !string.IsNullOrWhiteSpace(text) && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static DateTimeOffset? Read(string? text, string name, ref string? error)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (ParseInput(text) is { } t)
        {
            return t;
        }
        error ??= $"The time range's '{name}' ('{Cut(text)}') is not a date and time (e.g. 2026-12-01T00:00:00Z).";
        return null;
    }

    private static string Cut(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
