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

    public int Failed;

    public void FailWhen(Func<HttpRequest, bool> predicate) => _failWhen = predicate;

    public void Clear() => _failWhen = null;

    public IStartupFilter StartupFilter => new Filter(this);

    private sealed class Filter(FaultSwitch faults) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (faults._failWhen is { } predicate && predicate(context.Request))
                {
                    Interlocked.Increment(ref faults.Failed);
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.ContentType = "application/problem+json";
                    await context.Response.WriteAsync("""{"title":"Injected fault.","status":503}""", context.RequestAborted);
                    return;
                }
                await following(context);
            });
            next(app);
        };
    }
}
