using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Sage.Client;

namespace Sage.ServiceDefaults.Resilience;

/// <summary>Microsoft.Extensions.Http.Resilience's standard handler, with SageAspire's settings and retry rule.</summary>
public static class ResilienceExtensions
{
    /// <summary>
    /// Adds the standard handler (total timeout → retry → circuit breaker → attempt timeout), one pipeline per destination
    /// authority so a failing service opens only its own circuit, configured by <see cref="SageResilienceOptions"/>
    /// (validated at start). Unsafe methods are never retried unless the request is marked with
    /// <see cref="SageRequestOptions.Idempotent"/>; a read marked false is not retried either.
    /// </summary>
    public static IHttpClientBuilder AddSageResilienceHandler(this IHttpClientBuilder builder)
    {
        builder.Services.AddOptions<SageResilienceOptions>()
            .BindConfiguration(SageResilienceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions standard, IServiceProvider services) =>
                Apply(services.GetRequiredService<IOptions<SageResilienceOptions>>().Value, standard))
            .SelectPipelineByAuthority();
        return builder;
    }

    private static void Apply(SageResilienceOptions settings, HttpStandardResilienceOptions standard)
    {
        standard.TotalRequestTimeout.Timeout = settings.TotalRequestTimeout;
        standard.AttemptTimeout.Timeout = settings.AttemptTimeout;
        standard.Retry.MaxRetryAttempts = Math.Max(1, settings.MaxRetryAttempts);
        standard.Retry.Delay = settings.RetryBaseDelay;
        standard.CircuitBreaker.FailureRatio = settings.CircuitBreakerFailureRatio;
        standard.CircuitBreaker.SamplingDuration = settings.CircuitBreakerSamplingDuration;
        standard.CircuitBreaker.MinimumThroughput = settings.CircuitBreakerMinimumThroughput;
        standard.CircuitBreaker.BreakDuration = settings.CircuitBreakerBreakDuration;

        var transient = standard.Retry.ShouldHandle;
        standard.Retry.DisableForUnsafeHttpMethods();
        var safeMethodsOnly = standard.Retry.ShouldHandle;
        var retriesOff = settings.MaxRetryAttempts == 0;
        // The request's own mark wins over its method: a batch get is a POST that may be sent twice.
        standard.Retry.ShouldHandle = args =>
            retriesOff ? ValueTask.FromResult(false)
            : args.Context.GetRequestMessage() is { } request && request.Options.TryGetValue(SageRequestOptions.Idempotent, out var idempotent)
                ? idempotent ? transient(args) : ValueTask.FromResult(false)
                : safeMethodsOnly(args);
    }
}
