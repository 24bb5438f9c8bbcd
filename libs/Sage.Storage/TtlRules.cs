namespace Sage.Storage;

/// <summary>What a lifetime may be, on every KV backend and in Memory: 1 second to <see cref="MaxSeconds"/>.</summary>
public static class TtlRules
{
    /// <summary>
    /// Longest lifetime in seconds: 100 years of 365 days. Far beyond any real need, yet far from the overflows of ticks,
    /// Redis expiry milliseconds and <see cref="DateTimeOffset"/> arithmetic, so every backend keeps what it accepts.
    /// </summary>
    public const long MaxSeconds = 100L * 365 * 24 * 60 * 60;

    /// <summary>The longest lifetime as a <see cref="TimeSpan"/>.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(MaxSeconds);

    /// <summary>Null when <paramref name="seconds"/> is absent or acceptable, otherwise what is wrong with it (after the field name).</summary>
    public static string? Check(long? seconds) =>
        seconds is null or (> 0 and <= MaxSeconds) ? null : $"must be a positive number of seconds, at most {MaxSeconds} (100 years).";

    /// <summary>Null when <paramref name="ttl"/> is absent or acceptable, otherwise what is wrong with it (after the field name).</summary>
    public static string? Check(TimeSpan? ttl) =>
        ttl is not { } value || (value > TimeSpan.Zero && value <= Max) ? null : $"must be a positive number of seconds, at most {MaxSeconds} (100 years).";
}
