using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Qdrant.Client;
using Sage.Testing.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary><c>AddQdrantClient</c> in Aspire.Qdrant.Client's shape: settings, connection string, singleton client, health check.</summary>
public sealed class AddQdrantClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IHost Build(Dictionary<string, string?> configuration, Action<IHostApplicationBuilder>? register = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        (register ?? (b => b.AddQdrantClient("qdrant")))(builder);
        return builder.Build();
    }

    private static Aspire.Qdrant.Client.QdrantClientSettings Settings(Dictionary<string, string?> configuration)
    {
        Aspire.Qdrant.Client.QdrantClientSettings? seen = null;
        using var host = Build(configuration, b => b.AddQdrantClient("qdrant", settings => seen = settings));
        return seen!;
    }

    [Theory]
    [InlineData("Endpoint=http://qdrant:6334;Key=secret", "http://qdrant:6334/", "secret")]
    [InlineData("endpoint=https://q.example:6334; key=\"s3c;r=t\"", "https://q.example:6334/", "s3c;r=t")]
    [InlineData("Endpoint=http://localhost:6334", "http://localhost:6334/", null)]
    [InlineData("http://10.0.0.5:6334", "http://10.0.0.5:6334/", null)]
    public void ConnectionString_GivesEndpointAndKey(string connectionString, string endpoint, string? key)
    {
        var settings = Settings(new() { ["ConnectionStrings:qdrant"] = connectionString });
        Assert.Equal(endpoint, settings.Endpoint?.ToString());
        Assert.Equal(key, settings.Key);
    }

    [Fact]
    public void Settings_ComeFromTheSection_ThenTheNamedSection_ThenTheConnectionString()
    {
        var section = Settings(new()
        {
            ["Aspire:Qdrant:Client:Endpoint"] = "http://section:1",
            ["Aspire:Qdrant:Client:Key"] = "section-key",
            ["Aspire:Qdrant:Client:DisableHealthChecks"] = "true",
            ["Aspire:Qdrant:Client:HealthCheckTimeout"] = "250",
        });
        Assert.Equal((new Uri("http://section:1"), "section-key", true, (int?)250), (section.Endpoint, section.Key, section.DisableHealthChecks, section.HealthCheckTimeout));

        var named = Settings(new() { ["Aspire:Qdrant:Client:Endpoint"] = "http://section:1", ["Aspire:Qdrant:Client:qdrant:Endpoint"] = "http://named:2" });
        Assert.Equal(new Uri("http://named:2"), named.Endpoint);

        var connection = Settings(new() { ["Aspire:Qdrant:Client:qdrant:Endpoint"] = "http://named:2", ["Aspire:Qdrant:Client:Key"] = "section-key", ["ConnectionStrings:qdrant"] = "Endpoint=http://aspire:3" });
        Assert.Equal((new Uri("http://aspire:3"), "section-key"), (connection.Endpoint, connection.Key));
    }

    [Fact]
    public void Client_IsOneSingleton()
    {
        using var host = Build(new() { ["ConnectionStrings:qdrant"] = "Endpoint=http://localhost:6334" });
        Assert.Same(host.Services.GetRequiredService<QdrantClient>(), host.Services.GetRequiredService<QdrantClient>());
    }

    [Fact]
    public void KeyedClient_IsRegisteredUnderItsName()
    {
        using var host = Build(new() { ["ConnectionStrings:vectors"] = "Endpoint=http://localhost:6334" }, b => b.AddKeyedQdrantClient("vectors"));
        Assert.NotNull(host.Services.GetRequiredKeyedService<QdrantClient>("vectors"));
        Assert.Null(host.Services.GetService<QdrantClient>());
    }

    [Fact]
    public void NoEndpoint_FailsNamingTheConnectionString()
    {
        using var host = Build([]);
        var exception = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<QdrantClient>());
        Assert.Contains("ConnectionStrings:qdrant", exception.Message);
        Assert.Contains("Aspire:Qdrant:Client", exception.Message);
    }

    [Fact]
    public async Task HealthCheck_IsHealthy_WhenQdrantAnswers_EvenWithoutTheKey()
    {
        await using var standIn = await QdrantStandIn.StartAsync("needed-for-everything-else", Ct);
        using var host = Build(new() { ["ConnectionStrings:qdrant"] = $"Endpoint={standIn.Endpoint}" });

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.Equal(HealthStatus.Healthy, report.Entries["Qdrant.Client"].Status);
        Assert.Contains(standIn.Calls, call => call.Method == "/qdrant.Qdrant/HealthCheck");
    }

    [Fact]
    public async Task HealthCheck_IsUnhealthy_WhenQdrantIsDown()
    {
        string endpoint;
        await using (var standIn = await QdrantStandIn.StartAsync(cancellationToken: Ct))
        {
            endpoint = standIn.Endpoint.ToString();
        }

        using var host = Build(new() { ["ConnectionStrings:qdrant"] = $"Endpoint={endpoint}", ["Aspire:Qdrant:Client:HealthCheckTimeout"] = "5000" });
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["Qdrant.Client"].Status);
    }

    [Fact]
    public async Task DisableHealthChecks_LeavesTheCheckOut()
    {
        using var host = Build(new() { ["ConnectionStrings:qdrant"] = "Endpoint=http://localhost:6334", ["Aspire:Qdrant:Client:DisableHealthChecks"] = "true" }, b =>
        {
            b.Services.AddHealthChecks();
            b.AddQdrantClient("qdrant");
        });
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.DoesNotContain("Qdrant.Client", report.Entries.Keys);
    }

    [Fact]
    public async Task RegisteringTwice_KeepsOneHealthCheck()
    {
        using var host = Build(new() { ["ConnectionStrings:qdrant"] = "Endpoint=http://localhost:6334", ["Aspire:Qdrant:Client:HealthCheckTimeout"] = "200" }, b =>
        {
            b.AddQdrantClient("qdrant");
            b.AddQdrantClient("qdrant");
        });
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.Single(report.Entries.Keys, name => name == "Qdrant.Client");
    }
}
