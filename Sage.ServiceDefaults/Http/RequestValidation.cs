namespace Sage.ServiceDefaults.Http;

/// <summary>
/// Collects every bad field of a request so the 400 answer lists them all at once, not one per round trip.
/// <code>var errors = new RequestValidation(); errors.Require(ttl > 0, "ttl", "…"); errors.ThrowIfInvalid();</code>
/// </summary>
public sealed class RequestValidation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>True when no error has been recorded.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>Records <paramref name="message"/> against <paramref name="field"/> (its snake_case wire name).</summary>
    public RequestValidation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
            _errors[field] = messages = [];
        messages.Add(message);
        return this;
    }

    /// <summary>Records the error when <paramref name="condition"/> is false.</summary>
    public RequestValidation Require(bool condition, string field, string message) => condition ? this : Add(field, message);

    /// <summary>Throws a <see cref="RequestValidationException"/> (a 400 problem) when any error was recorded.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
            throw new RequestValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }
}

/// <summary>A request with bad fields; answered as a 400 validation problem listing each of them.</summary>
public sealed class RequestValidationException(IDictionary<string, string[]> errors)
    : Exception(errors.Count == 1 ? errors.First().Value[0] : $"{errors.Count} request fields are not valid.")
{
    /// <summary>Field (snake_case wire name) → what is wrong with it.</summary>
    public IDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>One bad field.</summary>
    public static RequestValidationException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}
