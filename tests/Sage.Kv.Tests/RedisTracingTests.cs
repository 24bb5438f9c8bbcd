using Microsoft.AspNetCore.TestHost;
using Sage.Testing;

namespace Sage.Kv.Tests;

/// <summary>
/// Redis command spans (Aspire's Redis tracing) are recorded only when traces are exported: per call they cost a profiling
/// session and a drain thread, a third of a GET's service CPU in bench/kv. The instrumentation drains every 10 s, so each
/// case waits past one drain.
/// </summary>
public abstract class RedisTracingTests(RedisServerFixture redis, bool exported)
{
    private const string RedisInstrumentation = "OpenTelemetry.Instrumentation.StackExchangeRedis";
    private static readonly TimeSpan PastOneDrain = TimeSpan.FromSeconds(15);

    protected async Task<IReadOnlyList<System.Diagnostics.Activity>> SpansOfOneGetAsync()
    {
        var spans = new ExportedSpans();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.Server.ConnectionString,
            ["Sage:Kv:RedisKeyPrefix"] = $"test:{Guid.NewGuid():N}:",
            // Port 9 refuses at once, so the OTLP exporter fails fast; the in-memory exporter below sees every span.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = exported ? "http://127.0.0.1:9" : null,
        };
        await using var factory = new KvServiceFactory(settings);
        using var client = factory.WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddExportedSpans(spans))).CreateClient();
        var ct = TestContext.Current.CancellationToken;
        await client.PutAsync("/kv/traced", new StringContent("""{"value":1}""", System.Text.Encoding.UTF8, "application/json"), ct);
        (await client.GetAsync("/kv/traced", ct)).EnsureSuccessStatusCode();

        if (exported)
            await spans.WaitForAsync(span => span.Source.Name == RedisInstrumentation, PastOneDrain);
        else
            await Task.Delay(PastOneDrain, ct);
        return [.. spans.Where(span => span.Source.Name == RedisInstrumentation)];
    }
}

public sealed class RedisTracingWithExporterTests(RedisServerFixture redis) : RedisTracingTests(redis, exported: true)
{
    [Fact]
    public async Task Redis_commands_are_spans_when_traces_are_exported() =>
        Assert.NotEmpty(await SpansOfOneGetAsync());
}

public sealed class RedisTracingWithoutExporterTests(RedisServerFixture redis) : RedisTracingTests(redis, exported: false)
{
    [Fact]
    public async Task Redis_commands_are_not_traced_when_no_traces_are_exported() =>
        Assert.Empty(await SpansOfOneGetAsync());
}
