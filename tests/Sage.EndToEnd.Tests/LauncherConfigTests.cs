namespace Sage.EndToEnd.Tests;

/// <summary>Each launcher config starts exactly its services, which then serve SAGE's seed flows.</summary>
public sealed class LauncherConfigTests
{
    internal static async Task StopCleanlyAsync(LauncherProcess launcher, int signal = 15)
    {
        var children = launcher.ChildPids.Values.ToList();
        Assert.NotEmpty(children);
        Assert.Equal(0, await launcher.StopAsync(signal));
        await LauncherProcess.WaitUntilGoneAsync([.. children, launcher.Id], TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Kv_only_starts_only_kv_which_serves_the_kv_seed_flow()
    {
        await using var launcher = await LauncherProcess.RunAsync("--config", "kv-only");

        Assert.Equal(["kv"], launcher.ChildPids.Keys);
        Assert.True(await Http.IsClosedAsync(launcher.MemoryUrl));
        Assert.True(await Http.IsClosedAsync(launcher.VdbUrl));
        await SeedFlows.KvAsync(launcher.KvUrl);

        // SIGINT is what Ctrl+C sends.
        await StopCleanlyAsync(launcher, signal: 2);
    }

    [Fact]
    public async Task Vdb_only_starts_only_vdb_which_serves_the_vdb_seed_flow()
    {
        await using var launcher = await LauncherProcess.RunAsync("--config", "vdb-only");

        Assert.Equal(["vdb"], launcher.ChildPids.Keys);
        Assert.True(await Http.IsClosedAsync(launcher.KvUrl));
        await SeedFlows.VdbAsync(launcher.VdbUrl);

        await StopCleanlyAsync(launcher);
    }

    [Fact]
    public async Task Minimal_starts_only_memory_which_serves_the_memory_seed_flow()
    {
        await using var launcher = await LauncherProcess.RunAsync("--config", "minimal");

        Assert.Equal(["memory"], launcher.ChildPids.Keys);
        Assert.True(await Http.IsClosedAsync(launcher.KvUrl));
        Assert.True(await Http.IsClosedAsync(launcher.VdbUrl));
        await SeedFlows.MemoryStoreAsync(launcher.MemoryUrl);
        await SeedFlows.MemoryReadAsync(launcher.MemoryUrl);

        await StopCleanlyAsync(launcher);
    }

    [Fact]
    public async Task Standard_with_embedded_backends_serves_every_seed_flow_and_sage_status_reports_it()
    {
        await using var launcher = await LauncherProcess.RunAsync();

        Assert.Equal(["kv", "vdb", "memory"], OrderOfStart(launcher));
        await SeedFlows.MemoryStoreAsync(launcher.MemoryUrl);
        await SeedFlows.MemoryReadAsync(launcher.MemoryUrl);
        await SeedFlows.KvAsync(launcher.KvUrl);
        await SeedFlows.VdbAsync(launcher.VdbUrl);
        var dependencies = await Http.OkAsync(Http.GetAsync($"{launcher.MemoryUrl}/dependencies"));
        Assert.True(Http.IsUp(Http.DependencyStatus(dependencies, "kv")), dependencies.GetRawText());
        Assert.True(Http.IsUp(Http.DependencyStatus(dependencies, "vdb")), dependencies.GetRawText());

        await using (var status = LauncherProcess.Start("status", "--url", launcher.MemoryUrl))
        {
            Assert.Equal(0, await status.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("Healthy", status.Output);
            Assert.Contains("dependencies", status.Output);
        }

        await StopCleanlyAsync(launcher);
    }

    // The order of the "started <name> (pid …)" lines: dependencies first.
    private static string[] OrderOfStart(LauncherProcess launcher) =>
        launcher.Output.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"started (\w+) \(pid"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToArray();
}
