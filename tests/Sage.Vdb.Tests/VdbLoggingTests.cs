using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Sage.Testing;

namespace Sage.Vdb.Tests;

/// <summary>What VDB logs for requests it refuses (issue 10, finding 11): no stack traces, nothing at Warning or above.</summary>
public sealed class VdbLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task Refused_requests_are_logged_below_warning_without_stack_traces(string environment)
    {
        var logs = new CapturedLogs();
        await using var factory = new VdbServiceFactory(new Dictionary<string, string?> { ["environment"] = environment })
            .WithWebHostBuilder(web => web.ConfigureLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)));
        using var client = factory.CreateClient();
        var atStart = logs.Lines.Count;

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/vectors", Json("""{"vectors":[{"id":"a","vector":[1,0,0]}]}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/vectors", Json("""{"vectors":[{"id":"b","vector":[1,0]}]}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/vectors/query", Json("""{"vector":[1,0,0],"top_k":0}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/collections/none", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/collections/none/vectors/count", Json("{}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/vectors/delete", Json("{"), Ct)).StatusCode);

        var logged = logs.Lines.Skip(atStart).ToList();
        Assert.DoesNotContain(logged, line => line.Level >= LogLevel.Warning);
        Assert.DoesNotContain(logged, line => line.Exception is not null && line.Level >= LogLevel.Information);
    }
}
