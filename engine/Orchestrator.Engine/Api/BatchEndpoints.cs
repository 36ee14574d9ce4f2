using Npgsql;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Batches;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Engine.Api;

/// <summary>The batch operations API of DESIGN.md under <c>/api/v1/batches</c> (docs/visibility.md "Batch operations").</summary>
internal static class BatchEndpoints
{
    public const string Tag = "Batches";

    public static void MapBatchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/batches").WithTags(Tag).RequireAuthorization(ApiKeyAuthentication.Policy).AddEndpointFilter(async (context, next) =>
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

        api.MapPost("/", StartAsync).WithName("StartBatch")
            .WithSummary("Start a batch operation")
            .WithDescription("Cancels, terminates or signals every open run matching `query` (the list query language of docs/visibility.md), at most `maxPerSecond` runs a second (default 50, at most 1000). The runs are fixed when the batch is created: runs started later are not included. Each is acted on once, also when an engine dies mid-batch; a run that closed meanwhile is counted failed with the reason. `signalName` (required) and `input` are for `signal` only, `reason` for `cancel` and `terminate` (default `batch {batchId}`). A bad query: 400 with `position` (0-based) and `expected`.")
            .Accepts<StartBatchRequest>("application/json")
            .Produces<StartBatchResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(503);
        api.MapGet("/{batchId}", DescribeAsync).WithName("DescribeBatch")
            .WithSummary("Describe a batch operation")
            .WithDescription("The batch's state (Running, Completed, Canceled) and progress: how many runs it targets, how many were acted on (`done`) and how many could not be (`failed`), with the first 100 failures and their reasons.")
            .Produces<BatchDescription>().ProducesProblem(404);
        api.MapPost("/{batchId}/cancel", CancelAsync).WithName("CancelBatch")
            .WithSummary("Cancel a batch operation")
            .WithDescription("Stops the batch: no run is acted on after this answers (the runs not reached yet are left as they are). Answers the batch, Canceled; canceling a canceled batch answers it again; 409 when it completed.")
            .Produces<BatchDescription>().ProducesProblem(404).ProducesProblem(409);
    }

    private static async Task<IResult> StartAsync(HttpRequest request, BatchService batches, BatchSettings settings, ILogger<BatchService> logger, CancellationToken ct)
    {
        var body = BatchRequest.Read(await RequestBodies.ReadRawAsync(request, ct), settings.MaxPerSecondLimit, out var error);
        if (body is null)
        {
            return Problems.BadRequest(error!);
        }
        try
        {
            var (batchId, total) = await batches.CreateAsync(body, ct);
            return Results.Created($"/api/v1/batches/{batchId}", new StartBatchResponse(batchId.ToString(), total));
        }
        catch (QueryException e)
        {
            return VisibilityEndpoints.QueryProblem(e);
        }
        catch (BatchTooLargeException e)
        {
            return Problems.BadRequest($"The query matches more than {e.Limit} open runs, the most one batch may act on (Orchestrator:Batches:MaxRuns); narrow it, e.g. by StartTime.");
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            return Problems.BadRequest($"A value of the query could not be read: {e.MessageText}");
        }
        catch (Exception e) when (e is NpgsqlException { InnerException: TimeoutException } or PostgresException { SqlState: "57014" })
        {
            Log.ListQueryTimedOut(logger, BatchStore.CreateTimeoutSeconds, body.Query);
            return Results.Problem($"Finding the runs of the query took longer than {BatchStore.CreateTimeoutSeconds} s; nothing was created. Narrow it (an indexed field such as WorkflowType, StartTime or an attribute's equality).",
                statusCode: 503, title: "Query too slow");
        }
    }

    private static async Task<IResult> DescribeAsync(string batchId, BatchService batches, CancellationToken ct) =>
        Guid.TryParse(batchId, out var id) && await batches.DescribeAsync(id, ct) is { } batch ? Results.Ok(batch) : NotFound(batchId);

    private static async Task<IResult> CancelAsync(string batchId, BatchService batches, CancellationToken ct)
    {
        if (!Guid.TryParse(batchId, out var id) || await batches.CancelAsync(id, ct) is not { } batch)
        {
            return NotFound(batchId);
        }
        return batch.State == BatchState.Completed
            ? Problems.Conflict($"Batch '{batchId}' completed ({batch.Done} done, {batch.Failed} failed); there is nothing left to cancel.")
            : Results.Ok(batch);
    }

    private static IResult NotFound(string batchId) => Problems.NotFound($"No batch '{batchId}'.");
}
