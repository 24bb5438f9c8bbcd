using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sage.Client.Kv;

/// <summary>
/// Typed client for the KV service: every route of <c>/kv</c>. Errors surface as <see cref="SageApiException"/>;
/// a missing key on <see cref="GetAsync"/> is null and on <see cref="DeleteAsync"/> is false, not an exception.
/// </summary>
/// <param name="http">An HttpClient whose base address is the KV service (e.g. <c>https+http://kv</c> with service discovery).</param>
public sealed class KvClient(HttpClient http)
{
    /// <summary>The HttpClient this client sends through.</summary>
    public HttpClient HttpClient { get; } = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary>
    /// The KV namespace every call of this client works in (sent as <c>?namespace=</c>); null for public keys. Reserved namespaces
    /// (<c>memory</c>: the Memory service's records) are neither listed nor deleted by the public routes.
    /// </summary>
    public string? Namespace { get; private init; }

    /// <summary>A client on the same HttpClient whose every call works in namespace <paramref name="name"/> (null: public keys).</summary>
    public KvClient InNamespace(string? name) => new(HttpClient) { Namespace = name };

    /// <summary><c>POST /kv</c>: sets <paramref name="key"/> unconditionally, expiring after <paramref name="ttl"/> seconds if given.</summary>
    public Task<KvWriteResponse> SetAsync(string key, JsonElement value, long? ttl = null, CancellationToken cancellationToken = default) =>
        SetAsync(new KvSetRequest(key, value, ttl), cancellationToken);

    /// <summary><c>POST /kv</c>: sets a key unconditionally.</summary>
    public Task<KvWriteResponse> SetAsync(KvSetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SageHttp.SendAsync<KvWriteResponse>(HttpClient, SageHttp.Request(HttpMethod.Post, Url("kv"), request), cancellationToken);
    }

    /// <summary><c>GET /kv/{key}</c>: the value, its remaining ttl and its ETag (from the <c>ETag</c> header); null when the key is missing.</summary>
    public async Task<KvEntryResponse?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        using var request = SageHttp.Request(HttpMethod.Get, Url("kv/" + SageHttp.Segment(key, nameof(key)))).ExpectNotFound();
        using var response = await HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        await SageHttp.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var entry = await SageHttp.ReadAsync<KvEntryResponse>(response, cancellationToken).ConfigureAwait(false);
        return entry.Etag is null && response.Headers.ETag is { } etag ? entry with { Etag = Unquote(etag.Tag) } : entry;
    }

    /// <summary>
    /// <c>PUT /kv/{key}</c>: sets the key, only when its ETag is <paramref name="ifMatch"/> (if given) or only when it does not exist
    /// (<paramref name="ifNoneMatch"/>: <c>If-None-Match: *</c>), or only when its ETag is not <paramref name="ifNoneMatchETag"/>.
    /// A condition that does not hold is a <see cref="SageApiException"/> with status 412 and nothing is written.
    /// </summary>
    public Task<KvWriteResponse> PutAsync(string key, JsonElement value, long? ttl = null, string? ifMatch = null, bool ifNoneMatch = false,
        string? ifNoneMatchETag = null, CancellationToken cancellationToken = default)
    {
        var request = SageHttp.Request(HttpMethod.Put, Url("kv/" + SageHttp.Segment(key, nameof(key))), new KvPutRequest(value, ttl));
        if (ifMatch is not null)
            request.Headers.IfMatch.Add(EntityTag(ifMatch));
        if (ifNoneMatch)
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        else if (ifNoneMatchETag is not null)
            request.Headers.IfNoneMatch.Add(EntityTag(ifNoneMatchETag));
        return SageHttp.SendAsync<KvWriteResponse>(HttpClient, request, cancellationToken);
    }

    /// <summary>
    /// <c>DELETE /kv/{key}</c>: true when deleted, false when the key did not exist. With <paramref name="ifMatch"/>, deletes only when
    /// the ETag matches; otherwise a <see cref="SageApiException"/> with status 412.
    /// </summary>
    public Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var request = SageHttp.Request(HttpMethod.Delete, Url("kv/" + SageHttp.Segment(key, nameof(key))));
        if (ifMatch is not null)
            request.Headers.IfMatch.Add(EntityTag(ifMatch));
        return SageHttp.SendFoundAsync(HttpClient, request, cancellationToken);
    }

    /// <summary>
    /// <c>GET /kv?pattern=&amp;cursor=&amp;limit=</c>: one page of keys matching a Redis glob (all keys when null). Pass
    /// <see cref="KvListResponse.NextCursor"/> back as <paramref name="cursor"/> until it is null.
    /// </summary>
    public Task<KvListResponse> ListAsync(string? pattern = null, string? cursor = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SageHttp.SendAsync<KvListResponse>(HttpClient,
            SageHttp.Request(HttpMethod.Get, Url("kv", ("pattern", pattern), ("cursor", cursor), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
            cancellationToken);

    /// <summary>Every key matching <paramref name="pattern"/>, following the cursor page by page.</summary>
    public async IAsyncEnumerable<string> ListAllAsync(string? pattern = null, int? pageSize = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await ListAsync(pattern, cursor, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var key in page.Keys)
                yield return key;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary><c>DELETE /kv?pattern=</c>: deletes every key matching <paramref name="pattern"/> (<c>*</c> for all).</summary>
    public Task<KvDeleteByPatternResponse> DeleteByPatternAsync(string pattern, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        return SageHttp.SendAsync<KvDeleteByPatternResponse>(HttpClient, SageHttp.Request(HttpMethod.Delete, Url("kv", ("pattern", pattern))), cancellationToken);
    }

    /// <summary><c>POST /kv/batch-get</c>: the found entries in request order (with ETags) and the missing keys. Read-only, so marked retryable.</summary>
    public Task<KvBatchGetResponse> BatchGetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return SageHttp.SendAsync<KvBatchGetResponse>(HttpClient,
            SageHttp.Request(HttpMethod.Post, Url("kv/batch-get"), new KvBatchGetRequest(keys), idempotent: true), cancellationToken);
    }

    /// <summary><c>POST /kv/batch</c>: writes every item or none; the new ETags in request order.</summary>
    public Task<KvBatchSetResponse> BatchSetAsync(IReadOnlyList<KvBatchItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return SageHttp.SendAsync<KvBatchSetResponse>(HttpClient, SageHttp.Request(HttpMethod.Post, Url("kv/batch"), new KvBatchSetRequest(items)), cancellationToken);
    }

    /// <summary><c>GET /health</c>: the service's checks, its backend's included (an unhealthy report is returned, not thrown).</summary>
    public Task<ServiceHealth> GetHealthAsync(CancellationToken cancellationToken = default) => ServiceHealth.GetAsync(HttpClient, cancellationToken);

    private string Url(string path, params (string Name, string? Value)[] query) => path + SageHttp.Query([.. query, ("namespace", Namespace)]);

    // ETags travel unquoted in bodies and quoted in headers; accept either.
    private static EntityTagHeaderValue EntityTag(string etag) =>
        etag == "*" ? EntityTagHeaderValue.Any : new EntityTagHeaderValue(etag.StartsWith('"') ? etag : $"\"{etag}\"");

    private static string Unquote(string tag) => tag.Trim('"');
}
