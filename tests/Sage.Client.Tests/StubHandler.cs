using System.Net;
using System.Text;

namespace Sage.Client.Tests;

/// <summary>Answers every request with one canned response and remembers the requests it saw.</summary>
public sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    /// <summary>The body of each request, read when it was sent (the client disposes it afterwards).</summary>
    public List<string?> Bodies { get; } = [];

    /// <summary>The address each request was sent to (service discovery puts the logical one back afterwards).</summary>
    public List<Uri?> SentTo { get; } = [];

    public static StubHandler Json(string json, HttpStatusCode status = HttpStatusCode.OK, string mediaType = "application/json") =>
        new(_ => new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Requests.Add(request);
        SentTo.Add(request.RequestUri);
        Bodies.Add(request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
        return answer(request);
    }
}

/// <summary>Never answers; the request ends only when its token is cancelled (by the caller or by HttpClient.Timeout).</summary>
public sealed class HangingHandler : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}
