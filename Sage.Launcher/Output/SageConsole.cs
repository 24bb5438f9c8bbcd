using Spectre.Console;

namespace Sage.Launcher.Output;

/// <summary>The console the launcher writes to: colours only on a terminal, and no wrapping when redirected (logs, tests).</summary>
internal static class SageConsole
{
    public static IAnsiConsole Create()
    {
        var redirected = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        // A redirected console has no width; wrapping there would split the one-line errors.
        if (redirected)
            console.Profile.Width = 400;
        return console;
    }
}
