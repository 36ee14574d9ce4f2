namespace Orchestrator.Cli.Output;

/// <summary>What the commands print on stdout (<c>--output</c>).</summary>
internal enum OutputFormat
{
    /// <summary>For people: tables, colour when stdout is a terminal.</summary>
    Table,

    /// <summary>For scripts: the REST bodies, indented JSON (docs/cli.md).</summary>
    Json,
}
