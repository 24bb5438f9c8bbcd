using Sage.Launcher.Model;

namespace Sage.Launcher.Tests;

public sealed class StartOrderTests
{
    private static ServiceSpec Service(string name, params string[] dependencies) =>
        new(name, name, "localhost", 1, dependencies, "abcdefgh");

    [Fact]
    public void Dependencies_start_first_whatever_the_listed_order()
    {
        var order = LaunchPlan.StartOrder([Service("memory", "kv", "vdb"), Service("vdb"), Service("kv")]);
        Assert.Equal(["vdb", "kv", "memory"], order.Select(s => s.Name));
    }

    [Fact]
    public void Independent_services_keep_their_order()
    {
        Assert.Equal(["kv", "vdb"], LaunchPlan.StartOrder([Service("kv"), Service("vdb")]).Select(s => s.Name));
    }

    [Fact]
    public void A_dependency_that_is_not_started_is_an_error()
    {
        var ex = Assert.Throws<LaunchException>(() => LaunchPlan.StartOrder([Service("memory", "kv")]));
        Assert.Contains("'kv'", ex.Message);
    }

    [Fact]
    public void A_cycle_is_an_error()
    {
        Assert.Throws<LaunchException>(() => LaunchPlan.StartOrder([Service("a", "b"), Service("b", "a")]));
    }
}
