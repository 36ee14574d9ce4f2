using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Engine.Triggers;

/// <summary>
/// A trigger's workflow id template: text with placeholders <c>{id}</c>, <c>{source}</c>, <c>{type}</c>,
/// <c>{subject}</c>, <c>{triggerId}</c>, <c>{data}</c> (a scalar data) or <c>{data.a.b}</c> (a field of the data, by
/// property names). Each placeholder must fill with a string, number or boolean, else the event cannot be acted on.
/// </summary>
internal static partial class WorkflowIdTemplate
{
    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(id|source|type|subject|triggerId|data(\.[A-Za-z0-9_$-]+)*)$")]
    private static partial Regex Known();

    /// <summary>Null when the template is well formed, else why not.</summary>
    public static string? Check(string template)
    {
        foreach (Match m in Placeholder().Matches(template))
        {
            if (!Known().IsMatch(m.Groups[1].Value))
            {
                return $"'action.workflowId' has an unknown placeholder '{m.Value}': use {{id}}, {{source}}, {{type}}, {{subject}}, {{triggerId}}, {{data}} or {{data.field.path}}.";
            }
        }
        var rest = Placeholder().Replace(template, "");
        return rest.Contains('{') || rest.Contains('}') ? "'action.workflowId' has an unmatched '{' or '}'." : null;
    }

    /// <summary>The workflow id for <paramref name="e"/>; null with <paramref name="error"/> when a placeholder cannot be filled.</summary>
    public static string? Fill(string template, string triggerId, IncomingEvent e, out string? error)
    {
        string? failure = null;
        var filled = Placeholder().Replace(template, m =>
        {
            var name = m.Groups[1].Value;
            var value = name switch
            {
                "id" => e.Id,
                "source" => e.Source,
                "type" => e.Type,
                "subject" => e.Subject,
                "triggerId" => triggerId,
                _ => DataValue(e.Data, name),
            };
            if (value is null)
            {
                failure ??= $"the workflow id template '{template}' needs {m.Value}, which the event does not have as a string, number or boolean";
                return "";
            }
            return value;
        });
        error = failure;
        return failure is null ? filled : null;
    }

    private static string? DataValue(JsonElement? data, string path)
    {
        if (data is not { } current)
        {
            return null;
        }
        foreach (var segment in path.Split('.').Skip(1))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return null;
            }
        }
        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number => current.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }
}
