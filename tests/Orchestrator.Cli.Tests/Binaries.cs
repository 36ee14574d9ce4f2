namespace Orchestrator.Cli.Tests;

/// <summary>The built outputs of the repository's projects (same configuration as this test assembly).</summary>
internal static class Binaries
{
    public static string Path(string projectDir, string dll)
    {
        // tests/Orchestrator.Cli.Tests/bin/<Configuration>/net10.0/ -> the repository root, same configuration
        var baseDir = new DirectoryInfo(System.IO.Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = baseDir.Parent!.Name;
        var root = baseDir;
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Orchestrator.sln")))
        {
            root = root.Parent;
        }
        var path = System.IO.Path.Combine(root!.FullName, projectDir, "bin", configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {projectDir} first.", path);
    }
}
