using System.Text;
using System.Text.Json;
using Orchestrator.Dashboard.Api;

namespace Orchestrator.Dashboard.History;

/// <summary>
/// <c>GET /download/history?workflowId=&amp;runId=</c>: a run's whole history as one JSON file, every page of
/// <c>GET /api/v1/workflows/{id}/history?runId=</c> read in turn and its events written as the engine wrote them, in the
/// engine's page format with no next page: <c>{"events":[...],"nextPageToken":null}</c>, the document
/// <c>WorkflowReplayer.ReplayAsync</c> and <c>orchestrator workflow replay</c> read (docs/dashboard.md). Any signed-in role
/// may download (the fallback policy); the file is streamed, a page at a time.
/// </summary>
internal static class HistoryDownload
{
    public const string Path = "/download/history";

    /// <summary>Events asked for a page (the engine's largest page).</summary>
    public const int PageSize = 10_000;

    public static string Link(string workflowId, string runId)
        => $"download/history?workflowId={Uri.EscapeDataString(workflowId)}&runId={Uri.EscapeDataString(runId)}";

    /// <summary>"order-42.01a2345d-....history.json", with what a file name cannot hold replaced by '_'.</summary>
    public static string FileName(string workflowId, string runId)
    {
        var name = new StringBuilder(workflowId.Length + runId.Length + 14);
        foreach (var c in $"{workflowId}.{runId}")
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }
        var text = name.ToString().TrimStart('.');
        return (text.Length > 200 ? text[..200] : text) + ".history.json";
    }

    public static void MapHistoryDownload(this IEndpointRouteBuilder app) => app.MapGet(Path, DownloadAsync);

    private static async Task DownloadAsync(HttpContext context, EngineApiClient engine, string? workflowId, string? runId)
    {
        var cancellationToken = context.RequestAborted;
        if (string.IsNullOrWhiteSpace(workflowId))
        {
            await Results.Problem(statusCode: 400, title: "Bad request", detail: "workflowId is required: the workflow whose history to download.").ExecuteAsync(context);
            return;
        }
        if (string.IsNullOrWhiteSpace(runId))
        {
            // the latest run, looked up once: every page is then asked of that run, so a new run in between cannot splice two histories
            var described = await engine.DescribeAsync(workflowId, null, cancellationToken);
            if (described.Value is not { } latest)
            {
                await Problem(described.StatusCode, described.Error).ExecuteAsync(context);
                return;
            }
            runId = latest.RunId;
        }
        var first = await engine.GetHistoryPageBytesAsync(workflowId, runId, PageSize, null, cancellationToken);
        if (first.Value is not { } firstPage)
        {
            await Problem(first.StatusCode, first.Error).ExecuteAsync(context);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = FileName(workflowId, runId),
        }.ToString();
        context.Response.Headers.CacheControl = "no-store";
        try
        {
            await WriteAsync(context.Response.Body, firstPage, token => engine.GetHistoryPageBytesAsync(workflowId, runId, PageSize, token, cancellationToken),
                cancellationToken);
        }
        catch (HistoryDownloadException)
        {
            context.Abort(); // a file cut short must not look whole: the browser reports the download as failed
        }
    }

    /// <summary>
    /// Writes the whole history starting from <paramref name="firstPage"/>, asking <paramref name="nextPage"/> for each next page.
    /// Each event is copied as the engine wrote it; ids must run 1, 2, 3, ... without a gap or a repeat, else it throws
    /// <see cref="HistoryDownloadException"/> (as for a page the engine refused or that is not a history page).
    /// </summary>
    internal static async Task WriteAsync(Stream output, byte[] firstPage, Func<string, Task<ApiResult<byte[]>>> nextPage, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = false });
        writer.WriteStartObject();
        writer.WritePropertyName("events");
        writer.WriteStartArray();
        var page = firstPage;
        long expected = 1;
        while (true)
        {
            string? next;
            using (var document = Parse(page))
            {
                foreach (var e in document.RootElement.GetProperty("events").EnumerateArray())
                {
                    if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("eventId", out var id) || !id.TryGetInt64(out var eventId) || eventId != expected)
                    {
                        throw new HistoryDownloadException($"The engine's history has event {e.GetRawText()[..Math.Min(80, e.GetRawText().Length)]} where event {expected} belongs.");
                    }
                    writer.WriteRawValue(e.GetRawText(), skipInputValidation: true);
                    expected++;
                }
                next = document.RootElement.TryGetProperty("nextPageToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            }
            if (string.IsNullOrEmpty(next))
            {
                break;
            }
            await writer.FlushAsync(cancellationToken);
            var answer = await nextPage(next);
            page = answer.Value ?? throw new HistoryDownloadException(answer.Error ?? "The engine did not answer with the next page.");
        }
        writer.WriteEndArray();
        writer.WriteNull("nextPageToken");
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private static JsonDocument Parse(byte[] page)
    {
        try
        {
            var document = JsonDocument.Parse(page);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("events", out var events)
                && events.ValueKind == JsonValueKind.Array)
            {
                return document;
            }
            document.Dispose();
        }
        catch (JsonException)
        {
        }
        throw new HistoryDownloadException("The engine's answer is not a history page.");
    }

    private static IResult Problem(System.Net.HttpStatusCode status, string? detail)
        => Results.Problem(statusCode: (int)status is >= 400 and < 600 ? (int)status : 502, title: "The history could not be read", detail: detail);
}

/// <summary>A history page the download cannot use (refused, not a page, an event out of order): the file is not finished.</summary>
internal sealed class HistoryDownloadException(string message) : Exception(message);
