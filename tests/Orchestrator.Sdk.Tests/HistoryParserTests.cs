using System.Text;
using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// <see cref="HistoryJson.ParseHistoryPage(ReadOnlyMemory{byte})"/>: one <see cref="Utf8JsonReader"/> pass that checks the
/// whole text and leaves each event's attributes unparsed until they are read. Its events must be those of the eager
/// parse (<see cref="JsonDocument"/> of the whole body, as the parser was before), hostile input must fail at parse time
/// with a <see cref="JsonException"/>, and the unparsed reads of the replay must answer as the parsed ones.
/// </summary>
public sealed class HistoryParserTests
{
    public static TheoryData<string> Recorded => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Histories"), "*.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Recorded))]
    public void LazyParse_OfARecordedHistory_GivesTheEagerParsesEvents(string file)
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Histories", file));
        var lazy = HistoryJson.ParseHistoryPage(Encoding.UTF8.GetBytes(json));
        using var eager = JsonDocument.Parse(json);
        var expected = eager.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(expected.Count, lazy.Events.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, x) = (lazy.Events[i], expected[i]);
            Assert.Equal(x.GetProperty("eventId").GetInt64(), e.EventId);
            Assert.Equal(x.GetProperty("eventType").GetString(), e.EventType);
            Assert.Equal(x.GetProperty("timestamp").GetDateTimeOffset(), e.Timestamp);
            Assert.False(e.RawAttributes.IsEmpty); // not parsed until read
            var attributes = x.GetProperty("attributes");
            foreach (var name in attributes.EnumerateObject().Select(p => p.Name))
            {
                // the replay's unparsed reads answer as the parsed attributes do
                var utf8 = Encoding.UTF8.GetBytes(name);
                Assert.Equal(Outcome(() => CommandMatcher.Int(attributes, name)), Outcome(() => RawAttributes.Int(e, utf8)));
                Assert.True(RawAttributes.StrEquals(e, utf8, CommandMatcher.Str(attributes, name)));
                Assert.Equal(CommandMatcher.Json(attributes, name)?.GetRawText(), RawAttributes.Json(e, utf8)?.GetRawText());
            }
            Assert.True(JsonElement.DeepEquals(attributes, e.Attributes));
            Assert.Equal(attributes.GetRawText(), e.Attributes.GetRawText());
            Assert.True(e.RawAttributes.IsEmpty); // parsed once, then read from the document
        }
        Assert.Equal(lazy.Events, HistoryJson.ParseHistoryPage(json).Events.ToList(), new EventText());
    }

    [Theory]
    [InlineData("""{"events":[{"eventId":1,"eventType":"WorkflowStarted","timestamp":"2026-01-01T00:00:00Z","attributes":{"a":1}}""", "truncated")]
    [InlineData("""{"events":[{"eventId":1,"eventType":"WorkflowStarted","timestamp":"2026-01-01T00:00:00Z","attributes":{"a":1,}}]}""", "trailing comma inside attributes")]
    [InlineData("""{"events":[{"eventId":1,"eventType":"WorkflowStarted","timestamp":"2026-01-01T00:00:00Z","attributes":{"a":tru}}]}""", "bad literal inside attributes")]
    [InlineData("""{"events":[]} x""", "content after the object")]
    [InlineData("""{"events":[]}{"events":[]}""", "two values")]
    [InlineData("""[]""", "an array")]
    [InlineData("""null""", "null")]
    [InlineData("", "empty")]
    [InlineData("""{"items":[]}""", "no events")]
    [InlineData("""{"events":{}}""", "events not an array")]
    [InlineData("""{"events":[1]}""", "an event that is not an object")]
    [InlineData("""{"events":[null]}""", "a null event")]
    [InlineData("""{"events":[{"eventType":"WorkflowStarted","timestamp":"2026-01-01T00:00:00Z"}]}""", "no eventId")]
    [InlineData("""{"events":[{"eventId":1,"timestamp":"2026-01-01T00:00:00Z"}]}""", "no eventType")]
    [InlineData("""{"events":[{"eventId":1,"eventType":"WorkflowStarted"}]}""", "no timestamp")]
    [InlineData("""{"events":[{"eventId":"1","eventType":"WorkflowStarted","timestamp":"2026-01-01T00:00:00Z"}]}""", "eventId a string")]
    [InlineData("""{"events":[{"eventId":1.5,"eventType":"WorkflowStarted","timestamp":"2026-01-01T00:00:00Z"}]}""", "eventId not an integer")]
    [InlineData("""{"events":[{"eventId":99999999999999999999,"eventType":"WorkflowStarted","timestamp":"2026-01-01T00:00:00Z"}]}""", "eventId beyond 64 bits")]
    [InlineData("""{"events":[{"eventId":1,"eventType":7,"timestamp":"2026-01-01T00:00:00Z"}]}""", "eventType a number")]
    [InlineData("""{"events":[{"eventId":1,"eventType":"WorkflowStarted","timestamp":"yesterday"}]}""", "timestamp not a date")]
    [InlineData("""{"events":[{"eventId":1,"eventType":"WorkflowStarted","timestamp":12}]}""", "timestamp a number")]
    public void MalformedOrIncompleteHistory_FailsAtParse_WithAJsonException(string json, string why)
    {
        var ex = Assert.ThrowsAny<JsonException>(() => HistoryJson.ParseHistoryPage(Encoding.UTF8.GetBytes(json)));
        Assert.False(string.IsNullOrEmpty(ex.Message), why);
        Assert.ThrowsAny<JsonException>(() => HistoryJson.ParseHistoryPage(json));
    }

    [Fact]
    public void AttributesNestedDeeperThanTheLimit_FailAtParse()
    {
        var deep = new string('[', 70) + new string(']', 70);
        var json = $$$"""{"events":[{"eventId":1,"eventType":"MarkerRecorded","timestamp":"2026-01-01T00:00:00Z","attributes":{"details":{{{deep}}}}}]}""";
        Assert.ThrowsAny<JsonException>(() => HistoryJson.ParseHistoryPage(json));
    }

    [Fact]
    public void UnknownEventType_AndUnknownFields_AreKept_AndAttributesMayBeAbsentOrNull()
    {
        var page = HistoryJson.ParseHistoryPage("""
            {"events":[
              {"eventId":1,"eventType":"SomethingFromTheFuture","timestamp":"2026-01-01T00:00:00+02:00","attributes":{"x":[1,{"y":"z"}]},"extra":{"ignored":[1,2]}},
              {"eventId":2,"eventType":"ActivityStarted","timestamp":"2026-01-01T00:00:01Z"},
              {"eventId":3,"eventType":"ActivityStarted","timestamp":"2026-01-01T00:00:02Z","attributes":null},
              {"eventId":4,"eventType":"Activity\u0053tarted","timestamp":"2026-01-01T00:00:03Z","attributes":"text"}
            ],"nextPageToken":"abc","more":true}
            """);
        Assert.Equal("abc", page.NextPageToken);
        Assert.Equal(["SomethingFromTheFuture", EventTypes.ActivityStarted, EventTypes.ActivityStarted, EventTypes.ActivityStarted], page.Events.Select(e => e.EventType));
        Assert.Same(EventTypes.ActivityStarted, page.Events[1].EventType); // known types are the shared strings
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(2)), page.Events[0].Timestamp);
        Assert.Equal("z", page.Events[0].Attributes.GetProperty("x")[1].GetProperty("y").GetString());
        Assert.Equal(JsonValueKind.Undefined, page.Events[1].Attributes.ValueKind);
        Assert.Equal(JsonValueKind.Null, page.Events[2].Attributes.ValueKind);
        Assert.Equal("text", page.Events[3].Attributes.GetString());
        Assert.Null(RawAttributes.Int(page.Events[3], "seq"u8)); // not an object: no attribute, as for parsed attributes
        Assert.Null(RawAttributes.Int(page.Events[1], "seq"u8));
    }

    [Fact]
    public void PropertyNames_MatchAsBefore_ExactLastWins_ElseFirstIgnoringCase()
    {
        var page = HistoryJson.ParseHistoryPage("""
            {"EVENTS":[{"EventId":1,"eventid":9,"EventType":"TimerFired","eventType":"TimerStarted","TIMESTAMP":"2026-01-01T00:00:00Z","Attributes":{"seq":1,"seq":2,"s\u0065q2":"a\"b"}}],
             "NextPageToken":"t"}
            """);
        var e = Assert.Single(page.Events);
        Assert.Equal(1, e.EventId); // first that matches ignoring case
        Assert.Equal(EventTypes.TimerStarted, e.EventType); // an exact name wins
        Assert.Equal("t", page.NextPageToken);
        Assert.Equal(2, RawAttributes.Int(e, "seq"u8)); // the last of duplicates, as JsonElement.TryGetProperty
        Assert.True(RawAttributes.StrEquals(e, "seq2"u8, "a\"b")); // escaped name and value
        Assert.False(RawAttributes.StrEquals(e, "seq2"u8, "a\"c"));
        Assert.True(RawAttributes.StrEquals(e, "missing"u8, null));
        Assert.Null(RawAttributes.Json(e, "missing"u8));
        Assert.Equal("\"a\\\"b\"", RawAttributes.Json(e, "seq2"u8)?.GetRawText());
        Assert.Equal(2, e.Attributes.GetProperty("seq").GetInt32());
        Assert.Equal(2, RawAttributes.Int(e, "seq"u8)); // the same answer from the parsed attributes
    }

    [Fact]
    public void SeqBeyondInt32_Throws_AsTheParsedReadDoes()
    {
        var page = HistoryJson.ParseHistoryPage("""{"events":[{"eventId":1,"eventType":"TimerFired","timestamp":"2026-01-01T00:00:00Z","attributes":{"seq":3000000000}}]}""");
        Assert.Throws<FormatException>(() => RawAttributes.Int(page.Events[0], "seq"u8));
        Assert.Throws<FormatException>(() => CommandMatcher.Int(page.Events[0].Attributes, "seq"));
    }

    [Fact]
    public void VeryLargeAttributes_AreKeptWhole_AndReadLazily()
    {
        var big = new string('x', 8 * 1024 * 1024) + "\u00e9\u4e2d"; // 8 MB and non-ASCII
        var json = JsonSerializer.Serialize(new
        {
            events = new object[]
            {
                new { eventId = 1, eventType = "ActivityCompleted", timestamp = DateTimeOffset.UnixEpoch, attributes = new { seq = 1, scheduledEventId = 5, result = big } },
                new { eventId = 2, eventType = "WorkflowTaskScheduled", timestamp = DateTimeOffset.UnixEpoch, attributes = new { attempt = 1 } },
            },
        });
        var page = HistoryJson.ParseHistoryPage(Encoding.UTF8.GetBytes(json));
        Assert.Equal(2, page.Events.Count);
        Assert.Equal(1, RawAttributes.Int(page.Events[0], "seq"u8));
        Assert.Equal(big, page.Events[0].Attributes.GetProperty("result").GetString());
        Assert.Equal(1, page.Events[1].Attributes.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public void ByteOrderMark_IsSkipped_AsJsonDocumentDoes()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"events":[{"eventId":1,"eventType":"WorkflowTaskScheduled","timestamp":"2026-01-01T00:00:00Z","attributes":{"attempt":1}}]}""")).ToArray();
        Assert.Equal(1, Assert.Single(HistoryJson.ParseHistoryPage(bytes).Events).Attributes.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task LazyAttributes_ReadFromManyThreadsAtOnce_AreTheSame()
    {
        var page = HistoryJson.ParseHistoryPage("""{"events":[{"eventId":1,"eventType":"SignalReceived","timestamp":"2026-01-01T00:00:00Z","attributes":{"signalName":"s","input":{"n":[1,2,3]}}}]}""");
        var e = page.Events[0];
        using var start = new Barrier(8);
        var texts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return e.Attributes.GetProperty("input").GetRawText();
        })));
        Assert.All(texts, t => Assert.Equal("""{"n":[1,2,3]}""", t));
        Assert.Equal(e.Attributes, e.Attributes); // one document once parsed
    }

    [Fact]
    public void With_ReplacesLazyAttributes_AndEqualityComparesTheFields()
    {
        var e = HistoryJson.ParseHistoryPage("""{"events":[{"eventId":1,"eventType":"TimerFired","timestamp":"2026-01-01T00:00:00Z","attributes":{"seq":1}}]}""").Events[0];
        var replaced = e with { Attributes = HistoryJson.ToAttributes(new TimerFiredAttributes(7, 3)) };
        Assert.Equal(7, replaced.Attributes.GetProperty("seq").GetInt32());
        Assert.True(replaced.RawAttributes.IsEmpty);
        Assert.Equal(1, e.Attributes.GetProperty("seq").GetInt32());
        var copy = e with { };
        Assert.Equal(e, copy);
        Assert.NotEqual(e, replaced);
        Assert.Equal(e.GetHashCode(), copy.GetHashCode());
        var (id, type, _, attributes) = e;
        Assert.Equal((1L, EventTypes.TimerFired, 1), (id, type, attributes.GetProperty("seq").GetInt32()));
    }

    /// <summary>The value, or the exception's type (a number beyond int32, e.g. randomSeed, throws on both paths).</summary>
    private static string Outcome(Func<int?> read)
    {
        try
        {
            return read()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null";
        }
        catch (FormatException ex)
        {
            return ex.GetType().Name;
        }
    }

    private sealed class EventText : IEqualityComparer<HistoryEvent>
    {
        public bool Equals(HistoryEvent? x, HistoryEvent? y) =>
            x!.EventId == y!.EventId && x.EventType == y.EventType && x.Timestamp == y.Timestamp && x.Attributes.GetRawText() == y.Attributes.GetRawText();

        public int GetHashCode(HistoryEvent obj) => obj.EventId.GetHashCode();
    }
}
