using Microsoft.AspNetCore.Identity;

namespace Orchestrator.Dashboard.Security;

/// <summary>
/// Password hashes in ASP.NET Core Identity's format version 3 (<see cref="PasswordHasher{TUser}"/>): base64 of
/// <c>0x01</c>, the PRF (HMAC-SHA512), the iteration count (100,000), the salt length and a random 128-bit salt, then the
/// 256-bit PBKDF2 subkey. Verification recomputes the subkey and compares in constant time.
/// </summary>
internal static class PasswordHashing
{
    public const int MinimumPasswordLength = 8;

    private static readonly PasswordHasher<Account> Hasher = new();

    /// <summary>A hash of a password nobody knows: verified against when the user name is unknown, so that costs the same.</summary>
    private static readonly string Decoy = Hasher.HashPassword(Account.Instance, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    public static string Hash(string password) => Hasher.HashPassword(Account.Instance, password);

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/> (a well-formed hash; see <see cref="IsWellFormed"/>).</summary>
    public static bool Verify(string hash, string password)
        => Hasher.VerifyHashedPassword(Account.Instance, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;

    /// <summary>Spends the time of one verification (for an unknown user).</summary>
    public static void VerifyDecoy(string password) => _ = Verify(Decoy, password);

    /// <summary>Whether <paramref name="hash"/> is base64 of a version-3 Identity hash (the only format <see cref="Hash"/> writes).</summary>
    public static bool IsWellFormed(string? hash)
    {
        if (string.IsNullOrWhiteSpace(hash) || hash.Length > 1024)
        {
            return false;
        }
        var bytes = new byte[hash.Length];
        // 1 format byte + 3 x 4 header bytes + salt (>= 16) + subkey (>= 16)
        return Convert.TryFromBase64String(hash.Trim(), bytes, out var length) && length >= 45 && bytes[0] == 0x01;
    }

    private sealed class Account
    {
        public static readonly Account Instance = new();
    }
}
