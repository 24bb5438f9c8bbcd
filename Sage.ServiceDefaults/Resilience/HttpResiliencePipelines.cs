using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Sage.ServiceDefaults.Resilience;

/// <summary>
/// One pipeline per destination authority (<c>kv</c>, <c>vdb</c>, <c>api.example.com:443</c>), so one failing
/// service opens only its own circuit, whichever HttpClient calls it.
/// </summary>
internal sealed class HttpResiliencePipelines(IOptions<SageResilienceOptions> options)
{
    /// <summary>Whether the request being executed may be retried.</summary>
    public static readonly ResiliencePropertyKey<bool> RetryableKey = new("Sage.Retryable");

    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    public ResiliencePipeline<HttpResponseMessage> For(Uri? uri) =>
        _pipelines.GetOrAdd(uri is { IsAbsoluteUri: true } ? uri.GetLeftPart(UriPartial.Authority) : "", _ => Build(options.Value));

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static ResiliencePipeline<HttpResponseMessage> Build(SageResilienceOptions settings)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>().AddTimeout(settings.TotalRequestTimeout);
        if (settings.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Context.Properties.GetValue(RetryableKey, false) && IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, settings.MaxRetryAfter)),
            });
        }
        pipeline.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = settings.CircuitBreakerFailureRatio,
            SamplingDuration = settings.CircuitBreakerSamplingDuration,
            MinimumThroughput = settings.CircuitBreakerMinimumThroughput,
            BreakDuration = settings.CircuitBreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
        });
        pipeline.AddTimeout(settings.AttemptTimeout);
        return pipeline.Build();
    }

    // The server knows best when it can take the call again; a null delay falls back to the exponential backoff.
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (delay is not { } value)
            return null;
        return value < TimeSpan.Zero ? TimeSpan.Zero : value > cap ? cap : value;
    }
}
