using System.Collections.Specialized;
using System.Net;
using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Api;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Visibility;
using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// Visibility, answered as the engine's <c>VisibilityEndpoints</c> and the list and count of <c>WorkflowEndpoints</c>: the
/// search attribute registry, the search attributes of a start, and list and count by query (the engine's parser, the
/// semantics of its SQL compiler in <see cref="MemoryQuery"/>).
/// </summary>
internal sealed partial class MemoryApiHandler
{
    private const int MaxGroups = 1000;

    private IReadOnlyList<SearchAttributeDefinition> SearchAttributes() =>
        engine.Shell.Settings.SearchAttributes.Current.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new SearchAttributeDefinition(a.Key, a.Value)).ToList();

    private HttpResponseMessage RegisterSearchAttribute(string body)
    {
        const string shape = "The request body must be {\"name\", \"type\"} with type one of Keyword, Text, Int, Double, Bool, Datetime, KeywordList.";
        if (Parse(body) is not { ValueKind: JsonValueKind.Object } request)
        {
            return BadRequest(shape);
        }
        var name = request.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (SearchAttributeRules.CheckName(name) is { } error)
        {
            return BadRequest(error);
        }
        if (!request.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String
            || !Enum.TryParse<SearchAttributeType>(t.GetString(), ignoreCase: false, out var type) || !Enum.IsDefined(type) || char.IsDigit(t.GetString()![0]))
        {
            return BadRequest(shape);
        }
        return Register(name!, type);
    }

    /// <summary>Registers a search attribute: 201, 200 when it exists with that type, 409 with another type or a full registry.</summary>
    private HttpResponseMessage Register(string name, SearchAttributeType type)
    {
        var catalog = engine.Shell.Settings.SearchAttributes;
        if (catalog.Current.TryGetValue(name, out var existing))
        {
            return existing == type ? Ok(new SearchAttributeDefinition(name, type)) : Conflict($"Search attribute '{name}' exists with type {existing}.");
        }
        if (catalog.Current.Count >= SearchAttributeRules.MaxRegistered)
        {
            return Conflict($"The registry holds {SearchAttributeRules.MaxRegistered} search attributes, the most it may.");
        }
        catalog.Replace(catalog.Current.Append(KeyValuePair.Create(name, type)));
        return Ok(new SearchAttributeDefinition(name, type), HttpStatusCode.Created);
    }

    /// <summary>The search attributes of a start, checked against the registry: null with their stored JSON, or the error.</summary>
    private string? StartAttributes(IReadOnlyDictionary<string, JsonElement>? given, out string? json)
    {
        json = null;
        if (given is null || given.Count == 0)
        {
            return null;
        }
        var values = given.Select(g => KeyValuePair.Create(g.Key, (JsonElement?)g.Value)).ToList();
        var error = SearchAttributeRules.Merge(values, engine.Shell.Settings.SearchAttributes.Current, null, allowRemove: false, out json, out _);
        return error is null ? null : $"'searchAttributes': {error}";
    }

    private HttpResponseMessage List(NameValueCollection query)
    {
        var size = Int(query, "pageSize") ?? ApiLimits.DefaultListPageSize;
        if (size < 1 || size > ApiLimits.MaxListPageSize || (query["pageSize"] is not null && Int(query, "pageSize") is null))
        {
            return BadRequest($"'pageSize' must be between 1 and {ApiLimits.MaxListPageSize}.");
        }
        if (query["status"] is { } status && !Enum.TryParse<WorkflowStatus>(status, ignoreCase: false, out _))
        {
            return BadRequest("'status' must be one of Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut.");
        }
        return Visibility(() =>
        {
            var compiler = new MemoryQuery(engine.Shell.Settings.SearchAttributes.Current);
            var parsed = QueryParser.ParseWithFilters(query["query"], query["status"], query["workflowType"], query["workflowIdPrefix"]);
            var where = compiler.Where(parsed.Where);
            var (field, descending, signature) = compiler.Order(parsed.Order);
            var comparer = Comparer<WorkflowRunRecord>.Create((a, b) => CompareKeys(MemoryQuery.Value(field, a), a.RunId, MemoryQuery.Value(field, b), b.RunId, descending));
            var runs = engine.Shell.Runs.Select(r => r.Run).Where(r => where(r) == true).Order(comparer).ToList();
            if (query["pageToken"] is { } token)
            {
                var after = DecodeToken(token, signature, field);
                if (after.Error is { } tokenError)
                {
                    return BadRequest(tokenError);
                }
                runs = runs.Where(r => CompareKeys(MemoryQuery.Value(field, r), r.RunId, after.Key, after.RunId, descending) > 0).ToList();
            }
            var page = runs.Take(size).ToList();
            var next = runs.Count > size ? EncodeToken(signature, MemoryQuery.Value(field, page[^1]), page[^1].RunId) : null;
            return Ok(new WorkflowListPage(page.Select(r => Description(engine.Shell.Get(r.RunId)!, detailed: false)).ToList(), next));
        });
    }

    private HttpResponseMessage Count(NameValueCollection query) => Visibility(() =>
    {
        var compiler = new MemoryQuery(engine.Shell.Settings.SearchAttributes.Current);
        var where = compiler.Where(QueryParser.ParseWithFilters(query["query"], null, null, null).Where);
        var matching = engine.Shell.Runs.Select(r => r.Run).Where(r => where(r) == true).ToList();
        if (query["groupBy"] is not { Length: > 0 } groupBy)
        {
            return Ok(new WorkflowCount(Count: matching.Count));
        }
        var field = compiler.GroupBy(groupBy);
        var groups = matching.GroupBy(r => MemoryQuery.GroupText(field, r))
            .Select(g => new WorkflowCountGroup(g.Key, g.Count()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Value is null).ThenBy(g => g.Value, StringComparer.Ordinal)
            .Take(MaxGroups).ToList();
        return Ok(new WorkflowCount(Groups: groups));
    });

    /// <summary>A bad query is a 400 with its position and what was expected, as the engine's <c>QueryProblem</c>.</summary>
    private static HttpResponseMessage Visibility(Func<HttpResponseMessage> run)
    {
        try
        {
            return run();
        }
        catch (QueryException e)
        {
            return Problem(HttpStatusCode.BadRequest, "Bad query", e.Message, new Dictionary<string, object?> { ["position"] = e.Position, ["expected"] = e.Expected });
        }
    }

    /// <summary>The list's order: by key (runs without one last ascending, first descending, as PostgreSQL), then run id, both in the direction.</summary>
    private static int CompareKeys(object? a, Guid aRun, object? b, Guid bRun, bool descending)
    {
        var byKey = (a, b) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => MemoryQuery.Compare(a, b),
        };
        var order = byKey != 0 ? byKey : MemoryQuery.Compare(aRun, bRun);
        return descending ? -order : order;
    }

    private sealed record PageToken(string O, JsonElement? K, Guid R);

    private static string EncodeToken(string signature, object? key, Guid runId)
    {
        JsonElement? k = key switch
        {
            null => null,
            DateTime t => JsonSerializer.SerializeToElement(t.Ticks),
            TimeSpan s => JsonSerializer.SerializeToElement(s.Ticks),
            List<string> => null,
            var v => JsonSerializer.SerializeToElement(v, v.GetType()),
        };
        return "m1." + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new PageToken(signature, k, runId)));
    }

    /// <summary>The key and run a page continues after; an error for a token that is not this list's.</summary>
    private static (object? Key, Guid RunId, string? Error) DecodeToken(string token, string signature, QueryField field)
    {
        try
        {
            if (token.StartsWith("m1.", StringComparison.Ordinal) && JsonSerializer.Deserialize<PageToken>(Convert.FromBase64String(token[3..])) is { } body)
            {
                if (body.O != signature)
                {
                    return (null, Guid.Empty, "'pageToken' belongs to a list in another order; start again without it.");
                }
                object? key = body.K is not { } k ? null : field.Kind switch
                {
                    FieldKind.Datetime => new DateTime(k.GetInt64(), DateTimeKind.Utc),
                    FieldKind.Duration => new TimeSpan(k.GetInt64()),
                    FieldKind.Int when !field.IsAttribute => k.GetInt64(),
                    FieldKind.Int or FieldKind.Double => k.GetDecimal(),
                    FieldKind.Bool => k.GetBoolean(),
                    FieldKind.Uuid => k.GetGuid(),
                    _ => k.GetString(),
                };
                return (key, body.R, null);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or ArgumentException)
        {
        }
        return (null, Guid.Empty, "'pageToken' is not a token this API gave.");
    }
}
