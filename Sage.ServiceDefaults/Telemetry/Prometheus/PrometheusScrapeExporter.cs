using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Sage.ServiceDefaults.Telemetry.Prometheus;

/// <summary>
/// A pull exporter: metrics are collected only when <c>/metrics</c> is scraped, and serialised while the SDK
/// hands them over (the points are valid only during <see cref="Export"/>).
/// </summary>
[ExportModes(ExportModes.Pull)]
internal sealed class PrometheusScrapeExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private const int CollectTimeoutMs = 5000;
    private readonly Lock _scrapeGate = new();
    private PrometheusTextWriter? _writer;

    /// <summary>Set by the reader this exporter is attached to; null until the meter provider is built.</summary>
    public Func<int, bool>? Collect { get; set; }

    /// <summary>Collects and serialises every metric; null when no meter provider has attached this exporter (yet).</summary>
    public string? Scrape()
    {
        // One scrape at a time: collecting resets nothing (cumulative), but the writer is per scrape.
        lock (_scrapeGate)
        {
            var collect = Collect;
            if (collect is null)
                return null;
            _writer = new PrometheusTextWriter();
            try
            {
                return collect(CollectTimeoutMs) ? _writer.ToString() : null;
            }
            finally
            {
                _writer = null;
            }
        }
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var writer = _writer;
        if (writer is null)
            return ExportResult.Failure;
        foreach (var metric in batch)
            writer.Write(metric);
        return ExportResult.Success;
    }
}
