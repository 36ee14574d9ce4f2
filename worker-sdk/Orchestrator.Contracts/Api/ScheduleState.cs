namespace Orchestrator.Contracts.Api;

/// <summary>Whether a schedule fires.</summary>
/// <param name="Paused">A paused schedule takes no scheduled times (they are not caught up on unpause).</param>
/// <param name="Note">Why it was paused or unpaused.</param>
/// <param name="RemainingActions">Scheduled starts still allowed (null: no limit); triggers and backfills do not count.</param>
public sealed record ScheduleState(bool? Paused = null, string? Note = null, long? RemainingActions = null);
