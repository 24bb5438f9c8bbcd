using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sage.Kv.Extensions;

namespace Sage.Kv.Tests;

public sealed class BackendSelectionTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Memory_is_the_default_without_a_redis_connection_string() =>
        Assert.Equal("memory", Extensions.Extensions.ResolveBackend(Config()));

    [Fact]
    public void Redis_is_chosen_when_a_redis_connection_string_is_configured() =>
        Assert.Equal("redis", Extensions.Extensions.ResolveBackend(Config(("ConnectionStrings:redis", "localhost:6379"))));

    [Fact]
    public void Explicit_memory_wins_over_a_connection_string() =>
        Assert.Equal("memory", Extensions.Extensions.ResolveBackend(Config(("ConnectionStrings:redis", "localhost:6379"), ("Sage:Kv:Backend", "Memory"))));

    [Fact]
    public void Unknown_backend_stops_start_with_a_message_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Extensions.Extensions.ResolveBackend(Config(("Sage:Kv:Backend", "etcd"))));
        Assert.Contains("SAGE_KV_BACKEND", error.Message);
        Assert.Contains("etcd", error.Message);
    }

    [Fact]
    public void Redis_backend_without_connection_string_stops_start_naming_what_to_set()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Extensions.Extensions.ResolveBackend(Config(("Sage:Kv:Backend", "redis"))));
        Assert.Contains("ConnectionStrings__redis", error.Message);
    }

    [Fact]
    public void Service_fails_to_start_with_a_bad_backend_setting()
    {
        using var factory = new KvServiceFactory(new Dictionary<string, string?> { ["Sage:Kv:Backend"] = "bogus" });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("SAGE_KV_BACKEND", error.ToString());
    }

    [Fact]
    public async Task Memory_backend_with_a_persist_directory_keeps_keys_across_a_restart_of_the_service()
    {
        var directory = Directory.CreateTempSubdirectory("sage-kv-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["Sage:Kv:PersistDirectory"] = directory };
            using (var first = new KvServiceFactory(settings))
            {
                var stored = await first.CreateClient().PostAsJsonAsync("/kv", new { key = "kept", value = 42 }, TestContext.Current.CancellationToken);
                stored.EnsureSuccessStatusCode();
            }
            using var second = new KvServiceFactory(settings);
            var entry = await second.CreateClient().GetFromJsonAsync<System.Text.Json.JsonElement>("/kv/kept", TestContext.Current.CancellationToken);
            Assert.Equal(42, entry.GetProperty("value").GetInt32());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Service_fails_to_start_when_the_persist_directory_cannot_be_created()
    {
        var file = Path.GetTempFileName();
        try
        {
            using var factory = new KvServiceFactory(new Dictionary<string, string?> { ["Sage:Kv:PersistDirectory"] = Path.Combine(file, "kv") });
            var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            Assert.Contains("SAGE_KV_PERSIST_DIR", error.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
