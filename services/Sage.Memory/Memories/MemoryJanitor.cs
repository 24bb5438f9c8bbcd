using Microsoft.Extensions.Options;
using Sage.Storage;

namespace Sage.Memory.Memories;

/// <summary>
/// Off the request path: removes what is left of memories found dead (vectors whose data is gone, expired memories),
/// and every <see cref="MemoryOptions.ExpirySweepInterval"/> purges the vectors of expired memories by their <c>expires_at</c>.
/// Failures are logged and left for the next discovery or sweep.
/// </summary>
public sealed class MemoryJanitor(MemoryStore store, MemoryCleanupQueue queue, IOptions<MemoryOptions> options, TimeProvider time,
    ILogger<MemoryJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweep = SweepAsync(stoppingToken);
        await foreach (var key in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await store.CleanUpAsync(key, stoppingToken);
            }
            catch (Exception e) when (e is StorageException or HttpRequestException)
            {
                logger.LogWarning("Could not clean up memory '{Key}' yet: {Message}", key, e.Message);
            }
        }
        await sweep;
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await store.PurgeExpiredAsync(stoppingToken);
                if (purged > 0)
                    logger.LogDebug("Purged the vectors of {Count} expired memories", purged);
            }
            catch (Exception e) when (e is StorageException or HttpRequestException)
            {
                logger.LogDebug("Expiry sweep skipped: {Message}", e.Message);
            }
        }
    }
}
