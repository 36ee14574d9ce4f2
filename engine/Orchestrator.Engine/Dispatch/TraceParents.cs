using System.Diagnostics;

namespace Orchestrator.Engine.Dispatch;

/// <summary>W3C trace contexts of new runs (its own file: the decider needs it, and Orchestrator.Testing links the decider).</summary>
internal static class TraceParents
{
    /// <summary>The W3C trace context to store with a new run: the current span's, or a fresh trace.</summary>
    public static string New() =>
        Activity.Current?.Id is { } id && Activity.Current.IdFormat == ActivityIdFormat.W3C
            ? id
            : $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
}
