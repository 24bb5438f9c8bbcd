using Spectre.Console;

namespace Sage.Launcher.Output;

/// <summary>Writes the children's output to the console, each line prefixed by its service's name in that service's colour.</summary>
internal sealed class ServiceLog(IAnsiConsole console)
{
    private static readonly Dictionary<string, string> Colours = new()
    {
        ["kv"] = "deepskyblue1",
        ["vdb"] = "green",
        ["memory"] = "magenta1",
        ["redis"] = "red",
    };

    private readonly Lock _gate = new();

    public void Write(string service, string line, bool isError)
    {
        var colour = Colours.GetValueOrDefault(service, "grey");
        var text = Markup.Escape(line);
        lock (_gate)
            console.MarkupLine($"[{colour}]{service,-6} |[/] {(isError ? $"[red]{text}[/]" : text)}");
    }
}
