using Sage.Launcher.Commands;

namespace Sage.Launcher.Tests;

public sealed class RunOptionsTests
{
    private static Model.LaunchRequest Parse(params string[] args)
    {
        var result = RunCommand.Create().Parse(args);
        Assert.Empty(result.Errors);
        return RunCommand.ToRequest(result);
    }

    [Fact]
    public void No_flags_leaves_every_choice_to_the_config_file_and_defaults()
    {
        var request = Parse();

        Assert.Null(request.Config);
        Assert.Null(request.KvBackend);
        Assert.Null(request.VdbBackend);
        Assert.Null(request.PortBase);
        Assert.False(request.Restart);
        Assert.Equal(TimeSpan.FromSeconds(30), request.HealthTimeout);
    }

    [Fact]
    public void Every_flag_lands_in_the_request()
    {
        var request = Parse("--config", "kv-only", "--kv-backend", "redis", "--redis-url", "redis://h:1", "--vdb-backend", "qdrant",
            "--qdrant-url", "http://q:6333", "--persist-dir", "d", "--config-file", "s.yaml", "--otlp-endpoint", "http://o:4317",
            "--port-base", "9000", "--restart", "--health-timeout", "5");

        Assert.Equal("kv-only", request.Config);
        Assert.Equal("redis", request.KvBackend);
        Assert.Equal("redis://h:1", request.RedisUrl);
        Assert.Equal("qdrant", request.VdbBackend);
        Assert.Equal("http://q:6333", request.QdrantUrl);
        Assert.Equal("d", request.PersistDir);
        Assert.Equal("s.yaml", request.ConfigFile);
        Assert.Equal("http://o:4317", request.OtlpEndpoint);
        Assert.Equal(9000, request.PortBase);
        Assert.True(request.Restart);
        Assert.Equal(TimeSpan.FromSeconds(5), request.HealthTimeout);
    }

    [Fact]
    public void A_port_base_that_is_not_a_number_is_a_parse_error()
    {
        var result = RunCommand.Create().Parse(["--port-base", "eighty"]);
        Assert.NotEmpty(result.Errors);
    }
}
