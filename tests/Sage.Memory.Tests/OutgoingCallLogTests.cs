using System.Net;
using Microsoft.Extensions.Logging;
using Sage.Testing;

namespace Sage.Memory.Tests;

/// <summary>Memory's log for its calls to KV and VDB (issue 10, finding 11): one Information line per call, not four.</summary>
public sealed class OutgoingCallLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_outgoing_call_writes_one_information_line()
    {
        var logs = new CapturedLogs();
        await using var stack = new StandardStack(logs);
        await stack.InitializeAsync();

        // A missing memory costs exactly one call: GET of its record from KV.
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Client.GetAsync("/memory/lonely-key", Ct)).StatusCode);

        var lines = logs.Lines.Where(line => line.Level >= LogLevel.Information
            && !line.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            && line.Message.Contains("lonely-key", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, string.Join(Environment.NewLine, lines.Select(line => $"{line.Category}: {line.Message}")));
    }
}
