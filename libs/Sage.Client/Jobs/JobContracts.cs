namespace Sage.Client.Jobs;

/// <summary>Where a background job is: running, or ended one of three ways.</summary>
public enum JobState
{
    Running,
    Succeeded,
    Failed,
    Canceled,
}

/// <summary>
/// One item a job could not process, by its position in the job's input (0-based) when it has one; the job went on with
/// the rest.
/// </summary>
public sealed record JobItemError(long? Item, string Message);

/// <summary>
/// <c>GET /jobs/{id}</c>: a background job's state and progress. <paramref name="Total"/> is null while unknown (a streamed
/// input); <paramref name="Errors"/> keeps the first item errors, <paramref name="ErrorCount"/> counts them all;
/// <paramref name="Error"/> says why a failed job stopped. <paramref name="CancelRequested"/> is true from a
/// <c>DELETE</c> until the job stops.
/// </summary>
public sealed record JobView(
    string Id,
    string Kind,
    JobState State,
    long Done,
    long? Total,
    double RatePerSecond,
    long ErrorCount,
    IReadOnlyList<JobItemError> Errors,
    string? Error,
    bool CancelRequested,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt);

/// <summary><c>GET /jobs</c>: the jobs this service process knows, newest first.</summary>
public sealed record JobListResponse(IReadOnlyList<JobView> Jobs);
