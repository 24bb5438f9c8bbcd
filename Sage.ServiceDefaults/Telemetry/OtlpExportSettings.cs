using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// The OTLP settings Aspire injects, read from <see cref="IConfiguration"/> (so tests can set them without touching
/// the environment) and passed explicitly into <see cref="OtlpExporterOptions"/>.
/// </summary>
internal sealed record OtlpExportSettings(Uri Endpoint, OtlpExportProtocol Protocol, string? Headers, int? BatchDelayMs, int? MetricIntervalMs)
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string HeadersKey = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string BatchDelayKey = "OTEL_BSP_SCHEDULE_DELAY";
    public const string MetricIntervalKey = "OTEL_METRIC_EXPORT_INTERVAL";

    /// <summary>The settings, or null when no endpoint is configured: then nothing is exported.</summary>
    public static OtlpExportSettings? From(IConfiguration configuration)
    {
        var endpoint = configuration[EndpointKey];
        if (string.IsNullOrWhiteSpace(endpoint))
            return null;
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri))
            throw new InvalidOperationException($"{EndpointKey} must be an absolute URI such as http://localhost:4317; it is '{endpoint}'.");

        var protocol = configuration[ProtocolKey]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"{ProtocolKey} must be 'grpc' or 'http/protobuf'; it is '{other}'."),
        };
        return new OtlpExportSettings(uri, protocol, configuration[HeadersKey], Milliseconds(configuration, BatchDelayKey), Milliseconds(configuration, MetricIntervalKey));
    }

    /// <summary>Applies the settings for one signal (<c>traces</c>, <c>metrics</c>, <c>logs</c>).</summary>
    public void ApplyTo(OtlpExporterOptions options, string signal)
    {
        options.Protocol = Protocol;
        // A programmatic endpoint is used as given, so http/protobuf needs the signal path the env form would add.
        options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/v1/" + signal)
            : Endpoint;
        if (!string.IsNullOrWhiteSpace(Headers))
            options.Headers = Headers;
        if (BatchDelayMs is { } delay)
            options.BatchExportProcessorOptions.ScheduledDelayMilliseconds = delay;
        // A plain client: the exporter's calls must not go through service discovery, retries or the circuit breaker.
        var timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
        options.HttpClientFactory = () => new HttpClient { Timeout = timeout };
    }

    private static int? Milliseconds(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
            return null;
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? ms
            : throw new InvalidOperationException($"{key} must be a positive number of milliseconds; it is '{value}'.");
    }
}
