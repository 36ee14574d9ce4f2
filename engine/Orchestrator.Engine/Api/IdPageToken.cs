using System.Text;

namespace Orchestrator.Engine.Api;

/// <summary>
/// The page token of a list by id (schedules, triggers): the last id of the page with a prefix of its list, so a token of
/// one list is refused by another.
/// </summary>
internal static class IdPageToken
{
    public static string Encode(char list, string after) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(list + ":" + after)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(char list, string token, out string? after)
    {
        after = null;
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            if (text.Length < 2 || text[0] != list || text[1] != ':')
            {
                return false;
            }
            after = text[2..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
