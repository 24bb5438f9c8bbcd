using System.Text.Json;
using Sage.Storage;
using Sage.Storage.Kv;
using Sage.Testing;
using StackExchange.Redis;

namespace Sage.Storage.Tests.Kv;

/// <summary>One TLS-only redis-server (and its throwaway CA) for the TLS tests.</summary>
public sealed class TlsRedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("Not initialized.");

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true });

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The Redis KV store over TLS, in both connection-string forms, with the certificate really checked.</summary>
public sealed class RedisTlsTests(TlsRedisServerFixture fixture) : IClassFixture<TlsRedisServerFixture>
{
    private readonly RedisServer _server = fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ssl_connection_string_works_when_the_test_CA_is_trusted()
    {
        Assert.EndsWith(",ssl=true", _server.ConnectionString, StringComparison.Ordinal);

        await RedisStores.AssertRoundTripAsync(Trusting(RedisConnectionString.Parse(_server.ConnectionString).ToOptions()), Ct);
    }

    [Fact]
    public async Task Rediss_uri_turns_on_tls_and_validates_the_certificate()
    {
        Assert.StartsWith("rediss://", _server.Uri, StringComparison.Ordinal);

        await RedisStores.AssertRoundTripAsync(Trusting(RedisConnectionString.Parse(_server.Uri).ToOptions()), Ct);
    }

    [Fact]
    public async Task An_untrusted_certificate_leaves_the_store_unavailable()
    {
        var options = RedisConnectionString.Parse(_server.ConnectionString).ToOptions();

        await RedisStores.AssertUnavailableAsync(options, Ct);
    }

    [Fact]
    public async Task A_certificate_for_another_host_name_is_rejected_even_with_the_CA_trusted()
    {
        var options = Trusting(RedisConnectionString.Parse(_server.ConnectionString).ToOptions());
        options.SslHost = "redis.example.com";

        await RedisStores.AssertUnavailableAsync(options, Ct);
    }

    private ConfigurationOptions Trusting(ConfigurationOptions options)
    {
        options.TrustIssuer(_server.CaCertificate!);
        return options;
    }
}

/// <summary>The Redis KV store against a server that requires a password.</summary>
public sealed class RedisAuthenticationTests : IAsyncLifetime
{
    // Every character the StackExchange form cannot carry or a URI must escape.
    private const string Password = "p@ss:w0rd/with,odd chars";
    private RedisServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync(new RedisServerOptions { Password = Password }, Ct);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_password_with_a_comma_in_a_percent_encoded_uri_authenticates()
    {
        await RedisStores.AssertRoundTripAsync(RedisConnectionString.Parse(_server.Uri).ToOptions(), Ct);
    }

    [Fact]
    public async Task User_and_password_in_the_uri_are_sent_as_an_acl_login()
    {
        var uri = $"redis://default:{Uri.EscapeDataString(Password)}@{_server.Host}:{_server.Port}";

        await RedisStores.AssertRoundTripAsync(RedisConnectionString.Parse(uri).ToOptions(), Ct);
    }

    [Fact]
    public async Task A_wrong_password_leaves_the_store_unavailable() =>
        await RedisStores.AssertUnavailableAsync(RedisConnectionString.Parse($"{_server.Host}:{_server.Port},password=wrong").ToOptions(), Ct);

    [Fact]
    public async Task No_password_leaves_the_store_unavailable() =>
        await RedisStores.AssertUnavailableAsync(RedisConnectionString.Parse($"{_server.Host}:{_server.Port}").ToOptions(), Ct);
}

internal static class RedisStores
{
    public static async Task AssertRoundTripAsync(ConfigurationOptions options, CancellationToken cancellationToken)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        var store = new RedisKvStore(redis, $"test:{Guid.NewGuid():N}:");

        var written = await store.SetAsync("k", JsonDocument.Parse("\"secret\"").RootElement, cancellationToken: cancellationToken);

        Assert.Equal(written.ETag, (await store.GetAsync("k", cancellationToken))!.ETag);
    }

    /// <summary>Connects as the KV service does (not aborting at start, failing fast while down) and expects every call to fail as a 503 would.</summary>
    public static async Task AssertUnavailableAsync(ConfigurationOptions options, CancellationToken cancellationToken)
    {
        options.ConnectTimeout = 2000;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        var store = new RedisKvStore(redis);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await store.PingAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(15), cancellationToken));

        Assert.Equal(StorageError.Unavailable, error.Error);
    }
}
