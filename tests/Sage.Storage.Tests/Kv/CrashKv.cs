namespace Sage.Storage.Tests.Kv;

/// <summary>The writes the crash writer makes to a durable KV store and the crash test checks: one definition for both processes.</summary>
internal static class CrashKv
{
    /// <summary>Write <c>n</c> sets <see cref="Key"/>(n) to n with a batch of two; every third write also deletes key n-1.</summary>
    public static string Key(int n) => $"k{n}";

    /// <summary>The second key of write n's batch.</summary>
    public static string Twin(int n) => $"t{n}";

    public static bool DeletesPrevious(int n) => n % 3 == 0 && n > 0;
}
