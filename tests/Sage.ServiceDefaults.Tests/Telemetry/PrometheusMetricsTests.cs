using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sage.ServiceDefaults.Telemetry;

namespace Sage.ServiceDefaults.Tests.Telemetry;

public sealed partial class PrometheusMetricsTests
{
    // A comment, or `name{label="value",…} value` with a Prometheus number.
    [GeneratedRegex("""^(#.*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (\+Inf|-Inf|NaN|-?[0-9.eE+-]+))$""")]
    private static partial Regex SampleLine();

    // The exporter adds an otel_scope_name label; the test's label value needs all three escapes.
    [GeneratedRegex("""sage_tests_widgets_total\{[^}]*shape="round \\"big\\"\\\\"\} 6""")]
    private static partial Regex Widgets();

    [Fact]
    public async Task Scrape_shows_framework_histograms_and_sage_counters_in_text_format()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), app =>
        {
            var widgets = app.Services.GetRequiredService<IMeterFactory>().CreateMeter("Tests.Metrics").CreateCounter<long>("sage.tests.widgets", "{widget}", "Widgets made.");
            app.MapGet("/make", () =>
            {
                widgets.Add(2, new KeyValuePair<string, object?>("shape", "round \"big\"\\"));
                return "made";
            });
        });
        var client = app.GetTestClient();
        for (var i = 0; i < 3; i++)
            (await client.GetAsync("/make", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var (response, text) = await ScrapeUntilAsync(client, t => Widgets().IsMatch(t)
            && Regex.IsMatch(t, """http_server_request_duration_seconds_count\{[^}]*http_route="/make"[^}]*\} 3"""));

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Matches("""http_server_request_duration_seconds_bucket\{[^}]*http_route="/make"[^}]*le="\+Inf"\} 3""", text);
        Assert.Matches("""http_server_request_duration_seconds_count\{[^}]*http_route="/make"[^}]*\} 3""", text);
        Assert.Contains("# TYPE sage_tests_widgets_total counter", text, StringComparison.Ordinal);
        Assert.Matches(Widgets(), text);
        AssertParses(text);
    }

    [Fact]
    public async Task Concurrent_scrapes_each_get_a_whole_document()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), app => app.MapGet("/hello", () => "hi"));
        var client = app.GetTestClient();
        await client.GetAsync("/hello", TestContext.Current.CancellationToken);
        // The server records a request's duration just after the response is sent.
        await ScrapeUntilAsync(client, t => t.Contains("http_server_request_duration_seconds_count", StringComparison.Ordinal));

        var scrapes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetStringAsync("/metrics", TestContext.Current.CancellationToken)));

        // Not asserting on the http metrics here: a parallel test's host disposing its meter of the same name
        // retires the shared stream in every provider of the process, until this host records again.
        foreach (var text in scrapes)
        {
            Assert.Contains("# TYPE dotnet_gc_collections_total counter", text, StringComparison.Ordinal);
            AssertParses(text);
        }
    }

    private static async Task<(HttpResponseMessage Response, string Text)> ScrapeUntilAsync(HttpClient client, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow + TestApps.Timeout;
        while (true)
        {
            var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (done(text) || DateTime.UtcNow > deadline)
                return (response, text);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static void AssertParses(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
            Assert.True(SampleLine().IsMatch(line), $"Not a Prometheus text line: {line}");
    }
}
