using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// An in-process span exporter for tests: keeps every recorded span that ends. One instance can be added to several
/// hosts in the same process; spans are kept once each even though every host's tracer provider sees them.
/// </summary>
public sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly ConcurrentDictionary<ActivitySpanId, Activity> _spans = new();

    /// <summary>The spans ended so far, in the order they started.</summary>
    public IReadOnlyList<Activity> Spans => [.. _spans.Values.OrderBy(span => span.StartTimeUtc)];

    /// <summary>Forgets the spans collected so far.</summary>
    public void Clear() => _spans.Clear();

    /// <summary>Waits until a span matching <paramref name="predicate"/> has ended, or <paramref name="timeout"/> passes.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> predicate, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            var match = _spans.Values.FirstOrDefault(predicate);
            if (match is not null)
                return match;
            if (cancellation.IsCancellationRequested)
                throw new TimeoutException($"No matching span ended within {timeout}. Spans seen: {string.Join(", ", Spans.Select(s => s.DisplayName))}.");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        // A span un-recorded after it started (a health probe) must not reach any exporter, this one included.
        if (data.Recorded)
            _spans.TryAdd(data.SpanId, data);
    }
}
