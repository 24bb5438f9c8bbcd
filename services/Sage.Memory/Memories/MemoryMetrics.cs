using System.Diagnostics.Metrics;
using Sage.ServiceDefaults.Telemetry;

namespace Sage.Memory.Memories;

/// <summary>The Memory service's own counters (meter <c>Sage.Memory</c>), scraped at <c>/metrics</c>.</summary>
public sealed class MemoryMetrics
{
    private readonly Counter<long> _stores;
    private readonly Counter<long> _searches;
    private readonly Counter<long> _orphansDropped;
    private readonly Counter<long> _compensations;
    private readonly Counter<long> _expiredPurged;
    private readonly Counter<long> _reconciled;

    public MemoryMetrics(IMeterFactory meters)
    {
        var meter = meters.CreateMeter("Memory");
        _stores = meter.CreateCounter<long>("sage.memory.stores", "{memory}", "Memories stored or replaced.");
        _searches = meter.CreateCounter<long>("sage.memory.searches", "{search}", "Searches answered.");
        _orphansDropped = meter.CreateCounter<long>("sage.memory.orphans_dropped", "{hit}", "Search hits dropped because their data was gone from KV.");
        _compensations = meter.CreateCounter<long>("sage.memory.compensations", "{write}", "KV writes undone because the VDB write failed.");
        _expiredPurged = meter.CreateCounter<long>("sage.memory.expired_purged", "{vector}", "Vectors of expired memories purged from VDB.");
        _reconciled = meter.CreateCounter<long>("sage.memory.reconciled", "{memory}",
            "Vectors and records put back in step by the reconciler, by kind: vector_without_data, stale_vector, data_without_vector.");
    }

    public void Stored() => _stores.Add(1);
    public void Searched() => _searches.Add(1);
    public void OrphanDropped() => _orphansDropped.Add(1);
    public void Compensated() => _compensations.Add(1);
    public void Reconciled(string kind) => _reconciled.Add(1, new KeyValuePair<string, object?>("kind", kind));
    public void ExpiredPurged(long count)
    {
        if (count > 0)
            _expiredPurged.Add(count);
    }
}
