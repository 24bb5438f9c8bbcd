using System.ComponentModel.DataAnnotations;

namespace Sage.ServiceDefaults.Resilience;

/// <summary>
/// The resilience of every outgoing HttpClient call (<c>Sage:Http:Resilience</c>), applied to
/// Microsoft.Extensions.Http.Resilience's standard handler: total timeout → retry → circuit breaker → attempt timeout.
/// </summary>
public sealed class SageResilienceOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Sage:Http:Resilience";

    /// <summary>Longest a call may take, all attempts and delays included. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest one attempt may take before it counts as a transient failure. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for safe or marked-idempotent requests only; 0 turns retries off. Default 3.</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>
    /// First retry delay; later ones grow exponentially, with jitter. A <c>Retry-After</c> answer is honoured instead,
    /// within the total timeout. Default 200 ms (the standard handler's own is 2 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Share of failed calls in <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Window over which the failure ratio is measured. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls needed in the window before the circuit may open. Default 20.</summary>
    [Range(2, int.MaxValue)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>How long an open circuit rejects calls before letting one through to test the service. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The standard handler refuses an attempt timeout that is not shorter than the total one.
        if (AttemptTimeout >= TotalRequestTimeout)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(AttemptTimeout)} ({AttemptTimeout}) must be shorter than {nameof(TotalRequestTimeout)} ({TotalRequestTimeout}).",
                [nameof(AttemptTimeout)]);
        }
        // As in Aspire: a window shorter than two attempts would judge the service on a single slow call.
        if (CircuitBreakerSamplingDuration < 2 * AttemptTimeout)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(CircuitBreakerSamplingDuration)} ({CircuitBreakerSamplingDuration}) must be at least twice {nameof(AttemptTimeout)} ({AttemptTimeout}).",
                [nameof(CircuitBreakerSamplingDuration)]);
        }
    }
}
