using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Sage.Redis;

namespace Sage.Storage.Kv;

public sealed partial class RedisKvStore
{
    // Bounds one page's work when few keys match; the contract allows short (even empty) pages before the end.
    private const int MaxScanCallsPerPage = 8;
    private const string CursorVersion = "r1";

    // COUNT per SCAN call: keys of other prefixes share the keyspace, so small limits still walk a fair share of it.
    private const int MinScanCount = 100;
    private const int MaxScanCount = 1000;

    /// <inheritdoc />
    public async ValueTask<KvScanPage> ScanAsync(string pattern, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (limit < 1)
        {
            throw StorageException.Invalid("limit", "limit must be at least 1.");
        }

        var (position, after) = DecodeCursor(cursor);
        var match = RedisGlob.Escape(_prefix) + pattern;
        var keys = new List<string>(Math.Min(limit, 1024));
        for (var call = 0; call < MaxScanCallsPerPage; call++)
        {
            var page = await CallAsync(
                static (redis, state, ct) => redis.ScanAsync(state.position, state.match, state.count, ct),
                (position, match, count: Math.Clamp(limit, MinScanCount, MaxScanCount)),
                cancellationToken).ConfigureAwait(false);

            // Sorted, so a page that has to stop inside a SCAN batch can resume after its last key by re-reading the batch.
            var batch = new List<string>(page.Keys.Count);
            foreach (var stored in page.Keys)
            {
                var key = stored[_prefix.Length..];
                if (after is null || string.CompareOrdinal(key, after) > 0)
                {
                    batch.Add(key);
                }
            }

            batch.Sort(StringComparer.Ordinal);
            var room = limit - keys.Count;
            if (batch.Count > room)
            {
                keys.AddRange(batch.GetRange(0, room));
                return new KvScanPage(keys, EncodeCursor(position, keys[^1]));
            }

            keys.AddRange(batch);
            position = page.Cursor;
            after = null;
            if (position == 0)
            {
                return new KvScanPage(keys, null);
            }

            if (keys.Count == limit)
            {
                break;
            }
        }

        return new KvScanPage(keys, EncodeCursor(position, null));
    }

    /// <inheritdoc />
    public async ValueTask<long> DeleteByPatternAsync(string pattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var match = RedisGlob.Escape(_prefix) + pattern;
        long deleted = 0;
        ulong position = 0;
        do
        {
            var page = await CallAsync(
                static (redis, state, ct) => redis.ScanAsync(state.position, state.match, 500, ct), (position, match), cancellationToken)
                .ConfigureAwait(false);
            if (page.Keys.Count > 0)
            {
                var batch = new RedisValue[page.Keys.Count];
                for (var i = 0; i < batch.Length; i++)
                {
                    batch[i] = page.Keys[i];
                }

                deleted += await CallAsync(static (redis, keys, ct) => redis.UnlinkAsync(keys, ct), batch, cancellationToken).ConfigureAwait(false);
            }

            position = page.Cursor;
        }
        while (position != 0);

        return deleted;
    }

    // Cursor text: base64url of "r1:<redis cursor>:<last key returned from that batch, or empty>".
    private static string EncodeCursor(ulong position, string? after)
    {
        var text = $"{CursorVersion}:{position.ToString(CultureInfo.InvariantCulture)}:{after}";
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    private static (ulong Position, string? After) DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor == "0")
        {
            return (0, null);
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':', 3);
            if (parts is [CursorVersion, var position, var after] &&
                ulong.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return (number, after.Length == 0 ? null : after);
            }
        }
        catch (FormatException)
        {
            // Falls through to the same answer as any other foreign cursor.
        }

        throw StorageException.Invalid("cursor", "cursor is not one this store returned.");
    }
}
