using System.Globalization;
using Spectre.Console;

namespace Orchestrator.Cli.Output;

/// <summary>Small helpers of the human output. Every value from the engine is shown as text, never as markup.</summary>
internal static class Display
{
    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "";

    public static string Duration(TimeSpan value) =>
        value.TotalSeconds < 60 ? value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : value.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>A status in its colour: green completed, red failed/timed out/terminated, yellow canceled, blue running.</summary>
    public static Text Status(string status) => new(status, new Style(status switch
    {
        "Completed" => Color.Green,
        "Failed" or "TimedOut" or "Terminated" => Color.Red,
        "Canceled" => Color.Yellow,
        "Running" => Color.Blue,
        _ => Color.Default,
    }));

    public static Text Plain(string? value) => new(value ?? "");
}
