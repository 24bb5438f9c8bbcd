using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Sage.Client.Vdb;
using Sage.ServiceDefaults.Http;
using Sage.Storage.Vectors;
using Sage.Vdb.Extensions;

namespace Sage.Vdb.Apis;

/// <summary>
/// Point routes, twice: on the default collection (<c>/vectors…</c>, SAGE's seed routes) and on a named one
/// (<c>/collections/{collection}/vectors…</c>). Validation of vectors, ids and filters is the store's, so every backend agrees.
/// </summary>
public static class VectorsApi
{
    public static IEndpointRouteBuilder MapVectorsApi(this IEndpointRouteBuilder app)
    {
        MapPointRoutes(app.MapGroup("/vectors").WithTags("Vectors"));
        MapPointRoutes(app.MapGroup("/collections/{collection}/vectors").WithTags("Vectors"));
        return app;
    }

    private static void MapPointRoutes(RouteGroupBuilder points)
    {
        points.MapPost("", UpsertAsync).WithSummary("Insert or replace a batch of points, all or none.");
        points.MapPost("/query", QueryAsync).WithSummary("Top-k nearest points among those matching a filter.");
        points.MapPost("/delete", DeleteManyAsync).WithSummary("Delete points by ids or by filter.");
        points.MapPost("/scroll", ScrollAsync).WithSummary("Page through points matching a filter.");
        points.MapPost("/count", CountAsync).WithSummary("Count points matching a filter.");
        points.MapGet("/{id}", GetAsync).WithSummary("Get one point with its vector and metadata.");
        points.MapPut("/{id}", UpdateAsync).WithSummary("Replace a point's vector and/or metadata.");
        points.MapDelete("/{id}", DeleteAsync).WithSummary("Delete one point.");
    }

    public static async Task<Ok<UpsertVectorsResponse>> UpsertAsync(
        HttpContext http, UpsertVectorsRequest request, IVectorStore store, DefaultCollection defaults, CancellationToken cancellationToken)
    {
        var batch = request.Vectors ?? throw RequestValidationException.For("vectors", "vectors is required: a list of {id, vector, metadata}.");
        var points = new VectorPoint[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i] ?? throw RequestValidationException.For($"vectors[{i}]", "A point must be an object.");
            points[i] = new VectorPoint(record.Id, record.Vector ?? [], record.Metadata);
        }
        if (http.GetRouteValue("collection") is null && points.Length > 0)
            await defaults.EnsureAsync(points[0].Vector.Length, cancellationToken);

        var name = CollectionOf(http, defaults);
        await store.UpsertAsync(name, points, cancellationToken);
        return TypedResults.Ok(new UpsertVectorsResponse(name, points.Length));
    }

    public static async Task<Ok<QueryVectorsResponse>> QueryAsync(
        HttpContext http, QueryVectorsRequest request, IVectorStore store, DefaultCollection defaults, CancellationToken cancellationToken)
    {
        var query = new VectorQuery(
            request.Vector ?? [],
            request.TopK ?? 10,
            ParseFilter(request.Filter),
            request.ScoreThreshold,
            request.WithVector ?? false,
            request.WithMetadata ?? true,
            request.Exact ?? false,
            request.Ef);
        var hits = await store.QueryAsync(CollectionOf(http, defaults), query, cancellationToken);
        return TypedResults.Ok(new QueryVectorsResponse(hits.Select(h => new VectorHit(h.Id, h.Score, h.Vector?.ToArray(), h.Metadata)).ToArray()));
    }

    public static async Task<Results<Ok<VectorRecord>, ProblemHttpResult>> GetAsync(
        HttpContext http, string id, IVectorStore store, DefaultCollection defaults, CancellationToken cancellationToken)
    {
        var found = await store.GetAsync(CollectionOf(http, defaults), [id], cancellationToken: cancellationToken);
        return found.Count == 0 ? PointNotFound(id) : TypedResults.Ok(ToRecord(found[0]));
    }

    public static async Task<Results<Ok<VectorRecord>, ProblemHttpResult>> UpdateAsync(
        HttpContext http, string id, UpdateVectorRequest request, IVectorStore store, DefaultCollection defaults, CancellationToken cancellationToken)
    {
        if (request.Vector is null && request.Metadata is null)
            throw RequestValidationException.For("vector", "Send a vector, metadata, or both.");
        var name = CollectionOf(http, defaults);
        // Not `? … : null`: C# would turn that null into an empty ReadOnlyMemory through the float[] conversion.
        var vector = request.Vector is { } given ? new ReadOnlyMemory<float>(given) : default(ReadOnlyMemory<float>?);
        var update = new PointUpdate(id, vector, request.Metadata);
        if (!await store.UpdateAsync(name, update, cancellationToken))
            return PointNotFound(id);
        var found = await store.GetAsync(name, [id], cancellationToken: cancellationToken);
        return found.Count == 0 ? PointNotFound(id) : TypedResults.Ok(ToRecord(found[0]));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        HttpContext http, string id, IVectorStore store, DefaultCollection defaults, CancellationToken cancellationToken) =>
        await store.DeleteAsync(CollectionOf(http, defaults), [id], cancellationToken) > 0 ? TypedResults.NoContent() : PointNotFound(id);

    public static async Task<Ok<DeleteVectorsResponse>> DeleteManyAsync(
        HttpContext http, DeleteVectorsRequest request, IVectorStore store, DefaultCollection defaults, CancellationToken cancellationToken)
    {
        var name = CollectionOf(http, defaults);
        var all = request.All ?? false;
        var errors = new RequestValidation();
        errors.Require(request.Ids is null || request.Filter is null, "ids", "Send exactly one of ids or filter.");
        errors.Require(request.Ids is not null || request.Filter is not null || all, "ids", "Send ids, a filter, or \"all\": true to delete every point.");
        errors.Require(request.Ids is null || request.Ids.Count > 0, "ids", "ids must not be empty.");
        errors.Require(request.Ids is null || !all, "all", "\"all\" goes with a filter or alone, not with ids.");
        errors.ThrowIfInvalid();

        if (request.Ids is { } ids)
            return TypedResults.Ok(new DeleteVectorsResponse(await store.DeleteAsync(name, ids, cancellationToken)));

        var filter = ParseFilter(request.Filter) ?? new VectorFilter();
        if (!all)
            await RequireNarrowerThanEverythingAsync(store, name, filter, cancellationToken);
        return TypedResults.Ok(new DeleteVectorsResponse(await store.DeleteByFilterAsync(name, filter, cancellationToken)));
    }

    // {"filter":{}} once deleted every point: wiping a collection is only done when asked for with "all": true.
    private static async Task RequireNarrowerThanEverythingAsync(IVectorStore store, string name, VectorFilter filter, CancellationToken cancellationToken)
    {
        const string Hint = "Send \"all\": true with it to delete every point on purpose.";
        if (filter.IsEmpty)
            throw RequestValidationException.For("filter", $"The filter is empty, so it matches every point. {Hint}");
        var matched = await store.CountAsync(name, filter, cancellationToken);
        if (matched > 0 && matched == await store.CountAsync(name, null, cancellationToken))
            throw RequestValidationException.For("filter", $"The filter matches every point in the collection ({matched}). {Hint}");
    }

    public static async Task<Ok<ScrollVectorsResponse>> ScrollAsync(
        HttpContext http, ScrollVectorsRequest request, IVectorStore store, DefaultCollection defaults, CancellationToken cancellationToken)
    {
        var page = await store.ScrollAsync(CollectionOf(http, defaults),
            new ScrollRequest(ParseFilter(request.Filter), request.Cursor, request.Limit ?? 100, request.WithVector ?? false, request.WithMetadata ?? true),
            cancellationToken);
        return TypedResults.Ok(new ScrollVectorsResponse(page.Points.Select(ToRecord).ToArray(), page.NextCursor));
    }

    public static async Task<Ok<CountVectorsResponse>> CountAsync(
        HttpContext http, CountVectorsRequest? request, IVectorStore store, DefaultCollection defaults, CancellationToken cancellationToken) =>
        TypedResults.Ok(new CountVectorsResponse(await store.CountAsync(CollectionOf(http, defaults), ParseFilter(request?.Filter), cancellationToken)));

    // The same handlers serve /vectors (the default collection) and /collections/{collection}/vectors.
    private static string CollectionOf(HttpContext http, DefaultCollection defaults) =>
        http.GetRouteValue("collection") as string ?? defaults.Name;

    private static VectorFilter? ParseFilter(JsonElement? filter) =>
        filter is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } json ? VectorFilterParser.Parse(json) : null;

    private static VectorRecord ToRecord(StoredPoint point) => new(point.Id, point.Vector?.ToArray(), point.Metadata);

    private static ProblemHttpResult PointNotFound(string id) =>
        TypedResults.Problem(title: "Point not found.", detail: $"No point has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
