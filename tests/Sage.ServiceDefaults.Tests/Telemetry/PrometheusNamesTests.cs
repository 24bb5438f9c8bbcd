using Sage.ServiceDefaults.Telemetry.Prometheus;

namespace Sage.ServiceDefaults.Tests.Telemetry;

public sealed class PrometheusNamesTests
{
    [Theory]
    [InlineData("http.server.request.duration", "s", "Histogram", "http_server_request_duration_seconds")]
    [InlineData("http.server.active_requests", "{request}", "Gauge", "http_server_active_requests")]
    [InlineData("kestrel.connection.duration", "s", "Histogram", "kestrel_connection_duration_seconds")]
    [InlineData("sage.kv.requests", "{request}", "Counter", "sage_kv_requests_total")]
    [InlineData("sage.kv.requests.total", null, "Counter", "sage_kv_requests_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", "Counter", "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("sage.cache.hit_ratio", "1", "Gauge", "sage_cache_hit_ratio")]
    [InlineData("sage.cpu.utilization", "1", "Gauge", "sage_cpu_utilization_ratio")]
    [InlineData("sage.throughput", "By/s", "Gauge", "sage_throughput_bytes_per_second")]
    [InlineData("sage.latency", "ms", "Histogram", "sage_latency_milliseconds")]
    [InlineData("9lives-metric..x", null, "Gauge", "_9lives_metric_x")]
    public void Instrument_names_become_prometheus_names(string instrument, string? unit, string type, string expected) =>
        Assert.Equal(expected, PrometheusNames.MetricName(instrument, unit, Enum.Parse<PrometheusType>(type)));

    [Fact]
    public void Label_names_and_values_are_made_safe()
    {
        Assert.Equal("http_route", PrometheusNames.LabelName("http.route"));
        Assert.Equal("a\\\\b\\\"c\\nd", PrometheusTextWriter.EscapeLabelValue("a\\b\"c\nd"));
        Assert.Equal("+Inf", PrometheusTextWriter.Format(double.PositiveInfinity));
        Assert.Equal("0.25", PrometheusTextWriter.Format(0.25));
    }
}
