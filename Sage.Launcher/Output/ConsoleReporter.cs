using Sage.Launcher.Model;
using Spectre.Console;

namespace Sage.Launcher.Output;

/// <summary>What the launcher says about itself: progress, the table of running services, and errors.</summary>
internal sealed class ConsoleReporter(IAnsiConsole console)
{
    public IAnsiConsole Console => console;

    public void Info(string message) => console.MarkupLine($"[grey]sage:[/] {Markup.Escape(message)}");

    public void Warning(string message) => console.MarkupLine($"[yellow]sage:[/] {Markup.Escape(message)}");

    /// <summary>One line a person can act on; every failure of the launcher ends with exactly one of these.</summary>
    public void Error(string message) => console.MarkupLine($"[red]sage: error:[/] {Markup.Escape(message)}");

    /// <summary>The crash report of a service: its exit code and the last lines it wrote.</summary>
    public void Crash(string service, int? exitCode, IReadOnlyList<string> lastLines)
    {
        console.MarkupLine($"[red]sage: {Markup.Escape(service)} exited unexpectedly (code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}). Its last lines:[/]");
        foreach (var line in lastLines)
            console.MarkupLine($"[grey]  {Markup.Escape(line)}[/]");
    }

    /// <summary>The table printed once everything is healthy: service, URL, backend, health.</summary>
    public void Services(LaunchPlan plan, IReadOnlyDictionary<string, string> health)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]SageAspire[/]");
        table.AddColumns("service", "url", "backend", "health");
        foreach (var service in plan.Services)
        {
            var status = health.GetValueOrDefault(service.Name, "?");
            table.AddRow(Markup.Escape(service.Name), Markup.Escape(service.Url), Markup.Escape(Backend(plan, service)), Colour(status));
        }
        if (plan.Redis is { IsManaged: true } redis)
            table.AddRow("redis", Markup.Escape($"redis://localhost:{redis.Port}"), Markup.Escape(ManagedRedisData(redis)), Colour("Healthy"));
        console.Write(table);
    }

    /// <summary>Health status words in colour: green healthy, yellow degraded, red anything else.</summary>
    public static string Colour(string status) => status switch
    {
        "Healthy" => "[green]Healthy[/]",
        "Degraded" => "[yellow]Degraded[/]",
        _ => $"[red]{Markup.Escape(status)}[/]",
    };

    /// <summary>Where a managed redis-server keeps its append-only file, and for how long.</summary>
    public static string ManagedRedisData(RedisEndpoint redis) => redis.DeleteDataOnStop
        ? $"redis-server, durable (aof, {redis.ManagedDataDirectory}) until exit: kept across its restarts, deleted when sage stops"
        : $"redis-server, durable (aof, {redis.ManagedDataDirectory})";

    /// <summary>How a service stores its data, in words.</summary>
    public static string Backend(LaunchPlan plan, ServiceSpec service)
    {
        var kv = plan.Redis is { } r ? $"redis {r.Host}:{r.Port}"
            : plan.KvDirectory is { } kvDir ? $"memory, durable (sqlite, {kvDir})" : "memory, lost on exit";
        var vdb = plan.Qdrant is { } q ? $"qdrant {q.HttpUri}" : plan.VectorDirectory is { } dir ? $"embedded, durable (sqlite, {dir})" : "embedded, lost on exit";
        return service.Name switch
        {
            ServiceSpec.Kv => kv,
            ServiceSpec.Vdb => vdb,
            ServiceSpec.Memory when plan.Set == ServiceSet.Minimal => $"in-process: kv {kv}, vdb {vdb}",
            _ => $"via {string.Join(" + ", service.Dependencies)}",
        };
    }
}
