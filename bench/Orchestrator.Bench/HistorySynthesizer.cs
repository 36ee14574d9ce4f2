using System.Text.Json.Nodes;

namespace Orchestrator.Bench;

/// <summary>
/// Extends a recorded <see cref="ChainWorkflow"/> history (<c>k</c> activities, k ≥ 2) to <c>n</c> activities in exactly the
/// shape the engine writes: the header up to the first <c>ActivityScheduled</c> is kept, the per-activity block of events
/// is repeated with every number that changes from block 1 to block 2 (event ids, seqs, scheduled event ids) advanced by
/// the same step, every id that differs from block 1 to block 2 (a <c>WorkflowTaskStarted</c>'s <c>continuationId</c>)
/// made new, and the closing events are shifted; the workflow's input and result become <c>n</c>.
/// </summary>
internal static class HistorySynthesizer
{
    public static int StepsFor(string historyJson, int k, int minEvents)
    {
        var (header, blockLen, tail) = Shape(Events(historyJson), k);
        return (int)Math.Ceiling((minEvents - header - tail) / (double)blockLen);
    }

    public static string Extend(string historyJson, int n)
    {
        var events = Events(historyJson);
        var k = events.Count(e => (string?)e!["eventType"] == "ActivityScheduled");
        var (headerLen, blockLen, tailLen) = Shape(events, k);
        var result = new JsonArray();
        for (var i = 0; i < headerLen; i++)
        {
            var e = events[i]!.DeepClone();
            if ((string?)e["eventType"] == "WorkflowStarted")
            {
                e["attributes"]!["input"] = n;
            }
            result.Add(e);
        }
        var block1 = Enumerable.Range(headerLen, blockLen).Select(i => events[i]!).ToArray();
        var block2 = Enumerable.Range(headerLen + blockLen, blockLen).Select(i => events[i]!).ToArray();
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < blockLen; i++)
            {
                result.Add(Advance(block1[i], block2[i], j));
            }
        }
        var shift = (long)(n - k) * blockLen;
        for (var i = events.Count - tailLen; i < events.Count; i++)
        {
            var e = events[i]!.DeepClone();
            e["eventId"] = (long)e["eventId"]! + shift;
            ShiftEventIds(e["attributes"], shift);
            if ((string?)e["eventType"] == "WorkflowCompleted")
            {
                e["attributes"]!["result"] = n;
            }
            result.Add(e);
        }
        return new JsonObject { ["events"] = result, ["nextPageToken"] = null }.ToJsonString();
    }

    /// <summary>Same event types, and the same attributes for every event after WorkflowStarted (timestamps aside).</summary>
    public static bool SameShape(string a, string b, out string why)
    {
        var x = Events(a);
        var y = Events(b);
        if (x.Count != y.Count)
        {
            why = $"{x.Count} events vs {y.Count}";
            return false;
        }
        for (var i = 0; i < x.Count; i++)
        {
            var (ex, ey) = (x[i]!, y[i]!);
            if ((string?)ex["eventType"] != (string?)ey["eventType"] || (long)ex["eventId"]! != (long)ey["eventId"]!
                || ((string?)ex["eventType"] != "WorkflowStarted" && !SameIgnoringIds(ex["attributes"], ey["attributes"])))
            {
                why = $"event {i + 1}: {ex.ToJsonString()} vs {ey.ToJsonString()}";
                return false;
            }
        }
        why = "";
        return true;
    }

    /// <summary>Equal JSON, where two GUID strings count as equal (ids such as <c>continuationId</c> are new in every run).</summary>
    private static bool SameIgnoringIds(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(kv => y.ContainsKey(kv.Key) && SameIgnoringIds(kv.Value, y[kv.Key])),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Select((v, i) => SameIgnoringIds(v, y[i])).All(same => same),
        (JsonValue x, JsonValue y) when IsGuid(x) && IsGuid(y) => true,
        _ => JsonNode.DeepEquals(a, b),
    };

    private static bool IsGuid(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s) && Guid.TryParse(s, out _);

    private static JsonArray Events(string historyJson) => JsonNode.Parse(historyJson)!["events"]!.AsArray();

    private static (int Header, int Block, int Tail) Shape(JsonArray events, int k)
    {
        var scheduled = events.Select((e, i) => (e, i)).Where(p => (string?)p.e!["eventType"] == "ActivityScheduled").Select(p => p.i).ToArray();
        if (scheduled.Length != k || k < 2)
        {
            throw new InvalidOperationException($"expected a ChainWorkflow history with {k} ≥ 2 activities, found {scheduled.Length}");
        }
        var header = scheduled[0];
        var block = scheduled[1] - scheduled[0];
        var tail = events.Count - header - (k * block);
        if (tail < 1 || scheduled.Select((s, j) => s - header - (j * block)).Any(d => d != 0))
        {
            throw new InvalidOperationException("the recorded history is not a regular chain of activity blocks");
        }
        return (header, block, tail);
    }

    /// <summary>Block 1's event with every number that differs in block 2 advanced by j steps.</summary>
    private static JsonNode Advance(JsonNode first, JsonNode second, int j)
    {
        switch (first)
        {
            case JsonObject o:
            {
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                {
                    copy[key] = value is null ? null : Advance(value, second[key]!, j);
                }
                return copy;
            }
            case JsonArray a:
            {
                var copy = new JsonArray();
                for (var i = 0; i < a.Count; i++)
                {
                    copy.Add(a[i] is null ? null : Advance(a[i]!, second[i]!, j));
                }
                return copy;
            }
            case JsonValue v when v.TryGetValue<long>(out var x) || (v.GetValueKind() == System.Text.Json.JsonValueKind.Number && long.TryParse(v.ToJsonString(), out x)):
            {
                var y = long.Parse(second.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
                return JsonValue.Create(x + ((y - x) * j));
            }
            case JsonValue when IsGuid(first) && IsGuid(second) && first.ToJsonString() != second.ToJsonString():
                return JsonValue.Create(Guid.NewGuid().ToString());
            default:
                return first.DeepClone();
        }
    }

    private static void ShiftEventIds(JsonNode? node, long shift)
    {
        if (node is JsonObject o)
        {
            foreach (var key in o.Select(kv => kv.Key).ToList())
            {
                if (key.EndsWith("EventId", StringComparison.Ordinal) && o[key] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                {
                    o[key] = (long)v + shift;
                }
                else
                {
                    ShiftEventIds(o[key], shift);
                }
            }
        }
    }
}
