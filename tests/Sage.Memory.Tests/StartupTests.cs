using System.Diagnostics;
using System.Text;
using Sage.ServiceDefaults.Telemetry;

namespace Sage.Memory.Tests;

public sealed class StartupTests
{
    [Fact]
    public async Task Standard_mode_without_a_kv_endpoint_stops_at_start_naming_the_setting()
    {
        var settings = MemoryStack.MemorySettings("standard");
        settings["services:vdb:http:0"] = "http://127.0.0.1:1";
        await using var host = new KestrelHost<MemoryOptions>(settings);
        var failure = Assert.ThrowsAny<Exception>(host.Start);
        Assert.Contains("services__kv__http__0", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_mode_stops_at_start_naming_the_setting()
    {
        await using var host = new KestrelHost<MemoryOptions>(MemoryStack.MemorySettings("distributed"));
        var failure = Assert.ThrowsAny<Exception>(host.Start);
        Assert.Contains("Sage:Memory:Mode", failure.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>One trace per request, across the three processes' worth of hosts.</summary>
public sealed class TracingTests : IAsyncLifetime
{
    private static readonly ActivitySource TestSource = SageTelemetry.CreateActivitySource("Memory.Tests");
    private readonly StandardStack _stack = new();

    public ValueTask InitializeAsync() => _stack.InitializeAsync();

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Theory]
    [InlineData("/memory", """{"key":"traced","data":1,"vector":[0.1,0.2,0.3]}""")]
    [InlineData("/memory/search", """{"vector":[0.1,0.2,0.3],"include_data":true}""")]
    public async Task A_store_or_a_search_is_one_trace_from_memory_into_kv_and_vdb(string path, string body)
    {
        var ct = TestContext.Current.CancellationToken;
        await _stack.Client.PostAsync("/memory", new StringContent("""{"key":"traced","data":1,"vector":[0.1,0.2,0.3]}""", Encoding.UTF8, "application/json"), ct);

        ActivityTraceId traceId;
        using (var parent = TestSource.StartActivity("test request"))
        {
            Assert.NotNull(parent);
            traceId = parent.TraceId;
            var response = await _stack.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), ct);
            Assert.True(response.IsSuccessStatusCode);
        }

        var kvPort = $":{_stack.KvService.Port}";
        var vdbPort = $":{_stack.VdbService.Port}";
        // KV's and VDB's server spans are children of Memory's client spans to their ports; the test's own client span is the root's child.
        await _stack.Spans.WaitForAsync(s => s.Kind == ActivityKind.Server && IsServedFrom(s, traceId, kvPort), TimeSpan.FromSeconds(10));
        await _stack.Spans.WaitForAsync(s => s.Kind == ActivityKind.Server && IsServedFrom(s, traceId, vdbPort), TimeSpan.FromSeconds(10));
        var memoryPort = $":{_stack.Memory.Port}";
        // Memory's own server span ends after its response reached the client, so it may be exported a moment later.
        await _stack.Spans.WaitForAsync(s => s.Kind == ActivityKind.Server && IsServedFrom(s, traceId, memoryPort), TimeSpan.FromSeconds(10));
        var spans = _stack.Spans.Spans.Where(s => s.TraceId == traceId).ToList();

        var memoryServer = Assert.Single(spans, s => s.Kind == ActivityKind.Server && IsServedFrom(s, traceId, memoryPort));
        var clients = spans.Where(s => s.Kind == ActivityKind.Client && s.ParentSpanId == memoryServer.SpanId).ToList();
        Assert.Contains(clients, c => Mentions(c, kvPort));
        Assert.Contains(clients, c => Mentions(c, vdbPort));
        Assert.All(spans.Where(s => s.Kind == ActivityKind.Server && s != memoryServer),
            server => Assert.Contains(clients, c => c.SpanId == server.ParentSpanId));
    }

    [Fact]
    public async Task Storing_a_new_memory_probes_kv_with_an_expected_404_that_no_span_reports_as_an_error()
    {
        var ct = TestContext.Current.CancellationToken;
        ActivityTraceId traceId;
        using (var parent = TestSource.StartActivity("store a new key"))
        {
            Assert.NotNull(parent);
            traceId = parent.TraceId;
            var response = await _stack.Client.PostAsync("/memory", new StringContent("""{"key":"brand-new","data":1,"vector":[0.1,0.2,0.3]}""", Encoding.UTF8, "application/json"), ct);
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        }

        var probe = await _stack.Spans.WaitForAsync(s => s.TraceId == traceId && s.Kind == ActivityKind.Client && StatusOf(s) == 404, TimeSpan.FromSeconds(10));
        Assert.Equal(ActivityStatusCode.Unset, probe.Status);
        Assert.DoesNotContain(_stack.Spans.Spans, s => s.TraceId == traceId && s.Status == ActivityStatusCode.Error);
    }

    private static int? StatusOf(Activity span) =>
        span.GetTagItem("http.response.status_code") is { } code ? Convert.ToInt32(code, System.Globalization.CultureInfo.InvariantCulture) : null;

    private bool IsServedFrom(Activity server, ActivityTraceId traceId, string port) =>
        server.TraceId == traceId && _stack.Spans.Spans.Any(c => c.SpanId == server.ParentSpanId && c.Kind == ActivityKind.Client && Mentions(c, port));

    private static bool Mentions(Activity span, string text) =>
        span.DisplayName.Contains(text, StringComparison.Ordinal) || span.TagObjects.Any(t => t.Value?.ToString()?.Contains(text, StringComparison.Ordinal) == true);
}
