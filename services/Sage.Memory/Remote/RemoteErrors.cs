using System.Net;
using Sage.Client;
using Sage.Storage;

namespace Sage.Memory.Remote;

/// <summary>Turns what the KV and VDB clients throw back into the <see cref="StorageException"/>s the store interfaces promise.</summary>
internal static class RemoteErrors
{
    /// <summary>Runs <paramref name="call"/>, translating client failures; the caller's own cancellation passes through.</summary>
    public static async Task<T> CallAsync<T>(string service, HttpClient http, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(service, http, e, cancellationToken) is { } storage)
        {
            throw storage;
        }
    }

    /// <summary>The <see cref="StorageException"/> a client failure stands for; null for anything else (the caller's cancellation included).</summary>
    public static StorageException? Translate(string service, HttpClient http, Exception exception, CancellationToken cancellationToken) => exception switch
    {
        SageApiException e => Map(service, e),
        // Connection refused, DNS, TLS.
        HttpRequestException e => StorageException.Unavailable($"The {service} service at {Where(http)} cannot be reached: {e.Message}", e),
        // The resilience handler's open circuit (BrokenCircuitException) or timeouts (TimeoutRejectedException).
        Polly.ExecutionRejectedException e => StorageException.Unavailable($"The {service} service at {Where(http)} is unavailable: {e.Message}", e),
        // HttpClient.Timeout, not the caller: the service is too slow to count as up.
        OperationCanceledException e when !cancellationToken.IsCancellationRequested =>
            StorageException.Unavailable($"The {service} service at {Where(http)} did not answer in time.", e),
        // Something answered, but not with what the API promises (a proxy page, another service): unusable as it stands.
        System.Text.Json.JsonException e => StorageException.Unavailable($"The {service} service at {Where(http)} answered with a body that is not the expected JSON: {e.Message}", e),
        // A name a URL cannot carry as a path segment (empty, "." or "..").
        ArgumentException { ParamName: { } name } e => new StorageException(StorageError.Invalid, e.Message, FieldOf(name), e),
        _ => null,
    };

    /// <summary>The storage failure a problem response stands for.</summary>
    public static StorageException Map(string service, SageApiException e)
    {
        var status = (int)e.StatusCode;
        var field = e.Problem.FirstErrorField;
        var message = field is not null && e.Errors[field] is [var first, ..] ? first : e.Detail ?? e.Title ?? e.Message;
        return e.StatusCode switch
        {
            HttpStatusCode.BadRequest => new StorageException(StorageError.Invalid, message, field, e),
            HttpStatusCode.NotFound => new StorageException(StorageError.NotFound, message, null, e),
            HttpStatusCode.Conflict => new StorageException(StorageError.Conflict, message, field, e),
            HttpStatusCode.PreconditionFailed => new StorageException(StorageError.PreconditionFailed, message, field, e),
            HttpStatusCode.RequestEntityTooLarge => new StorageException(StorageError.TooLarge, message, field, e),
            HttpStatusCode.InsufficientStorage => new StorageException(StorageError.CapacityExceeded, message, field, e),
            // A rejected API key is a deployment fault, not the caller's: to the caller the dependency is unusable.
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                StorageException.Unavailable($"The {service} service refused this service's credentials ({status}): {message} Check Sage:ApiKey / SAGE_API_KEY.", e),
            HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError =>
                StorageException.Unavailable($"The {service} service answered {status}: {message}", e, e.RetryAfter),
            _ => new StorageException(StorageError.Invalid, $"The {service} service answered {status}: {message}", field, e),
        };
    }

    private static string FieldOf(string parameterName) => parameterName switch
    {
        "name" => "collection",
        _ => parameterName,
    };

    private static string Where(HttpClient http) => http.BaseAddress?.ToString() ?? "(no base address)";
}
