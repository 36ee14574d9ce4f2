using System.Text.Json;

namespace Orchestrator.Engine.Triggers;

/// <summary>An event as the triggers see it, whatever carried it: the CloudEvents attributes they match and fill templates from, its data, and the whole event.</summary>
/// <param name="Id">CloudEvents <c>id</c>.</param>
/// <param name="Source">CloudEvents <c>source</c>.</param>
/// <param name="Type">CloudEvents <c>type</c> (for MassTransit messages, the message type URN).</param>
/// <param name="Subject">CloudEvents <c>subject</c>, if any.</param>
/// <param name="Data">The event's data as JSON (text as a JSON string, bytes as a base64 string), or null.</param>
/// <param name="Whole">The whole event as structured CloudEvents JSON.</param>
internal sealed record IncomingEvent(string Id, string Source, string Type, string? Subject, JsonElement? Data, JsonElement Whole);
