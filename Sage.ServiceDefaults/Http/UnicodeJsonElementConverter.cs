using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sage.ServiceDefaults.Http;

/// <summary>
/// Reads a free-form JSON value (KV values, Memory data, metadata, filters) and refuses one holding an unpaired surrogate
/// escape (<c>"\ud800"</c>). The reader accepts such text, but it cannot be written back out, so it failed later as a 500
/// when the value was stored or forwarded; refused here, it is a 400 naming the field.
/// </summary>
internal sealed class UnicodeJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = JsonElement.ParseValue(ref reader);
        try
        {
            CheckStrings(value);
        }
        catch (InvalidOperationException)
        {
            throw new JsonException("Strings must be valid Unicode: an unpaired surrogate escape such as \\ud800 is not.");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    // GetString and Name unescape, and throw InvalidOperationException on an unpaired surrogate.
    private static void CheckStrings(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                _ = value.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                    CheckStrings(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    _ = property.Name;
                    CheckStrings(property.Value);
                }
                break;
        }
    }
}
