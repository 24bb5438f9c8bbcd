using System.Reflection;
using Sage.Launcher.Model;

namespace Sage.Launcher.Processes;

/// <summary>
/// Finds each service's built assembly: the path the build baked into sage.dll (<c>sage-service:&lt;project&gt;</c>
/// metadata), else <c>services/&lt;project&gt;/</c> beside sage.dll for a copied layout.
/// </summary>
public static class ServiceBinaries
{
    private const string MetadataPrefix = "sage-service:";

    /// <summary>The service assembly of <paramref name="project"/>, or a <see cref="LaunchException"/> saying it is not built.</summary>
    public static string Locate(string project)
    {
        var candidates = Candidates(project).ToList();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new LaunchException($"{project} is not built (no {candidates[0]}): run `dotnet build Sage.Launcher` first.");
    }

    private static IEnumerable<string> Candidates(string project)
    {
        var baked = typeof(ServiceBinaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == MetadataPrefix + project)?.Value;
        if (!string.IsNullOrEmpty(baked))
            yield return baked;
        yield return Path.Combine(AppContext.BaseDirectory, "services", project, project + ".dll");
    }
}
