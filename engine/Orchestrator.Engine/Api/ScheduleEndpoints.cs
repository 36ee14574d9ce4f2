using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Schedules;

namespace Orchestrator.Engine.Api;

/// <summary>The schedules API of DESIGN.md under <c>/api/v1/schedules</c> (docs/triggers.md).</summary>
internal static class ScheduleEndpoints
{
    public const string Tag = "Schedules";

    public static void MapScheduleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/schedules").WithTags(Tag).RequireAuthorization(ApiKeyAuthentication.Policy).AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (BodyException e)
            {
                return e.Problem;
            }
        });
        api.ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapPost("/", CreateAsync).WithName("CreateSchedule")
            .WithSummary("Create a schedule")
            .WithDescription("Stores a schedule; any engine fires it. Each scheduled time starts at most one run, with workflow id `{scheduleId}-{scheduledTime:yyyy-MM-ddTHH:mm:ssZ}`. 409 when the id exists; 400 with the reason for a bad spec (e.g. a cron expression).")
            .Accepts<ScheduleDefinition>("application/json").Produces<CreateScheduleResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413);
        api.MapGet("/", ListAsync).WithName("ListSchedules")
            .WithSummary("List schedules")
            .WithDescription("Schedules by id, one page at a time; pass `nextPageToken` as `pageToken` for the next page.")
            .Produces<ScheduleListPage>().ProducesProblem(400);
        api.MapGet("/{scheduleId}", DescribeAsync).WithName("DescribeSchedule")
            .WithSummary("Describe a schedule")
            .WithDescription("The schedule (defaults filled in) and its info: the next 10 times, the last 10 actions, the running workflows and the counters.")
            .Produces<ScheduleDescription>().ProducesProblem(404);
        api.MapPut("/{scheduleId}", UpdateAsync).WithName("UpdateSchedule")
            .WithSummary("Replace a schedule")
            .WithDescription("Replaces spec, action, policy and state; the times from now on follow the new spec. Counters and recent actions are kept.")
            .Accepts<ScheduleDefinition>("application/json").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413);
        api.MapDelete("/{scheduleId}", DeleteAsync).WithName("DeleteSchedule")
            .WithSummary("Delete a schedule")
            .WithDescription("Deletes the schedule; the workflows it started keep running.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(404);
        api.MapPost("/{scheduleId}/pause", PauseAsync).WithName("PauseSchedule")
            .WithSummary("Pause a schedule")
            .WithDescription("No scheduled time is taken while paused (triggers and backfills still act). The body is optional.")
            .Accepts<ScheduleNoteRequest>("application/json").Produces(StatusCodes.Status204NoContent).ProducesProblem(400).ProducesProblem(404);
        api.MapPost("/{scheduleId}/unpause", UnpauseAsync).WithName("UnpauseSchedule")
            .WithSummary("Unpause a schedule")
            .WithDescription("Resumes with the first time after now: the times that passed while paused are not caught up. The body is optional.")
            .Accepts<ScheduleNoteRequest>("application/json").Produces(StatusCodes.Status204NoContent).ProducesProblem(400).ProducesProblem(404);
        api.MapPost("/{scheduleId}/trigger", TriggerAsync).WithName("TriggerSchedule")
            .WithSummary("Trigger a schedule now")
            .WithDescription("Acts on the time now (whole seconds) by the overlap policy (the body's, else the schedule's). 409 when this second was acted on already.")
            .Accepts<TriggerScheduleRequest>("application/json").Produces<TriggerScheduleResponse>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        api.MapPost("/{scheduleId}/backfill", BackfillAsync).WithName("BackfillSchedule")
            .WithSummary("Backfill a schedule")
            .WithDescription("Acts on each of the schedule's times in [startAt, endAt) as if it were due now, in order, by the overlap policy (the body's, else the schedule's); times acted on before are left out.")
            .Accepts<BackfillScheduleRequest>("application/json").Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(404);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ScheduleService schedules, Visibility.SearchAttributeRefresher searchAttributes, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<ScheduleDefinition>(request, ct);
        if (ScheduleValidator.Validate(body, null, out var error) is not { } valid)
        {
            return Problems.BadRequest(error!);
        }
        if (await CheckSearchAttributesAsync(valid, searchAttributes, ct) is { } attributesError)
        {
            return Problems.BadRequest(attributesError);
        }
        return await schedules.CreateAsync(valid)
            ? Results.Created($"/api/v1/schedules/{Uri.EscapeDataString(valid.ScheduleId)}", new CreateScheduleResponse(valid.ScheduleId))
            : Problems.Conflict($"A schedule with id '{valid.ScheduleId}' exists.");
    }

    /// <summary>The action's search attributes must be registered, with values of their types, as a start's must.</summary>
    private static async Task<string?> CheckSearchAttributesAsync(ValidSchedule schedule, Visibility.SearchAttributeRefresher searchAttributes, CancellationToken ct)
    {
        var (_, error) = await VisibilityEndpoints.CheckStartAttributesAsync(schedule.Action.SearchAttributes, searchAttributes, ct);
        return error is null ? null : "'action." + error[1..];
    }

    private static async Task<IResult> ListAsync(int? pageSize, string? pageToken, ScheduleService schedules, CancellationToken ct)
    {
        var size = pageSize ?? ApiLimits.DefaultListPageSize;
        if (size < 1 || size > ApiLimits.MaxListPageSize)
        {
            return Problems.BadRequest($"'pageSize' must be between 1 and {ApiLimits.MaxListPageSize}.");
        }
        string? after = null;
        if (pageToken is not null && !IdPageToken.TryDecode('s', pageToken, out after))
        {
            return Problems.BadRequest("'pageToken' is not a token this API gave.");
        }
        var page = await schedules.ListAsync(after, size, ct);
        return Results.Ok(page with { NextPageToken = page.NextPageToken is { } last ? IdPageToken.Encode('s', last) : null });
    }

    private static async Task<IResult> DescribeAsync(string scheduleId, ScheduleService schedules, CancellationToken ct) =>
        await schedules.DescribeAsync(scheduleId, ct) is { } description ? Results.Ok(description) : NotFound(scheduleId);

    private static async Task<IResult> UpdateAsync(string scheduleId, HttpRequest request, ScheduleService schedules, Visibility.SearchAttributeRefresher searchAttributes, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<ScheduleDefinition>(request, ct);
        if (ScheduleValidator.Validate(body, scheduleId, out var error) is not { } valid)
        {
            return Problems.BadRequest(error!);
        }
        if (await CheckSearchAttributesAsync(valid, searchAttributes, ct) is { } attributesError)
        {
            return Problems.BadRequest(attributesError);
        }
        return await schedules.UpdateAsync(valid) ? Results.NoContent() : NotFound(scheduleId);
    }

    private static async Task<IResult> DeleteAsync(string scheduleId, ScheduleService schedules) =>
        await schedules.DeleteAsync(scheduleId) ? Results.NoContent() : NotFound(scheduleId);

    private static async Task<IResult> PauseAsync(string scheduleId, HttpRequest request, ScheduleService schedules, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<ScheduleNoteRequest>(request, ct);
        if (ScheduleValidator.CheckNote(body?.Note) is { } error)
        {
            return Problems.BadRequest(error);
        }
        return await schedules.PauseAsync(scheduleId, body?.Note) ? Results.NoContent() : NotFound(scheduleId);
    }

    private static async Task<IResult> UnpauseAsync(string scheduleId, HttpRequest request, ScheduleService schedules, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<ScheduleNoteRequest>(request, ct);
        if (ScheduleValidator.CheckNote(body?.Note) is { } error)
        {
            return Problems.BadRequest(error);
        }
        return await schedules.UnpauseAsync(scheduleId, body?.Note) ? Results.NoContent() : NotFound(scheduleId);
    }

    private static async Task<IResult> TriggerAsync(string scheduleId, HttpRequest request, ScheduleService schedules, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<TriggerScheduleRequest>(request, ct);
        if (ScheduleValidator.CheckOverlap(body?.Overlap) is { } error)
        {
            return Problems.BadRequest(error);
        }
        try
        {
            return await schedules.TriggerAsync(scheduleId, body?.Overlap) is { } triggered ? Results.Ok(triggered) : NotFound(scheduleId);
        }
        catch (ScheduleTimeTakenException e)
        {
            return Problems.Conflict($"Schedule '{scheduleId}' acted on {e.At:yyyy-MM-ddTHH:mm:ssZ} already; trigger again in the next second.");
        }
    }

    private static async Task<IResult> BackfillAsync(string scheduleId, HttpRequest request, ScheduleService schedules, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<BackfillScheduleRequest>(request, ct);
        if (body is not { StartAt: { } start, EndAt: { } end })
        {
            return Problems.BadRequest("The request body needs {\"startAt\",\"endAt\",\"overlap\"?} (ISO 8601 times).");
        }
        if (end <= start)
        {
            return Problems.BadRequest("'endAt' must be after 'startAt'.");
        }
        if (ScheduleValidator.CheckOverlap(body.Overlap) is { } error)
        {
            return Problems.BadRequest(error);
        }
        return await schedules.BackfillAsync(scheduleId, start.UtcDateTime, end.UtcDateTime, body.Overlap) ? Results.Accepted() : NotFound(scheduleId);
    }

    private static IResult NotFound(string scheduleId) => Problems.NotFound($"No schedule '{scheduleId}'.");
}
