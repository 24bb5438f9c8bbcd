using System.Net;
using Sage.Testing;

[assembly: AssemblyFixture(typeof(RedisServerFixture))]

namespace Sage.Kv.Tests;

/// <summary>The KV API over a real redis-server, each test under its own key prefix.</summary>
public sealed class RedisKvApiTests(RedisServerFixture redis) : KvApiContract
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = redis.Server.ConnectionString,
        ["Sage:Kv:RedisKeyPrefix"] = $"test:{Guid.NewGuid():N}:",
    };

    protected override string ExpectedBackend => "redis";

    [Fact]
    public async Task Keys_outside_the_prefix_are_neither_listed_nor_deleted()
    {
        await using var other = new KvServiceFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.Server.ConnectionString,
            ["Sage:Kv:RedisKeyPrefix"] = $"other:{Guid.NewGuid():N}:",
        });
        using var otherClient = other.CreateClient();
        await otherClient.PostAsync("/kv", JsonBody("""{"key":"theirs","value":1}"""), Ct);

        await Client.PostAsync("/kv", JsonBody("""{"key":"mine","value":1}"""), Ct);
        var list = await ReadJsonAsync(await Client.GetAsync("/kv?pattern=*", Ct));
        Assert.Equal(["mine"], list.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!));

        await Client.DeleteAsync("/kv?pattern=*", Ct);
        Assert.Equal(HttpStatusCode.OK, (await otherClient.GetAsync("/kv/theirs", Ct)).StatusCode);
    }
}

/// <summary>The Redis setting in SAGE's URI form, and a setting that cannot work.</summary>
public sealed class RedisConnectionSettingTests : IAsyncLifetime
{
    // A comma cannot be carried by the StackExchange form; the URI form must still get it to Redis.
    private const string Password = "s3cret,with:odd/chars";
    private RedisServer _redis = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _redis = await RedisServer.StartAsync(new RedisServerOptions { Password = Password }, Ct);

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task The_SAGE_REDIS_URL_alias_in_uri_form_with_a_password_reaches_redis()
    {
        await using var factory = new KvServiceFactory(new Dictionary<string, string?> { ["SAGE_REDIS_URL"] = _redis.Uri });
        using var client = factory.CreateClient();

        var set = await client.PostAsync("/kv", new StringContent("""{"key":"k","value":1}""", System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public void A_malformed_redis_setting_stops_the_start_naming_the_setting()
    {
        using var factory = new KvServiceFactory(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = "redis://localhost:6379/notadb" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("ConnectionStrings__redis", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("notadb", error.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>Redis going away and coming back, with its own server so stopping it disturbs no other test.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private KvServiceFactory _factory = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(cancellationToken: Ct);
        _factory = new KvServiceFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _redis.ConnectionString + ",syncTimeout=1000,connectTimeout=1000",
        });
        _client = _factory.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Redis_down_gives_503_with_retry_after_and_unhealthy_health_then_recovers_by_itself()
    {
        var body = new StringContent("""{"key":"k","value":"before"}""", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync("/kv", body, Ct)).StatusCode);

        await _redis.StopAsync();

        var get = await _client.GetAsync("/kv/k", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(get.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("/health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/alive", Ct)).StatusCode);

        await _redis.RestartAsync(Ct);

        // The client reconnects with backoff; no restart of the service is needed.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200, Ct);
            status = (await _client.PostAsync("/kv", new StringContent("""{"key":"k2","value":"after"}""", System.Text.Encoding.UTF8, "application/json"), Ct)).StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health", Ct)).StatusCode);
    }
}
