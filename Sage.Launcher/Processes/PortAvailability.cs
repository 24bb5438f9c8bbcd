using System.Net;
using System.Net.Sockets;
using Sage.Launcher.Model;

namespace Sage.Launcher.Processes;

/// <summary>Checks, before anything starts, that every port the plan needs is free; picks free ports.</summary>
public static class PortAvailability
{
    /// <summary>True when nothing listens on <paramref name="port"/> at <paramref name="host"/>'s loopback or wildcard address.</summary>
    public static bool IsFree(string host, int port)
    {
        foreach (var address in AddressesOf(host))
        {
            try
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen();
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                return false;
            }
            catch (SocketException)
            {
                // This address family is not usable here (e.g. no IPv6): it cannot be the one in use.
            }
        }
        return true;
    }

    /// <summary>A port the OS says is free right now on the loopback interface.</summary>
    public static int FindFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Throws one <see cref="LaunchException"/> naming every port of <paramref name="plan"/> that is taken.</summary>
    public static void EnsureFree(LaunchPlan plan)
    {
        var wanted = plan.Services.Select(s => (s.Name, s.Host, s.Port)).ToList();
        if (plan.Redis is { IsManaged: true } redis)
            wanted.Add(("redis-server", redis.Host, redis.Port));

        var taken = wanted.Where(w => !IsFree(w.Host, w.Port)).ToList();
        if (taken.Count == 0)
            return;
        var list = string.Join(", ", taken.Select(t => $"{t.Port} ({t.Name})"));
        throw new LaunchException($"Port{(taken.Count > 1 ? "s" : "")} {list} already in use: stop what listens there (ss -ltnp | grep :{taken[0].Port}) or pick other ports with --port-base.");
    }

    private static IEnumerable<IPAddress> AddressesOf(string host)
    {
        if (host is "localhost")
            return Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        if (host is "0.0.0.0" or "*" or "+")
            return [IPAddress.Any];
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            return [address];
        return Dns.GetHostAddresses(host);
    }
}
