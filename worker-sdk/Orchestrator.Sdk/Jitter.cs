namespace Orchestrator.Sdk;

/// <summary>How retry delays are randomized.</summary>
public enum Jitter
{
    /// <summary>Exact delays.</summary>
    None,

    /// <summary>A uniformly random delay between zero and the computed delay.</summary>
    Full,
}
