using System.Text;

namespace Orchestrator.Dashboard.Security;

/// <summary>
/// <c>Orchestrator.Dashboard hash-password</c>: reads a password (the first line of standard input, or typed twice
/// without echo at a terminal) and prints its hash for <c>Orchestrator:Dashboard:Users:&lt;name&gt;:PasswordHash</c>.
/// </summary>
internal static class HashPasswordCommand
{
    public const string Name = "hash-password";

    public static int Run(TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        string? password;
        if (interactive)
        {
            password = ReadHidden(error, "Password: ");
            if (password != ReadHidden(error, "Again: "))
            {
                error.WriteLine("hash-password: the two passwords differ; nothing printed.");
                return 2;
            }
        }
        else
        {
            password = input.ReadLine();
        }
        if (password is null || password.Length < PasswordHashing.MinimumPasswordLength)
        {
            error.WriteLine($"hash-password: give a password of at least {PasswordHashing.MinimumPasswordLength} characters (on standard input, e.g. `printf '%s\\n' \"$PASSWORD\" | ... hash-password`).");
            return 2;
        }
        output.WriteLine(PasswordHashing.Hash(password));
        return 0;
    }

    private static string ReadHidden(TextWriter prompt, string text)
    {
        prompt.Write(text);
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                prompt.WriteLine();
                return typed.ToString();
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
