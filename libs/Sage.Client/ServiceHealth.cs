using System.Net;
using System.Net.Http.Json;

namespace Sage.Client;

/// <summary><c>GET /health</c> of any SageAspire service: the overall status and each check's.</summary>
/// <param name="Status"><c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</param>
/// <param name="DurationMs">How long the checks took.</param>
/// <param name="Checks">Each check by name.</param>
public sealed record ServiceHealth(string Status, double DurationMs, IReadOnlyDictionary<string, HealthCheckStatus>? Checks = null)
{
    /// <summary>True unless the service reported <c>Unhealthy</c>.</summary>
    public bool IsHealthy => !string.Equals(Status, "Unhealthy", StringComparison.OrdinalIgnoreCase);

    // 503 still carries the report, so read it rather than throw; any other failure is an error.
    internal static async Task<ServiceHealth> GetAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var request = SageHttp.Request(HttpMethod.Get, "health");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Content.Headers.ContentType?.MediaType == "application/json")
            return await SageHttp.ReadAsync<ServiceHealth>(response, cancellationToken).ConfigureAwait(false);
        await SageHttp.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<ServiceHealth>(SageJson.Options, cancellationToken).ConfigureAwait(false)
            ?? new ServiceHealth("Healthy", 0);
    }
}

/// <summary>One health check of a service.</summary>
/// <param name="Status"><c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</param>
/// <param name="DurationMs">How long the check took.</param>
/// <param name="Description">Why it is not healthy, usually.</param>
/// <param name="Data">What the check reported, e.g. the backend.</param>
public sealed record HealthCheckStatus(string Status, double DurationMs, string? Description = null, IReadOnlyDictionary<string, string>? Data = null);
