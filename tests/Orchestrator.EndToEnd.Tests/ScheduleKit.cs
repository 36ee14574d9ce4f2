using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>Schedule calls over REST and what PostgreSQL holds about a schedule's actions, for the schedule tests.</summary>
public static class ScheduleKit
{
    public sealed record ActionRow(DateTime ScheduledAt, string WorkflowId, Guid? RunId, string Kind, string FiredBy, string? Status,
        DateTime? StartedAt, DateTime? ClosedAt);

    public static async Task CreateAsync(Cluster cluster, object schedule, int engine = 0)
    {
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(engine), "/api/v1/schedules"), schedule);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<HttpStatusCode> PostAsync(Cluster cluster, string scheduleId, string what, object? body = null, int engine = 0)
    {
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(engine), $"/api/v1/schedules/{scheduleId}/{what}"), body ?? new { });
        return response.StatusCode;
    }

    public static async Task<JsonElement> DescribeAsync(Cluster cluster, string scheduleId, int engine = 0) =>
        JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.EngineUrl(engine), $"/api/v1/schedules/{scheduleId}"))).RootElement.Clone();

    /// <summary>The schedule's actions in scheduled order, with their runs, straight from PostgreSQL.</summary>
    public static async Task<IReadOnlyList<ActionRow>> ActionsAsync(Cluster cluster, string scheduleId)
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres);
        return (await connection.QueryAsync<ActionRow>("""
            SELECT a.scheduled_at AS ScheduledAt, a.workflow_id AS WorkflowId, a.run_id AS RunId, a.kind AS Kind, a.fired_by AS FiredBy,
                   r.status AS Status, r.started_at AS StartedAt, r.closed_at AS ClosedAt
            FROM schedule_actions a LEFT JOIN workflow_runs r ON r.run_id = a.run_id
            WHERE a.schedule_id = @scheduleId ORDER BY a.scheduled_at
            """, new { scheduleId })).ToList();
    }

    /// <summary>Every run whose workflow id starts with the schedule's id and a dash.</summary>
    public static async Task<IReadOnlyList<(string WorkflowId, string Status)>> RunsAsync(Cluster cluster, string scheduleId)
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres);
        return (await connection.QueryAsync<(string, string)>("SELECT workflow_id, status FROM workflow_runs WHERE starts_with(workflow_id, @prefix)",
            new { prefix = scheduleId + "-" })).ToList();
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the schedule's actions.</summary>
    public static async Task<IReadOnlyList<ActionRow>> WaitActionsAsync(Cluster cluster, string scheduleId, Func<IReadOnlyList<ActionRow>, bool> condition,
        string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Cluster.Timeout);
        while (true)
        {
            var actions = await ActionsAsync(cluster, scheduleId);
            if (condition(actions))
            {
                return actions;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Schedule {scheduleId}: {what} did not happen in time ({actions.Count} actions).\n{cluster.Logs()}");
            await Task.Delay(100);
        }
    }

    public static string DerivedId(string scheduleId, DateTime scheduled) => $"{scheduleId}-{scheduled.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}";

    public static object Schedule(Cluster cluster, string id, object spec, string overlap = "Skip", int delayMs = 0, string catchupWindow = "01:00:00",
        bool paused = false) => new
    {
        scheduleId = id, spec,
        action = new { workflowType = "ScheduledWorkflow", taskQueue = cluster.TaskQueue, input = delayMs },
        policy = new { overlap, catchupWindow },
        state = new { paused },
    };
}
