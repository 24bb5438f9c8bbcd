using System.Net;
using System.Net.Sockets;

namespace Sage.EndToEnd.Tests;

/// <summary>What happens when ports are taken, services die, or the launcher itself is killed.</summary>
public sealed class LauncherFailureTests
{
    private const int SigKill = 9;

    [Fact]
    public async Task A_taken_port_is_one_clear_line_and_nothing_starts()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var launcher = LauncherProcess.Start("run", "--config", "kv-only", "--port-base", (port - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, await launcher.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"sage: error: Port {port} (kv) already in use", launcher.Output);
        Assert.Empty(launcher.ChildPids);
    }

    [Fact]
    public async Task A_service_that_dies_is_reported_with_its_last_lines_and_everything_stops()
    {
        await using var launcher = await LauncherProcess.RunAsync("--config", "kv-only");
        var kv = launcher.ChildPids["kv"];

        Assert.Equal(0, Kill(kv, SigKill));
        Assert.Equal(1, await launcher.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("kv exited unexpectedly", launcher.Output);
        Assert.Contains("Its last lines:", launcher.Output);
    }

    [Fact]
    public async Task With_restart_memory_sees_kv_down_refuses_writes_whole_and_converges_when_kv_is_back()
    {
        await using var launcher = await LauncherProcess.RunAsync("--kv-backend", "redis", "--restart");
        await SeedFlows.MemoryStoreAsync(launcher.MemoryUrl);
        var kv = launcher.ChildPids["kv"];

        Assert.Equal(0, Kill(kv, SigKill));
        await Http.EventuallyAsync(async () =>
            !Http.IsUp(Http.DependencyStatus((await Http.GetAsync($"{launcher.MemoryUrl}/dependencies")).Body, "kv")),
            TimeSpan.FromSeconds(5), "/dependencies shows kv down");
        var refused = await Http.PostAsync($"{launcher.MemoryUrl}/memory", new { key = "while-down", data = new { x = 1 }, vector = new[] { 0.3, 0.2, 0.1 } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);

        await launcher.WaitForOutputAsync("kv is back", TimeSpan.FromSeconds(30));
        Assert.NotEqual(kv, launcher.ChildPids["kv"]);
        await Http.EventuallyAsync(async () =>
            Http.IsUp(Http.DependencyStatus((await Http.GetAsync($"{launcher.MemoryUrl}/dependencies")).Body, "kv")),
            TimeSpan.FromSeconds(15), "/dependencies shows kv up again");
        // Nothing of the refused write exists, in either store.
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"{launcher.MemoryUrl}/memory/while-down")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"{launcher.VdbUrl}/collections/sage_memories/vectors/while-down")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"{launcher.VdbUrl}/collections/sage_memories/vectors/doc1")).Status);
        await SeedFlows.MemoryReadAsync(launcher.MemoryUrl);
        await Http.OkAsync(Http.PostAsync($"{launcher.MemoryUrl}/memory", new { key = "after", data = new { x = 2 }, vector = new[] { 0.3, 0.2, 0.1 } }));

        await LauncherConfigTests.StopCleanlyAsync(launcher);
    }

    [Fact]
    public async Task Killing_the_launcher_outright_takes_every_child_with_it()
    {
        await using var launcher = await LauncherProcess.RunAsync("--config", "kv-only", "--kv-backend", "redis");
        var children = launcher.ChildPids.Values.ToList();
        Assert.Equal(2, children.Count); // kv and its redis-server

        launcher.Signal(SigKill);
        await launcher.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await LauncherProcess.WaitUntilGoneAsync(children, TimeSpan.FromSeconds(20));
    }

    private static int Kill(int pid, int signal) => LauncherProcess.Kill(pid, signal);
}
