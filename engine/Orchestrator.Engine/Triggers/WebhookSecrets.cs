using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Engine.Triggers;

/// <summary>
/// Webhook secrets by reference (<c>file:/path</c> or <c>env:NAME</c>), read when an event needs them, so a rotated file
/// takes effect without a restart. The secret never goes into the database, a log or an answer.
/// </summary>
internal static class WebhookSecrets
{
    /// <summary>The header an event over HTTP carries its signature in: <c>sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.</summary>
    public const string SignatureHeader = "X-Orchestrator-Signature";

    /// <summary>Null when the reference is of a known kind, else why not.</summary>
    public static string? CheckReference(string? secretRef) => secretRef switch
    {
        null or "" => "'webhook.secretRef' is required: 'file:/path/to/secret' or 'env:VARIABLE'.",
        { Length: > 1000 } => "'webhook.secretRef' is longer than 1000 characters.",
        _ when secretRef.StartsWith("file:/", StringComparison.Ordinal) => null,
        _ when secretRef.StartsWith("env:", StringComparison.Ordinal) && secretRef.Length > 4 => null,
        _ => "'webhook.secretRef' must be 'file:/absolute/path' or 'env:VARIABLE' (the secret itself is never stored).",
    };

    /// <summary>The secret's bytes; null when it cannot be read (missing file or variable, or empty).</summary>
    public static byte[]? Read(string secretRef)
    {
        string? text;
        try
        {
            text = secretRef.StartsWith("file:", StringComparison.Ordinal) ? File.ReadAllText(secretRef[5..]).TrimEnd('\r', '\n')
                : secretRef.StartsWith("env:", StringComparison.Ordinal) ? Environment.GetEnvironmentVariable(secretRef[4..])
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            text = null;
        }
        return string.IsNullOrEmpty(text) ? null : Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Whether <paramref name="header"/> is <c>sha256=</c> and the hex HMAC-SHA256 of <paramref name="body"/> with <paramref name="secret"/> (compared in fixed time).</summary>
    public static bool Verify(byte[] secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(7).Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
