using System.Diagnostics;

namespace Sage.Redis;

public sealed partial class RedisConnection
{
    /// <summary>PING: the round-trip time (which includes any commands queued ahead of it).</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await ExecuteAsync("PING", [], cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>INFO [section]: the server's report as text.</summary>
    public async Task<string> InfoAsync(string? section = null, CancellationToken cancellationToken = default)
    {
        var reply = section is null
            ? await ExecuteAsync("INFO", [], cancellationToken).ConfigureAwait(false)
            : await ExecuteAsync("INFO", [section], cancellationToken).ConfigureAwait(false);
        return reply.AsString() ?? string.Empty;
    }
}
