using System.Runtime.InteropServices;

namespace Sage.Launcher.Processes;

/// <summary>The <c>dotnet</c> executable that runs the services' assemblies: the one running the launcher when possible.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } current && System.IO.Path.GetFileName(current) == name)
            return current;
        // shared/Microsoft.NETCore.App/<version>/ → the install root that holds the muxer.
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var muxer = System.IO.Path.Combine(root, name);
        return File.Exists(muxer) ? muxer : name;
    }
}
