using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Orchestrator.Engine.Tests;

/// <summary>compose/: no Docker engine runs here, so the files are validated, not run.</summary>
public sealed partial class DeploymentTests
{
    internal static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Orchestrator.sln not found above the test output.");
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ComposeFile_IsValid_AndHasEveryService()
    {
        var compose = Path.Combine(Root(), "compose", "docker-compose.yml");
        var info = new ProcessStartInfo("docker-compose") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", compose, "config", "--services" })
        {
            info.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("docker-compose is not installed (apt-get install docker-compose; ./test.sh does).", e);
        }
        using (process)
        {
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(process.ExitCode == 0, errors);
            Assert.Equal(["dashboard", "engine", "postgres", "rabbitmq", "worker"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        }
    }

    [Theory]
    [InlineData("engine.Dockerfile")]
    [InlineData("worker.Dockerfile")]
    [InlineData("dashboard.Dockerfile")]
    public void Dockerfile_PublishesAProjectThatExists_AndRunsAsNonRoot(string file)
    {
        var text = File.ReadAllText(Path.Combine(Root(), "compose", file));

        var project = PublishedProject().Match(text);
        Assert.True(project.Success, "no `dotnet publish <project>` line");
        Assert.True(File.Exists(Path.Combine(Root(), project.Groups[1].Value)), $"{project.Groups[1].Value} does not exist");
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", text, StringComparison.Ordinal);
        Assert.Matches("(?m)^USER app$", text);
        Assert.Matches("(?m)^HEALTHCHECK ", text);
        var entry = Regex.Match(text, "ENTRYPOINT \\[\"dotnet\", \"([^\"]+)\"\\]");
        Assert.Equal(Path.GetFileNameWithoutExtension(project.Groups[1].Value) + ".dll", entry.Groups[1].Value);
    }

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();
}
