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

    public MemoryMetrics(IMeterFactory meters)
    {
        var meter = meters.CreateMeter("Memory");
        _stores = meter.CreateCounter<long>("sage.memory.stores", "{memory}", "Memories stored or replaced.");
        _searches = meter.CreateCounter<long>("sage.memory.searches", "{search}", "Searches answered.");
        _orphansDropped = meter.CreateCounter<long>("sage.memory.orphans_dropped", "{hit}", "Search hits dropped because their data was gone from KV.");
        _compensations = meter.CreateCounter<long>("sage.memory.compensations", "{write}", "KV writes undone because the VDB write failed.");
        _expiredPurged = meter.CreateCounter<long>("sage.memory.expired_purged", "{vector}", "Vectors of expired memories purged from VDB.");
    }

    public void Stored() => _stores.Add(1);
    public void Searched() => _searches.Add(1);
    public void OrphanDropped() => _orphansDropped.Add(1);
    public void Compensated() => _compensations.Add(1);
    public void ExpiredPurged(long count)
    {
        if (count > 0)
            _expiredPurged.Add(count);
    }
}
