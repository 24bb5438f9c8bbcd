using System.Text.Json;
using Sage.Redis;

namespace Sage.Storage.Kv;

/// <summary>
/// The Redis KV backend. Every key lives under a prefix (default <c>sage:kv:</c>) as compact JSON text; listing uses
/// SCAN (never KEYS); ETag conditions and batches run as Lua scripts, so they are atomic. Connection failures and
/// timeouts become <see cref="StorageError.Unavailable"/>.
/// </summary>
public sealed partial class RedisKvStore : IKvStore
{
    /// <summary>The prefix used when none is given.</summary>
    public const string DefaultKeyPrefix = "sage:kv:";

    private readonly RedisConnection _redis;
    private readonly string _prefix;

    /// <summary>Creates a store over a shared connection; the store does not own or dispose it.</summary>
    public RedisKvStore(RedisConnection redis, string keyPrefix = DefaultKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _redis = redis;
        _prefix = keyPrefix;
    }

    /// <inheritdoc />
    public string Backend => "redis";

    /// <summary>The prefix every key is stored under.</summary>
    public string KeyPrefix => _prefix;

    /// <inheritdoc />
    public async ValueTask<KvEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await GetManyAsync([key], cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<KvEntry?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        var reply = await RunAsync(RedisKvScripts.GetWithTtl, StoredKeys(keys), [], cancellationToken).ConfigureAwait(false);
        var parts = reply.Elements;
        var entries = new KvEntry?[keys.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            if (parts[2 * i].AsBytes() is not { } json)
            {
                continue;
            }

            var ttl = parts[2 * i + 1].AsInt64();
            entries[i] = new KvEntry(keys[i], KvValue.Decode(json), KvValue.ETagOf(json), ttl < 0 ? null : TimeSpan.FromMilliseconds(ttl));
        }

        return entries;
    }

    /// <inheritdoc />
    public async ValueTask<KvWriteResult> SetAsync(string key, JsonElement value, KvSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KvSetOptions();
        CheckKey(key, "key");
        CheckTtl(options.TimeToLive, "ttl");
        var json = KvValue.Encode(value);
        var etag = KvValue.ETagOf(json);
        if (options is { OnlyIfAbsent: true, IfMatch: not null })
        {
            // Absent and matching an ETag cannot both hold.
            return KvWriteResult.PreconditionFailed;
        }

        bool applied;
        if (options.IfMatch is { } ifMatch)
        {
            var reply = await RunAsync(RedisKvScripts.SetIfMatch, [Stored(key)], [NormalizeETag(ifMatch), json, TtlArgument(options.TimeToLive)], cancellationToken)
                .ConfigureAwait(false);
            applied = reply.AsInt64() == 1;
        }
        else
        {
            var when = options.OnlyIfAbsent ? SetCondition.NotExists : SetCondition.Always;
            applied = await CallAsync(
                static (redis, state, ct) => redis.SetAsync(state.Key, state.Json, state.Ttl, state.When, cancellationToken: ct),
                (Key: Stored(key), Json: json, Ttl: options.TimeToLive, When: when),
                cancellationToken).ConfigureAwait(false);
        }

        return applied ? KvWriteResult.Written(etag) : KvWriteResult.PreconditionFailed;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> SetManyAsync(IReadOnlyList<KvWrite> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var keys = new RedisValue[items.Count];
        var args = new RedisValue[items.Count * 2];
        var etags = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            CheckKey(items[i].Key, "key");
            CheckTtl(items[i].TimeToLive, $"items[{i}].ttl");
            var json = KvValue.Encode(items[i].Value);
            keys[i] = Stored(items[i].Key);
            args[2 * i] = json;
            args[(2 * i) + 1] = TtlArgument(items[i].TimeToLive);
            etags[i] = KvValue.ETagOf(json);
        }

        if (items.Count > 0)
        {
            await RunAsync(RedisKvScripts.SetMany, keys, args, cancellationToken).ConfigureAwait(false);
        }

        return etags;
    }

    /// <inheritdoc />
    public async ValueTask<KvDeleteOutcome> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        if (ifMatch is null)
        {
            var deleted = await CallAsync(static (redis, key, ct) => redis.UnlinkAsync([key], ct), Stored(key), cancellationToken)
                .ConfigureAwait(false);
            return deleted == 1 ? KvDeleteOutcome.Deleted : KvDeleteOutcome.NotFound;
        }

        var reply = await RunAsync(RedisKvScripts.DeleteIfMatch, [Stored(key)], [NormalizeETag(ifMatch)], cancellationToken).ConfigureAwait(false);
        return reply.AsInt64() switch
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
        return keys.Count == 0
            ? 0
            : await CallAsync(static (redis, keys, ct) => redis.UnlinkAsync(keys, ct), StoredKeys(keys), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default) =>
        new(CallAsync(static (redis, _, ct) => redis.PingAsync(ct), 0, cancellationToken));

    private string Stored(string key) => _prefix + key;

    private RedisValue[] StoredKeys(IReadOnlyList<string> keys)
    {
        var stored = new RedisValue[keys.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = Stored(keys[i]);
        }

        return stored;
    }

    private Task<RedisReply> RunAsync(RedisScript script, RedisValue[] keys, RedisValue[] args, CancellationToken cancellationToken) =>
        CallAsync(static (redis, state, ct) => state.script.EvaluateAsync(redis, state.keys, state.args, ct), (script, keys, args), cancellationToken);

    /// <summary>Runs one Redis call and turns the client's failures into <see cref="StorageException"/>s.</summary>
    private async Task<TResult> CallAsync<TState, TResult>(
        Func<RedisConnection, TState, CancellationToken, Task<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        try
        {
            return await call(_redis, state, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    private StorageException? Translate(RedisException error) => error switch
    {
        RedisConnectionException or RedisTimeoutException or RedisProtocolException =>
            StorageException.Unavailable($"Redis at {_redis.Endpoint} is unavailable: {error.Message}", error),
        RedisServerException { Prefix: "OOM" } =>
            new StorageException(StorageError.CapacityExceeded, $"Redis is out of memory: {error.Message}", null, error),
        RedisServerException { Prefix: "LOADING" or "BUSY" or "MASTERDOWN" or "NOAUTH" or "WRONGPASS" or "READONLY" } =>
            StorageException.Unavailable($"Redis at {_redis.Endpoint} cannot serve requests: {error.Message}", error),
        RedisServerException { Prefix: "WRONGTYPE" } =>
            new StorageException(StorageError.Conflict, $"A Redis key under '{_prefix}' holds a non-string value: {error.Message}", null, error),
        _ => null,
    };

    private static void CheckKey(string key, string field)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw StorageException.Invalid(field, "key must not be empty.");
        }
    }

    private static void CheckTtl(TimeSpan? ttl, string field)
    {
        if (ttl is { } value && value <= TimeSpan.Zero)
        {
            throw StorageException.Invalid(field, "ttl must be a positive number of seconds.");
        }
    }

    private static RedisValue TtlArgument(TimeSpan? ttl) => ttl is { } value ? (long)Math.Ceiling(value.TotalMilliseconds) : "";

    // ETags are compared as lowercase hex, with optional HTTP quotes; '*' matches any existing value.
    private static string NormalizeETag(string etag) => etag == "*" ? "*" : etag.Trim('"').ToLowerInvariant();
}
