using Sage.Redis.Connection;
using Sage.Redis.Protocol;

namespace Sage.Redis;

public sealed partial class RedisConnection
{
    /// <summary>GET: the value's bytes, or null when the key does not exist.</summary>
    public async Task<byte[]?> GetAsync(RedisValue key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("GET", [key], cancellationToken).ConfigureAwait(false)).AsBytes();

    /// <summary>GET: the value as UTF-8 text, or null when the key does not exist.</summary>
    public async Task<string?> GetStringAsync(RedisValue key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("GET", [key], cancellationToken).ConfigureAwait(false)).AsString();

    /// <summary>
    /// SET with an optional expiry (sent as EX when it is whole seconds, PX otherwise), NX/XX condition, or KEEPTTL.
    /// Returns false when the condition kept the value from being written.
    /// </summary>
    public async Task<bool> SetAsync(
        RedisValue key,
        RedisValue value,
        TimeSpan? expiry = null,
        SetCondition when = SetCondition.Always,
        bool keepTtl = false,
        CancellationToken cancellationToken = default)
    {
        if (expiry is { } ttl && (ttl <= TimeSpan.Zero || keepTtl))
        {
            throw new ArgumentOutOfRangeException(nameof(expiry), "An expiry must be positive and cannot be combined with keepTtl.");
        }

        var command = new RedisCommand("SET");
        var writer = new RespWriter(command);
        var parts = 3 + (expiry is null ? 0 : 2) + (when == SetCondition.Always ? 0 : 1) + (keepTtl ? 1 : 0);
        writer.WriteArrayHeader(parts);
        writer.WriteBulkString("SET");
        writer.WriteBulkString(key);
        writer.WriteBulkString(value);
        if (expiry is { } time)
        {
            var wholeSeconds = time.Ticks % TimeSpan.TicksPerSecond == 0;
            writer.WriteBulkString(wholeSeconds ? "EX" : "PX");
            writer.WriteBulkString(wholeSeconds ? (long)time.TotalSeconds : (long)Math.Ceiling(time.TotalMilliseconds));
        }

        if (when != SetCondition.Always)
        {
            writer.WriteBulkString(when == SetCondition.NotExists ? "NX" : "XX");
        }

        if (keepTtl)
        {
            writer.WriteBulkString("KEEPTTL");
        }

        var reply = await SendAsync(command, cancellationToken).ConfigureAwait(false);
        return !reply.IsNull;
    }

    /// <summary>DEL: removes one key; returns whether it existed.</summary>
    public async Task<bool> DeleteAsync(RedisValue key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("DEL", [key], cancellationToken).ConfigureAwait(false)).AsInt64() == 1;

    /// <summary>DEL: removes keys; returns how many existed.</summary>
    public async Task<long> DeleteAsync(RedisValue[] keys, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("DEL", keys, cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <summary>UNLINK: removes keys, reclaiming memory in the background; returns how many existed.</summary>
    public async Task<long> UnlinkAsync(RedisValue[] keys, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("UNLINK", keys, cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <summary>MGET: one entry per key, in order; null where a key does not exist.</summary>
    public async Task<byte[]?[]> MGetAsync(RedisValue[] keys, CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync("MGET", keys, cancellationToken).ConfigureAwait(false);
        var elements = reply.Elements;
        var values = new byte[]?[elements.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = elements[i].AsBytes();
        }

        return values;
    }

    /// <summary>MSET: writes every pair atomically (no expiry).</summary>
    public Task MSetAsync(IReadOnlyList<KeyValuePair<RedisValue, RedisValue>> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            throw new ArgumentException("MSET needs at least one pair.", nameof(pairs));
        }

        var command = new RedisCommand("MSET");
        var writer = new RespWriter(command);
        writer.WriteArrayHeader(1 + (2 * pairs.Count));
        writer.WriteBulkString("MSET");
        for (var i = 0; i < pairs.Count; i++)
        {
            writer.WriteBulkString(pairs[i].Key);
            writer.WriteBulkString(pairs[i].Value);
        }

        return SendAsync(command, cancellationToken);
    }
}
