using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sage.Client.Memory;
using Sage.Memory.Memories;

namespace Sage.Memory.Apis;

/// <summary>A session's memories, in time order, and their deletion as a whole.</summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/sessions/{session_id}").WithTags("Sessions");
        sessions.MapGet("/memories", ListAsync).WithSummary("A session's memories by created_at, a page at a time (pass next_cursor back as cursor).");
        sessions.MapDelete("", DeleteAsync).WithSummary("Delete every memory of a session, vectors and data.");
        return app;
    }

    public static async Task<Ok<SessionMemoriesResponse>> ListAsync(
        [FromRoute(Name = "session_id")] string sessionId, MemoryStore store, CancellationToken cancellationToken,
        int? limit = null, string? cursor = null, string? since = null, string? until = null,
        [FromQuery(Name = "with_vectors")] bool? withVectors = null) =>
        TypedResults.Ok(await store.ListSessionAsync(sessionId, limit, cursor, since, until, withVectors ?? false, cancellationToken));

    public static async Task<Ok<DeleteSessionResponse>> DeleteAsync([FromRoute(Name = "session_id")] string sessionId, MemoryStore store,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.DeleteSessionAsync(sessionId, cancellationToken));
}
