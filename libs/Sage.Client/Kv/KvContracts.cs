using System.Text.Json;

namespace Sage.Client.Kv;

/// <summary><c>POST /kv</c>: set <paramref name="Key"/> to any JSON <paramref name="Value"/>, optionally expiring after <paramref name="Ttl"/> seconds.</summary>
public sealed record KvSetRequest(string Key, JsonElement Value, long? Ttl = null);

/// <summary><c>PUT /kv/{key}</c> body (conditions go in <c>If-Match</c> / <c>If-None-Match</c>).</summary>
public sealed record KvPutRequest(JsonElement Value, long? Ttl = null);

/// <summary>Answer to a write: the key and its new ETag (also in the <c>ETag</c> header).</summary>
public sealed record KvWriteResponse(string Key, string Etag);

/// <summary><c>GET /kv/{key}</c>: the value and its remaining lifetime in whole seconds (null: no expiry).</summary>
public sealed record KvEntryResponse(string Key, JsonElement Value, long? Ttl, string? Etag = null);

/// <summary><c>GET /kv?pattern=&amp;cursor=&amp;limit=</c>: one page of keys; <paramref name="NextCursor"/> is null at the end.</summary>
public sealed record KvListResponse(IReadOnlyList<string> Keys, string? NextCursor);

/// <summary><c>POST /kv/batch-get</c>.</summary>
public sealed record KvBatchGetRequest(IReadOnlyList<string> Keys);

/// <summary>Found entries, in request order, and the keys that were missing.</summary>
public sealed record KvBatchGetResponse(IReadOnlyList<KvEntryResponse> Items, IReadOnlyList<string> Missing);

/// <summary>One item of <c>POST /kv/batch</c>.</summary>
public sealed record KvBatchItem(string Key, JsonElement Value, long? Ttl = null);

/// <summary><c>POST /kv/batch</c>: all items are written, or none.</summary>
public sealed record KvBatchSetRequest(IReadOnlyList<KvBatchItem> Items);

/// <summary>The new ETags, in request order.</summary>
public sealed record KvBatchSetResponse(IReadOnlyList<KvWriteResponse> Items);

/// <summary><c>DELETE /kv?pattern=</c>: how many keys were deleted.</summary>
public sealed record KvDeleteByPatternResponse(string Pattern, long Deleted);
