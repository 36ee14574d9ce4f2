using System.Text.RegularExpressions;

namespace Orchestrator.Engine.Api;

/// <summary>Input limits of the REST API (documented in the README).</summary>
internal static partial class ApiLimits
{
    /// <summary>Largest request body (start input, signal payload): 2 MiB; larger gets 413.</summary>
    public const long MaxBodyBytes = 2 * 1024 * 1024;

    /// <summary>
    /// After a 413 the rest of the body is read and dropped up to this many bytes in all (also Kestrel's
    /// <c>MaxRequestBodySize</c>) and for at most <see cref="DrainTime"/>, so a client that writes its whole body before it
    /// reads gets the answer instead of a reset; a larger or slower body gets the connection closed after the answer.
    /// </summary>
    public const long MaxDrainBytes = 32 * 1024 * 1024;

    /// <summary>How long a 413 waits for the rest of an oversized body (see <see cref="MaxDrainBytes"/>).</summary>
    public static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(10);

    public const int MaxNameLength = 200;
    public const int MaxWorkflowIdLength = 400;
    public const int DefaultHistoryPageSize = 1000;
    public const int MaxHistoryPageSize = 10_000;
    public const int DefaultListPageSize = 50;
    public const int MaxListPageSize = 1000;
    public const int DefaultResultWaitSeconds = 30;
    public const int MaxResultWaitSeconds = 60;

    /// <summary>Workflow types, task queues and signal names: letters, digits, '.', '_', '-', ':' (so they are safe queue names too).</summary>
    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    public static partial Regex NamePattern();

    public static string? CheckName(string what, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            return required ? $"'{what}' is required." : null;
        }
        if (value.Length > MaxNameLength)
        {
            return $"'{what}' is longer than {MaxNameLength} characters.";
        }
        return NamePattern().IsMatch(value) ? null : $"'{what}' may contain only letters, digits, '.', '_', '-' and ':'.";
    }

    public static string? CheckWorkflowId(string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length == 0 || value.Length > MaxWorkflowIdLength)
        {
            return $"'workflowId' must have 1 to {MaxWorkflowIdLength} characters.";
        }
        return value.Any(char.IsControl) ? "'workflowId' may not contain control characters." : null;
    }
}
