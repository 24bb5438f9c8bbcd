namespace Sage.Storage;

/// <summary>What went wrong in a store, in terms a caller can act on; services map each to one HTTP status.</summary>
public enum StorageError
{
    /// <summary>The request itself is wrong (400).</summary>
    Invalid,
    /// <summary>The key, point or collection does not exist (404).</summary>
    NotFound,
    /// <summary>The request conflicts with what is stored, e.g. a collection with another dimension (409).</summary>
    Conflict,
    /// <summary>An <c>If-Match</c> / <c>If-None-Match</c> condition did not hold (412).</summary>
    PreconditionFailed,
    /// <summary>A value or batch is over a configured size limit (413).</summary>
    TooLarge,
    /// <summary>The store is full: a configured entry-count or byte limit would be exceeded (507).</summary>
    CapacityExceeded,
    /// <summary>The backend (Redis, Qdrant, a remote service) cannot be reached right now (503).</summary>
    Unavailable,
}

/// <summary>
/// The one exception type stores throw for expected failures. <see cref="Field"/> names the offending
/// request field (snake_case, as on the wire) when there is one.
/// </summary>
public class StorageException : Exception
{
    public StorageException(StorageError error, string message, string? field = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Field = field;
    }

    /// <summary>The kind of failure.</summary>
    public StorageError Error { get; }

    /// <summary>The request field at fault, e.g. <c>vectors[3].vector</c>; null when the failure is not about one field.</summary>
    public string? Field { get; }

    /// <summary>For <see cref="StorageError.Unavailable"/>: how long a client should wait before retrying.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Shorthand for a 400-class failure naming a field.</summary>
    public static StorageException Invalid(string field, string message) => new(StorageError.Invalid, message, field);

    /// <summary>Shorthand for a backend outage.</summary>
    public static StorageException Unavailable(string message, Exception? innerException = null, TimeSpan? retryAfter = null) =>
        new(StorageError.Unavailable, message, null, innerException) { RetryAfter = retryAfter ?? TimeSpan.FromSeconds(2) };
}
