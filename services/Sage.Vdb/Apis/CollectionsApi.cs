using Microsoft.AspNetCore.Http.HttpResults;
using Sage.Client.Vdb;
using Sage.Storage;
using Sage.Storage.Vectors;

namespace Sage.Vdb.Apis;

/// <summary>Collection routes: list, create, inspect, delete, compact.</summary>
public static class CollectionsApi
{
    public static IEndpointRouteBuilder MapCollectionsApi(this IEndpointRouteBuilder app)
    {
        var collections = app.MapGroup("/collections").WithTags("Collections");
        collections.MapGet("", ListAsync).WithSummary("Every collection with its dimension, distance and size.");
        collections.MapPut("/{name}", CreateAsync).WithSummary("Create a collection; a no-op if it exists with the same shape.");
        collections.MapGet("/{name}", GetAsync).WithSummary("One collection's info.");
        collections.MapDelete("/{name}", DeleteAsync).WithSummary("Delete a collection and its points.");
        collections.MapPost("/{name}/compact", CompactAsync).WithSummary("Reclaim the space of deleted points.");
        return app;
    }

    public static async Task<Ok<CollectionListResponse>> ListAsync(IVectorStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new CollectionListResponse((await store.ListCollectionsAsync(cancellationToken)).Select(ToResponse).ToArray()));

    public static async Task<Ok<CollectionResponse>> CreateAsync(string name, CreateCollectionRequest request, IVectorStore store, CancellationToken cancellationToken)
    {
        var spec = new CollectionSpec(request.Dimension, DistanceNames.Parse(request.Distance, "distance")) { Index = ToIndexSpec(request.Index) };
        return TypedResults.Ok(ToResponse(await store.CreateCollectionAsync(name, spec, cancellationToken)));
    }

    public static async Task<Results<Ok<CollectionResponse>, ProblemHttpResult>> GetAsync(string name, IVectorStore store, CancellationToken cancellationToken) =>
        await store.GetCollectionAsync(name, cancellationToken) is { } info ? TypedResults.Ok(ToResponse(info)) : CollectionNotFound(name);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, IVectorStore store, CancellationToken cancellationToken) =>
        await store.DeleteCollectionAsync(name, cancellationToken) ? TypedResults.NoContent() : CollectionNotFound(name);

    public static async Task<Ok<CollectionResponse>> CompactAsync(string name, IVectorStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await store.CompactAsync(name, cancellationToken)));

    internal static CollectionResponse ToResponse(CollectionInfo info) =>
        new(info.Name, info.Dimension, info.Distance.ToName(), info.PointCount, info.BytesUsed,
            info.Index is { } index ? new CollectionIndexStatus(index.Type.ToString().ToLowerInvariant(), index.M, index.EfConstruct, index.State, index.Progress) : null);

    /// <summary>The wire index (type names case-insensitive, absent parameters defaulted); range checks are the store's, shared by every backend.</summary>
    private static VectorIndexSpec? ToIndexSpec(CollectionIndex? index)
    {
        if (index is null)
        {
            return null;
        }
        var type = index.Type?.Trim().ToLowerInvariant() switch
        {
            "hnsw" => VectorIndexType.Hnsw,
            "flat" => VectorIndexType.Flat,
            _ => throw StorageException.Invalid("index.type", $"Unknown index type '{index.Type}'; use hnsw or flat."),
        };
        return new VectorIndexSpec(type, index.M ?? VectorIndexSpec.DefaultM, index.EfConstruct ?? VectorIndexSpec.DefaultEfConstruct);
    }

    private static ProblemHttpResult CollectionNotFound(string name) =>
        TypedResults.Problem(title: "Collection not found.", detail: $"No collection is named '{name}'.", statusCode: StatusCodes.Status404NotFound);
}
