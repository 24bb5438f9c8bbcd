using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sage.Client.Kv;
using Sage.Client.Vdb;
using Sage.Memory.Remote;
using Sage.Storage;
using Sage.Storage.Kv;
using Sage.Storage.Vectors;

namespace Sage.Client.Tests.Remote;

/// <summary>How the adapters turn problem responses and transport failures into <see cref="StorageException"/>s.</summary>
public sealed class RemoteErrorMappingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Over(HttpMessageHandler handler) => new(handler) { BaseAddress = new Uri("http://kv/") };

    private static StubHandler Problem(HttpStatusCode status, string body = """{"title":"t","detail":"d"}""", TimeSpan? retryAfter = null) =>
        new(_ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/problem+json") };
            if (retryAfter is { } wait)
                response.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
            return response;
        });

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, StorageError.Invalid)]
    [InlineData(HttpStatusCode.NotFound, StorageError.NotFound)]
    [InlineData(HttpStatusCode.Conflict, StorageError.Conflict)]
    [InlineData(HttpStatusCode.PreconditionFailed, StorageError.PreconditionFailed)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, StorageError.TooLarge)]
    [InlineData(HttpStatusCode.InsufficientStorage, StorageError.CapacityExceeded)]
    [InlineData(HttpStatusCode.ServiceUnavailable, StorageError.Unavailable)]
    [InlineData(HttpStatusCode.InternalServerError, StorageError.Unavailable)]
    [InlineData(HttpStatusCode.Unauthorized, StorageError.Unavailable)]
    public async Task Each_status_maps_to_its_storage_error(HttpStatusCode status, StorageError expected)
    {
        var store = new RemoteVectorStore(new VdbClient(Over(Problem(status))));
        var error = await Assert.ThrowsAsync<StorageException>(() => store.CompactAsync("c", Ct));
        Assert.Equal(expected, error.Error);
    }

    [Fact]
    public async Task A_400_keeps_the_first_field_and_its_message()
    {
        var store = new RemoteKvStore(new KvClient(Over(Problem(HttpStatusCode.BadRequest,
            """{"title":"The request field 'ttl' is not valid.","errors":{"ttl":["ttl must be a positive number of seconds."]}}"""))));
        var error = await Assert.ThrowsAsync<StorageException>(async () => await store.SetAsync("k", JsonDocument.Parse("1").RootElement, cancellationToken: Ct));
        Assert.Equal(StorageError.Invalid, error.Error);
        Assert.Equal("ttl", error.Field);
        Assert.Equal("ttl must be a positive number of seconds.", error.Message);
    }

    [Fact]
    public async Task A_503_keeps_retry_after()
    {
        var store = new RemoteKvStore(new KvClient(Over(Problem(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(9)))));
        var error = await Assert.ThrowsAsync<StorageException>(async () => await store.GetAsync("k", Ct));
        Assert.Equal(StorageError.Unavailable, error.Error);
        Assert.Equal(TimeSpan.FromSeconds(9), error.RetryAfter);
    }

    [Fact]
    public async Task Connection_refused_is_unavailable_with_a_default_retry_after()
    {
        // Nothing listens on port 1 of the loopback address.
        var store = new RemoteKvStore(new KvClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") }));
        var error = await Assert.ThrowsAsync<StorageException>(async () => await store.PingAsync(Ct));
        Assert.Equal(StorageError.Unavailable, error.Error);
        Assert.NotNull(error.RetryAfter);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task A_client_timeout_is_unavailable_but_the_callers_cancellation_is_not_translated()
    {
        var store = new RemoteKvStore(new KvClient(new HttpClient(new HangingHandler()) { BaseAddress = new Uri("http://kv/"), Timeout = TimeSpan.FromMilliseconds(50) }));
        Assert.Equal(StorageError.Unavailable, (await Assert.ThrowsAsync<StorageException>(async () => await store.GetAsync("k", Ct))).Error);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var fresh = new RemoteKvStore(new KvClient(Over(StubHandler.Json("{}"))));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await fresh.GetAsync("k", cancelled.Token));
    }

    [Fact]
    public async Task An_answer_that_is_not_the_expected_json_is_unavailable()
    {
        var store = new RemoteKvStore(new KvClient(Over(StubHandler.Json("<html>proxy</html>", mediaType: "text/html"))));
        var error = await Assert.ThrowsAsync<StorageException>(async () => await store.GetAsync("k", Ct));
        Assert.Equal(StorageError.Unavailable, error.Error);
    }

    [Fact]
    public async Task An_unhealthy_service_fails_ping_as_unavailable_naming_the_check()
    {
        var store = new RemoteVectorStore(new VdbClient(Over(StubHandler.Json(
            """{"status":"Unhealthy","duration_ms":3,"checks":{"vdb-backend":{"status":"Unhealthy","duration_ms":2,"description":"qdrant is down"}}}""",
            HttpStatusCode.ServiceUnavailable))));
        var error = await Assert.ThrowsAsync<StorageException>(() => store.PingAsync(Ct));
        Assert.Equal(StorageError.Unavailable, error.Error);
        Assert.Contains("qdrant is down", error.Message);
    }

    [Fact]
    public async Task Sub_second_ttls_are_sent_rounded_up_to_a_second()
    {
        var stub = StubHandler.Json("""{"key":"k","etag":"e"}""");
        var store = new RemoteKvStore(new KvClient(Over(stub)));
        await store.SetAsync("k", JsonDocument.Parse("1").RootElement, new KvSetOptions { TimeToLive = TimeSpan.FromMilliseconds(300) }, Ct);
        Assert.Contains("\"ttl\":1", stub.Bodies[0]);
    }

    [Fact]
    public async Task Non_finite_vectors_are_refused_before_sending()
    {
        var stub = StubHandler.Json("{}");
        var store = new RemoteVectorStore(new VdbClient(Over(stub)));
        var error = await Assert.ThrowsAsync<StorageException>(() => store.UpsertAsync("c", [new VectorPoint("a", new float[] { 1, float.NaN })], Ct));
        Assert.Equal("vectors[0].vector", error.Field);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Unaddressable_names_are_invalid_naming_the_field()
    {
        var store = new RemoteVectorStore(new VdbClient(Over(StubHandler.Json("{}"))));
        var error = await Assert.ThrowsAsync<StorageException>(() => store.CompactAsync("", Ct));
        Assert.Equal(StorageError.Invalid, error.Error);
        Assert.Equal("collection", error.Field);
    }
}
