using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.Worker.Tests;

/// <summary>Looks at queues directly through RabbitMQ.Client.</summary>
internal static class RabbitQueues
{
    /// <summary>Polls (with a deadline) until <paramref name="queue"/> exists and holds at least <paramref name="count"/> ready messages.</summary>
    public static async Task WaitForMessagesAsync(Uri broker, string queue, uint count, TimeSpan timeout)
    {
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using (var channel = await connection.CreateChannelAsync())
            {
                try
                {
                    var ok = await channel.QueueDeclarePassiveAsync(queue);
                    if (ok.MessageCount >= count)
                    {
                        return;
                    }
                }
                catch (OperationInterruptedException)
                {
                    // not declared yet
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Queue {queue} did not get {count} message(s) within {timeout}.");
            }
            await Task.Delay(50);
        }
    }
}
