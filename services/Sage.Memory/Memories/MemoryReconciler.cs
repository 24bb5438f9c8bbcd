using Microsoft.Extensions.Options;
using Sage.Client.Memory;

namespace Sage.Memory.Memories;

/// <summary>
/// Runs <see cref="MemoryStore.ReconcileAsync"/> every <see cref="MemoryOptions.ReconcileInterval"/>, pausing between pages so
/// a large store is walked at a bounded rate, and on demand (<c>POST /memory/reconcile</c>, no pauses). One run at a time:
/// an on-demand run waits for a background run in progress. Keeps the last run and the totals fixed for <c>/dependencies</c>.
/// </summary>
public sealed class MemoryReconciler(MemoryStore store, IOptions<MemoryOptions> options, TimeProvider time, ILogger<MemoryReconciler> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _oneRun = new(1, 1);
    private readonly Lock _statusLock = new();
    private ReconcileResponse? _lastRun;
    private ReconcileCounts _fixedSinceStart = new(0, 0, 0);

    public ReconcilerStatus Status
    {
        get
        {
            lock (_statusLock)
                return new ReconcilerStatus(_lastRun, _fixedSinceStart);
        }
    }

    /// <summary>One run now, without pauses.</summary>
    public Task<ReconcileResponse> RunAsync(CancellationToken cancellationToken) => RunAsync(TimeSpan.Zero, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var run = await RunAsync(options.Value.ReconcilePagePause, stoppingToken);
                if (run.Fixed.Total > 0)
                    logger.LogInformation("Reconciled {Fixed} memories out of step ({Found} found)", run.Fixed.Total, run.Found.Total);
            }
            // A dependency away, or anything else: the next run tries again; a background service that throws would stop the host.
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Reconcile run skipped: {Message}", e.Message);
            }
        }
    }

    private async Task<ReconcileResponse> RunAsync(TimeSpan pagePause, CancellationToken cancellationToken)
    {
        await _oneRun.WaitAsync(cancellationToken);
        try
        {
            var run = await store.ReconcileAsync(pagePause, cancellationToken);
            lock (_statusLock)
            {
                _lastRun = run;
                _fixedSinceStart = new ReconcileCounts(_fixedSinceStart.VectorWithoutData + run.Fixed.VectorWithoutData,
                    _fixedSinceStart.StaleVector + run.Fixed.StaleVector, _fixedSinceStart.DataWithoutVector + run.Fixed.DataWithoutVector);
            }
            return run;
        }
        finally
        {
            _oneRun.Release();
        }
    }
}
