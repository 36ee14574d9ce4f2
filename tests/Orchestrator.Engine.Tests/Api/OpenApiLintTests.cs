using System.Diagnostics;

namespace Orchestrator.Engine.Tests.Api;

/// <summary>
/// Redocly CLI's recommended rules find no error in <c>docs/openapi.json</c> (<c>scripts/openapi-lint.sh</c>; the copy is
/// the served document, see <see cref="OpenApiDocumentTests"/>). Needs npx (Node.js); about 2 s once the CLI is cached.
/// </summary>
public sealed class OpenApiLintTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task RedoclyLint_OfTheDocument_ReportsNoError()
    {
        var root = DeploymentTests.Root();
        var info = new ProcessStartInfo(Path.Combine(root, "scripts", "openapi-lint.sh")) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(process.ExitCode == 0, $"scripts/openapi-lint.sh exited {process.ExitCode}:\n{await output}\n{await errors}");
        Assert.Contains("Your API description is valid", await output + await errors, StringComparison.Ordinal);
    }
}
