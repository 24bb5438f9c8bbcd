using System.Diagnostics;
using Sage.Client.Jobs;

namespace Sage.ServiceDefaults.Jobs;

/// <summary>
/// One background job's progress. The work reports through <see cref="Advance"/> and <see cref="RecordError"/> from any
/// thread; readers take a consistent <see cref="View"/> at any time.
/// </summary>
public sealed class Job
{
    /// <summary>Item errors kept for the view; the rest are counted only, so a bad input cannot grow the job without bound.</summary>
    public const int MaxKeptErrors = 100;

    private readonly object _gate = new();
    private readonly List<JobItemError> _errors = [];
    private readonly CancellationTokenSource _cancellation;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeProvider _time;
    private long _done;
    private long _errorCount;
    private long? _total;
    private JobState _state = JobState.Running;
    private string? _error;
    private DateTimeOffset? _finishedAt;
    private TimeSpan? _elapsedAtFinish;

    internal Job(string id, string kind, long? total, CancellationToken stopping, TimeProvider time)
    {
        Id = id;
        Kind = kind;
        _total = total;
        _time = time;
        StartedAt = time.GetUtcNow();
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    public string Id { get; }

    /// <summary>What the job does, e.g. <c>vectors.import</c>; jobs of one kind share a name in logs and views.</summary>
    public string Kind { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Where <c>GET</c> finds the job, for a 202's <c>Location</c>.</summary>
    public string Location => $"/jobs/{Id}";

    public JobState State
    {
        get { lock (_gate) return _state; }
    }

    public long Done => Interlocked.Read(ref _done);

    /// <summary>How many items the job will process, once known (a streamed input learns it late, or never).</summary>
    public long? Total
    {
        get { lock (_gate) return _total; }
        set { lock (_gate) _total = value; }
    }

    internal CancellationToken CancellationToken => _cancellation.Token;

    internal bool IsFinished => State != JobState.Running;

    internal DateTimeOffset? FinishedAt
    {
        get { lock (_gate) return _finishedAt; }
    }

    /// <summary>Counts <paramref name="count"/> more items done.</summary>
    public void Advance(long count = 1) => Interlocked.Add(ref _done, count);

    /// <summary>Records one item the job could not process; the job goes on.</summary>
    public void RecordError(long? item, string message)
    {
        lock (_gate)
        {
            _errorCount++;
            if (_errors.Count < MaxKeptErrors)
                _errors.Add(new JobItemError(item, message));
        }
    }

    /// <summary>A snapshot for <c>GET /jobs/{id}</c>; the rate is items per second of the job's running time.</summary>
    public JobView View()
    {
        lock (_gate)
        {
            var done = Done;
            var seconds = (_elapsedAtFinish ?? _clock.Elapsed).TotalSeconds;
            var rate = seconds > 0 ? Math.Round(done / seconds, 1) : 0;
            return new JobView(Id, Kind, _state, done, _total, rate, _errorCount, [.. _errors], _error,
                _cancellation.IsCancellationRequested && _state == JobState.Running, StartedAt, _finishedAt);
        }
    }

    /// <summary>Asks the work to stop; it ends <see cref="JobState.Canceled"/> when it observes the token.</summary>
    internal void RequestCancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile: nothing left to cancel.
        }
    }

    internal void Finish(JobState state, string? error)
    {
        lock (_gate)
        {
            _state = state;
            _error = error;
            _finishedAt = _time.GetUtcNow();
            _elapsedAtFinish = _clock.Elapsed;
        }
        _cancellation.Dispose();
    }
}
