using System.Net.Sockets;
using System.Text;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// HTTP/1.1 over a bare socket, the way a plain client does it: the request target goes out byte for byte (no
/// normalisation of case, slashes or percent-encoding, as <see cref="Uri"/> would do), the whole body is written before
/// anything is read, then the answer is read to the end of the connection or of its body.
/// </summary>
internal static class RawHttp
{
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body, bool ClosedCleanly)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

        public string? MediaType => Header("Content-Type")?.Split(';')[0].Trim();
    }

    /// <summary>Sends one request; <paramref name="body"/> is written fully (Content-Length, or chunked when asked) before reading.</summary>
    public static async Task<Response> SendAsync(Uri server, string method, string target, IReadOnlyDictionary<string, string>? headers = null,
        byte[]? body = null, bool chunked = false, bool keepAlive = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {server.Authority}\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (body is not null)
        {
            head.Append("Content-Type: application/json\r\n");
            head.Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n");
        }
        if (!keepAlive)
        {
            head.Append("Connection: close\r\n");
        }
        head.Append("\r\n");
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), timeout.Token);
            if (body is not null)
            {
                await WriteBodyAsync(stream, body, chunked, timeout.Token);
            }
            await stream.FlushAsync(timeout.Token);
        }
        catch (IOException e)
        {
            throw new IOException($"The server broke the connection while the request body was written: {e.Message}", e);
        }
        return await ReadResponseAsync(stream, timeout.Token);
    }

    private static async Task WriteBodyAsync(NetworkStream stream, byte[] body, bool chunked, CancellationToken ct)
    {
        const int Slice = 64 * 1024;
        for (var offset = 0; offset < body.Length; offset += Slice)
        {
            var count = Math.Min(Slice, body.Length - offset);
            if (chunked)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{count:X}\r\n"), ct);
            }
            await stream.WriteAsync(body.AsMemory(offset, count), ct);
            if (chunked)
            {
                await stream.WriteAsync("\r\n"u8.ToArray(), ct);
            }
        }
        if (chunked)
        {
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
        }
    }

    private static async Task<Response> ReadResponseAsync(NetworkStream stream, CancellationToken ct)
    {
        var received = new List<byte>();
        var buffer = new byte[64 * 1024];
        int headEnd;
        while ((headEnd = IndexOf(received, "\r\n\r\n"u8.ToArray())) < 0)
        {
            var n = await ReadAsync(stream, buffer, ct, "before the response head was complete");
            if (n == 0)
            {
                throw new IOException($"The server closed the connection before answering ({received.Count} byte(s) received).");
            }
            received.AddRange(buffer.AsSpan(0, n));
        }
        var lines = Encoding.ASCII.GetString(received.GetRange(0, headEnd).ToArray()).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var rest = received.Skip(headEnd + 4).ToList();
        bool chunked = headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        long? length = headers.TryGetValue("Content-Length", out var cl) ? long.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : null;
        var closesAfter = headers.TryGetValue("Connection", out var connection) && connection.Contains("close", StringComparison.OrdinalIgnoreCase);

        // read the body; then, when the server said it closes, to the end of the connection (a reset there is a failure)
        var closedCleanly = false;
        while (!BodyComplete(rest, chunked, length) || closesAfter)
        {
            var n = await ReadAsync(stream, buffer, ct, "while the response was read");
            if (n == 0)
            {
                closedCleanly = true;
                break;
            }
            rest.AddRange(buffer.AsSpan(0, n));
        }
        var body = chunked ? Dechunk(rest) : rest.ToArray();
        return new Response(status, headers, Encoding.UTF8.GetString(body), closedCleanly);
    }

    private static async Task<int> ReadAsync(NetworkStream stream, byte[] buffer, CancellationToken ct, string when)
    {
        try
        {
            return await stream.ReadAsync(buffer, ct);
        }
        catch (IOException e)
        {
            throw new IOException($"The connection was reset {when}: {e.Message}", e);
        }
    }

    private static bool BodyComplete(List<byte> rest, bool chunked, long? length) =>
        chunked ? IndexOf(rest, "\r\n0\r\n\r\n"u8.ToArray()) >= 0 || (rest.Count >= 5 && IndexOf(rest, "0\r\n\r\n"u8.ToArray()) == 0)
        : length is { } l && rest.Count >= l;

    private static byte[] Dechunk(List<byte> raw)
    {
        var data = raw.ToArray();
        var output = new List<byte>();
        var at = 0;
        while (at < data.Length)
        {
            var lineEnd = Array.IndexOf(data, (byte)'\r', at);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, at, lineEnd - at).Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }
            output.AddRange(data.AsSpan(lineEnd + 2, size));
            at = lineEnd + 2 + size + 2;
        }
        return output.ToArray();
    }

    private static int IndexOf(List<byte> haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }
            if (match)
            {
                return i;
            }
        }
        return -1;
    }
}
