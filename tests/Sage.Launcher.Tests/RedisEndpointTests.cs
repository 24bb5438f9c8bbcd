using Sage.Launcher.Model;

namespace Sage.Launcher.Tests;

public sealed class RedisEndpointTests
{
    [Theory]
    [InlineData("redis://localhost:6379", "localhost", 6379, null, false)]
    [InlineData("redis://:s3cret@cache:6400", "cache", 6400, "s3cret", false)]
    [InlineData("rediss://user:p%40ss@cache", "cache", 6379, "p@ss", true)]
    [InlineData("cache:6400,password=pw,ssl=true", "cache", 6400, "pw", true)]
    [InlineData("cache", "cache", 6379, null, false)]
    public void Parses_uri_and_connection_string_forms(string text, string host, int port, string? password, bool tls)
    {
        Assert.Equal(new RedisEndpoint(host, port, password, tls), RedisEndpoint.Parse(text));
    }

    [Fact]
    public void Formats_like_aspires_redis_resource()
    {
        var endpoint = new RedisEndpoint("localhost", 6390, "p@ss", Tls: true);
        Assert.Equal("localhost:6390,password=p@ss,ssl=true", endpoint.ConnectionString);
        Assert.Equal("rediss://:p%40ss@localhost:6390", endpoint.Uri);
    }

    [Fact]
    public void A_bad_port_is_a_clear_error()
    {
        Assert.Throws<LaunchException>(() => RedisEndpoint.Parse("cache:port"));
    }
}
