using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Qdrant;

namespace Sage.Storage.Tests.Vectors.Qdrant;

public sealed class QdrantOptionsTests
{
    [Fact]
    public void ParseConnectionString_ReadsAspiresForm()
    {
        var options = QdrantOptions.ParseConnectionString("Endpoint=http://qdrant:6333;Key=secret");
        Assert.Equal(new Uri("http://qdrant:6333"), options.Endpoint);
        Assert.Equal("secret", options.ApiKey);
    }

    [Theory]
    [InlineData("endpoint=https://q.example:6334; key=\"s3c;r=t\"", "https://q.example:6334/", "s3c;r=t")]
    [InlineData("Endpoint=http://localhost:6333", "http://localhost:6333/", null)]
    [InlineData("http://10.0.0.5:6333", "http://10.0.0.5:6333/", null)]
    public void ParseConnectionString_AcceptsVariants(string connectionString, string endpoint, string? key)
    {
        var options = QdrantOptions.ParseConnectionString(connectionString);
        Assert.Equal(endpoint, options.Endpoint.ToString());
        Assert.Equal(key, options.ApiKey);
    }

    [Theory]
    [InlineData("Key=secret")]
    [InlineData("Endpoint=not a url")]
    [InlineData("Endpoint=ftp://host:21")]
    [InlineData("")]
    public void ParseConnectionString_WithoutAUsableEndpoint_IsAFormatError(string connectionString) =>
        Assert.Throws<FormatException>(() => QdrantOptions.ParseConnectionString(connectionString));

    [Fact]
    public void Bind_ConnectionString_WinsOverAliases_WhichWinOverTheSection()
    {
        var options = Bound(new()
        {
            ["Qdrant:Endpoint"] = "http://section:1",
            ["Qdrant:ApiKey"] = "section-key",
            ["SAGE_QDRANT_URL"] = "http://alias:2",
            ["SAGE_QDRANT_API_KEY"] = "alias-key",
            ["ConnectionStrings:qdrant_http"] = "Endpoint=http://aspire:3;Key=aspire-key",
        });
        Assert.Equal(new Uri("http://aspire:3"), options.Endpoint);
        Assert.Equal("aspire-key", options.ApiKey);

        var aliases = Bound(new() { ["Qdrant:Endpoint"] = "http://section:1", ["SAGE_QDRANT_URL"] = "http://alias:2", ["SAGE_QDRANT_API_KEY"] = "alias-key" });
        Assert.Equal(new Uri("http://alias:2"), aliases.Endpoint);
        Assert.Equal("alias-key", aliases.ApiKey);

        var section = Bound(new() { ["Qdrant:Endpoint"] = "http://section:1", ["Qdrant:Timeout"] = "00:00:05" });
        Assert.Equal(new Uri("http://section:1"), section.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(5), section.Timeout);
    }

    [Fact]
    public void Bind_ConnectionStringWithoutKey_KeepsTheAliasKey()
    {
        var options = Bound(new() { ["SAGE_QDRANT_API_KEY"] = "alias-key", ["ConnectionStrings:qdrant_http"] = "Endpoint=http://aspire:3" });
        Assert.Equal("alias-key", options.ApiKey);
    }

    [Fact]
    public void AddQdrantVectorStore_FromConfiguration_RegistersTheStore()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:qdrant_http"] = "Endpoint=http://aspire:6333;Key=k",
        }).Build();
        using var services = new ServiceCollection().AddQdrantVectorStoreForTest(configuration);
        var store = services.GetRequiredService<IVectorStore>();
        Assert.Equal("qdrant", store.Backend);
        Assert.Same(store, services.GetRequiredService<IVectorStore>());
        Assert.Equal(new Uri("http://aspire:6333"), services.GetRequiredService<IOptions<QdrantOptions>>().Value.Endpoint);
    }

    [Fact]
    public void Validation_NamesTheBadSetting()
    {
        using var services = new ServiceCollection().AddQdrantVectorStoreForTest(o => o.Timeout = TimeSpan.Zero);
        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<QdrantOptions>>().Value);
        Assert.Contains("Qdrant:Timeout", exception.Message);
    }

    private static QdrantOptions Bound(Dictionary<string, string?> values)
    {
        var options = new QdrantOptions();
        options.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return options;
    }
}

internal static class QdrantServiceCollectionTestExtensions
{
    public static ServiceProvider AddQdrantVectorStoreForTest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddQdrantVectorStore(configuration);
        return services.BuildServiceProvider();
    }

    public static ServiceProvider AddQdrantVectorStoreForTest(this IServiceCollection services, Action<QdrantOptions> configure)
    {
        services.AddQdrantVectorStore(configure);
        return services.BuildServiceProvider();
    }
}
