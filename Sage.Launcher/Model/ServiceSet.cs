namespace Sage.Launcher.Model;

/// <summary>SAGE's launcher configurations: which services one <c>sage run</c> starts.</summary>
public enum ServiceSet
{
    /// <summary>KV + VDB + Memory, Memory reaching the other two over HTTP.</summary>
    Standard,

    /// <summary>Memory alone, hosting the KV and VDB engines in-process.</summary>
    Minimal,

    /// <summary>KV alone.</summary>
    KvOnly,

    /// <summary>VDB alone.</summary>
    VdbOnly,
}

/// <summary>Names of <see cref="ServiceSet"/> as written on the command line.</summary>
public static class ServiceSetNames
{
    /// <summary>Every accepted name, in the order help lists them.</summary>
    public static readonly string[] All = ["standard", "minimal", "kv-only", "vdb-only"];

    /// <summary>The set named <paramref name="name"/>, or a <see cref="LaunchException"/> listing the valid names.</summary>
    public static ServiceSet Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "standard" => ServiceSet.Standard,
        "minimal" => ServiceSet.Minimal,
        "kv-only" => ServiceSet.KvOnly,
        "vdb-only" => ServiceSet.VdbOnly,
        _ => throw new LaunchException($"Unknown config '{name}': use one of {string.Join(", ", All)}."),
    };
}
