using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sage.Client;

/// <summary>The wire JSON of every SageAspire API: snake_case names, nulls omitted, enums as snake_case strings, numbers as JSON numbers.</summary>
public static class SageJson
{
    /// <summary>Options the typed clients use; the services apply the same settings.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the wire settings to <paramref name="options"/>; the services add their stricter input rules on top.</summary>
    public static JsonSerializerOptions ApplyWireSettings(this JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // JsonSerializerDefaults.Web reads "10" as 10; on our wire a number is a JSON number, so "ttl":"10" is a 400.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web).ApplyWireSettings();
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
