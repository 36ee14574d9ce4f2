namespace Orchestrator.Analyzers;

/// <summary>The rule ids (docs/analyzers.md). Ids are promises to users: never renumber or reuse one.</summary>
internal static class DiagnosticIds
{
    public const string Clock = "ORCH0001";
    public const string NewGuid = "ORCH0002";
    public const string Random = "ORCH0003";
    public const string Delay = "ORCH0004";
    public const string Threads = "ORCH0005";
    public const string ConfigureAwait = "ORCH0006";
    public const string InputOutput = "ORCH0007";
    public const string Environment = "ORCH0008";
    public const string StaticState = "ORCH0009";
    public const string HashOrder = "ORCH0010";
    public const string Shape = "ORCH0011";
    public const string NotSerializable = "ORCH0012";
}
