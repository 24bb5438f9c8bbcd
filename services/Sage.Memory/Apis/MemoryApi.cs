using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sage.Client.Memory;
using Sage.Memory.Memories;

namespace Sage.Memory.Apis;

/// <summary>The memory routes: SAGE's seed routes (store, get, search) plus list, update and delete.</summary>
public static class MemoryApi
{
    public static IEndpointRouteBuilder MapMemoryApi(this IEndpointRouteBuilder app)
    {
        var memory = app.MapGroup("/memory").WithTags("Memory");
        memory.MapPost("", StoreAsync).WithSummary("Store a memory (data, optional vector, metadata, session, type, ttl); the same key replaces it.");
        memory.MapPost("/reconcile", ReconcileAsync)
            .WithSummary("Find vectors without data and data whose vector is gone, fix them now, and say what was found and fixed.");
        memory.MapPost("/search", SearchAsync).WithSummary("Nearest memories to a vector, filtered by session, type and metadata before ranking.");
        memory.MapGet("", ListAsync).WithSummary("Every live memory, a page at a time (pass next_cursor back as cursor), optionally of one session_id and/or memory_type.");
        memory.MapGet("/{key}", GetAsync).WithSummary("Get a memory; with_vector=true adds its vector.");
        memory.MapPatch("/{key}", UpdateAsync).WithSummary("Replace a memory's data, metadata, vector or ttl; the rest stays.");
        memory.MapDelete("/{key}", DeleteAsync).WithSummary("Delete a memory: its vector, then its data.");
        return app;
    }

    public static async Task<Created<MemoryRecord>> StoreAsync(StoreMemoryRequest request, MemoryStore store, CancellationToken cancellationToken)
    {
        var record = await store.StoreAsync(request, cancellationToken);
        return TypedResults.Created($"/memory/{Uri.EscapeDataString(record.Key)}", record);
    }

    public static async Task<Ok<ListMemoriesResponse>> ListAsync(MemoryStore store, CancellationToken cancellationToken, int? limit = null, string? cursor = null,
        [FromQuery(Name = "session_id")] string? sessionId = null, [FromQuery(Name = "memory_type")] string? memoryType = null,
        [FromQuery(Name = "with_vectors")] bool? withVectors = null) =>
        TypedResults.Ok(await store.ListAsync(limit, cursor, sessionId, memoryType, withVectors ?? false, cancellationToken));

    public static async Task<Results<Ok<MemoryRecord>, ProblemHttpResult>> GetAsync(string key, MemoryStore store, CancellationToken cancellationToken,
        [FromQuery(Name = "with_vector")] bool? withVector = null) =>
        await store.GetAsync(key, withVector ?? false, cancellationToken) is { } record ? TypedResults.Ok(record) : NotFound(key);

    public static async Task<Results<Ok<MemoryRecord>, ProblemHttpResult>> UpdateAsync(string key, UpdateMemoryRequest request, MemoryStore store,
        CancellationToken cancellationToken) =>
        await store.UpdateAsync(key, request, cancellationToken) is { } record ? TypedResults.Ok(record) : NotFound(key);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string key, MemoryStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(key, cancellationToken) ? TypedResults.NoContent() : NotFound(key);

    public static async Task<Ok<SearchMemoriesResponse>> SearchAsync(SearchMemoriesRequest request, MemoryStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.SearchAsync(request, cancellationToken));

    public static async Task<Ok<ReconcileResponse>> ReconcileAsync(MemoryReconciler reconciler, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reconciler.RunAsync(cancellationToken));

    private static ProblemHttpResult NotFound(string key) =>
        TypedResults.Problem(title: "Memory not found.", detail: $"No memory is stored under '{key}' (or it has expired).", statusCode: StatusCodes.Status404NotFound);
}
