using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace Sage.ServiceDefaults.Tests.Telemetry;

/// <summary>A fake OTLP/HTTP collector proves endpoint, protocol, headers, intervals and resource come from configuration.</summary>
public sealed class OtlpExportTests
{
    private sealed record Export(string Path, string? Header, string Body);

    [Fact]
    public async Task Exports_traces_metrics_and_logs_over_http_protobuf_when_the_endpoint_is_configured()
    {
        var exports = new ConcurrentQueue<Export>();
        await using var collector = await TestApps.StartBackendAsync(app => app.MapPost("/{**signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            // Protobuf keeps strings as raw UTF-8, so the resource attributes are readable in the bytes.
            exports.Enqueue(new Export(request.Path, request.Headers["x-test"], Encoding.UTF8.GetString(body.ToArray())));
            return Results.Ok();
        }));
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address().ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-test=from-config",
            ["OTEL_SERVICE_NAME"] = "svc-from-config",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=otlp-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        });
        await using var app = await TestApps.StartServiceAsync(builder, app => app.MapGet("/hello", (ILogger<OtlpExportTests> log) =>
        {
            log.LogWarning("hello from {Caller}", "the test");
            return "hi";
        }));

        await app.GetTestClient().GetAsync("/hello", TestContext.Current.CancellationToken);

        // Default delays are 5 s (traces) and 60 s (metrics): arriving within a few seconds proves the settings were used.
        foreach (var signal in new[] { "/v1/traces", "/v1/metrics", "/v1/logs" })
        {
            var export = await WaitForAsync(exports, e => e.Path == signal, TimeSpan.FromSeconds(4));
            Assert.Equal("from-config", export.Header);
            Assert.Contains("svc-from-config", export.Body, StringComparison.Ordinal);
            Assert.Contains("otlp-test", export.Body, StringComparison.Ordinal);
        }
        await WaitForAsync(exports, e => e.Path == "/v1/logs" && e.Body.Contains("hello from the test", StringComparison.Ordinal), TimeSpan.FromSeconds(4));
    }

    private static async Task<Export> WaitForAsync(ConcurrentQueue<Export> exports, Func<Export, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (exports.FirstOrDefault(predicate) is { } export)
                return export;
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"No matching export within {timeout}; got: {string.Join(", ", exports.Select(e => e.Path))}.");
    }
}
