using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Sage.Client.Kv;
using Sage.ServiceDefaults.Http;
using Sage.Storage;
using Sage.Storage.Kv;

namespace Sage.Kv.Apis;

/// <summary>
/// The KV routes: SAGE's seed routes plus what users of Dapr state and Consul KV expect. Every route takes an optional
/// <c>namespace</c> query parameter: absent, it works on public keys; <c>namespace=memory</c> reaches Memory's records, which the
/// public routes neither list nor delete (<see cref="KvNamespaces"/>).
/// </summary>
public static class KvApi
{
    public static IEndpointRouteBuilder MapKvApi(this IEndpointRouteBuilder app)
    {
        var kv = app.MapGroup("/kv").WithTags("KV");
        kv.MapPost("", SetAsync).WithSummary("Set a key to any JSON value, with an optional ttl in seconds.");
        kv.MapGet("", ListAsync).WithSummary("List keys matching a Redis glob pattern, a page at a time.");
        kv.MapDelete("", DeleteByPatternAsync).WithSummary("Delete every key matching a pattern.");
        kv.MapGet("/{key}", GetAsync).WithSummary("Get a value with its ETag and remaining ttl.");
        kv.MapPut("/{key}", PutAsync).WithSummary("Set a value; If-Match, If-None-Match: * or an ETag make it conditional (a header that does not parse is a 400).");
        kv.MapDelete("/{key}", DeleteAsync).WithSummary("Delete a key; If-Match makes it conditional.");
        kv.MapPost("/batch-get", BatchGetAsync).WithSummary("Get many keys in one round trip.");
        kv.MapPost("/batch", BatchSetAsync).WithSummary("Set many keys, all or none.");
        return app;
    }

    public static async Task<Ok<KvWriteResponse>> SetAsync(KvSetRequest request, IKvStore store, IOptions<KvOptions> options, HttpContext http, CancellationToken cancellationToken,
        [FromQuery(Name = "namespace")] string? ns = null)
    {
        var errors = new RequestValidation();
        CheckNamespace(errors, ns);
        CheckKey(errors, request.Key, "key");
        var ttl = CheckTtl(errors, request.Ttl, "ttl");
        CheckValue(errors, request.Value, "value", options.Value);
        errors.ThrowIfInvalid();

        var result = await store.SetAsync(KvNamespaces.StoreKey(ns, request.Key), request.Value, new KvSetOptions { TimeToLive = ttl }, cancellationToken);
        return Written(http, request.Key, result.ETag!);
    }

    public static async Task<Results<Ok<KvWriteResponse>, ProblemHttpResult>> PutAsync(
        string key, KvPutRequest request, IKvStore store, IOptions<KvOptions> options, HttpContext http, CancellationToken cancellationToken,
        [FromQuery(Name = "namespace")] string? ns = null)
    {
        var errors = new RequestValidation();
        CheckNamespace(errors, ns);
        CheckKey(errors, key, "key");
        var ttl = CheckTtl(errors, request.Ttl, "ttl");
        CheckValue(errors, request.Value, "value", options.Value);
        var ifMatch = EntityTagCondition(errors, http.Request.Headers.IfMatch, HeaderNames.IfMatch);
        var ifNoneMatch = EntityTagCondition(errors, http.Request.Headers.IfNoneMatch, HeaderNames.IfNoneMatch);
        errors.ThrowIfInvalid();

        var setOptions = new KvSetOptions
        {
            TimeToLive = ttl,
            IfMatch = ifMatch,
            OnlyIfAbsent = ifNoneMatch == "*",
            IfNoneMatch = ifNoneMatch is "*" ? null : ifNoneMatch,
        };
        var result = await store.SetAsync(KvNamespaces.StoreKey(ns, key), request.Value, setOptions, cancellationToken);
        if (!result.Applied)
            return PreconditionFailed(key, ifNoneMatch switch
            {
                "*" => "the key already exists (If-None-Match: *)",
                not null => "its ETag matches If-None-Match",
                _ => "its ETag does not match If-Match",
            });
        return Written(http, key, result.ETag!);
    }

    public static async Task<Results<Ok<KvEntryResponse>, ProblemHttpResult>> GetAsync(string key, IKvStore store, HttpContext http, CancellationToken cancellationToken,
        [FromQuery(Name = "namespace")] string? ns = null)
    {
        var errors = new RequestValidation();
        CheckNamespace(errors, ns);
        CheckKey(errors, key, "key");
        errors.ThrowIfInvalid();

        var entry = await store.GetAsync(KvNamespaces.StoreKey(ns, key), cancellationToken);
        if (entry is null)
            return KeyNotFound(key);
        http.Response.Headers.ETag = Quote(entry.ETag);
        return TypedResults.Ok(ToResponse(key, entry));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string key, IKvStore store, HttpContext http, CancellationToken cancellationToken,
        [FromQuery(Name = "namespace")] string? ns = null)
    {
        var errors = new RequestValidation();
        CheckNamespace(errors, ns);
        CheckKey(errors, key, "key");
        var ifMatch = EntityTagCondition(errors, http.Request.Headers.IfMatch, HeaderNames.IfMatch);
        errors.ThrowIfInvalid();

        var outcome = await store.DeleteAsync(KvNamespaces.StoreKey(ns, key), ifMatch, cancellationToken);
        return outcome switch
        {
            KvDeleteOutcome.Deleted => TypedResults.NoContent(),
            KvDeleteOutcome.NotFound => KeyNotFound(key),
            _ => PreconditionFailed(key, "its ETag does not match If-Match"),
        };
    }

    public static async Task<Ok<KvListResponse>> ListAsync(IKvStore store, IOptions<KvOptions> options, CancellationToken cancellationToken,
        string? pattern = null, string? cursor = null, int? limit = null, [FromQuery(Name = "namespace")] string? ns = null)
    {
        var max = options.Value.MaxListLimit;
        var errors = new RequestValidation();
        CheckNamespace(errors, ns);
        errors.Require(limit is null || (limit >= 1 && limit <= max), "limit", $"limit must be between 1 and {max}.");
        errors.Require(pattern is null || KeyRules.CheckText(pattern) is null, "pattern", $"pattern {KeyRules.CheckText(pattern)}");
        errors.ThrowIfInvalid();

        var page = await store.ScanNamespaceAsync(ns, pattern ?? "*", cursor, limit ?? Math.Min(100, max), cancellationToken);
        return TypedResults.Ok(new KvListResponse(page.Keys, page.NextCursor));
    }

    public static async Task<Ok<KvDeleteByPatternResponse>> DeleteByPatternAsync(IKvStore store, CancellationToken cancellationToken, string? pattern = null,
        [FromQuery(Name = "namespace")] string? ns = null)
    {
        var errors = new RequestValidation();
        CheckNamespace(errors, ns);
        // No pattern is more likely a mistake than a wish to wipe everything; '*' says that explicitly.
        errors.Require(!string.IsNullOrEmpty(pattern), "pattern", "pattern is required; use pattern=* to delete every key.");
        errors.Require(string.IsNullOrEmpty(pattern) || KeyRules.CheckText(pattern) is null, "pattern", $"pattern {KeyRules.CheckText(pattern)}");
        errors.ThrowIfInvalid();

        var deleted = await store.DeleteNamespaceByPatternAsync(ns, pattern!, cancellationToken);
        return TypedResults.Ok(new KvDeleteByPatternResponse(pattern!, deleted));
    }

    public static async Task<Ok<KvBatchGetResponse>> BatchGetAsync(KvBatchGetRequest request, IKvStore store, IOptions<KvOptions> options, CancellationToken cancellationToken,
        [FromQuery(Name = "namespace")] string? ns = null)
    {
        var keys = request.Keys ?? [];
        CheckBatchSize(keys.Count, "keys", options.Value);
        var errors = new RequestValidation();
        CheckNamespace(errors, ns);
        for (var i = 0; i < keys.Count; i++)
            CheckKey(errors, keys[i], $"keys[{i}]");
        errors.ThrowIfInvalid();

        var entries = await store.GetManyAsync(keys.Select(key => KvNamespaces.StoreKey(ns, key)).ToArray(), cancellationToken);
        var found = new List<KvEntryResponse>(entries.Count);
        var missing = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is { } entry)
                found.Add(ToResponse(keys[i], entry) with { Etag = entry.ETag });
            else
                missing.Add(keys[i]);
        }
        return TypedResults.Ok(new KvBatchGetResponse(found, missing));
    }

    public static async Task<Ok<KvBatchSetResponse>> BatchSetAsync(KvBatchSetRequest request, IKvStore store, IOptions<KvOptions> options, CancellationToken cancellationToken,
        [FromQuery(Name = "namespace")] string? ns = null)
    {
        var items = request.Items ?? [];
        CheckBatchSize(items.Count, "items", options.Value);
        var errors = new RequestValidation();
        CheckNamespace(errors, ns);
        var writes = new KvWrite[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                errors.Add($"items[{i}]", $"items[{i}] must be an object with key and value.");
                continue;
            }
            CheckKey(errors, item.Key, $"items[{i}].key");
            var ttl = CheckTtl(errors, item.Ttl, $"items[{i}].ttl");
            CheckValue(errors, item.Value, $"items[{i}].value", options.Value);
            writes[i] = new KvWrite(KvNamespaces.StoreKey(ns, item.Key), item.Value, ttl);
        }
        errors.ThrowIfInvalid();

        var etags = await store.SetManyAsync(writes, cancellationToken);
        return TypedResults.Ok(new KvBatchSetResponse(items.Select((item, i) => new KvWriteResponse(item.Key, etags[i])).ToArray()));
    }

    // The key as the caller named it: a namespaced entry's store key carries the namespace's prefix.
    private static KvEntryResponse ToResponse(string key, KvEntry entry) =>
        new(key, entry.Value, entry.TimeToLive is { } ttl ? (long)Math.Ceiling(ttl.TotalSeconds) : null);

    private static Ok<KvWriteResponse> Written(HttpContext http, string key, string etag)
    {
        http.Response.Headers.ETag = Quote(etag);
        return TypedResults.Ok(new KvWriteResponse(key, etag));
    }

    private static void CheckNamespace(RequestValidation errors, string? ns)
    {
        if (KvNamespaces.Check(ns) is { } problem)
            errors.Add("namespace", problem);
    }

    private static void CheckKey(RequestValidation errors, string? key, string field)
    {
        if (KeyRules.Check(key) is { } problem)
            errors.Add(field, $"{field} {problem}");
    }

    private static TimeSpan? CheckTtl(RequestValidation errors, long? ttl, string field)
    {
        if (TtlRules.Check(ttl) is { } problem)
        {
            errors.Add(field, $"{field} {problem}");
            return null;
        }
        return ttl is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static void CheckValue(RequestValidation errors, JsonElement value, string field, KvOptions options)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            errors.Add(field, $"{field} is required (any JSON value).");
            return;
        }
        var size = KvValue.Encode(value).Length;
        if (size > options.MaxValueBytes)
            throw new StorageException(StorageError.TooLarge, $"{field} is {size} bytes; the limit is {options.MaxValueBytes} (Sage:Kv:MaxValueBytes).", field);
    }

    private static void CheckBatchSize(int count, string field, KvOptions options)
    {
        if (count == 0)
            throw RequestValidationException.For(field, $"{field} must hold at least one entry.");
        if (count > options.MaxBatchItems)
            throw new StorageException(StorageError.TooLarge, $"{field} holds {count} entries; the limit is {options.MaxBatchItems} (Sage:Kv:MaxBatchItems).", field);
    }

    /// <summary>
    /// The one strong ETag (unquoted) or <c>*</c> of an If-Match / If-None-Match header; null when absent. A header that does not
    /// parse, a weak or a list of ETags is recorded as an error: ignoring it would turn a conditional write into an unconditional one.
    /// </summary>
    private static string? EntityTagCondition(RequestValidation errors, StringValues header, string name)
    {
        if (StringValues.IsNullOrEmpty(header))
            return null;
        if (!EntityTagHeaderValue.TryParseStrictList(header, out var tags) || tags.Count != 1 || tags[0].IsWeak)
        {
            errors.Add(name, $"{name} must be one strong quoted ETag, such as \"0123abcd\", or *.");
            return null;
        }
        return tags[0].Equals(EntityTagHeaderValue.Any) ? "*" : tags[0].Tag.Value!.Trim('"');
    }

    private static string Quote(string etag) => $"\"{etag}\"";

    private static ProblemHttpResult KeyNotFound(string key) =>
        TypedResults.Problem(title: "Key not found.", detail: $"No value is stored under '{key}'.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult PreconditionFailed(string key, string reason) =>
        TypedResults.Problem(title: "The precondition did not hold; nothing was changed.", detail: $"'{key}' was not changed: {reason}.",
            statusCode: StatusCodes.Status412PreconditionFailed);
}
