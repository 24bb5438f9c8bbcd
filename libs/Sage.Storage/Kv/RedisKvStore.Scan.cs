using System.Buffers.Text;
using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Sage.Storage.Kv;

public sealed partial class RedisKvStore
{
    // Bounds one page's work when few keys match; the contract allows short (even empty) pages before the end.
    private const int MaxScanCallsPerPage = 8;
    private const string CursorVersion = "r2";

    // COUNT per SCAN call: keys of other prefixes share the keyspace, so small limits still walk a fair share of it.
    private const int MinScanCount = 100;
    private const int MaxScanCount = 1000;
    private const int DeleteScanCount = 500;

    /// <inheritdoc />
    /// <remarks>
    /// The primaries (one, or every master of a cluster, in endpoint order) are scanned one after the other; the cursor
    /// carries which primary, that primary's SCAN cursor, and the last key returned from its current batch.
    /// </remarks>
    public async ValueTask<KvScanPage> ScanAsync(string pattern, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (limit < 1)
        {
            throw StorageException.Invalid("limit", "limit must be at least 1.");
        }

        var primaries = Primaries();
        var (primary, position, after) = DecodeCursor(cursor, primaries.Length);
        var match = RedisGlob.Escape(_prefix) + pattern;
        var keys = new List<string>(Math.Min(limit, 1024));
        for (var call = 0; call < MaxScanCallsPerPage; call++)
        {
            var (next, found) = await ScanOnceAsync(primaries[primary], position, match, Math.Clamp(limit, MinScanCount, MaxScanCount), cancellationToken)
                .ConfigureAwait(false);

            // Sorted, so a page that has to stop inside a SCAN batch can resume after its last key by re-reading the batch.
            var batch = new List<string>(found.Length);
            foreach (var stored in found)
            {
                var key = ((string)stored!)[_prefix.Length..];
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
                return new KvScanPage(keys, EncodeCursor(primary, position, keys[^1]));
            }

            keys.AddRange(batch);
            after = null;
            position = next;
            if (position == 0 && ++primary == primaries.Length)
            {
                return new KvScanPage(keys, null);
            }

            if (keys.Count == limit)
            {
                break;
            }
        }

        return new KvScanPage(keys, EncodeCursor(primary, position, null));
    }

    /// <inheritdoc />
    public async ValueTask<long> DeleteByPatternAsync(string pattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var match = RedisGlob.Escape(_prefix) + pattern;
        long deleted = 0;
        foreach (var primary in Primaries())
        {
            ulong position = 0;
            do
            {
                var (next, found) = await ScanOnceAsync(primary, position, match, DeleteScanCount, cancellationToken).ConfigureAwait(false);
                deleted += await DeleteStoredAsync(found, cancellationToken).ConfigureAwait(false);
                position = next;
            }
            while (position != 0);
        }

        return deleted;
    }

    /// <summary>The servers that own keys: the one Redis, or each cluster master; in a stable order so cursors stay valid.</summary>
    private IServer[] Primaries()
    {
        var primaries = _redis.GetServers()
            .Where(server => !server.IsReplica)
            .OrderBy(server => EndPointCollection.ToString(server.EndPoint), StringComparer.Ordinal)
            .ToArray();
        return primaries.Length > 0
            ? primaries
            : throw StorageException.Unavailable($"Redis at {Endpoints} has no reachable primary.");
    }

    private async Task<(ulong Next, RedisKey[] Keys)> ScanOnceAsync(IServer server, ulong position, string match, int count, CancellationToken cancellationToken)
    {
        var reply = await CallAsync(
            server.ExecuteAsync(_database.Database, "SCAN", [position, "MATCH", match, "COUNT", count]),
            cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])reply!;
        return (ulong.Parse((string)parts[0]!, NumberStyles.None, CultureInfo.InvariantCulture), (RedisKey[])parts[1]!);
    }

    // Cursor text: base64url of "r2:<primary index>:<redis cursor>:<last key returned from that batch, or empty>".
    private static string EncodeCursor(int primary, ulong position, string? after)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{CursorVersion}:{primary}:{position}:{after}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    private static (int Primary, ulong Position, string? After) DecodeCursor(string? cursor, int primaries)
    {
        if (string.IsNullOrEmpty(cursor) || cursor == "0")
        {
            return (0, 0, null);
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':', 4);
            if (parts is [CursorVersion, var primary, var position, var after] &&
                int.TryParse(primary, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < primaries &&
                ulong.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return (index, number, after.Length == 0 ? null : after);
            }
        }
        catch (FormatException)
        {
            // Falls through to the same answer as any other foreign cursor.
        }

        throw StorageException.Invalid("cursor", "cursor is not one this store returned.");
    }
}
