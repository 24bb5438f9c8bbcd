using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace Sage.Storage.Kv;

/// <summary>
/// The Redis KV backend, over StackExchange.Redis: one Redis or a Redis Cluster. Every key lives under a prefix (default
/// <c>sage:kv:</c>) as one string: <c>#</c>, the value's version (its ETag, new on every write), then its compact JSON text
/// (<see cref="RedisKvScripts"/>). A read is a pipelined PTTL + GET (no script); ETag conditions run as single-key
/// Lua scripts; a batch write runs one script per hash slot, so it is atomic on one Redis and per slot on a cluster.
/// Listing SCANs every primary (never KEYS). Connection failures and timeouts become <see cref="StorageError.Unavailable"/>.
/// </summary>
public sealed partial class RedisKvStore : IKvStore
{
    /// <summary>The prefix used when none is given.</summary>
    public const string DefaultKeyPrefix = "sage:kv:";

    private const byte VersionMark = (byte)'#';

    private readonly IConnectionMultiplexer _redis;
    private readonly IDatabase _database;
    private readonly string _prefix;

    /// <summary>Creates a store over a shared connection; the store does not own or dispose it.</summary>
    public RedisKvStore(IConnectionMultiplexer redis, string keyPrefix = DefaultKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _redis = redis;
        _database = redis.GetDatabase();
        _prefix = keyPrefix;
    }

    /// <inheritdoc />
    public string Backend => "redis";

    /// <summary>The prefix every key is stored under.</summary>
    public string KeyPrefix => _prefix;

    /// <inheritdoc />
    public async ValueTask<KvEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var stored = await CallAsync(_database.StringGetWithExpiryAsync(Stored(key)), cancellationToken).ConfigureAwait(false);
        return Entry(key, stored);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<KvEntry?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        // One read per key, all in flight at once: the client pipelines them, and each goes to the node owning its slot.
        var reads = new Task<RedisValueWithExpiry>[keys.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            reads[i] = _database.StringGetWithExpiryAsync(Stored(keys[i]));
        }

        var stored = await CallAsync(Task.WhenAll(reads), cancellationToken).ConfigureAwait(false);
        var entries = new KvEntry?[keys.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = Entry(keys[i], stored[i]);
        }

        return entries;
    }

    /// <inheritdoc />
    public async ValueTask<KvWriteResult> SetAsync(string key, JsonElement value, KvSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KvSetOptions();
        CheckKey(key, "key");
        CheckTtl(options.TimeToLive, "ttl");
        var etag = KvValue.NewVersion();
        var stored = Versioned(etag, KvValue.Encode(value));
        if (options is { OnlyIfAbsent: true, IfMatch: not null })
        {
            // Absent and matching an ETag cannot both hold.
            return KvWriteResult.PreconditionFailed;
        }

        bool applied;
        if (options.IfMatch is not null || (options.IfNoneMatch is not null && !options.OnlyIfAbsent))
        {
            RedisValue[] args =
            [
                options.IfMatch is null ? "0" : "1", NormalizeETag(options.IfMatch ?? ""),
                options.IfNoneMatch is null ? "0" : "1", NormalizeETag(options.IfNoneMatch ?? ""),
                stored, TtlArgument(options.TimeToLive),
            ];
            var reply = await CallAsync(_database.ScriptEvaluateAsync(RedisKvScripts.SetIf, [Stored(key)], args), cancellationToken).ConfigureAwait(false);
            applied = (long)reply == 1;
        }
        else
        {
            // No KEEPTTL: a write without a lifetime clears an earlier one.
            var when = options.OnlyIfAbsent ? When.NotExists : When.Always;
            applied = await CallAsync(_database.StringSetAsync(Stored(key), stored, options.TimeToLive, keepTtl: false, when), cancellationToken)
                .ConfigureAwait(false);
        }

        return applied ? KvWriteResult.Written(etag) : KvWriteResult.PreconditionFailed;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> SetManyAsync(IReadOnlyList<KvWrite> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var etags = new string[items.Count];
        var writes = new (RedisKey Key, byte[] Json, TimeSpan? Ttl)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            CheckKey(items[i].Key, "key");
            CheckTtl(items[i].TimeToLive, $"items[{i}].ttl");
            etags[i] = KvValue.NewVersion();
            writes[i] = (Stored(items[i].Key), Versioned(etags[i], KvValue.Encode(items[i].Value)), items[i].TimeToLive);
        }

        // A script may only touch keys of one slot on a cluster; on one Redis every key shares the same "no slot" group.
        var scripts = new List<Task<RedisResult>>();
        foreach (var group in writes.GroupBy(w => _redis.HashSlot(w.Key)))
        {
            var keys = group.Select(w => w.Key).ToArray();
            var args = group.SelectMany(w => new RedisValue[] { w.Json, TtlArgument(w.Ttl) }).ToArray();
            scripts.Add(_database.ScriptEvaluateAsync(RedisKvScripts.SetMany, keys, args));
        }

        await CallAsync(Task.WhenAll(scripts), cancellationToken).ConfigureAwait(false);
        return etags;
    }

    /// <inheritdoc />
    public async ValueTask<KvDeleteOutcome> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        if (ifMatch is null)
        {
            var deleted = await CallAsync(_database.KeyDeleteAsync(Stored(key)), cancellationToken).ConfigureAwait(false);
            return deleted ? KvDeleteOutcome.Deleted : KvDeleteOutcome.NotFound;
        }

        var reply = await CallAsync(_database.ScriptEvaluateAsync(RedisKvScripts.DeleteIfMatch, [Stored(key)], [NormalizeETag(ifMatch)]), cancellationToken)
            .ConfigureAwait(false);
        return (long)reply switch
        {
            2 => KvDeleteOutcome.Deleted,
            1 => KvDeleteOutcome.PreconditionFailed,
            _ => KvDeleteOutcome.NotFound,
        };
    }

    /// <inheritdoc />
    public async ValueTask<long> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return await DeleteStoredAsync(keys.Select(Stored), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default) =>
        await CallAsync(_database.PingAsync(), cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes stored (prefixed) keys with one DEL per hash slot, so no command spans slots on a cluster.</summary>
    private async Task<long> DeleteStoredAsync(IEnumerable<RedisKey> keys, CancellationToken cancellationToken)
    {
        var deletes = keys.GroupBy(_redis.HashSlot).Select(group => _database.KeyDeleteAsync(group.ToArray())).ToArray();
        return deletes.Length == 0 ? 0 : (await CallAsync(Task.WhenAll(deletes), cancellationToken).ConfigureAwait(false)).Sum();
    }

    private RedisKey Stored(string key) => _prefix + key;

    private static KvEntry? Entry(string key, RedisValueWithExpiry stored)
    {
        if (stored.Value.IsNull)
        {
            return null;
        }

        var text = ((ReadOnlyMemory<byte>)stored.Value).Span;
        if (text.Length > KvValue.VersionLength && text[0] == VersionMark)
        {
            var etag = Encoding.ASCII.GetString(text.Slice(1, KvValue.VersionLength));
            return new KvEntry(key, KvValue.Decode(text[(KvValue.VersionLength + 1)..]), etag, stored.Expiry);
        }

        // Bare JSON text, stored before ETags were versions: its ETag stays what it was then.
        return new KvEntry(key, KvValue.Decode(text), KvValue.ETagOf(text), stored.Expiry);
    }

    /// <summary>What one write stores: the version mark, the version, then the JSON text. No JSON text starts with the mark.</summary>
    private static byte[] Versioned(string etag, byte[] json)
    {
        var stored = new byte[1 + KvValue.VersionLength + json.Length];
        stored[0] = VersionMark;
        Encoding.ASCII.GetBytes(etag, stored.AsSpan(1, KvValue.VersionLength));
        json.CopyTo(stored, 1 + KvValue.VersionLength);
        return stored;
    }

    /// <summary>
    /// Awaits one Redis call and turns the client's failures into <see cref="StorageException"/>s. The call is bounded by the
    /// client's own timeout (<c>asyncTimeout</c>), not by <paramref name="cancellationToken"/>: waiting on the token would cost
    /// a promise and a registration per call, on the hottest path, to give up on a reply that arrives within milliseconds.
    /// </summary>
    private async Task<TResult> CallAsync<TResult>(Task<TResult> call, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return await call.ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    private StorageException? Translate(Exception error) => error switch
    {
        RedisConnectionException or RedisTimeoutException =>
            StorageException.Unavailable($"Redis at {Endpoints} is unavailable: {error.Message}", error),
        RedisServerException server => ServerErrorCode(server) switch
        {
            "OOM" => new StorageException(StorageError.CapacityExceeded, $"Redis is out of memory: {error.Message}", null, error),
            "LOADING" or "BUSY" or "MASTERDOWN" or "NOAUTH" or "WRONGPASS" or "READONLY" or "CLUSTERDOWN" or "TRYAGAIN" =>
                StorageException.Unavailable($"Redis at {Endpoints} cannot serve requests: {error.Message}", error),
            "WRONGTYPE" => new StorageException(StorageError.Conflict, $"A Redis key under '{_prefix}' holds a non-string value: {error.Message}", null, error),
            _ => null,
        },
        _ => null,
    };

    // The error code is the first word of a server error, also when a script's redis.call raised it ("… WRONGTYPE …" in Redis 7).
    private static string ServerErrorCode(RedisServerException error)
    {
        var message = error.Message;
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        var code = space < 0 ? message : message[..space];
        return code == "ERR" && message.Contains("WRONGTYPE", StringComparison.Ordinal) ? "WRONGTYPE" : code;
    }

    private string Endpoints => string.Join(",", _redis.GetEndPoints().Select(EndPointCollection.ToString));

    private static void CheckKey(string key, string field)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw StorageException.Invalid(field, "key must not be empty.");
        }
    }

    private static void CheckTtl(TimeSpan? ttl, string field)
    {
        if (TtlRules.Check(ttl) is { } problem)
        {
            throw StorageException.Invalid(field, $"ttl {problem}");
        }
    }

    private static RedisValue TtlArgument(TimeSpan? ttl) => ttl is { } value ? (long)Math.Ceiling(value.TotalMilliseconds) : "";

    // ETags are compared as lowercase hex, with optional HTTP quotes; '*' matches any existing value.
    private static string NormalizeETag(string etag) => etag == "*" ? "*" : etag.Trim('"').ToLowerInvariant();
}
