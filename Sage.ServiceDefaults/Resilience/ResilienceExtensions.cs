using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sage.ServiceDefaults.Resilience;

/// <summary>
/// Polly-based resilience for HttpClients with the seam of Microsoft.Extensions.Http.Resilience
/// (<c>AddStandardResilienceHandler()</c>), so swapping back is a one-project change.
/// </summary>
public static class ResilienceExtensions
{
    /// <summary>
    /// Adds total timeout, retry (idempotent requests only; see <see cref="SageHttpRequestOptions.Idempotent"/>),
    /// circuit breaker and attempt timeout, configured by <see cref="SageResilienceOptions"/> (validated at start).
    /// Callers see an open circuit or a timeout as <see cref="HttpRequestException"/> whose inner exception is
    /// Polly's <c>BrokenCircuitException</c> / <c>TimeoutRejectedException</c>.
    /// </summary>
    public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder)
    {
        builder.Services.AddOptions<SageResilienceOptions>()
            .BindConfiguration(SageResilienceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<HttpResiliencePipelines>();
        builder.AddHttpMessageHandler(services => new ResilienceHandler(services.GetRequiredService<HttpResiliencePipelines>()));
        return builder;
    }
}
