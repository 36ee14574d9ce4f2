using System.Text.Json;
using Npgsql;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Visibility;
using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Engine.Api;

/// <summary>
/// The visibility API: the search attribute registry (<c>/api/v1/search-attributes</c>), and the list and count of runs by
/// query (<c>GET /api/v1/workflows?query=</c>, <c>GET /api/v1/workflows/count</c>; mapped with the workflow API).
/// </summary>
internal static class VisibilityEndpoints
{
    public const string Tag = "Search attributes";

    public static void MapSearchAttributeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/search-attributes").WithTags(Tag).RequireAuthorization(ApiKeyAuthentication.Policy).AddEndpointFilter(async (context, next) =>
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
        api.MapPost("/", RegisterAsync).WithName("RegisterSearchAttribute")
            .WithSummary("Register a search attribute")
            .WithDescription("Registers `name` with `type` (Keyword, Text, Int, Double, Bool, Datetime, KeywordList). 201 when registered, 200 when it exists with that type, 409 when it exists with another.")
            .Accepts<SearchAttributeDefinition>("application/json")
            .Produces<SearchAttributeDefinition>(StatusCodes.Status201Created).Produces<SearchAttributeDefinition>()
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413);
        api.MapGet("/", ListAttributesAsync).WithName("ListSearchAttributes")
            .WithSummary("List search attributes")
            .WithDescription("Every registered search attribute with its type, by name.")
            .Produces<SearchAttributeList>();
    }

    private static async Task<IResult> RegisterAsync(HttpRequest request, VisibilityStore store, SearchAttributeRefresher refresher, ILogger<SearchAttributeRefresher> logger,
        CancellationToken ct)
    {
        var body = await ReadDefinitionAsync(request, ct);
        if (body.Error is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        var (name, type) = (body.Name!, body.Type!.Value);
        var registered = await store.RegisterSearchAttributeAsync(name, type, SearchAttributeRules.MaxRegistered, ct)
            ?? await store.RegisterSearchAttributeAsync(name, type, SearchAttributeRules.MaxRegistered, ct); // a registration racing ours committed between
        if (registered is not { } r)
        {
            return Problems.Conflict($"The registry holds {SearchAttributeRules.MaxRegistered} search attributes, the most it may.");
        }
        await refresher.RefreshAsync(ct);
        if (r.Type != type)
        {
            return Problems.Conflict($"Search attribute '{name}' exists with type {r.Type}.");
        }
        if (!r.Created)
        {
            return Results.Ok(new SearchAttributeDefinition(name, type));
        }
        Log.SearchAttributeRegistered(logger, name, type.ToString());
        return Results.Created($"/api/v1/search-attributes/{name}", new SearchAttributeDefinition(name, type));
    }

    /// <summary>The body of a registration, read by hand so a bad type gets the list of types.</summary>
    private static async Task<(string? Name, SearchAttributeType? Type, string? Error)> ReadDefinitionAsync(HttpRequest request, CancellationToken ct)
    {
        const string shape = "The request body must be {\"name\", \"type\"} with type one of Keyword, Text, Int, Double, Bool, Datetime, KeywordList.";
        var raw = await RequestBodies.ReadRawAsync(request, ct);
        if (raw is not { ValueKind: JsonValueKind.Object } body)
        {
            return (null, null, shape);
        }
        var name = body.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (SearchAttributeRules.CheckName(name) is { } error)
        {
            return (null, null, error);
        }
        if (!body.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String
            || !Enum.TryParse<SearchAttributeType>(t.GetString(), ignoreCase: false, out var type) || !Enum.IsDefined(type) || char.IsDigit(t.GetString()![0]))
        {
            return (null, null, shape);
        }
        return (name, type, null);
    }

    private static async Task<IResult> ListAttributesAsync(VisibilityStore store, CancellationToken ct) =>
        Results.Ok(new SearchAttributeList(await store.ReadSearchAttributesAsync(ct)));

    /// <summary>
    /// The search attributes of a start, checked against the registry (read again once when one is not known here yet):
    /// their stored JSON, or an error.
    /// </summary>
    public static async Task<(string? Json, string? Error)> CheckStartAttributesAsync(IReadOnlyDictionary<string, JsonElement>? given, SearchAttributeRefresher refresher,
        CancellationToken ct)
    {
        if (given is null || given.Count == 0)
        {
            return (null, null);
        }
        var values = given.Select(g => KeyValuePair.Create(g.Key, (JsonElement?)g.Value)).ToList();
        if (given.Keys.Any(k => !refresher.Catalog.Current.ContainsKey(k)))
        {
            await refresher.RefreshAsync(ct);
        }
        var error = SearchAttributeRules.Merge(values, refresher.Catalog.Current, null, allowRemove: false, out var json, out _);
        return error is null ? (json, null) : (null, $"'searchAttributes': {error}");
    }

    /// <summary>400 for a query that does not parse or compile: the detail, and where (<c>position</c>, 0-based) and what was expected.</summary>
    public static IResult QueryProblem(QueryException e) => Results.Problem(e.Message, statusCode: 400, title: "Bad query",
        extensions: new Dictionary<string, object?> { ["position"] = e.Position, ["expected"] = e.Expected });

    /// <summary>Runs a list or count query: a bad query or page token is a 400, a query over its time a 503; nothing else is caught.</summary>
    public static async Task<IResult> RunAsync(string? query, ILogger logger, Func<Task<IResult>> run)
    {
        try
        {
            return await run();
        }
        catch (QueryException e)
        {
            return QueryProblem(e);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // a data exception: a value the casts could not read (a page token's key that was tampered with)
            return Problems.BadRequest($"A value of the query or of 'pageToken' could not be read: {e.MessageText}");
        }
        catch (Exception e) when (e is NpgsqlException { InnerException: TimeoutException } or PostgresException { SqlState: "57014" })
        {
            Log.ListQueryTimedOut(logger, VisibilityStore.QueryTimeoutSeconds, query ?? "");
            return Results.Problem($"The query ran longer than {VisibilityStore.QueryTimeoutSeconds} s; narrow it (an indexed field such as WorkflowType, ExecutionStatus, StartTime or an attribute's equality).",
                statusCode: 503, title: "Query too slow");
        }
    }
}
