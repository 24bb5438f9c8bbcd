using System.CommandLine;
using Sage.Launcher.Commands;

// `sage` with no arguments is `sage run`: standard config, embedded backends, ports 8000-8002.
var root = new RootCommand("SageAspire's local launcher: runs the KV, VDB and Memory services without Aspire.")
{
    RunCommand.Create(),
    StatusCommand.Create(),
};

// The run command handles SIGINT/SIGTERM itself, so it can stop the services in order before exiting.
return await root.Parse(args.Length == 0 ? ["run"] : args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
