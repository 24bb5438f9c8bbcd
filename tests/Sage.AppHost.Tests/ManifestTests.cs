using System.Text.Json;

namespace Sage.AppHost.Tests;

/// <summary>
/// The deployment manifest, written the way azd asks for it (<c>dotnet run --project Sage.AppHost -- --publisher
/// manifest --output-path …</c>) by the real AppHost process. One run, shared by the class's tests.
/// </summary>
public sealed class ManifestFixture : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _directory = Directory.CreateTempSubdirectory("sage-manifest-").FullName;

    public JsonElement Resources { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var manifestPath = Path.Combine(_directory, "aspire-manifest.json");
        using var timeout = new CancellationTokenSource(Timeout);
        await CommandLine.RunAsync(
            "dotnet",
            ["run", "--no-build", "--no-launch-profile", "--project", Projects.Sage_AppHost.ProjectPath,
             "--", "--publisher", "manifest", "--output-path", manifestPath],
            Timeout, timeout.Token);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath, timeout.Token));
        Resources = manifest.RootElement.GetProperty("resources").Clone();
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class ManifestTests(ManifestFixture manifest) : IClassFixture<ManifestFixture>
{
    [Theory]
    [InlineData("redis", "container.v0")]
    [InlineData("qdrant", "container.v0")]
    [InlineData("kv", "project.v0")]
    [InlineData("vdb", "project.v0")]
    [InlineData("memory", "project.v0")]
    public void Manifest_has_each_resource_with_its_type(string name, string type) =>
        Assert.Equal(type, manifest.Resources.GetProperty(name).GetProperty("type").GetString());

    [Fact]
    public void Stores_publish_connection_strings_and_pinned_images()
    {
        var redis = manifest.Resources.GetProperty("redis");
        Assert.StartsWith("{redis.bindings.tcp.host}:{redis.bindings.tcp.port},password={redis-password.value}",
            redis.GetProperty("connectionString").GetString(), StringComparison.Ordinal);

        var qdrant = manifest.Resources.GetProperty("qdrant");
        Assert.Equal("Endpoint={qdrant.bindings.grpc.url};Key={qdrant-Key.value}", qdrant.GetProperty("connectionString").GetString());
        Assert.Matches(@"^docker\.io/qdrant/qdrant:v\d+\.\d+\.\d+$", qdrant.GetProperty("image").GetString());
        Assert.Equal("http2", qdrant.GetProperty("bindings").GetProperty("grpc").GetProperty("transport").GetString());
        Assert.Equal(6334, qdrant.GetProperty("bindings").GetProperty("grpc").GetProperty("targetPort").GetInt32());
        Assert.Equal(6333, qdrant.GetProperty("bindings").GetProperty("http").GetProperty("targetPort").GetInt32());
        Assert.Equal("{qdrant-Key.value}", qdrant.GetProperty("env").GetProperty("QDRANT__SERVICE__API_KEY").GetString());
        Assert.Contains(qdrant.GetProperty("volumes").EnumerateArray(), volume => volume.GetProperty("target").GetString() == "/qdrant/storage");
    }

    [Fact]
    public void Services_reference_their_stores_and_memory_finds_kv_and_vdb()
    {
        var kv = Env("kv");
        Assert.Equal("{redis.connectionString}", kv.GetProperty("ConnectionStrings__redis").GetString());
        Assert.Equal("redis", kv.GetProperty("SAGE_KV_BACKEND").GetString());

        var vdb = Env("vdb");
        Assert.Equal("{qdrant.connectionString}", vdb.GetProperty("ConnectionStrings__qdrant").GetString());
        Assert.Equal("qdrant", vdb.GetProperty("SAGE_VDB_BACKEND").GetString());

        var memory = Env("memory");
        Assert.Equal("{kv.bindings.http.url}", memory.GetProperty("services__kv__http__0").GetString());
        Assert.Equal("{vdb.bindings.http.url}", memory.GetProperty("services__vdb__http__0").GetString());
        Assert.DoesNotContain(memory.EnumerateObject(), variable => variable.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("memory", true)]
    [InlineData("kv", false)]
    [InlineData("vdb", false)]
    [InlineData("redis", false)]
    [InlineData("qdrant", false)]
    public void Only_memory_has_an_external_endpoint(string name, bool external)
    {
        var bindings = manifest.Resources.GetProperty(name).GetProperty("bindings").EnumerateObject();
        Assert.Equal(external, bindings.Any(binding => binding.Value.TryGetProperty("external", out var value) && value.GetBoolean()));
    }

    private JsonElement Env(string name) => manifest.Resources.GetProperty(name).GetProperty("env");
}
