namespace Orchestrator.Contracts.Api;

/// <summary>Times every <paramref name="Every"/> since 1970-01-01T00:00:00Z, shifted by <paramref name="Offset"/>.</summary>
/// <param name="Every">The period (TimeSpan, e.g. <c>"00:15:00"</c>); at least one second.</param>
/// <param name="Offset">The shift within the period; default zero, less than <paramref name="Every"/>.</param>
public sealed record ScheduleInterval(TimeSpan Every, TimeSpan? Offset = null);
