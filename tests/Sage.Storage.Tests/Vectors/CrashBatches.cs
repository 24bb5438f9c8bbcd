using System.Text.Json;
using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

/// <summary>The batches the crash writer writes and the crash test checks: one definition for both processes.</summary>
internal static class CrashBatches
{
    public const string Collection = "crash";
    public const int PointsPerBatch = 25;
    public const int Dimension = 8;

    public static string[] Ids(int batch) => Enumerable.Range(0, PointsPerBatch).Select(i => $"b{batch}-{i}").ToArray();

    public static float[] VectorFor(int batch, int i) => Enumerable.Range(0, Dimension).Select(j => (float)(batch + (i * 0.5) + (j * 0.25))).ToArray();

    public static List<VectorPoint> Points(int batch) => Enumerable.Range(0, PointsPerBatch)
        .Select(i => new VectorPoint($"b{batch}-{i}", VectorFor(batch, i), JsonDocument.Parse($$"""{"batch":{{batch}},"i":{{i}}}""").RootElement))
        .ToList();
}
