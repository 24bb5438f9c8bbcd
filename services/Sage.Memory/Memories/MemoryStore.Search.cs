using System.Text.Json;
using Sage.Client;
using Sage.Client.Memory;
using Sage.Memory.Embeddings;
using Sage.ServiceDefaults.Http;
using Sage.Storage.Vectors;

namespace Sage.Memory.Memories;

public sealed partial class MemoryStore
{
    /// <summary>The default number of hits.</summary>
    public const int DefaultTopK = 10;

    /// <summary>
    /// One VDB query (session, type, user filter and expiry all applied before ranking), then one KV batch get for the hits,
    /// also without <c>include_data</c>: a hit is shown only when its record is live and of the hit's version, so search never
    /// names a key whose GET is 404. A hit whose data is gone is dropped, counted and queued for cleanup; a hit of another
    /// version (a write in progress, or one left over) is dropped and left to <see cref="MemoryReconciler"/>.
    /// </summary>
    public async Task<SearchMemoriesResponse> SearchAsync(SearchMemoriesRequest request, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        MemoryValidation.Vector(errors, request.Vector);
        MemoryEmbedder.ValidateText(errors, request.Query, "query");
        errors.Require(request.Vector is not null || request.Query is not null, "vector", "Send a vector, or a query (text) to embed.");
        errors.Require(request.Vector is null || request.Query is null, "query", "Send a vector or a query, not both.");
        var topK = request.TopK ?? DefaultTopK;
        errors.Require(topK is >= 1 and <= VectorRequestValidator.MaxTopK, "top_k", $"top_k must be between 1 and {VectorRequestValidator.MaxTopK}.");
        errors.Require(request.ScoreThreshold is null || float.IsFinite(request.ScoreThreshold.Value), "score_threshold", "score_threshold must be a finite number.");
        MemoryValidation.SessionId(errors, request.SessionId);
        MemoryValidation.MemoryType(errors, request.MemoryType);
        var userFilter = MemoryValidation.Filter(errors, request.Filter);
        errors.ThrowIfInvalid();

        var vector = request.Vector ?? (await embedder.EmbedAsync(request.Query!, "query", cancellationToken)).Vector;
        var collection = await CheckDimensionAsync(vector, create: false, cancellationToken);
        metrics.Searched();
        if (collection is null)
            return new SearchMemoriesResponse([]);

        var must = new List<FilterCondition>();
        if (request.SessionId is { } session)
            must.Add(new MatchValueCondition("session_id", JsonSerializer.SerializeToElement(session, SageJson.Options)));
        if (request.MemoryType is { } memoryType)
            must.Add(new MatchValueCondition("memory_type", JsonSerializer.SerializeToElement(memoryType, SageJson.Options)));
        if (userFilter is not null)
            must.Add(new NestedFilterCondition(userFilter));
        var filter = new VectorFilter(Must: must.Count > 0 ? must : null, MustNot: [MemoryLayout.ExpiredAt(time.GetUtcNow())]);

        var hits = await vectors.QueryAsync(Collection, new VectorQuery(vector, topK, filter, request.ScoreThreshold), cancellationToken);
        if (hits.Count == 0)
            return new SearchMemoriesResponse([]);

        var entries = await kv.GetManyAsync(hits.Select(hit => MemoryLayout.RecordKey(hit.Id)).ToArray(), cancellationToken);
        var now = time.GetUtcNow();
        var results = new List<MemoryHit>(hits.Count);
        for (var i = 0; i < hits.Count; i++)
        {
            var memory = MemoryLayout.ReadRecord(entries[i]);
            if (memory is null || memory.IsExpiredAt(now))
            {
                metrics.OrphanDropped();
                cleanup.Enqueue(hits[i].Id);
                continue;
            }
            if (!MemoryLayout.IsPointOf(memory, hits[i].Metadata))
            {
                metrics.OrphanDropped();
                continue;
            }
            results.Add(ToHit(hits[i], request.IncludeData == true ? memory.Data : null, memory.Text));
        }
        return new SearchMemoriesResponse(results);
    }

    /// <summary>Deletes the vectors of expired memories; returns how many.</summary>
    public async Task<long> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        if (await FindCollectionAsync(cancellationToken) is null)
            return 0;
        var purged = await vectors.DeleteByFilterAsync(Collection, new VectorFilter(Must: [MemoryLayout.ExpiredAt(time.GetUtcNow())]), cancellationToken);
        metrics.ExpiredPurged(purged);
        return purged;
    }

    /// <summary>
    /// Removes what is left of a memory found dead (data gone, or expired): its vector, and its KV entries if expired.
    /// Re-reads KV first, so a memory stored again in the meantime is left alone.
    /// </summary>
    public async Task CleanUpAsync(string key, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(key, cancellationToken);
        var memory = MemoryLayout.ReadRecord(await kv.GetAsync(MemoryLayout.RecordKey(key), cancellationToken));
        if (memory is not null && !memory.IsExpiredAt(time.GetUtcNow()))
            return;
        if (await FindCollectionAsync(cancellationToken) is not null)
        {
            var deleted = await vectors.DeleteAsync(Collection, [key], cancellationToken);
            if (memory is not null)
                metrics.ExpiredPurged(deleted);
        }
        if (memory is not null)
            await kv.DeleteManyAsync(KvKeysOf(memory), cancellationToken);
    }

    private static MemoryHit ToHit(ScoredPoint hit, JsonElement? data, string? text)
    {
        JsonElement? metadata = null;
        string? session = null, memoryType = null;
        if (hit.Metadata is { ValueKind: JsonValueKind.Object } stored)
        {
            if (stored.TryGetProperty("metadata", out var user) && user.ValueKind == JsonValueKind.Object)
                metadata = user;
            if (stored.TryGetProperty("session_id", out var s) && s.ValueKind == JsonValueKind.String)
                session = s.GetString();
            if (stored.TryGetProperty("memory_type", out var t) && t.ValueKind == JsonValueKind.String)
                memoryType = t.GetString();
        }
        return new MemoryHit(hit.Id, hit.Score, metadata, session, memoryType, data, text);
    }
}
