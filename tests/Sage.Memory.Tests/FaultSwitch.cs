using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Sage.Memory.Tests;

/// <summary>
/// Makes a dependency fail chosen requests with 503, in front of everything else in its pipeline, so a test can break
/// one step of a Memory operation (the VDB upsert, the KV deletes) while the rest works.
/// </summary>
public sealed class FaultSwitch
{
    private volatile Func<HttpRequest, bool>? _failWhen;
    private volatile Func<HttpRequest, bool>? _failAfterWhen;

    public int Failed;

    public void FailWhen(Func<HttpRequest, bool> predicate) => _failWhen = predicate;

    /// <summary>
    /// Chosen requests are carried out, then answered 503 all the same: a dependency that applied a write and died before
    /// answering (a <c>kill -9</c> between its commit and its response), which its caller can only see as a failure.
    /// </summary>
    public void FailAfterWhen(Func<HttpRequest, bool> predicate) => _failAfterWhen = predicate;

    public void Clear()
    {
        _failWhen = null;
        _failAfterWhen = null;
    }

    public IStartupFilter StartupFilter => new Filter(this);

    private sealed class Filter(FaultSwitch faults) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (faults._failWhen is { } predicate && predicate(context.Request))
                {
                    await FailAsync(context);
                    return;
                }
                if (faults._failAfterWhen is { } after && after(context.Request))
                {
                    // The real answer goes to a buffer nobody reads; the caller gets the 503.
                    var body = context.Response.Body;
                    context.Response.Body = new MemoryStream();
                    try
                    {
                        await following(context);
                    }
                    finally
                    {
                        context.Response.Body = body;
                    }
                    context.Response.Clear();
                    await FailAsync(context);
                    return;
                }
                await following(context);
            });
            next(app);
        };

        private async Task FailAsync(HttpContext context)
        {
            Interlocked.Increment(ref faults.Failed);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync("""{"title":"Injected fault.","status":503}""", context.RequestAborted);
        }
    }
}
