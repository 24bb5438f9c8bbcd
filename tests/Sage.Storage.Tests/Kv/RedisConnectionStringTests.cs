using Sage.Storage.Kv;
using StackExchange.Redis;

namespace Sage.Storage.Tests.Kv;

public sealed class RedisConnectionStringTests
{
    [Fact]
    public void The_stackexchange_form_passes_through_unchanged()
    {
        var redis = RedisConnectionString.Parse(" cache.local:6380,password=p@ss=word,ssl=true,abortConnect=false ");

        Assert.Equal("cache.local:6380,password=p@ss=word,ssl=true,abortConnect=false", redis.Configuration);
        Assert.Null(redis.Password);
        var options = redis.ToOptions();
        Assert.Equal("p@ss=word", options.Password);
        Assert.True(options.Ssl);
    }

    [Fact]
    public void A_comma_separated_node_list_keeps_every_node()
    {
        var options = RedisConnectionString.Parse("10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002").ToOptions();

        Assert.Equal(["10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:7002"], options.EndPoints.Select(EndPointCollection.ToString));
    }

    [Fact]
    public void A_uri_with_user_password_and_database_is_percent_decoded()
    {
        var redis = RedisConnectionString.Parse("redis://alice:p%40ss%3Aw%2Fd%2Cx@cache.local:6390/2");
        var options = redis.ToOptions();

        Assert.Equal("cache.local:6390,defaultDatabase=2", redis.Configuration);
        Assert.Equal(("alice", "p@ss:w/d,x"), (options.User, options.Password));
        Assert.Equal(2, options.DefaultDatabase);
        Assert.False(options.Ssl);
    }

    [Fact]
    public void A_rediss_uri_with_only_a_password_turns_on_tls()
    {
        var options = RedisConnectionString.Parse("rediss://:secret@127.0.0.1:6380").ToOptions();

        Assert.True(options.Ssl);
        Assert.Null(options.User);
        Assert.Equal("secret", options.Password);
        Assert.Equal("127.0.0.1:6380", EndPointCollection.ToString(options.EndPoints[0]));
    }

    [Theory]
    [InlineData("REDIS://localhost/", "localhost:6379", null)]
    [InlineData("redis://secret@localhost:7000", "localhost:7000", "secret")]
    [InlineData("redis://[::1]:7001", "[::1]:7001", null)]
    public void Uri_defaults_and_lone_user_info_as_password(string uri, string configuration, string? password)
    {
        var redis = RedisConnectionString.Parse(uri);

        Assert.Equal((configuration, password), (redis.Configuration, redis.Password));
    }

    [Theory]
    [InlineData("redis://localhost:6379/notadb", "notadb")]
    [InlineData("redis://", "redis[s]://")]
    [InlineData("   ", "empty")]
    public void Malformed_values_throw_a_format_exception_naming_the_bad_part(string text, string named)
    {
        var error = Assert.Throws<FormatException>(() => RedisConnectionString.Parse(text));

        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Its_text_never_shows_the_password() =>
        Assert.DoesNotContain("hunter2", RedisConnectionString.Parse("redis://:hunter2@h:1").ToString(), StringComparison.Ordinal);
}
