using Microsoft.AspNetCore.Http.HttpResults;
using Sage.Client.Vdb;
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
        var spec = new CollectionSpec(request.Dimension, DistanceNames.Parse(request.Distance, "distance"));
        return TypedResults.Ok(ToResponse(await store.CreateCollectionAsync(name, spec, cancellationToken)));
    }

    public static async Task<Results<Ok<CollectionResponse>, ProblemHttpResult>> GetAsync(string name, IVectorStore store, CancellationToken cancellationToken) =>
        await store.GetCollectionAsync(name, cancellationToken) is { } info ? TypedResults.Ok(ToResponse(info)) : CollectionNotFound(name);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, IVectorStore store, CancellationToken cancellationToken) =>
        await store.DeleteCollectionAsync(name, cancellationToken) ? TypedResults.NoContent() : CollectionNotFound(name);

    public static async Task<Ok<CollectionResponse>> CompactAsync(string name, IVectorStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await store.CompactAsync(name, cancellationToken)));

    internal static CollectionResponse ToResponse(CollectionInfo info) =>
        new(info.Name, info.Dimension, info.Distance.ToName(), info.PointCount, info.BytesUsed);

    private static ProblemHttpResult CollectionNotFound(string name) =>
        TypedResults.Problem(title: "Collection not found.", detail: $"No collection is named '{name}'.", statusCode: StatusCodes.Status404NotFound);
}
