using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Cronos;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Engine.Schedules;

/// <summary>
/// A schedule's spec compiled: the scheduled (nominal) times are the union of its cron expressions (read in its time
/// zone, by Cronos) and its intervals (every period since 1970-01-01T00:00:00Z plus an offset), within [startAt, endAt],
/// in whole seconds. A time fires at its nominal time plus a jitter fixed by the schedule id and the time (a hash), so
/// every engine, and the same engine after a crash, computes the same fire time.
/// </summary>
internal sealed class ScheduleCalendar
{
    private const long TicksPerSecond = TimeSpan.TicksPerSecond;

    private readonly IReadOnlyList<CronExpression> _cron;
    private readonly IReadOnlyList<(long Every, long Offset)> _intervals;
    private readonly TimeZoneInfo _zone;
    private readonly DateTime? _startAt;
    private readonly DateTime? _endAt;
    private readonly long _jitterTicks;
    private readonly string _scheduleId;

    private ScheduleCalendar(string scheduleId, IReadOnlyList<CronExpression> cron, IReadOnlyList<(long, long)> intervals, TimeZoneInfo zone,
        DateTime? startAt, DateTime? endAt, TimeSpan jitter)
    {
        (_scheduleId, _cron, _intervals, _zone, _startAt, _endAt, _jitterTicks) = (scheduleId, cron, intervals, zone, startAt, endAt, jitter.Ticks);
    }

    /// <summary>Compiles <paramref name="spec"/>; the error names the field and why (a bad cron expression: Cronos's reason).</summary>
    public static ScheduleCalendar? TryCreate(string scheduleId, ScheduleSpec spec, out string? error)
    {
        error = null;
        var cron = new List<CronExpression>();
        var expressions = spec.Cron ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            if (ParseCron(expressions[i], out var why) is { } parsed)
            {
                cron.Add(parsed);
            }
            else
            {
                error = $"'spec.cron[{i}]' is not a valid cron expression: {why}";
                return null;
            }
        }
        var intervals = new List<(long, long)>();
        var given = spec.Intervals ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            var interval = given[i];
            if (interval is null)
            {
                error = $"'spec.intervals[{i}]' must be {{\"every\",\"offset\"?}}.";
                return null;
            }
            var offset = interval.Offset ?? TimeSpan.Zero;
            if (interval.Every < TimeSpan.FromSeconds(1) || interval.Every.Ticks % TicksPerSecond != 0)
            {
                error = $"'spec.intervals[{i}].every' must be a whole number of seconds, at least 00:00:01.";
                return null;
            }
            if (offset < TimeSpan.Zero || offset >= interval.Every || offset.Ticks % TicksPerSecond != 0)
            {
                error = $"'spec.intervals[{i}].offset' must be a whole number of seconds, at least zero and less than 'every'.";
                return null;
            }
            intervals.Add((interval.Every.Ticks, offset.Ticks));
        }
        if (cron.Count == 0 && intervals.Count == 0)
        {
            error = "'spec' needs at least one 'cron' expression or 'intervals' entry.";
            return null;
        }
        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrEmpty(spec.TimeZone))
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(spec.TimeZone);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
            {
                error = $"'spec.timeZone' '{spec.TimeZone}' is not a known time zone (use an IANA name such as Europe/Berlin).";
                return null;
            }
        }
        if (spec.StartAt is { } s && spec.EndAt is { } e2 && e2 < s)
        {
            error = "'spec.endAt' must not be before 'spec.startAt'.";
            return null;
        }
        if (spec.Jitter is { } j && (j < TimeSpan.Zero || j > TimeSpan.FromDays(7)))
        {
            error = "'spec.jitter' must be between 00:00:00 and 7.00:00:00.";
            return null;
        }
        return new ScheduleCalendar(scheduleId, cron, intervals, zone, spec.StartAt?.UtcDateTime, spec.EndAt?.UtcDateTime, spec.Jitter ?? TimeSpan.Zero);
    }

    /// <summary>Parses a cron expression: 5 fields (minute first), 6 (seconds first) or a macro (<c>@hourly</c>, <c>@every_second</c>...).</summary>
    public static CronExpression? ParseCron(string? expression, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(expression))
        {
            error = "it is empty.";
            return null;
        }
        var text = expression.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (!text.StartsWith('@') && fields is not (5 or 6))
        {
            error = $"it has {fields} field(s); a cron expression has 5 (minute hour day-of-month month day-of-week) or 6 (with seconds first).";
            return null;
        }
        try
        {
            return CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>The first scheduled time strictly after <paramref name="after"/> (UTC), or null when none is left.</summary>
    public DateTime? NextAfter(DateTime after)
    {
        after = DateTime.SpecifyKind(after, DateTimeKind.Utc);
        if (_startAt is { } start && after < start)
        {
            after = start.AddTicks(-1);
        }
        DateTime? best = null;
        foreach (var cron in _cron)
        {
            if (cron.GetNextOccurrence(after, _zone, inclusive: false) is { } next && (best is null || next < best))
            {
                best = next;
            }
        }
        foreach (var (every, offset) in _intervals)
        {
            // the first epoch + offset + k * every that is > after
            var since = after.Ticks - DateTime.UnixEpoch.Ticks - offset;
            var k = since < 0 ? -((-since) / every) : since / every;
            var next = DateTime.UnixEpoch.Ticks + offset + k * every;
            while (next <= after.Ticks)
            {
                next += every;
            }
            var at = new DateTime(next, DateTimeKind.Utc);
            if (best is null || at < best)
            {
                best = at;
            }
        }
        if (best is { } found)
        {
            // whole seconds (a start bound with a fraction cannot make a time with one)
            found = new DateTime(found.Ticks - found.Ticks % TicksPerSecond, DateTimeKind.Utc);
            if (found <= after)
            {
                found = found.AddSeconds(1);
            }
            best = found;
        }
        return best is { } b && _endAt is { } end && b > end ? null : best;
    }

    /// <summary>When <paramref name="scheduled"/> fires: the time plus its jitter (the same on every engine, every time).</summary>
    public DateTime FireTime(DateTime scheduled) => scheduled.AddTicks(Jitter(scheduled));

    private long Jitter(DateTime scheduled)
    {
        if (_jitterTicks <= 0)
        {
            return 0;
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{_scheduleId}\n{scheduled.Ticks}"), hash);
        return (long)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % (ulong)_jitterTicks);
    }

    /// <summary>The next <paramref name="count"/> scheduled times after <paramref name="after"/>.</summary>
    public IReadOnlyList<DateTime> NextTimes(DateTime after, int count)
    {
        var times = new List<DateTime>(count);
        var cursor = after;
        while (times.Count < count && NextAfter(cursor) is { } next)
        {
            times.Add(next);
            cursor = next;
        }
        return times;
    }

    /// <summary>The workflow id of a scheduled time: <c>{scheduleId}-{scheduledTime:yyyy-MM-ddTHH:mm:ssZ}</c>.</summary>
    public static string WorkflowId(string scheduleId, DateTime scheduled) =>
        $"{scheduleId}-{scheduled.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)}";
}
