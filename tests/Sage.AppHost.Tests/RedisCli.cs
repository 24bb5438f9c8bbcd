namespace Sage.AppHost.Tests;

/// <summary>Asks a Redis directly with Debian's <c>redis-cli</c>, to see what KV really wrote there.</summary>
internal static class RedisCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs one command against the Redis of an Aspire connection string (<c>host:port,password=…</c>).</summary>
    public static async Task<string> RunAsync(string connectionString, CancellationToken cancellationToken, params string[] command)
    {
        var parts = connectionString.Split(',');
        var hostPort = parts[0].Split(':');
        var password = parts.Skip(1).Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "password")?[1];

        string[] connection = ["-h", hostPort[0], "-p", hostPort[1], "--no-auth-warning", "--raw"];
        // REDISCLI_AUTH keeps the password off the command line.
        var environment = password is null ? null : new Dictionary<string, string> { ["REDISCLI_AUTH"] = password };
        var output = await CommandLine.RunAsync("redis-cli", [.. connection, .. command], Timeout, cancellationToken, environment);
        return output.Trim();
    }
}
