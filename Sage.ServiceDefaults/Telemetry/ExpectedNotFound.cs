using System.Diagnostics;
using System.Net;
using Sage.Client;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// A 404 the caller asked for ("does this key exist?", marked with <see cref="SageRequestOptions.ExpectNotFound"/>) is an
/// answer, not a failure: its client span keeps the status code but is not marked as an error.
/// </summary>
internal static class ExpectedNotFound
{
    public static void Enrich(Activity activity, HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.NotFound || response.RequestMessage?.IsNotFoundExpected() != true)
            return;
        activity.SetStatus(ActivityStatusCode.Unset);
        activity.SetTag("error.type", null);
    }
}
