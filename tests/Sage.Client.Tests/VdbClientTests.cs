using System.Net;
using System.Text.Json;
using Sage.Client.Vdb;

namespace Sage.Client.Tests;

/// <summary>Every VDB route through <see cref="VdbClient"/> against the real service, on the default collection and on named ones.</summary>
public sealed class VdbClientTests(VdbClientTests.Host host) : IClassFixture<VdbClientTests.Host>
{
    private readonly VdbClient _vdb = host.Service.CreateVdbClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static string NewName() => "c_" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Collections_create_get_list_compact_and_delete()
    {
        var name = NewName();
        var created = await _vdb.CreateCollectionAsync(name, new CreateCollectionRequest(3, "dot"), Ct);
        // Without an index asked for, a collection is flat (exact search), ready at once.
        Assert.Equal(new CollectionResponse(name, 3, "dot", 0, created.BytesUsed, new CollectionIndexStatus("flat", 16, 100, "ready", 1)), created);
        Assert.Equal(created, await _vdb.GetCollectionAsync(name, Ct));
        Assert.Contains((await _vdb.ListCollectionsAsync(Ct)).Collections, c => c.Name == name);

        var conflict = await Assert.ThrowsAsync<SageApiException>(() => _vdb.CreateCollectionAsync(name, new CreateCollectionRequest(4, "dot"), Ct));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);

        await _vdb.UpsertAsync([new("a", [1, 2, 3]), new("b", [3, 2, 1])], name, Ct);
        await _vdb.DeleteAsync("a", name, Ct);
        Assert.Equal(1, (await _vdb.CompactCollectionAsync(name, Ct)).PointCount);

        Assert.True(await _vdb.DeleteCollectionAsync(name, Ct));
        Assert.False(await _vdb.DeleteCollectionAsync(name, Ct));
        Assert.Null(await _vdb.GetCollectionAsync(name, Ct));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Point_routes_work_on_the_default_and_on_a_named_collection(bool named)
    {
        string? collection = null;
        var prefix = Guid.NewGuid().ToString("N")[..8];
        if (named)
        {
            collection = NewName();
            await _vdb.CreateCollectionAsync(collection, new CreateCollectionRequest(2, "dot"), Ct);
        }
        string Id(string id) => $"{prefix}-{id}";
        var tag = Json($$$"""{"must":[{"key":"run","match":{"value":"{{{prefix}}}"}}]}""");

        var upserted = await _vdb.UpsertAsync([
            new(Id("a"), [1, 0], Json($$"""{"run":"{{prefix}}","n":1}""")),
            new(Id("b"), [0, 1], Json($$"""{"run":"{{prefix}}","n":2}""")),
            new(Id("c"), [1, 1], Json($$"""{"run":"{{prefix}}","n":3}""")),
        ], collection, Ct);
        Assert.Equal(3, upserted.Upserted);

        var hits = await _vdb.QueryAsync(new QueryVectorsRequest([1, 0], TopK: 2, Filter: tag, WithVector: true), collection, Ct);
        Assert.Equal(Id("a"), hits.Results[0].Id);
        Assert.NotNull(hits.Results[0].Vector);

        var point = await _vdb.GetAsync(Id("b"), collection, Ct);
        Assert.Equal(2, point!.Metadata!.Value.GetProperty("n").GetInt32());
        Assert.Null(await _vdb.GetAsync(Id("missing"), collection, Ct));

        var updated = await _vdb.UpdateAsync(Id("b"), new UpdateVectorRequest(Vector: [0.5f, 0.5f]), collection, Ct);
        Assert.NotNull(updated!.Vector);
        Assert.Null(await _vdb.UpdateAsync(Id("missing"), new UpdateVectorRequest(Vector: [1, 1]), collection, Ct));

        var page = await _vdb.ScrollAsync(new ScrollVectorsRequest(tag, Limit: 2), collection, Ct);
        Assert.Equal(2, page.Points.Count);
        Assert.NotNull(page.NextCursor);
        var rest = await _vdb.ScrollAsync(new ScrollVectorsRequest(tag, page.NextCursor, 2), collection, Ct);
        Assert.Single(rest.Points);

        Assert.Equal(3, (await _vdb.CountAsync(new CountVectorsRequest(tag), collection, Ct)).Count);
        Assert.True(await _vdb.DeleteAsync(Id("a"), collection, Ct));
        Assert.False(await _vdb.DeleteAsync(Id("a"), collection, Ct));
        Assert.Equal(1, (await _vdb.DeleteManyAsync(new DeleteVectorsRequest(Ids: [Id("b"), Id("zzz")]), collection, Ct)).Deleted);
        // The tag now matches every point left, and VDB wipes a collection only when told so with "all".
        Assert.Equal(1, (await _vdb.DeleteManyAsync(new DeleteVectorsRequest(Filter: tag, All: true), collection, Ct)).Deleted);
        Assert.Equal(0, (await _vdb.CountAsync(new CountVectorsRequest(tag), collection, Ct)).Count);
    }

    [Fact]
    public async Task A_bad_vector_is_a_400_naming_the_field()
    {
        var name = NewName();
        await _vdb.CreateCollectionAsync(name, new CreateCollectionRequest(3), Ct);
        var error = await Assert.ThrowsAsync<SageApiException>(() => _vdb.UpsertAsync([new("a", [1, 2, 3]), new("b", [1, 2])], name, Ct));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("vectors[1].vector", error.Problem.FirstErrorField);
    }

    [Fact]
    public async Task An_unknown_collection_is_a_404_for_queries()
    {
        var error = await Assert.ThrowsAsync<SageApiException>(() => _vdb.QueryAsync(new QueryVectorsRequest([1, 0]), NewName(), Ct));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Health_reports_the_backend_check() =>
        Assert.Contains("vdb-backend", (await _vdb.GetHealthAsync(Ct)).Checks!.Keys);

    public sealed class Host : IAsyncDisposable
    {
        public VdbServiceFactory Service { get; } = new();

        public ValueTask DisposeAsync() => Service.DisposeAsync();
    }
}
