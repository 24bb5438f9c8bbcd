using System.CommandLine;
using System.Text.Json;
using Sage.Launcher.Output;
using Sage.Launcher.Processes;
using Spectre.Console;

namespace Sage.Launcher.Commands;

/// <summary><c>sage status</c>: the health of a running system (and Memory's dependencies) as tables.</summary>
internal static class StatusCommand
{
    private static readonly Option<string> Url = new("--url")
    {
        Description = "Base URL of the service to ask (Memory by default).",
        DefaultValueFactory = _ => "http://localhost:8000",
    };

    public static Command Create()
    {
        var command = new Command("status", "Show the health of running services.");
        command.Options.Add(Url);
        command.SetAction((result, cancellationToken) => ExecuteAsync(result.GetValue(Url)!, SageConsole.Create(), cancellationToken));
        return command;
    }

    /// <summary>Prints the tables; 0 when the service answers healthy or degraded, 1 otherwise.</summary>
    public static async Task<int> ExecuteAsync(string url, IAnsiConsole console, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var probe = new HealthProbe(http);
        var health = await probe.ReadAsync(url, cancellationToken);
        if (health.StatusCode is null)
        {
            new ConsoleReporter(console).Error($"nothing answers at {url}{HealthProbe.HealthPath}: is `sage run` running (see --url)?");
            return 1;
        }

        var checks = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(url)}[/] {ConsoleReporter.Colour(health.Status)}");
        checks.AddColumns("check", "status", "description");
        if (health.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("checks", out var entries) && entries.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in entries.EnumerateObject())
                checks.AddRow(Markup.Escape(entry.Name), ConsoleReporter.Colour(Text(entry.Value, "status")), Markup.Escape(Text(entry.Value, "description")));
        }
        console.Write(checks);

        var dependencies = await probe.ReadAsync(url, cancellationToken, "/dependencies");
        if (dependencies is { StatusCode: 200 or 503, Body: { } found })
            console.Write(DependencyTable(found));
        return health.IsUp ? 0 : 1;
    }

    // Memory's /dependencies: an object (or an object's "dependencies") of name → { status, url, … }, or an array of those.
    private static Table DependencyTable(JsonElement body)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]dependencies[/]");
        table.AddColumns("dependency", "status", "url", "details");
        var root = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("dependencies", out var inner) ? inner : body;
        var rows = root.ValueKind switch
        {
            JsonValueKind.Object => root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).Select(p => (p.Name, p.Value)),
            JsonValueKind.Array => root.EnumerateArray().Select(e => (Text(e, "name"), e)),
            _ => [],
        };
        foreach (var (name, value) in rows)
        {
            var details = string.Join(", ", value.EnumerateObject()
                .Where(p => p.Name is not ("name" or "status" or "url"))
                .Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"));
            table.AddRow(Markup.Escape(name), ConsoleReporter.Colour(Text(value, "status")), Markup.Escape(Text(value, "url")), Markup.Escape(details));
        }
        return table;
    }

    private static string Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : "";
}
