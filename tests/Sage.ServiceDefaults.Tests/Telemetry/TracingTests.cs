using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sage.Client;
using Sage.ServiceDefaults.Telemetry;
using Sage.Testing;

namespace Sage.ServiceDefaults.Tests.Telemetry;

public sealed class TracingTests
{
    private static readonly ActivitySource TestSource = SageTelemetry.CreateActivitySource("Tests.Tracing");

    [Fact]
    public async Task Request_spans_are_exported_but_health_probes_are_not()
    {
        var spans = new ExportedSpans();
        var serverActivities = new ConcurrentDictionary<string, Activity>();
        var builder = TestApps.CreateBuilder();
        builder.Services.AddExportedSpans(spans);
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
    public async Task Server_spans_are_named_by_method_and_route_and_carry_route_path_and_status()
    {
        var spans = new ExportedSpans();
        var builder = TestApps.CreateBuilder(kestrel: true);
        builder.Services.AddExportedSpans(spans);
        await using var app = await TestApps.StartServiceAsync(builder, app =>
        {
            app.MapPost("/memory", () => Results.Created("/memory/k1", new { key = "k1" }));
            app.MapGet("/memory/{key}", (string key) => Results.NotFound());
        });
        using var http = new HttpClient { BaseAddress = app.Address() };

        var stored = await http.PostAsync("/memory", new StringContent("{}"), TestContext.Current.CancellationToken);
        var missing = await http.GetAsync("/memory/k%202", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var post = await spans.WaitForAsync(s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /memory", TestApps.Timeout);
        Assert.Equal("/memory", post.GetTagItem("http.route"));
        Assert.Equal("/memory", post.GetTagItem("url.path"));
        Assert.Equal(201, Convert.ToInt32(post.GetTagItem("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ActivityStatusCode.Unset, post.Status);
        var get = await spans.WaitForAsync(s => s.Kind == ActivityKind.Server && s.DisplayName == "GET /memory/{key}", TestApps.Timeout);
        Assert.Equal("/memory/{key}", get.GetTagItem("http.route"));
        Assert.Equal("/memory/k%202", get.GetTagItem("url.path"));
        Assert.Equal(404, Convert.ToInt32(get.GetTagItem("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture));
        // A server answering 404 has not failed: per the HTTP semantic conventions only 5xx is a server error.
        Assert.Equal(ActivityStatusCode.Unset, get.Status);
    }

    [Fact]
    public async Task A_404_the_caller_expected_is_not_an_error_but_an_unexpected_one_is()
    {
        await using var backend = await TestApps.StartBackendAsync(app => app.MapGet("/kv/{key}", () => Results.NotFound()));
        var spans = new ExportedSpans();
        await using var app = await StartCallerAsync(backend, spans);
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("backend");

        ActivityTraceId expectedTrace, unexpectedTrace;
        using (var parent = TestSource.StartActivity("exists?"))
        {
            expectedTrace = parent!.TraceId;
            using var probe = new HttpRequestMessage(HttpMethod.Get, "/kv/expected").ExpectNotFound();
            Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(probe, TestContext.Current.CancellationToken)).StatusCode);
        }
        using (var parent = TestSource.StartActivity("must exist"))
        {
            unexpectedTrace = parent!.TraceId;
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/kv/unexpected", TestContext.Current.CancellationToken)).StatusCode);
        }

        var expected = await spans.WaitForAsync(s => s.Kind == ActivityKind.Client && s.TraceId == expectedTrace, TestApps.Timeout);
        var unexpected = await spans.WaitForAsync(s => s.Kind == ActivityKind.Client && s.TraceId == unexpectedTrace, TestApps.Timeout);
        Assert.Equal(ActivityStatusCode.Unset, expected.Status);
        Assert.Null(expected.GetTagItem("error.type"));
        Assert.Equal(404, Convert.ToInt32(expected.GetTagItem("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ActivityStatusCode.Error, unexpected.Status);
    }

    [Fact]
    public async Task Child_http_call_carries_the_parent_trace_id_in_traceparent()
    {
        await using var backend = await TestApps.StartBackendAsync(app =>
            app.MapGet("/echo", (HttpRequest request) => request.Headers["traceparent"].ToString()));
        var spans = new ExportedSpans();
        await using var app = await StartCallerAsync(backend, spans);
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

    // A service with the defaults and an HttpClient named "backend" that calls <paramref name="backend"/>.
    private static Task<WebApplication> StartCallerAsync(WebApplication backend, ExportedSpans spans)
    {
        var builder = TestApps.CreateBuilder();
        builder.Services.AddExportedSpans(spans);
        builder.Services.AddHttpClient("backend", c => c.BaseAddress = backend.Address());
        return TestApps.StartServiceAsync(builder);
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
