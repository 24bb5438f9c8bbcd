using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sage.Client.Kv;
using Sage.Client.Memory;
using Sage.Client.Vdb;

namespace Sage.Client.Tests;

/// <summary>What the clients make of problem responses, and which requests they mark safe to retry.</summary>
public sealed class ProblemAndRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Over(HttpMessageHandler handler) => new(handler) { BaseAddress = new Uri("http://service/") };

    private static bool MarkedIdempotent(HttpRequestMessage request) =>
        request.Options.TryGetValue(SageRequestOptions.Idempotent, out var idempotent) && idempotent;

    [Fact]
    public async Task A_503_carries_retry_after_title_detail_and_trace_id()
    {
        var handler = new StubHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                Content = new StringContent("""{"type":"https://tools.ietf.org/html/rfc9110#section-15.6.4","title":"A storage backend is unavailable; retry later.","status":503,"detail":"redis is down","instance":"/kv/a","trace_id":"abc123"}""",
                    Encoding.UTF8, "application/problem+json"),
            };
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        });

        var error = await Assert.ThrowsAsync<SageApiException>(() => new KvClient(Over(handler)).GetAsync("a", Ct));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Equal("A storage backend is unavailable; retry later.", error.Title);
        Assert.Equal("redis is down", error.Detail);
        Assert.Equal("abc123", error.TraceId);
        Assert.Equal("/kv/a", error.Problem.Instance);
        Assert.Empty(error.Errors);
        Assert.Contains("503", error.Message);
    }

    [Fact]
    public async Task A_body_that_is_not_json_still_gives_a_readable_exception()
    {
        var handler = StubHandler.Json("<html>bad gateway</html>", HttpStatusCode.BadGateway, "text/html");
        var error = await Assert.ThrowsAsync<SageApiException>(() => new VdbClient(Over(handler)).ListCollectionsAsync(Ct));
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("bad gateway", error.Detail);
    }

    [Fact]
    public async Task Read_only_posts_are_marked_idempotent_with_the_key_the_resilience_handler_reads()
    {
        var handler = StubHandler.Json("""{"items":[],"missing":[],"results":[],"points":[],"count":0}""");
        var kv = new KvClient(Over(handler));
        var vdb = new VdbClient(Over(handler));
        var memory = new MemoryClient(Over(handler));

        await kv.BatchGetAsync(["a"], Ct);
        await vdb.QueryAsync(new QueryVectorsRequest([1f]), cancellationToken: Ct);
        await vdb.ScrollAsync(new ScrollVectorsRequest(), "c", Ct);
        await vdb.CountAsync(cancellationToken: Ct);
        await memory.SearchAsync(new SearchMemoriesRequest([1f]), Ct);
        Assert.All(handler.Requests, request => Assert.True(MarkedIdempotent(request), request.RequestUri!.ToString()));

        handler.Requests.Clear();
        await kv.BatchSetAsync([new KvBatchItem("a", System.Text.Json.JsonDocument.Parse("1").RootElement)], Ct);
        await vdb.DeleteManyAsync(new DeleteVectorsRequest(Ids: ["a"]), cancellationToken: Ct);
        Assert.All(handler.Requests, request => Assert.False(MarkedIdempotent(request), request.RequestUri!.ToString()));
    }

    [Fact]
    public async Task Paths_and_queries_are_escaped_and_collections_select_the_named_routes()
    {
        var handler = StubHandler.Json("""{"keys":[],"next_cursor":null,"id":"x","vector":[1],"count":0}""");

        await new KvClient(Over(handler)).ListAsync("a b*", "c&d", 5, Ct);
        await new VdbClient(Over(handler)).GetAsync("id/1", "docs", Ct);
        await new VdbClient(Over(handler)).CountAsync(cancellationToken: Ct);

        Assert.Equal("http://service/kv?pattern=a%20b%2A&cursor=c%26d&limit=5", handler.Requests[0].RequestUri!.AbsoluteUri);
        Assert.Equal("http://service/collections/docs/vectors/id%2F1", handler.Requests[1].RequestUri!.AbsoluteUri);
        Assert.Equal("http://service/vectors/count", handler.Requests[2].RequestUri!.AbsoluteUri);
    }

    [Fact]
    public async Task Names_a_url_cannot_carry_are_refused_before_sending()
    {
        var handler = StubHandler.Json("{}");
        await Assert.ThrowsAsync<ArgumentException>(() => new KvClient(Over(handler)).GetAsync("", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => new VdbClient(Over(handler)).GetCollectionAsync("..", Ct));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Cancelling_a_call_in_flight_throws_operation_cancelled_for_every_client()
    {
        var handler = new HangingHandler();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new KvClient(Over(handler)).BatchGetAsync(["a"], cancel.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new VdbClient(Over(handler)).QueryAsync(new QueryVectorsRequest([1f]), "c", cancel.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new MemoryClient(Over(handler)).GetDependenciesAsync(cancel.Token));
        Assert.True(cancel.IsCancellationRequested);
    }
}
