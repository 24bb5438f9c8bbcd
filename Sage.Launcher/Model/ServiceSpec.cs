namespace Sage.Launcher.Model;

/// <summary>One service of a <see cref="LaunchPlan"/>: what to start, where it listens and what it waits for.</summary>
/// <param name="Name">Resource name, as in the AppHost: <c>kv</c>, <c>vdb</c> or <c>memory</c>.</param>
/// <param name="Project">Project and assembly name, e.g. <c>Sage.Kv</c>.</param>
/// <param name="Host">Host the service listens on.</param>
/// <param name="Port">Port the service listens on.</param>
/// <param name="Dependencies">Names of the services that must be healthy before this one starts.</param>
/// <param name="InstanceId">The 8 lower-case letters Aspire's DCP would use as <c>service.instance.id</c>.</param>
public sealed record ServiceSpec(string Name, string Project, string Host, int Port, IReadOnlyList<string> Dependencies, string InstanceId)
{
    public const string Kv = "kv";
    public const string Vdb = "vdb";
    public const string Memory = "memory";

    /// <summary>What <c>ASPNETCORE_URLS</c> says.</summary>
    public string ListenUrl => $"http://{Host}:{Port}";

    /// <summary>Where clients reach the service: a wildcard listen host is reached on localhost.</summary>
    public string Url => $"http://{(Host is "0.0.0.0" or "*" or "+" or "[::]" ? "localhost" : Host)}:{Port}";
}
