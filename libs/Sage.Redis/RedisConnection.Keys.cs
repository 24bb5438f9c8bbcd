using System.Globalization;

namespace Sage.Redis;

public sealed partial class RedisConnection
{
    /// <summary>SCAN cursor [MATCH pattern] [COUNT count]: one page of keys.</summary>
    public async Task<RedisScanPage> ScanAsync(ulong cursor, string? match = null, int? count = null, CancellationToken cancellationToken = default)
    {
        var cursorText = cursor.ToString(CultureInfo.InvariantCulture);
        var reply = (match, count) switch
        {
            (null, null) => await ExecuteAsync("SCAN", [cursorText], cancellationToken).ConfigureAwait(false),
            (_, null) => await ExecuteAsync("SCAN", [cursorText, "MATCH", match], cancellationToken).ConfigureAwait(false),
            (null, _) => await ExecuteAsync("SCAN", [cursorText, "COUNT", count.Value], cancellationToken).ConfigureAwait(false),
            _ => await ExecuteAsync("SCAN", [cursorText, "MATCH", match, "COUNT", count.Value], cancellationToken).ConfigureAwait(false),
        };

        var parts = reply.Elements;
        if (parts.Count != 2 || !ulong.TryParse(parts[0].AsString(), NumberStyles.None, CultureInfo.InvariantCulture, out var next))
        {
            throw new RedisProtocolException($"Unexpected SCAN reply {reply}.");
        }

        var found = parts[1].Elements;
        var keys = new string[found.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = found[i].AsString()!;
        }

        return new RedisScanPage(next, keys);
    }

    /// <summary>Every key matching <paramref name="match"/>, page by page with SCAN (never KEYS). Keys may repeat, as SCAN allows.</summary>
    public async IAsyncEnumerable<string> ScanKeysAsync(
        string? match = null,
        int? pageSize = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ulong cursor = 0;
        do
        {
            var page = await ScanAsync(cursor, match, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var key in page.Keys)
            {
                yield return key;
            }

            cursor = page.Cursor;
        }
        while (cursor != 0);
    }

    /// <summary>PTTL: remaining time to live in milliseconds; -1 when the key has no expiry, -2 when it does not exist.</summary>
    public async Task<long> PTtlAsync(RedisValue key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("PTTL", [key], cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <summary>EXPIRE (whole seconds, rounded up): returns false when the key does not exist.</summary>
    public async Task<bool> ExpireAsync(RedisValue key, TimeSpan expiry, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("EXPIRE", [key, (long)Math.Ceiling(expiry.TotalSeconds)], cancellationToken).ConfigureAwait(false)).AsInt64() == 1;

    /// <summary>PEXPIRE (milliseconds, rounded up): returns false when the key does not exist.</summary>
    public async Task<bool> PExpireAsync(RedisValue key, TimeSpan expiry, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("PEXPIRE", [key, (long)Math.Ceiling(expiry.TotalMilliseconds)], cancellationToken).ConfigureAwait(false)).AsInt64() == 1;

    /// <summary>PERSIST: removes the expiry; returns false when the key does not exist or had none.</summary>
    public async Task<bool> PersistAsync(RedisValue key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("PERSIST", [key], cancellationToken).ConfigureAwait(false)).AsInt64() == 1;
}
