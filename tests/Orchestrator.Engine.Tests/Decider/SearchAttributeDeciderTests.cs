using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Tests.Decider;

/// <summary>
/// <c>UpsertSearchAttributes</c> commands in the decider: applied with the answer (event and run row together), carried to the
/// next run, and hostile ones (unknown, wrong type, too many, too large) failing the task visibly without touching the run.
/// </summary>
public sealed class SearchAttributeDeciderTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
    private static readonly Guid RunId = Guid.Parse("0193a000-0000-7000-8000-0000000000a1");

    private static EngineSettings Settings()
    {
        var settings = new EngineSettings();
        settings.SearchAttributes.Replace(new Dictionary<string, SearchAttributeType>
        {
            ["CustomerId"] = SearchAttributeType.Keyword, ["Stage"] = SearchAttributeType.Keyword, ["Amount"] = SearchAttributeType.Double,
            ["Items"] = SearchAttributeType.Int, ["Due"] = SearchAttributeType.Datetime, ["Tags"] = SearchAttributeType.KeywordList,
            ["Note"] = SearchAttributeType.Text, ["Vip"] = SearchAttributeType.Bool,
        });
        for (var i = 0; i < 120; i++)
        {
            settings.SearchAttributes.Replace(settings.SearchAttributes.Current.Append(KeyValuePair.Create($"K{i}", SearchAttributeType.Keyword)).ToList());
        }
        return settings;
    }

    private static readonly EngineSettings Registered = Settings();

    private static RunSnapshot Snapshot(string? attributes = null) => new()
    {
        Run = new WorkflowRunRecord
        {
            RunId = RunId, WorkflowId = "wf-sa", WorkflowType = "Order", TaskQueue = "q", Status = RunStatus.Running, StartedAt = Now.AddMinutes(-1),
            NextEventId = 10, SearchAttributes = attributes,
        },
        Task = new WorkflowTaskRow
        {
            RunId = RunId, ScheduledEventId = 9, Attempt = 1, TaskQueue = "q", EventsFrom = 1, State = TaskState.Dispatched,
            DispatchAfter = Now.AddSeconds(5), Sent = true, DispatchedAt = Now.AddSeconds(-1),
        },
    };

    private static RunEffects Answer(RunSnapshot snapshot, params WorkflowCommand[] commands) =>
        RunDecider.Decide(snapshot, new WorkflowTaskCompletedTrigger(new WorkflowTaskCompletedMessage(RunId, 9, 1, commands, "test")),
            new DecisionContext(Now, Registered, () => Guid.Parse("0193a000-0000-7000-8000-0000000000b2"), () => 7));

    private static UpsertSearchAttributesCommand Upsert(params (string Name, object? Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(v.Value)));

    [Fact]
    public void An_upsert_is_recorded_with_the_stored_values_and_sets_the_runs_attributes_in_the_same_change()
    {
        var effects = Answer(Snapshot("""{"CustomerId":"c-1","Stage":"new"}"""),
            Upsert(("Stage", "shipped"), ("Due", "2026-12-24T10:00:00+02:00"), ("Tags", new[] { "a", "b" }), ("Amount", 12.5)));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.SearchAttributesUpserted], effects.Events.Select(e => e.EventType));
        using var recorded = JsonDocument.Parse(effects.Events[2].AttributesJson);
        var values = recorded.RootElement.GetProperty("searchAttributes");
        Assert.Equal("2026-12-24T08:00:00.000000Z", values.GetProperty("Due").GetString()); // stored in UTC, fixed form
        Assert.Equal("shipped", values.GetProperty("Stage").GetString());
        using var stored = JsonDocument.Parse(effects.SearchAttributes!.Json!);
        Assert.Equal("c-1", stored.RootElement.GetProperty("CustomerId").GetString());
        Assert.Equal("shipped", stored.RootElement.GetProperty("Stage").GetString());
        Assert.Equal(2, stored.RootElement.GetProperty("Tags").GetArrayLength());
        Assert.Equal(12.5, stored.RootElement.GetProperty("Amount").GetDouble());
    }

    [Fact]
    public void A_null_value_removes_the_attribute_and_removing_the_last_leaves_none()
    {
        var effects = Answer(Snapshot("""{"Stage":"new"}"""), Upsert(("Stage", null)));

        Assert.NotNull(effects.SearchAttributes);
        Assert.Null(effects.SearchAttributes!.Json);
        Assert.Contains("\"Stage\":null", effects.Events[2].AttributesJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Continue_as_new_after_an_upsert_hands_the_attributes_on_to_the_next_run()
    {
        var effects = Answer(Snapshot("""{"CustomerId":"c-1"}"""), Upsert(("Stage", "renewed")), new ContinueAsNewCommand(null));

        var next = Assert.Single(effects.Operations.OfType<NewRun>());
        using var stored = JsonDocument.Parse(next.Run.SearchAttributes!);
        Assert.Equal("renewed", stored.RootElement.GetProperty("Stage").GetString());
        Assert.Equal("c-1", stored.RootElement.GetProperty("CustomerId").GetString());
        Assert.Contains("\"searchAttributes\":{", next.Events[0].AttributesJson, StringComparison.Ordinal); // WorkflowStarted carries them
    }

    private static readonly Dictionary<string, WorkflowCommand> HostileUpserts = new()
    {
        ["is not registered"] = Upsert(("Nobody", "x")),
        ["its value must be a string"] = Upsert(("CustomerId", 42)),
        ["whole number"] = Upsert(("Items", 1.5)),
        ["true or false"] = Upsert(("Vip", "yes")),
        ["ISO 8601"] = Upsert(("Due", "tomorrow")),
        ["array of at most"] = Upsert(("Tags", "not-a-list")),
        ["at most 2048 are allowed"] = Upsert(("Note", new string('n', 2049))),
        ["at most 100 search attributes"] = Upsert(Enumerable.Range(0, 101).Select(i => ($"K{i}", (object?)"v")).ToArray()),
        ["bytes of JSON"] = Upsert(Enumerable.Range(0, 30).Select(i => ($"K{i}", (object?)new string('x', 2000))).ToArray()),
        ["at least one attribute"] = new UpsertSearchAttributesCommand(new Dictionary<string, JsonElement?>()),
        ["at least one attribute (null)"] = new UpsertSearchAttributesCommand(null!),
    };
    public static TheoryData<string> Hostile() => new(HostileUpserts.Keys);


    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_upsert_fails_the_workflow_task_and_changes_neither_the_attributes_nor_applies_any_command(string reason)
    {
        var upsert = HostileUpserts[reason];
        reason = reason.Replace(" (null)", "", StringComparison.Ordinal);
        var effects = Answer(Snapshot("""{"CustomerId":"c-1"}"""), new StartTimerCommand(1, TimeSpan.FromMinutes(1)), upsert);

        Assert.Null(effects.SearchAttributes);
        Assert.Empty(effects.InsertTimers); // no command of the answer is applied
        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskFailed, EventTypes.WorkflowTaskScheduled], effects.Events.Select(e => e.EventType));
        Assert.Contains(reason, effects.Events[1].AttributesJson, StringComparison.Ordinal);
        Assert.Contains("InvalidCommand", effects.Events[1].AttributesJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Upserts_that_add_up_past_the_limit_across_commands_are_refused()
    {
        var first = Upsert(Enumerable.Range(0, 60).Select(i => ($"K{i}", (object?)"v")).ToArray());
        var second = Upsert(Enumerable.Range(60, 60).Select(i => ($"K{i}", (object?)"v")).ToArray());

        var effects = Answer(Snapshot(), first, second);

        Assert.Null(effects.SearchAttributes);
        Assert.Contains("at most 100 search attributes", effects.Events[1].AttributesJson, StringComparison.Ordinal);
    }
}
