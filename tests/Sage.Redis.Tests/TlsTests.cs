using Sage.Testing;

namespace Sage.Redis.Tests;

public sealed class TlsTests(TlsRedisServerFixture fixture) : IClassFixture<TlsRedisServerFixture>
{
    private readonly RedisServer _server = fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ssl_connection_string_connects_when_the_test_CA_is_trusted()
    {
        Assert.EndsWith(",ssl=true", _server.ConnectionString, StringComparison.Ordinal);
        var options = RedisOptions.Parse(_server.ConnectionString).TrustCertificateAuthority(_server.CaCertificate!);
        await using var redis = await RedisConnection.ConnectAsync(options, Ct);

        await redis.SetAsync("tls:k", "secret", cancellationToken: Ct);

        Assert.Equal("secret", await redis.GetStringAsync("tls:k", Ct));
    }

    [Fact]
    public async Task Rediss_uri_with_sslHost_override_validates_against_the_certificate_name()
    {
        Assert.StartsWith("rediss://", _server.Uri, StringComparison.Ordinal);
        var options = RedisOptions.Parse(_server.Uri).TrustCertificateAuthority(_server.CaCertificate!);
        options.SslHost = "localhost";
        await using var redis = await RedisConnection.ConnectAsync(options, Ct);

        Assert.True(redis.IsConnected);
        Assert.Equal("PONG", (await redis.ExecuteAsync("PING", [], Ct)).AsString());
    }

    [Fact]
    public async Task An_untrusted_certificate_is_rejected_by_default()
    {
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(_server.ConnectionString, Ct));

        Assert.IsType<System.Security.Authentication.AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task A_certificate_for_another_host_name_is_rejected_even_with_the_CA_trusted()
    {
        var options = RedisOptions.Parse(_server.ConnectionString).TrustCertificateAuthority(_server.CaCertificate!);
        options.SslHost = "redis.example.com";

        await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(options, Ct));
    }
}
