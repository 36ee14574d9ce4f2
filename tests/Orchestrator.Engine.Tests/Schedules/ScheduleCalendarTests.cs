using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Schedules;

namespace Orchestrator.Engine.Tests.Schedules;

public sealed class ScheduleCalendarTests
{
    private static ScheduleCalendar Calendar(ScheduleSpec spec, string id = "s")
    {
        var calendar = ScheduleCalendar.TryCreate(id, spec, out var error);
        Assert.Null(error);
        return calendar!;
    }

    private static DateTime Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, DateTimeKind.Utc);

    [Fact]
    public void FiveFieldCron_WeekdaysAtNine_InBerlin_GivesUtcTimesAcrossTheDstChange()
    {
        var calendar = Calendar(new ScheduleSpec(Cron: ["0 9 * * MON-FRI"], TimeZone: "Europe/Berlin"));
        // Friday 2026-03-27 09:00 CET = 08:00Z; Monday 2026-03-30 09:00 CEST = 07:00Z (summer time began on Sunday the 29th)
        Assert.Equal([Utc(2026, 3, 27, 8), Utc(2026, 3, 30, 7)], calendar.NextTimes(Utc(2026, 3, 27, 0), 2));
    }

    [Fact]
    public void SixFieldCron_EverySecondAndMacros_Parse()
    {
        Assert.Equal([Utc(2026, 1, 1, 0, 0, 1), Utc(2026, 1, 1, 0, 0, 2)], Calendar(new ScheduleSpec(Cron: ["* * * * * *"])).NextTimes(Utc(2026, 1, 1), 2));
        Assert.Equal([Utc(2026, 1, 1, 1), Utc(2026, 1, 1, 2)], Calendar(new ScheduleSpec(Cron: ["@hourly"])).NextTimes(Utc(2026, 1, 1, 0, 30), 2));
        Assert.Equal(Utc(2026, 1, 2), Calendar(new ScheduleSpec(Cron: ["@daily"])).NextAfter(Utc(2026, 1, 1, 12)));
    }

    [Fact]
    public void DstSpringForward_ADailyTimeInTheSkippedHour_FiresOnceThatDay()
    {
        // 02:30 does not exist in Berlin on 2026-03-29: Cronos fires at the shifted instant, once
        var times = Calendar(new ScheduleSpec(Cron: ["30 2 * * *"], TimeZone: "Europe/Berlin")).NextTimes(Utc(2026, 3, 28, 12), 3);
        Assert.Equal(3, times.Count);
        Assert.Equal(times.Count, times.Select(t => t.Date).Distinct().Count());
    }

    [Fact]
    public void DstFallBack_AnHourlyScheduleInTheRepeatedHour_NeverRepeatsAnInstant()
    {
        var times = Calendar(new ScheduleSpec(Cron: ["0 * * * *"], TimeZone: "Europe/Berlin")).NextTimes(Utc(2026, 10, 24, 22), 6);
        Assert.Equal(times.Distinct().Count(), times.Count);
        Assert.All(times.Zip(times.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(1), p.Second - p.First));
    }

    [Fact]
    public void Interval_WithOffset_CountsFromTheEpoch()
    {
        var calendar = Calendar(new ScheduleSpec(Intervals: [new ScheduleInterval(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5))]));
        Assert.Equal([Utc(2026, 1, 1, 10, 5), Utc(2026, 1, 1, 10, 20)], calendar.NextTimes(Utc(2026, 1, 1, 10, 0, 1), 2));
        Assert.Equal(Utc(2026, 1, 1, 10, 20), calendar.NextAfter(Utc(2026, 1, 1, 10, 5)));
    }

    [Fact]
    public void CronAndInterval_AreMerged_AndBoundsHold()
    {
        var calendar = Calendar(new ScheduleSpec(Cron: ["0 * * * *"], Intervals: [new ScheduleInterval(TimeSpan.FromMinutes(40))],
            StartAt: Utc(2026, 1, 1, 1), EndAt: Utc(2026, 1, 1, 2)));
        Assert.Equal([Utc(2026, 1, 1, 1), Utc(2026, 1, 1, 1, 20), Utc(2026, 1, 1, 2)], calendar.NextTimes(Utc(2025, 12, 31), 10));
    }

    [Fact]
    public void Jitter_IsWithinBounds_AndTheSameEveryTimeItIsComputed()
    {
        var spec = new ScheduleSpec(Cron: ["* * * * *"], Jitter: TimeSpan.FromSeconds(30));
        var a = Calendar(spec, "a");
        var again = Calendar(spec, "a");
        var times = a.NextTimes(Utc(2026, 1, 1), 50);
        Assert.All(times, t => Assert.InRange(a.FireTime(t) - t, TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        Assert.Equal(times.Select(a.FireTime), times.Select(again.FireTime));
        Assert.True(times.Select(t => a.FireTime(t) - t).Distinct().Count() > 10, "the jitter varies by time");
        Assert.NotEqual(times.Select(a.FireTime), times.Select(Calendar(spec, "b").FireTime)); // and by schedule
    }

    [Theory]
    [InlineData("61 * * * *", "spec.cron[0]")]
    [InlineData("* * * *", "4 field(s)")]
    [InlineData("@fortnightly", "spec.cron[0]")]
    public void BadCron_IsRejectedWithTheReason(string cron, string expected)
    {
        Assert.Null(ScheduleCalendar.TryCreate("s", new ScheduleSpec(Cron: [cron]), out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void DerivedWorkflowId_IsTheScheduleIdAndTheTimeInWholeSeconds() =>
        Assert.Equal("nightly-2026-03-01T02:00:00Z", ScheduleCalendar.WorkflowId("nightly", Utc(2026, 3, 1, 2)));
}
