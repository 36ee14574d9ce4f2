using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Api;

/// <summary>
/// The OpenAPI document the engine serves: every operation summarised, every problem response with its status, the
/// <c>X-Api-Key</c> scheme declared and required, integers as integers; <c>docs/openapi.json</c> is a current copy
/// (run with <c>ORCHESTRATOR_UPDATE_OPENAPI=1</c> to rewrite it); and <c>/docs</c> serves its reference from local assets.
/// </summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    /// <summary>The server URL the committed copy names: the engine's default address.</summary>
    public const string DefaultServerUrl = "http://127.0.0.1:5080";

    private InProcessEngine _engine = null!;

    public async Task InitializeAsync() => _engine = await InProcessEngine.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<JsonObject> DocumentAsync()
    {
        using var response = await _engine.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(method => method.Key is "get" or "post" or "put" or "delete" or "patch")
            .Select(method => ($"{method.Key.ToUpperInvariant()} {path.Key}", method.Value!.AsObject())));

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task EveryOperation_HasASummary_AProblemResponsePerErrorStatus_AndNeedsTheApiKeyScheme()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToList();

        Assert.Equal(36, operations.Count); // 15 of workflows (3 of updates, 1 reset), 9 of schedules, 1 count by query, 2 of search attributes, 5 of triggers, 1 event entry, 3 of batches
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal(("apiKey", "header", "X-Api-Key"), ((string?)scheme["type"], (string?)scheme["in"], (string?)scheme["name"]));
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["operationId"]), $"{name} has no operationId");
            var security = operation["security"]!.AsArray();
            Assert.True(security.Count >= 1 && security[0]!.AsObject().ContainsKey("ApiKey"), $"{name} does not say it needs the ApiKey scheme");
            // only the event entry takes another credential instead: the webhook signature
            Assert.True(security.Count == (name == "POST /api/v1/events" ? 2 : 1), $"{name} lists {security.Count} security requirements");
            var responses = operation["responses"]!.AsObject();
            Assert.Contains("401", responses.Select(r => r.Key));
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                Assert.True(response!["content"]?["application/problem+json"] is not null, $"{name} {status} is not problem+json");
            }
        }
        Assert.Contains("409", operations.Single(o => o.Name == "POST /api/v1/workflows").Operation["responses"]!.AsObject().Select(r => r.Key));
        Assert.Contains("404", operations.Single(o => o.Name == "GET /api/v1/workflows/{workflowId}").Operation["responses"]!.AsObject().Select(r => r.Key));
        Assert.Contains("409", operations.Single(o => o.Name == "POST /api/v1/schedules").Operation["responses"]!.AsObject().Select(r => r.Key));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Integers_AreIntegers_AndTheServerUrlHasNoTrailingSlash()
    {
        var document = await DocumentAsync();

        Assert.All(document["servers"]!.AsArray(), s => Assert.False(((string)s!["url"]!).EndsWith('/'), $"server {s["url"]} ends in a slash"));
        var numbers = Descendants(document).Where(o => o["format"] is JsonValue f && ((string?)f is "int64" or "int32" or "double")).ToList();
        Assert.NotEmpty(numbers);
        Assert.All(numbers, schema =>
        {
            Assert.False(schema.ContainsKey("pattern"), $"a number schema has a pattern: {schema.ToJsonString()}");
            var type = schema["type"]!;
            var types = type is JsonArray array ? array.Select(t => (string)t!).ToList() : [(string)type!];
            Assert.DoesNotContain("string", types);
        });
        var historyLength = document["components"]!["schemas"]!["WorkflowDescription"]!["properties"]!["historyLength"]!;
        Assert.Equal(("integer", "int64"), ((string?)historyLength["type"], (string?)historyLength["format"]));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task TheCommittedCopy_DocsOpenApiJson_IsTheServedDocument()
    {
        var served = Canonical(await DocumentAsync());
        var path = Path.Combine(DeploymentTests.Root(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("ORCHESTRATOR_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }

        var committed = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        Assert.True(committed == served,
            "docs/openapi.json is not the document the engine serves: run `ORCHESTRATOR_UPDATE_OPENAPI=1 dotnet test tests/Orchestrator.Engine.Tests "
            + "--filter FullyQualifiedName~OpenApiDocumentTests` and commit it.");
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Docs_ServesTheReferencePage_WithItsScriptFromTheEngine_AndNoKeyNeeded()
    {
        using var page = await _engine.Http.GetAsync(new Uri("/docs", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.False(src.Contains("//", StringComparison.Ordinal), $"script {src} is not served by the engine"));
        foreach (var src in scripts)
        {
            using var script = await _engine.Http.GetAsync(new Uri(new Uri(_engine.Http.BaseAddress!, "/docs/"), src));
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"{src}: {(int)script.StatusCode}");
            Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 1000, $"{src} is nearly empty");
        }
    }

    /// <summary>The document as committed: indented, the default server address, a final newline.</summary>
    internal static string Canonical(JsonObject document)
    {
        foreach (var server in document["servers"]?.AsArray() ?? [])
        {
            server!["url"] = DefaultServerUrl;
        }
        // relaxed escaping: the document is read by people too ("application/problem+json", not "problem\u002Bjson")
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                yield return o;
                foreach (var child in o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants))
                {
                    yield return child;
                }
                break;
            case JsonArray a:
                foreach (var child in a.OfType<JsonNode>().SelectMany(Descendants))
                {
                    yield return child;
                }
                break;
        }
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
