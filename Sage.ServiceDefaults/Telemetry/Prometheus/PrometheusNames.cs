using System.Text;

namespace Sage.ServiceDefaults.Telemetry.Prometheus;

/// <summary>
/// OpenTelemetry instrument names → Prometheus metric names, the way the OpenTelemetry Prometheus exporter does it:
/// invalid characters become <c>_</c>, the unit becomes a suffix (<c>s</c> → <c>_seconds</c>), counters end in <c>_total</c>.
/// </summary>
internal static class PrometheusNames
{
    public static string MetricName(string instrument, string? unit, PrometheusType type)
    {
        var name = Sanitize(instrument, allowColon: true);
        var isCounter = type == PrometheusType.Counter;
        if (isCounter && name.EndsWith("_total", StringComparison.Ordinal))
            name = name[..^"_total".Length];

        var suffix = UnitSuffix(unit, type);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
            name = $"{name}_{suffix}";
        return isCounter ? name + "_total" : name;
    }

    public static string LabelName(string key) => Sanitize(key, allowColon: false);

    // Metric names allow [a-zA-Z_:][a-zA-Z0-9_:]*, labels the same without ':'; runs of '_' collapse to one.
    internal static string Sanitize(string value, bool allowColon)
    {
        var builder = new StringBuilder(value.Length + 1);
        foreach (var c in value)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
                continue;
            builder.Append(next);
        }
        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
            builder.Insert(0, '_');
        return builder.ToString();
    }

    // UCUM units as OpenTelemetry instruments carry them; {annotations} such as {request} carry no unit.
    internal static string UnitSuffix(string? unit, PrometheusType type)
    {
        if (string.IsNullOrWhiteSpace(unit))
            return "";
        var withoutAnnotations = StripAnnotations(unit).Trim();
        if (withoutAnnotations.Length == 0)
            return "";
        if (withoutAnnotations == "1")
            return type == PrometheusType.Gauge ? "ratio" : "";

        var slash = withoutAnnotations.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
            return Sanitize(Unit(withoutAnnotations), allowColon: false).Trim('_');
        var numerator = Unit(withoutAnnotations[..slash]);
        var denominator = PerUnit(withoutAnnotations[(slash + 1)..]);
        var combined = numerator.Length == 0 ? $"per_{denominator}" : $"{numerator}_per_{denominator}";
        return Sanitize(combined, allowColon: false).Trim('_');
    }

    private static string StripAnnotations(string unit)
    {
        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{') depth++;
            else if (c == '}') depth = Math.Max(0, depth - 1);
            else if (depth == 0) builder.Append(c);
        }
        return builder.ToString();
    }

    private static string Unit(string unit) => unit switch
    {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "%" => "percent",
        "1" => "",
        _ => unit,
    };

    private static string PerUnit(string unit) => unit switch
    {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        _ => unit,
    };
}

/// <summary>The Prometheus metric types the text format declares in <c># TYPE</c>.</summary>
internal enum PrometheusType
{
    Counter,
    Gauge,
    Histogram,
}
