namespace Sage.Redis.Tests;

public sealed class RedisOptionsParsingTests
{
    [Fact]
    public void StackExchange_form_sets_every_known_option_and_ignores_unknown_ones()
    {
        var options = RedisOptions.Parse(
            "cache.local:6380,password=p@ss=word,user=alice,ssl=true,sslHost=redis.internal,defaultDatabase=3," +
            "connectTimeout=2000,syncTimeout=1500,abortConnect=false,name=kv,allowAdmin=true,connectRetry=3");

        Assert.Equal("cache.local", options.Host);
        Assert.Equal(6380, options.Port);
        Assert.Equal("p@ss=word", options.Password);
        Assert.Equal("alice", options.User);
        Assert.True(options.Ssl);
        Assert.Equal("redis.internal", options.SslHost);
        Assert.Equal(3, options.Database);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.CommandTimeout);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal("kv", options.ClientName);
    }

    [Fact]
    public void Aspire_form_with_password_and_ssl_is_understood()
    {
        var options = RedisOptions.Parse("localhost:51234,password=s3cret,ssl=true");

        Assert.Equal(("localhost", 51234, "s3cret", true), (options.Host, options.Port, options.Password, options.Ssl));
        Assert.Null(options.User);
        Assert.True(options.AbortOnConnectFail);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CommandTimeout);
    }

    [Fact]
    public void AsyncTimeout_wins_over_syncTimeout_whatever_the_order()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(700), RedisOptions.Parse("h,asyncTimeout=700,syncTimeout=100").CommandTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(700), RedisOptions.Parse("h,syncTimeout=100,asyncTimeout=700").CommandTimeout);
    }

    [Theory]
    [InlineData("localhost", "localhost", 6379)]
    [InlineData(" 10.0.0.5:7000 , ", "10.0.0.5", 7000)]
    [InlineData("[::1]:7001", "::1", 7001)]
    [InlineData("first:1000,second:2000", "first", 1000)]
    public void Endpoints_default_the_port_and_accept_ipv6(string text, string host, int port)
    {
        var options = RedisOptions.Parse(text);

        Assert.Equal((host, port), (options.Host, options.Port));
    }

    [Fact]
    public void Uri_form_reads_user_password_host_port_and_database_with_percent_decoding()
    {
        var options = RedisOptions.Parse("redis://alice:p%40ss%3Aw%2Fd@cache.local:6390/2");

        Assert.Equal(("alice", "p@ss:w/d", "cache.local", 6390, 2), (options.User, options.Password, options.Host, options.Port, options.Database));
        Assert.False(options.Ssl);
    }

    [Fact]
    public void Rediss_uri_with_only_a_password_turns_on_tls()
    {
        var options = RedisOptions.Parse("rediss://:secret@127.0.0.1:6380");

        Assert.True(options.Ssl);
        Assert.Null(options.User);
        Assert.Equal("secret", options.Password);
        Assert.Equal(6380, options.Port);
        Assert.Equal(0, options.Database);
    }

    [Fact]
    public void Uri_without_port_or_credentials_uses_the_defaults()
    {
        var options = RedisOptions.Parse("REDIS://localhost/");

        Assert.Equal(("localhost", 6379), (options.Host, options.Port));
        Assert.Null(options.Password);
    }

    [Theory]
    [InlineData("localhost:abc", "abc")]
    [InlineData("localhost:70000", "70000")]
    [InlineData("localhost,ssl=maybe", "maybe")]
    [InlineData("localhost,defaultDatabase=x", "defaultDatabase")]
    [InlineData("localhost,connectTimeout=-5", "connectTimeout")]
    [InlineData("password=only", "no endpoint")]
    [InlineData("localhost,=value", "=value")]
    [InlineData("bad host:1", "bad host:1")]
    [InlineData("[::1:6379", "[::1:6379")]
    [InlineData("redis://localhost:6379/notadb", "notadb")]
    [InlineData("redis://", "redis://")]
    [InlineData("   ", "empty")]
    public void Malformed_strings_throw_a_format_exception_naming_the_bad_part(string text, string named)
    {
        var error = Assert.Throws<FormatException>(() => RedisOptions.Parse(text));

        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Endpoint_brackets_ipv6_hosts()
    {
        Assert.Equal("[::1]:6379", new RedisOptions { Host = "::1" }.Endpoint);
        Assert.Equal("localhost:6379", new RedisOptions().Endpoint);
    }
}
