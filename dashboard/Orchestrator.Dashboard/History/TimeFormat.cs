using System.Globalization;

namespace Orchestrator.Dashboard.History;

/// <summary>Absolute (UTC), relative ("3 min ago") and duration texts.</summary>
internal static class TimeFormat
{
    public static string Absolute(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC";

    public static string Relative(DateTimeOffset time, DateTimeOffset now)
    {
        var delta = now - time;
        if (delta.Duration() < TimeSpan.FromSeconds(1))
        {
            return "just now";
        }
        var text = Duration(delta.Duration(), precise: false);
        return delta > TimeSpan.Zero ? text + " ago" : "in " + text;
    }

    /// <summary>"850 ms", "4.2 s", "3 min 4 s", "2 h 5 min", "3 d 2 h".</summary>
    public static string Duration(TimeSpan span, bool precise = true)
    {
        var inv = CultureInfo.InvariantCulture;
        if (span < TimeSpan.FromSeconds(1))
        {
            return ((int)span.TotalMilliseconds).ToString(inv) + " ms";
        }
        if (span < TimeSpan.FromMinutes(1))
        {
            return precise ? span.TotalSeconds.ToString("0.#", inv) + " s" : ((int)span.TotalSeconds).ToString(inv) + " s";
        }
        if (span < TimeSpan.FromHours(1))
        {
            return string.Create(inv, $"{(int)span.TotalMinutes} min {span.Seconds} s");
        }
        if (span < TimeSpan.FromDays(1))
        {
            return string.Create(inv, $"{(int)span.TotalHours} h {span.Minutes} min");
        }
        return string.Create(inv, $"{(int)span.TotalDays} d {span.Hours} h");
    }
}
