using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using Sage.Testing.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>The stand-in refuses what Qdrant refuses, with Qdrant's status codes, when Qdrant.Client asks it directly.</summary>
public sealed class QdrantStandInTests : IAsyncLifetime
{
    private QdrantStandIn _standIn = null!;
    private QdrantClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _standIn = await QdrantStandIn.StartAsync("k", Ct);
        _client = new QdrantClient(_standIn.Endpoint, "k");
        await _client.CreateCollectionAsync("c", new VectorParams { Size = 3, Distance = Distance.Dot }, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _standIn.DisposeAsync();
    }

    private static async Task<RpcException> Refused(StatusCode code, Func<Task> call)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, exception.StatusCode);
        return exception;
    }

    private static PointStruct Point(Guid id, float[] vector) => new() { Id = id, Vectors = vector };

    [Fact]
    public async Task UnknownCollection_IsNotFound()
    {
        var refusal = await Refused(StatusCode.NotFound, () => _client.CountAsync("nope", cancellationToken: Ct));
        Assert.Equal("Not found: Collection `nope` doesn't exist!", refusal.Status.Detail);
        await Refused(StatusCode.NotFound, () => _client.GetCollectionInfoAsync("nope", Ct));
    }

    [Fact]
    public async Task ExistingCollection_IsAlreadyExists() =>
        await Refused(StatusCode.AlreadyExists, () => _client.CreateCollectionAsync("c", new VectorParams { Size = 3, Distance = Distance.Dot }, cancellationToken: Ct));

    [Fact]
    public async Task WrongVectorSize_IsInvalidArgument_AndTheBatchIsNotApplied()
    {
        var refusal = await Refused(StatusCode.InvalidArgument, () => _client.UpsertAsync("c", [Point(Guid.NewGuid(), [1, 2, 3]), Point(Guid.NewGuid(), [1, 2])], cancellationToken: Ct));
        Assert.Contains("Vector dimension error: expected dim: 3, got 2", refusal.Status.Detail);
        Assert.Equal(0ul, await _client.CountAsync("c", cancellationToken: Ct));
        await Refused(StatusCode.InvalidArgument, () => _client.QueryAsync("c", new float[] { 1 }, cancellationToken: Ct));
    }

    [Fact]
    public async Task BadPointIds_AreInvalidArgument()
    {
        await Refused(StatusCode.InvalidArgument, () => _client.UpsertAsync("c", [new PointStruct { Id = new PointId { Uuid = "not-a-uuid" }, Vectors = new float[] { 1, 2, 3 } }], cancellationToken: Ct));
        await Refused(StatusCode.InvalidArgument, () => _client.UpsertAsync("c", [new PointStruct { Vectors = new float[] { 1, 2, 3 } }], cancellationToken: Ct));
    }

    [Fact]
    public async Task MalformedFilters_AreInvalidArgument()
    {
        await Refused(StatusCode.InvalidArgument, () => _client.CountAsync("c", new Filter { Must = { new Condition() } }, cancellationToken: Ct));
        await Refused(StatusCode.InvalidArgument, () => _client.CountAsync("c", new Filter { Must = { new Condition { Field = new FieldCondition { Key = "a" } } } }, cancellationToken: Ct));
        await Refused(StatusCode.InvalidArgument, () => _client.CountAsync("c", new Filter { Must = { new Condition { Field = new FieldCondition { Key = "a", Match = new Match() } } } }, cancellationToken: Ct));
        await Refused(StatusCode.InvalidArgument, () => _client.CountAsync("c", new Filter { Must = { new Condition { HasId = new HasIdCondition { HasId = { new PointId { Uuid = "x" } } } } } }, cancellationToken: Ct));
    }

    [Fact]
    public async Task NamedVectors_OnAnUnnamedCollection_AreInvalidArgument() =>
        await Refused(StatusCode.InvalidArgument, () => _client.UpsertAsync("c", [new PointStruct { Id = Guid.NewGuid(), Vectors = ("text", new float[] { 1, 2, 3 }) }], cancellationToken: Ct));

    [Fact]
    public async Task MissingOrWrongApiKey_IsUnauthenticated_ButHealthAnswers()
    {
        using var anonymous = new QdrantClient(_standIn.Endpoint);
        await Refused(StatusCode.Unauthenticated, () => anonymous.ListCollectionsAsync(Ct));
        Assert.Equal("qdrant - vector search engine", (await anonymous.HealthAsync(Ct)).Title);
    }

    [Fact]
    public async Task DeletingAMissingCollection_AnswersFalse_WhichTheClientReports() =>
        await Assert.ThrowsAsync<QdrantException>(() => _client.DeleteCollectionAsync("nope", cancellationToken: Ct));

    [Fact]
    public async Task UnimplementedRequests_AreRecordedAsViolations()
    {
        await Refused(StatusCode.Unimplemented, () => _client.CountAsync("c", new Filter { Must = { new Condition { Field = new FieldCondition { Key = "a", Match = new Match { Text = "x" } } } } }, cancellationToken: Ct));
        Assert.Throws<InvalidOperationException>(_standIn.AssertNoViolations);
    }
}
