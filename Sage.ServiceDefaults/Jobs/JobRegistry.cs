using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sage.Client.Jobs;

namespace Sage.ServiceDefaults.Jobs;

/// <summary>
/// The service's background jobs (imports, re-embedding): started here, run on the thread pool, seen through
/// <c>/jobs</c>. Jobs live in this process only — a restart forgets them, and a job cut short by one ends as failed or
/// canceled, never half-reported as done. Finished jobs stay visible for <see cref="Retention"/>, at most
/// <see cref="MaxFinished"/> of them.
/// </summary>
public sealed partial class JobRegistry(IHostApplicationLifetime lifetime, ILogger<JobRegistry> logger, TimeProvider? time = null)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);
    public const int MaxFinished = 100;

    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Starts <paramref name="work"/> at once on the thread pool. The job ends <see cref="JobState.Succeeded"/> when the work
    /// returns, <see cref="JobState.Canceled"/> when it stops on the job's token (a <c>DELETE</c>, or the service stopping),
    /// and <see cref="JobState.Failed"/> with the exception's message otherwise.
    /// </summary>
    public Job Start(string kind, Func<Job, CancellationToken, Task> work, long? total = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(work);
        Prune();
        var job = new Job(Guid.CreateVersion7().ToString("N"), kind, total, lifetime.ApplicationStopping, _time);
        _jobs[job.Id] = job;
        LogStarted(job.Id, kind);
        _ = Task.Run(() => RunAsync(job, work));
        return job;
    }

    public bool TryGet(string id, [NotNullWhen(true)] out Job? job) => _jobs.TryGetValue(id, out job);

    /// <summary>Newest first.</summary>
    public IReadOnlyList<Job> List()
    {
        Prune();
        return [.. _jobs.Values.OrderByDescending(job => job.StartedAt).ThenByDescending(job => job.Id, StringComparer.Ordinal)];
    }

    /// <summary>Asks a running job to stop; false when no job has this id.</summary>
    public bool Cancel(string id)
    {
        if (!_jobs.TryGetValue(id, out var job))
            return false;
        job.RequestCancel();
        return true;
    }

    /// <summary>Forgets a finished job; false when it is unknown or still running.</summary>
    public bool Forget(string id) =>
        _jobs.TryGetValue(id, out var job) && job.IsFinished && _jobs.TryRemove(id, out _);

    private async Task RunAsync(Job job, Func<Job, CancellationToken, Task> work)
    {
        var token = job.CancellationToken;
        try
        {
            await work(job, token);
            job.Finish(JobState.Succeeded, null);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            job.Finish(JobState.Canceled, lifetime.ApplicationStopping.IsCancellationRequested ? "The service stopped." : null);
        }
        catch (Exception exception)
        {
            job.Finish(JobState.Failed, exception.Message);
            LogFailed(exception, job.Id, job.Kind);
        }
        var view = job.View();
        LogFinished(job.Id, job.Kind, view.State, view.Done, view.ErrorCount);
    }

    private void Prune()
    {
        var now = _time.GetUtcNow();
        var finished = _jobs.Values.Where(job => job.IsFinished).OrderByDescending(job => job.FinishedAt).ToList();
        for (var i = 0; i < finished.Count; i++)
        {
            if (i >= MaxFinished || now - finished[i].FinishedAt > Retention)
                _jobs.TryRemove(finished[i].Id, out _);
        }
    }

    [LoggerMessage(LogLevel.Information, "Job {JobId} ({Kind}) started")]
    private partial void LogStarted(string jobId, string kind);

    [LoggerMessage(LogLevel.Information, "Job {JobId} ({Kind}) ended {State}: {Done} done, {Errors} item errors")]
    private partial void LogFinished(string jobId, string kind, JobState state, long done, long errors);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} ({Kind}) failed")]
    private partial void LogFailed(Exception exception, string jobId, string kind);
}
