using System.Buffers;

namespace Orchestrator.Engine.Api;

/// <summary>
/// 413 with problem+json and <c>Connection: close</c>, then the rest of the request body read and dropped (up to
/// <see cref="ApiLimits.MaxDrainBytes"/> in all, for at most <see cref="ApiLimits.DrainTime"/>) before the connection
/// closes. Closing with the body unread would make the kernel answer the client's next bytes with a reset, and a client
/// that writes its whole body before reading (most do) would see a broken pipe instead of the answer.
/// </summary>
internal sealed class PayloadTooLargeResult : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Connection = "close";
        await Results.Problem($"The request body is larger than {ApiLimits.MaxBodyBytes} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large").ExecuteAsync(httpContext);
        await httpContext.Response.CompleteAsync(); // the whole answer is on its way before the drain
        await DrainAsync(httpContext);
    }

    private static async Task DrainAsync(HttpContext httpContext)
    {
        if (httpContext.Request.ContentLength > ApiLimits.MaxDrainBytes)
        {
            return; // too much to wait for: the connection is closed after the answer
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        timeout.CancelAfter(ApiLimits.DrainTime);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await httpContext.Request.Body.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // too slow, too large (Kestrel's limit is the drain cap) or gone: the connection is closed after the answer
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
