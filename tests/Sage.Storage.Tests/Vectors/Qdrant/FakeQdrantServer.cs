using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>
/// A stand-in Qdrant on Kestrel (127.0.0.1, a free port). Every request is checked against Qdrant's OpenAPI document
/// before it is served; a violation is answered 400 and recorded, and so is any response that breaks the document.
/// Tests assert <see cref="Violations"/> is empty.
/// </summary>
internal sealed partial class FakeQdrantServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, FakeQdrantCollection> _collections = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _version;

    private FakeQdrantServer(WebApplication app, string? apiKey)
    {
        _app = app;
        ApiKey = apiKey;
        _app.Run(async context =>
        {
            try
            {
                await HandleAsync(context);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Violations.Enqueue($"stand-in crashed on {context.Request.Method} {context.Request.Path}: {ex}");
                throw;
            }
        });
    }

    /// <summary>Where the server listens.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>When set, requests without this <c>api-key</c> header are refused with 401.</summary>
    public string? ApiKey { get; }

    /// <summary>Requests or responses that break Qdrant's API document.</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Every request seen: method, path and query, and its <c>api-key</c> header.</summary>
    public ConcurrentQueue<(string Method, string PathAndQuery, string? ApiKeyHeader, string Body)> Requests { get; } = new();

    /// <summary>When set, answers matching requests with this status and Qdrant error message instead of serving them.</summary>
    public Func<HttpRequest, (int Status, string Error)?>? Fault { get; set; }

    public static async Task<FakeQdrantServer> StartAsync(string? apiKey = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var server = new FakeQdrantServer(builder.Build(), apiKey);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address);
        return server;
    }

    /// <summary>Fails the calling test with every recorded violation.</summary>
    public void AssertNoViolations()
    {
        var violations = new List<string>();
        while (Violations.TryDequeue(out var violation))
        {
            violations.Add(violation);
        }

        // Drained, so a server shared by a test class blames each violation on one test only.
        Assert.True(violations.Count == 0, "The Qdrant backend broke Qdrant's API document:\n" + string.Join("\n", violations));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        var path = request.Path.Value ?? "/";
        var apiKeyHeader = request.Headers["api-key"].FirstOrDefault();
        Requests.Enqueue((request.Method, path + request.QueryString, apiKeyHeader, body));

        var query = request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? string.Empty)));
        var problems = QdrantOpenApi.Instance.CheckRequest(request.Method, path, query, request.ContentType, body);
        (int Status, string Text, string ContentType) answer;
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                Violations.Enqueue(problem);
            }

            answer = (400, Error("Format error in JSON body: " + string.Join("; ", problems)), "application/json");
        }
        else if (ApiKey is not null && apiKeyHeader != ApiKey)
        {
            answer = (401, Error("Must provide an API key or an Authorization bearer token"), "application/json");
        }
        else if (Fault?.Invoke(request) is { } fault)
        {
            answer = (fault.Status, Error(fault.Error), "application/json");
        }
        else
        {
            var operation = QdrantOpenApi.Instance.Find(request.Method, path).Operation!.OperationId!;
            answer = Serve(operation, path, request.Query, body);
        }

        if (problems.Count == 0 && answer.Status < 500)
        {
            foreach (var problem in QdrantOpenApi.Instance.CheckResponse(request.Method, path, answer.Status, answer.ContentType, answer.Text))
            {
                Violations.Enqueue("stand-in response: " + problem);
            }
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        await context.Response.WriteAsync(answer.Text, context.RequestAborted);
    }

    private (int, string, string) Serve(string operation, string path, IQueryCollection query, string body)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        using var document = body.Length > 0 ? JsonDocument.Parse(body) : null;
        var json = document?.RootElement;
        try
        {
            lock (_gate)
            {
                return operation switch
                {
                    "root" => (200, """{"title":"qdrant - vector search engine","version":"1.19.0","commit":null}""", "application/json"),
                    "readyz" => (200, "all shards are ready", "text/plain"),
                    _ => (200, Ok(Dispatch(operation, segments, json ?? default)), "application/json"),
                };
            }
        }
        catch (FakeQdrantError error)
        {
            return (error.Status, Error(error.Message), "application/json");
        }
        catch (NotSupportedException ex)
        {
            Violations.Enqueue($"stand-in: {operation}: {ex.Message}");
            return (500, Error(ex.Message), "application/json");
        }
    }

    private static string Ok(JsonNode? result) =>
        new JsonObject { ["result"] = result, ["status"] = "ok", ["time"] = 0.0001 }.ToJsonString();

    private static string Error(string message) =>
        new JsonObject { ["status"] = new JsonObject { ["error"] = message }, ["time"] = 0.0001 }.ToJsonString();

    private sealed class FakeQdrantError(int status, string message) : Exception(message)
    {
        public int Status { get; } = status;
    }
}
