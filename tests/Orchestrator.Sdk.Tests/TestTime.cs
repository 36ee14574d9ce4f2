namespace Orchestrator.Sdk.Tests;

/// <summary>Every test bounds its own run time: bodies run through <see cref="Bounded"/> with a [Fact(Timeout)].</summary>
internal static class TestTime
{
    public const int Limit = 60_000;

    public static Task Bounded(Action body) => Task.Run(body);
}
