using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sage.Client;
using Sage.Client.Kv;
using Sage.Storage;
using Sage.Storage.Kv;

namespace Sage.Memory.Remote;

/// <summary>
/// <see cref="IKvStore"/> over the KV service (the Memory service's <c>standard</c> mode): each call is one request to the
/// matching route, and problem responses come back as the <see cref="StorageException"/>s the interface promises.
/// TTLs travel in whole seconds, so a sub-second lifetime is rounded up to the next second. A key in a reserved namespace
/// (<c>_sage/memory/…</c>, <see cref="KvNamespaces"/>) travels as <c>?namespace=memory</c> and the key within it, so the store keys
/// are the same as in-process; one batch stays in one namespace.
/// </summary>
public sealed class RemoteKvStore(KvClient client) : IKvStore
{
    private const string Service = "kv";

    /// <summary><c>remote</c>: the backend behind the KV service is that service's own business (see its <c>/health</c>).</summary>
    public string Backend => "remote";

    /// <inheritdoc />
    public async ValueTask<KvEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var (ns, local) = KvNamespaces.Split(key);
        // "." and ".." cannot be a URL path segment; batch-get carries any key in its body.
        if (local is "." or "..")
            return (await GetManyAsync([key], cancellationToken).ConfigureAwait(false))[0];
        var entry = await CallAsync(() => In(ns).GetAsync(local, cancellationToken), cancellationToken).ConfigureAwait(false);
        return entry is null ? null : ToEntry(ns, entry);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<KvEntry?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            return [];
        var ns = OneNamespace(keys);
        var answer = await CallAsync(() => In(ns).BatchGetAsync([.. keys.Select(key => KvNamespaces.KeyOf(ns, key))], cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        var found = new Dictionary<string, KvEntry>(StringComparer.Ordinal);
        foreach (var item in answer.Items)
        {
            var entry = ToEntry(ns, item);
            found[entry.Key] = entry;
        }
        return [.. keys.Select(key => found.GetValueOrDefault(key))];
    }

    /// <inheritdoc />
    public async ValueTask<KvWriteResult> SetAsync(string key, JsonElement value, KvSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        var ttl = Seconds(options?.TimeToLive);
        var (ns, local) = KvNamespaces.Split(key);
        if (options is null || (options.IfMatch is null && !options.OnlyIfAbsent && options.IfNoneMatch is null))
        {
            var written = await CallAsync(() => In(ns).SetAsync(local, value, ttl, cancellationToken), cancellationToken).ConfigureAwait(false);
            return KvWriteResult.Written(written.Etag);
        }

        try
        {
            var written = await In(ns).PutAsync(local, value, ttl, options.IfMatch, options.OnlyIfAbsent, options.IfNoneMatch, cancellationToken).ConfigureAwait(false);
            return KvWriteResult.Written(written.Etag);
        }
        catch (SageApiException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return KvWriteResult.PreconditionFailed;
        }
        catch (Exception e) when (RemoteErrors.Translate(Service, client.HttpClient, e, cancellationToken) is { } storage)
        {
            throw storage;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> SetManyAsync(IReadOnlyList<KvWrite> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
            return [];
        var ns = OneNamespace([.. items.Select(item => item.Key)]);
        var batch = items.Select(item => new KvBatchItem(KvNamespaces.KeyOf(ns, item.Key), item.Value, Seconds(item.TimeToLive))).ToArray();
        var answer = await CallAsync(() => In(ns).BatchSetAsync(batch, cancellationToken), cancellationToken).ConfigureAwait(false);
        return [.. answer.Items.Select(item => item.Etag)];
    }

    /// <inheritdoc />
    public async ValueTask<KvDeleteOutcome> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var (ns, local) = KvNamespaces.Split(key);
            return await In(ns).DeleteAsync(local, ifMatch, cancellationToken).ConfigureAwait(false) ? KvDeleteOutcome.Deleted : KvDeleteOutcome.NotFound;
        }
        catch (SageApiException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return KvDeleteOutcome.PreconditionFailed;
        }
        catch (Exception e) when (RemoteErrors.Translate(Service, client.HttpClient, e, cancellationToken) is { } storage)
        {
            throw storage;
        }
    }

    /// <inheritdoc />
    /// <remarks>The KV API has no delete-by-keys route, so this is one <c>DELETE /kv/{key}</c> per key (not atomic, as the interface allows).</remarks>
    public async ValueTask<long> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        long deleted = 0;
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (await DeleteAsync(key, null, cancellationToken).ConfigureAwait(false) == KvDeleteOutcome.Deleted)
                deleted++;
        }
        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask<KvScanPage> ScanAsync(string pattern, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        var (ns, local) = KvNamespaces.Split(pattern);
        var page = await CallAsync(() => In(ns).ListAsync(local, cursor, limit, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new KvScanPage([.. page.Keys.Select(key => KvNamespaces.StoreKey(ns, key))], page.NextCursor);
    }

    /// <inheritdoc />
    public async ValueTask<long> DeleteByPatternAsync(string pattern, CancellationToken cancellationToken = default)
    {
        var (ns, local) = KvNamespaces.Split(pattern);
        var answer = await CallAsync(() => In(ns).DeleteByPatternAsync(local, cancellationToken), cancellationToken).ConfigureAwait(false);
        return answer.Deleted;
    }

    /// <inheritdoc />
    /// <remarks>Times <c>GET /health</c>, which checks the KV service's own backend too; an unhealthy report is Unavailable.</remarks>
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var health = await CallAsync(() => client.GetHealthAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (!health.IsHealthy)
            throw StorageException.Unavailable($"The {Service} service at {client.HttpClient.BaseAddress} reports {health.Status}{Describe(health)}.");
        // /health is open to anyone, so only a route that needs the key shows whether KV accepts ours: one O(1) read.
        await CallAsync(() => client.GetAsync(CredentialsProbeKey, cancellationToken), cancellationToken).ConfigureAwait(false);
        return elapsed;
    }

    private const string CredentialsProbeKey = "sage:credentials-probe";

    internal static string Describe(ServiceHealth health)
    {
        var failing = health.Checks?.Where(c => !string.Equals(c.Value.Status, "Healthy", StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Value.Description is { } d ? $"{c.Key}: {d}" : c.Key).ToList();
        return failing is { Count: > 0 } ? $" ({string.Join("; ", failing)})" : "";
    }

    private Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        RemoteErrors.CallAsync(Service, client.HttpClient, call, cancellationToken);

    private KvClient In(string? ns) => ns is null ? client : client.InNamespace(ns);

    // The KV routes take one namespace per request, so a batch that mixes namespaces is the caller's mistake.
    private static string? OneNamespace(IReadOnlyList<string> keys)
    {
        var ns = KvNamespaces.Split(keys[0]).Namespace;
        if (keys.Any(key => KvNamespaces.Split(key).Namespace != ns))
            throw new ArgumentException("A batch must keep to one KV namespace.", nameof(keys));
        return ns;
    }

    private static KvEntry ToEntry(string? ns, KvEntryResponse entry) =>
        new(KvNamespaces.StoreKey(ns, entry.Key), entry.Value, entry.Etag ?? "", entry.Ttl is { } ttl ? TimeSpan.FromSeconds(ttl) : null);

    // Whole seconds on the wire: round up so a value never expires before it was asked to; zero and negatives stay
    // as they are so the service rejects them as it would any bad ttl.
    private static long? Seconds(TimeSpan? ttl) =>
        ttl is { } t ? (t > TimeSpan.Zero ? (long)Math.Ceiling(t.TotalSeconds) : (long)Math.Floor(t.TotalSeconds)) : null;
}
