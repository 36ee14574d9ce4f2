using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.Testing.InMemory;

/// <summary>How the engine writes a history page (ASP.NET Core's web defaults).</summary>
internal static class HistoryWriter
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static string Write(HistoryPage page) => JsonSerializer.Serialize(page, Options);
}
