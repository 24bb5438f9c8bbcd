using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Sage.Testing;

/// <summary>
/// Where OpenTelemetry's in-memory exporter puts the spans in tests: thread-safe, and each span kept once even when several
/// hosts in the process (each with its own tracer provider) export it.
/// </summary>
public sealed class ExportedSpans : ICollection<Activity>
{
    private readonly ConcurrentDictionary<ActivitySpanId, Activity> _spans = new();

    /// <summary>The spans exported so far, in the order they started.</summary>
    public IReadOnlyList<Activity> Spans => [.. _spans.Values.OrderBy(span => span.StartTimeUtc)];

    public int Count => _spans.Count;

    public bool IsReadOnly => false;

    /// <summary>Waits until a span matching <paramref name="predicate"/> has been exported, or <paramref name="timeout"/> passes.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_spans.Values.FirstOrDefault(predicate) is { } match)
                return match;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No matching span within {timeout}. Spans seen: {string.Join(", ", Spans.Select(s => s.DisplayName))}.");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public void Add(Activity item) => _spans.TryAdd(item.SpanId, item);

    public void Clear() => _spans.Clear();

    public bool Contains(Activity item) => _spans.ContainsKey(item.SpanId);

    public void CopyTo(Activity[] array, int arrayIndex) => Spans.ToArray().CopyTo(array, arrayIndex);

    public bool Remove(Activity item) => _spans.TryRemove(item.SpanId, out _);

    public IEnumerator<Activity> GetEnumerator() => Spans.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Registration of <see cref="ExportedSpans"/>.</summary>
public static class ExportedSpansExtensions
{
    /// <summary>Exports every recorded span of the host's tracer provider into <paramref name="spans"/>.</summary>
    public static IServiceCollection AddExportedSpans(this IServiceCollection services, ExportedSpans spans) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
}
