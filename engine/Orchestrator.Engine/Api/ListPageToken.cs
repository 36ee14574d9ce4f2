using System.Globalization;
using System.Text;
using System.Text.Json;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Api;

/// <summary>
/// The list's page token: the order it belongs to, the last row's key (as text PostgreSQL casts back exactly) and run id.
/// A token of another order is refused (the key would mean something else). Tokens of the list before the query language
/// (<c>l:{ticks}:{runId}</c>, newest first) still read as the default order's.
/// </summary>
internal static class ListPageToken
{
    private sealed record Body(string O, string? K, Guid R);

    public static string Encode(OrderKey order, WorkflowRunRecord last) =>
        "v1." + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Body(order.Signature, order.KeyOf(last), last.RunId)));

    /// <summary>The key and run a page continues after, or an error for a token that is not this order's.</summary>
    public static string? TryDecode(string token, OrderKey order, out (string? Key, Guid RunId) after)
    {
        after = default;
        try
        {
            if (token.StartsWith("v1.", StringComparison.Ordinal))
            {
                var body = JsonSerializer.Deserialize<Body>(Convert.FromBase64String(token[3..]));
                if (body is null || body.O != order.Signature)
                {
                    return "'pageToken' belongs to a list in another order; start again without it.";
                }
                after = (body.K, body.R);
                return null;
            }
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            if (parts is ["l", var ticks, var run] && order.Signature == OrderKey.Default.Signature
                && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t <= DateTime.MaxValue.Ticks && Guid.TryParse(run, out var id))
            {
                after = (QuerySqlCompiler.BuiltInText("StartTime", new WorkflowRunRecord
                {
                    RunId = id, WorkflowId = "", WorkflowType = "", TaskQueue = "", Status = "", StartedAt = new DateTime(t, DateTimeKind.Utc),
                }), id);
                return null;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
        }
        return "'pageToken' is not a token this API gave.";
    }
}
