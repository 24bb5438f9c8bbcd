using System.Text;
using System.Text.RegularExpressions;
using Sage.Launcher.Tests;

namespace Sage.EndToEnd.Tests;

/// <summary>
/// What the real child processes receive, read from /proc, against what Aspire 13.1 injects for the same model
/// (docs/aspire-environment.md): the launcher path and the AppHost path run services with one contract.
/// </summary>
public sealed class ChildEnvironmentTests
{
    [Fact]
    public async Task Each_child_receives_the_variables_the_apphost_would_inject_for_the_same_model()
    {
        await using var launcher = await LauncherProcess.RunAsync("--kv-backend", "redis");
        var kv = EnvironmentOf(launcher.ChildPids["kv"]);
        var vdb = EnvironmentOf(launcher.ChildPids["vdb"]);
        var memory = EnvironmentOf(launcher.ChildPids["memory"]);

        // The managed redis-server's port and password are allocated at start, as Aspire's are; the table fixes their form.
        var redisPort = int.Parse(kv["REDIS_PORT"], System.Globalization.CultureInfo.InvariantCulture);
        AssertContains(AspireEnvironmentTable.Merge(
            AspireEnvironmentTable.EveryProject("kv", launcher.KvUrl),
            AspireEnvironmentTable.RedisReference("localhost", redisPort, kv["REDIS_PASSWORD"])), kv, "kv");
        AssertContains(AspireEnvironmentTable.EveryProject("vdb", launcher.VdbUrl), vdb, "vdb");
        AssertContains(AspireEnvironmentTable.Merge(
            AspireEnvironmentTable.EveryProject("memory", launcher.MemoryUrl),
            AspireEnvironmentTable.ProjectReference("kv", launcher.KvUrl),
            AspireEnvironmentTable.ProjectReference("vdb", launcher.VdbUrl)), memory, "memory");

        // Nothing run-mode-only that Aspire gives no project here: no OTLP export without an endpoint, no Qdrant rows.
        Assert.DoesNotContain(vdb.Keys, k => k.StartsWith("ConnectionStrings__qdrant", StringComparison.Ordinal));
        Assert.DoesNotContain(kv.Keys, k => k.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal));
        // Children watch the launcher, so none outlives it.
        Assert.Equal(launcher.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), kv["SAGE_PARENT_PID"]);

        await LauncherConfigTests.StopCleanlyAsync(launcher);
    }

    private static void AssertContains(IReadOnlyDictionary<string, string?> expected, IReadOnlyDictionary<string, string> actual, string service)
    {
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var got), $"{service} did not receive {key}");
            if (value is null)
                Assert.Matches(new Regex(AspireEnvironmentTable.Patterns[key]), got);
            else
                Assert.True(value == got, $"{service}: {key} expected '{value}', got '{got}'");
        }
    }

    // /proc/<pid>/environ: the environment the process was started with, NUL-separated.
    private static Dictionary<string, string> EnvironmentOf(int pid)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=');
            if (equals > 0)
                environment[entry[..equals]] = entry[(equals + 1)..];
        }
        return environment;
    }
}
