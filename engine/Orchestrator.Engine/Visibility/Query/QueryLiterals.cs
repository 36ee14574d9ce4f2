using System.Globalization;

namespace Orchestrator.Engine.Visibility.Query;

/// <summary>
/// The values of a list query's literals, checked against their field's type: one home for the engine's SQL compiler
/// (<c>QuerySqlCompiler</c>) and the test environment's in-memory query, so both refuse the same values with the same words.
/// </summary>
internal static class QueryLiterals
{
    /// <summary>The run statuses a query may name.</summary>
    public static readonly HashSet<string> Statuses = ["Running", "Completed", "Failed", "Canceled", "Terminated", "ContinuedAsNew", "TimedOut"];

    /// <summary>
    /// A literal as a value of the field's type, checked, with the position and what was expected when it is not one (whole
    /// numbers as <see cref="long"/>, numbers as <see cref="decimal"/>, times as UTC <see cref="DateTime"/>).
    /// </summary>
    public static object Read(QueryField field, Literal literal)
    {
        switch (field.Kind)
        {
            case FieldKind.Keyword or FieldKind.Text or FieldKind.KeywordList:
                return Text(literal, field);
            case FieldKind.Status:
                var status = Text(literal, field);
                return Statuses.Contains(status) ? status
                    : throw new QueryException(literal.Position, $"'{status}' is not a status.", string.Join(", ", Statuses));
            case FieldKind.Uuid:
                return Guid.TryParse(Text(literal, field), out var id) ? id
                    : throw new QueryException(literal.Position, "A RunId is a UUID in quotes.", "a UUID such as '0193...'");
            case FieldKind.Int when literal.Kind == LiteralKind.Number && long.TryParse(literal.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                return l;
            case FieldKind.Double when literal.Kind == LiteralKind.Number
                && decimal.TryParse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                return d;
            case FieldKind.Bool when literal.Kind == LiteralKind.Bool:
                return literal.Text == "true";
            case FieldKind.Datetime:
                return SearchAttributeRules.TryParseTime(Text(literal, field), out var time) ? time.UtcDateTime
                    : throw new QueryException(literal.Position, $"'{field.Name}' takes a time such as '2026-11-01T00:00:00Z'.", "an ISO 8601 time with an offset, in quotes");
            case FieldKind.Duration:
                return TimeSpan.TryParse(Text(literal, field), CultureInfo.InvariantCulture, out var span) ? span
                    : throw new QueryException(literal.Position, $"'{field.Name}' takes a duration such as '00:05:00' or '1.00:00:00'.", "a duration in quotes");
            default:
                throw new QueryException(literal.Position, $"'{field.Name}' is {field.Kind}; {Describe(literal)} is not a value of that type.",
                    field.Kind switch
                    {
                        FieldKind.Int => "a whole number",
                        FieldKind.Double => "a number",
                        FieldKind.Bool => "true or false",
                        _ => "a value",
                    });
        }
    }

    /// <summary>A string literal's text; any other literal is refused with its position.</summary>
    public static string Text(Literal literal, QueryField field) =>
        literal.Kind == LiteralKind.String ? literal.Text
        : throw new QueryException(literal.Position, $"'{field.Name}' is {field.Kind}; its values are strings in quotes, not {Describe(literal)}.", "a string in quotes");

    private static string Describe(Literal literal) => literal.Kind switch
    {
        LiteralKind.String => $"the string '{literal.Text}'",
        LiteralKind.Number => $"the number {literal.Text}",
        _ => literal.Text,
    };
}
