using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sage.Client;

/// <summary>The wire JSON of every SageAspire API: snake_case names, nulls omitted, enums as snake_case strings.</summary>
public static class SageJson
{
    /// <summary>Options the typed clients use; the services apply the same settings.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
