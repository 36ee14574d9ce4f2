using System.Net.Http.Json;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Sdk;

/// <summary>A schedule of the engine (<see cref="OrchestratorClient.CreateScheduleAsync"/>, <see cref="OrchestratorClient.GetScheduleHandle"/>).</summary>
public sealed class ScheduleHandle
{
    private readonly OrchestratorClient _client;

    internal ScheduleHandle(OrchestratorClient client, string scheduleId)
    {
        _client = client;
        ScheduleId = scheduleId;
    }

    /// <summary>The schedule id.</summary>
    public string ScheduleId { get; }

    private string Path => "api/v1/schedules/" + Uri.EscapeDataString(ScheduleId);

    /// <summary>The schedule and its info: next times, recent actions, running workflows, counters.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The description.</returns>
    /// <exception cref="OrchestratorApiException">404 when there is no such schedule.</exception>
    public async Task<ScheduleDescription> DescribeAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, Path, null, cancellationToken).ConfigureAwait(false);
        return await _client.ReadAsync<ScheduleDescription>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces spec, action, policy and state (<c>PUT</c>); times from now on follow the new spec.</summary>
    /// <param name="schedule">The new definition (its id absent or this one).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine stored it.</returns>
    public Task UpdateAsync(ScheduleDefinition schedule, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, Path, schedule, cancellationToken);

    /// <summary>Deletes the schedule; the workflows it started keep running.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine deleted it.</returns>
    public Task DeleteAsync(CancellationToken cancellationToken = default) => SendAsync(HttpMethod.Delete, Path, null, cancellationToken);

    /// <summary>Pauses: no scheduled time is taken until unpaused.</summary>
    /// <param name="note">Why (shown in its state).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine paused it.</returns>
    public Task PauseAsync(string? note = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Path + "/pause", new ScheduleNoteRequest(note), cancellationToken);

    /// <summary>Unpauses: the next time is the first after now (the times passed while paused are not caught up).</summary>
    /// <param name="note">Why (shown in its state).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine unpaused it.</returns>
    public Task UnpauseAsync(string? note = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Path + "/unpause", new ScheduleNoteRequest(note), cancellationToken);

    /// <summary>Acts on the time now, by <paramref name="overlap"/> or the schedule's overlap policy.</summary>
    /// <param name="overlap">The overlap policy of this start; null: the schedule's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The time, its workflow id and what happened.</returns>
    /// <exception cref="OrchestratorApiException">409 when this second was acted on already.</exception>
    public async Task<TriggerScheduleResponse> TriggerAsync(ScheduleOverlapPolicy? overlap = null, CancellationToken cancellationToken = default)
    {
        using var response = await _client.SendAsync(HttpMethod.Post, Path + "/trigger",
            JsonContent.Create(new TriggerScheduleRequest(overlap), options: OrchestratorClient.Protocol), cancellationToken).ConfigureAwait(false);
        return await _client.ReadAsync<TriggerScheduleResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Acts on each of the schedule's times in [<paramref name="startAt"/>, <paramref name="endAt"/>), in order, as the engine gets to them.</summary>
    /// <param name="startAt">The first time of the range (inclusive).</param>
    /// <param name="endAt">The end of the range (exclusive).</param>
    /// <param name="overlap">The overlap policy of these starts; null: the schedule's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine accepted the backfill.</returns>
    public Task BackfillAsync(DateTimeOffset startAt, DateTimeOffset endAt, ScheduleOverlapPolicy? overlap = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Path + "/backfill", new BackfillScheduleRequest(startAt, endAt, overlap), cancellationToken);

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var content = body is null ? null : JsonContent.Create(body, body.GetType(), options: OrchestratorClient.Protocol);
        using var response = await _client.SendAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        await _client.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }
}
