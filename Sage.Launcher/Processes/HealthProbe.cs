using System.Net.Http.Json;
using System.Text.Json;

namespace Sage.Launcher.Processes;

/// <summary>One answer of a service's <c>/health</c>: the HTTP status, the overall status word and the JSON body.</summary>
internal sealed record HealthReading(int? StatusCode, string Status, JsonElement? Body)
{
    /// <summary>200 means healthy or degraded; Unhealthy answers 503.</summary>
    public bool IsUp => StatusCode == 200;
}

/// <summary>Reads <c>/health</c> (and other JSON probes) with a short per-request timeout.</summary>
internal sealed class HealthProbe(HttpClient http)
{
    public const string HealthPath = "/health";

    public async Task<HealthReading> ReadAsync(string baseUrl, CancellationToken cancellationToken, string path = HealthPath)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var response = await http.GetAsync(baseUrl.TrimEnd('/') + path, attempt.Token);
            JsonElement? body = null;
            try
            {
                body = await response.Content.ReadFromJsonAsync<JsonElement>(attempt.Token);
            }
            catch (JsonException)
            {
            }
            var status = body is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()!
                : $"HTTP {(int)response.StatusCode}";
            return new HealthReading((int)response.StatusCode, status, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new HealthReading(null, "Unreachable", null);
        }
    }
}
