using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sage.ServiceDefaults.Telemetry;
using Sage.Testing;

namespace Sage.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// Activity listeners are process-wide: while another test's host samples everything, no host can show that it samples
/// nothing. So this runs alone.
/// </summary>
[Collection(nameof(IsolatedTelemetry))]
public sealed class SamplerConfigurationTests
{
    private static readonly ActivitySource TestSource = SageTelemetry.CreateActivitySource("Tests.Sampler");

    [Fact]
    public async Task Sampler_setting_in_configuration_is_honoured_by_the_sdk()
    {
        var spans = new ExportedSpans();
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?> { ["OTEL_TRACES_SAMPLER"] = "always_off" });
        builder.Services.AddExportedSpans(spans);
        await using var app = await TestApps.StartServiceAsync(builder, app => app.MapGet("/hello", () => "hi"));

        using (var span = TestSource.StartActivity("sampled-out"))
            Assert.False(span?.Recorded ?? false);
        await app.GetTestClient().GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Empty(spans.Spans);
    }
}

/// <summary>Tests that need the process's activity listeners to themselves.</summary>
[CollectionDefinition(nameof(IsolatedTelemetry), DisableParallelization = true)]
public sealed class IsolatedTelemetry;
