using Sage.Testing;

namespace Sage.Redis.Tests;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private const string Password = "p@ss:w0rd/with,odd chars";
    private RedisServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync(new RedisServerOptions { Password = Password }, Ct);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Password_only_auth_from_the_options_lets_commands_through()
    {
        var options = new RedisOptions { Host = _server.Host, Port = _server.Port, Password = Password };
        await using var redis = await RedisConnection.ConnectAsync(options, Ct);

        Assert.Equal("default", (await redis.ExecuteAsync("ACL", ["WHOAMI"], Ct)).AsString());
    }

    [Fact]
    public async Task User_and_password_from_a_percent_encoded_uri_are_sent_as_AUTH_user_pass()
    {
        var uri = $"redis://default:{Uri.EscapeDataString(Password)}@{_server.Host}:{_server.Port}";
        await using var redis = await RedisConnection.ConnectAsync(uri, Ct);

        Assert.Equal("default", (await redis.ExecuteAsync("ACL", ["WHOAMI"], Ct)).AsString());
    }

    [Fact]
    public async Task A_wrong_password_fails_the_connect_with_the_server_reason()
    {
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() =>
            RedisConnection.ConnectAsync($"{_server.Host}:{_server.Port},password=wrong", Ct));

        Assert.Contains("WRONGPASS", error.Message, StringComparison.Ordinal);
        Assert.IsType<RedisServerException>(error.InnerException);
    }

    [Fact]
    public async Task Without_a_password_commands_are_refused_with_NOAUTH()
    {
        await using var redis = await RedisConnection.ConnectAsync($"{_server.Host}:{_server.Port}", Ct);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => redis.GetAsync("k", Ct));

        Assert.Equal("NOAUTH", error.Prefix);
    }

    [Fact]
    public async Task Client_name_is_set_on_connect()
    {
        // The password holds a comma, which the StackExchange form cannot carry, so start from the URI form.
        var options = RedisOptions.Parse(_server.Uri);
        options.ClientName = "sage-kv";
        await using var redis = await RedisConnection.ConnectAsync(options, Ct);

        Assert.Equal("sage-kv", (await redis.ExecuteAsync("CLIENT", ["GETNAME"], Ct)).AsString());
    }
}
