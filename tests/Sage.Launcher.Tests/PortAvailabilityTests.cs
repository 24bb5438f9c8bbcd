using System.Net;
using System.Net.Sockets;
using Sage.Launcher.Model;
using Sage.Launcher.Processes;

namespace Sage.Launcher.Tests;

public sealed class PortAvailabilityTests
{
    [Fact]
    public void A_free_port_is_free()
    {
        Assert.True(PortAvailability.IsFree("localhost", PortAvailability.FindFree()));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    public void A_listening_port_is_in_use_for_localhost(string listenOn)
    {
        using var listener = new TcpListener(IPAddress.Parse(listenOn), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.False(PortAvailability.IsFree("localhost", port));
    }

    [Fact]
    public void EnsureFree_names_every_taken_port_and_its_service()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var plan = LaunchPlanBuilder.Build(new LaunchRequest { PortBase = port - 1 }, null, () => 1, "/");

        var ex = Assert.Throws<LaunchException>(() => PortAvailability.EnsureFree(plan));
        Assert.Contains($"{port} (kv)", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
