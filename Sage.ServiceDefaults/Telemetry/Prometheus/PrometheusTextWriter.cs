using System.Globalization;
using System.Text;
using OpenTelemetry.Metrics;

namespace Sage.ServiceDefaults.Telemetry.Prometheus;

/// <summary>
/// Writes metrics in the Prometheus text exposition format 0.0.4: <c># HELP</c>, <c># TYPE</c>, then one
/// <c>name{labels} value</c> line per point; histograms as cumulative <c>_bucket{le=…}</c>, <c>_sum</c>, <c>_count</c>.
/// </summary>
internal sealed class PrometheusTextWriter
{
    // One text block per metric family, so a family reported by two meters is still written contiguously.
    private readonly Dictionary<string, StringBuilder> _families = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public void Write(Metric metric)
    {
        var type = TypeOf(metric.MetricType);
        if (type is null)
            return; // Exponential histograms have no 0.0.4 form.

        var name = PrometheusNames.MetricName(metric.Name, metric.Unit, type.Value);
        if (!_families.TryGetValue(name, out var family))
        {
            family = new StringBuilder();
            if (!string.IsNullOrEmpty(metric.Description))
                family.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
            family.Append("# TYPE ").Append(name).Append(' ').Append(type.Value.ToString().ToLowerInvariant()).Append('\n');
            _families[name] = family;
            _order.Add(name);
        }

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point);
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Sample(family, name, labels, null, Format(point.GetSumLong()));
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Sample(family, name, labels, null, Format(point.GetSumDouble()));
                    break;
                case MetricType.LongGauge:
                    Sample(family, name, labels, null, Format(point.GetGaugeLastValueLong()));
                    break;
                case MetricType.DoubleGauge:
                    Sample(family, name, labels, null, Format(point.GetGaugeLastValueDouble()));
                    break;
                case MetricType.Histogram:
                    WriteHistogram(family, name, labels, point);
                    break;
            }
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var name in _order)
            text.Append(_families[name]);
        return text.ToString();
    }

    private static void WriteHistogram(StringBuilder family, string name, string labels, in MetricPoint point)
    {
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Format(bucket.ExplicitBound);
            Sample(family, name + "_bucket", labels, $"le=\"{le}\"", Format(cumulative));
        }
        Sample(family, name + "_sum", labels, null, Format(point.GetHistogramSum()));
        Sample(family, name + "_count", labels, null, Format(point.GetHistogramCount()));
    }

    private static void Sample(StringBuilder family, string name, string labels, string? extraLabel, string value)
    {
        family.Append(name);
        if (labels.Length > 0 || extraLabel is not null)
        {
            family.Append('{').Append(labels);
            if (extraLabel is not null)
                family.Append(labels.Length > 0 ? "," : "").Append(extraLabel);
            family.Append('}');
        }
        family.Append(' ').Append(value).Append('\n');
    }

    private static string Labels(in MetricPoint point)
    {
        var labels = new StringBuilder();
        foreach (var tag in point.Tags)
        {
            if (labels.Length > 0)
                labels.Append(',');
            labels.Append(PrometheusNames.LabelName(tag.Key)).Append("=\"").Append(EscapeLabelValue(TagValue(tag.Value))).Append('"');
        }
        return labels.ToString();
    }

    private static string TagValue(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static PrometheusType? TypeOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => PrometheusType.Counter,
        MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic or MetricType.LongGauge or MetricType.DoubleGauge => PrometheusType.Gauge,
        MetricType.Histogram => PrometheusType.Histogram,
        _ => null,
    };
}
