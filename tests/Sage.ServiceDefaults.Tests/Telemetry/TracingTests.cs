using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sage.ServiceDefaults.Telemetry;

namespace Sage.ServiceDefaults.Tests.Telemetry;

public sealed class TracingTests
{
    private static readonly ActivitySource TestSource = SageTelemetry.CreateActivitySource("Tests.Tracing");

    [Fact]
    public async Task Request_spans_reach_a_collector_but_health_probes_do_not()
    {
        var spans = new SpanCollector();
        var serverActivities = new ConcurrentDictionary<string, Activity>();
        var builder = TestApps.CreateBuilder();
        builder.Services.Configure<SageTelemetryOptions>(o => o.AddSpanCollector(spans));
        await using var app = await TestApps.StartServiceAsync(builder, app =>
        {
            app.Use(async (context, next) =>
            {
                serverActivities[context.Request.Path] = Activity.Current!;
                await next(context);
            });
            app.MapGet("/hello", () => "hi");
        });
        var client = app.GetTestClient();

        await client.GetAsync("/health", TestContext.Current.CancellationToken);
        await client.GetAsync("/alive", TestContext.Current.CancellationToken);
        await client.GetAsync("/hello", TestContext.Current.CancellationToken);

        var hello = serverActivities["/hello"];
        await spans.WaitForAsync(span => span.SpanId == hello.SpanId, TestApps.Timeout);
        Assert.Equal("Microsoft.AspNetCore", hello.Source.Name);
        Assert.DoesNotContain(spans.Spans, span => span.SpanId == serverActivities["/health"].SpanId);
        Assert.DoesNotContain(spans.Spans, span => span.SpanId == serverActivities["/alive"].SpanId);
        Assert.False(serverActivities["/health"].Recorded);
    }

    [Fact]
    public async Task Child_http_call_carries_the_parent_trace_id_in_traceparent()
    {
        await using var backend = await TestApps.StartBackendAsync(app =>
            app.MapGet("/echo", (HttpRequest request) => request.Headers["traceparent"].ToString()));
        var spans = new SpanCollector();
        var builder = TestApps.CreateBuilder();
        builder.Services.Configure<SageTelemetryOptions>(o => o.AddSpanCollector(spans));
        builder.Services.AddHttpClient("backend", c => c.BaseAddress = backend.Address());
        await using var app = await TestApps.StartServiceAsync(builder);
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("backend");

        string traceparent;
        ActivityTraceId traceId;
        using (var parent = TestSource.StartActivity("parent"))
        {
            Assert.NotNull(parent);
            traceId = parent.TraceId;
            traceparent = await client.GetStringAsync("/echo", TestContext.Current.CancellationToken);
        }

        Assert.StartsWith($"00-{traceId}-", traceparent, StringComparison.Ordinal);
        var clientSpan = await spans.WaitForAsync(s => s.Source.Name == "System.Net.Http" && s.TraceId == traceId, TestApps.Timeout);
        Assert.Equal(ActivityKind.Client, clientSpan.Kind);
        await spans.WaitForAsync(s => s.Source.Name == TestSource.Name && s.TraceId == traceId, TestApps.Timeout);
    }

    [Fact]
    public void Names_follow_the_sage_area_convention()
    {
        Assert.Equal("Sage.Kv", SageTelemetry.ActivitySourceName("Kv"));
        Assert.Equal("Sage.Memory.Search", SageTelemetry.MeterName("Memory.Search"));
        Assert.Equal("Sage.Vdb", SageTelemetry.MeterName("Sage.Vdb"));
        Assert.Equal("Sage.*", SageTelemetry.Wildcard);
    }
}
