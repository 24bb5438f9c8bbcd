using Grpc.Core;
using Qdrant.Client;

namespace Sage.Storage.Vectors.Qdrant;

public sealed partial class QdrantVectorStore
{
    private static StorageException CollectionNotFound(string name) => new(StorageError.NotFound, $"Collection '{name}' does not exist.", "collection");

    /// <summary>
    /// Runs one call to Qdrant within <see cref="QdrantVectorStoreOptions.Timeout"/> and turns its failures into
    /// <see cref="StorageException"/>s; <paramref name="collection"/> names the collection a NotFound is about.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, string? collection, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        try
        {
            return await call(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (ex is RpcException { StatusCode: StatusCode.NotFound } && collection is not null)
            {
                _specs.TryRemove(collection, out _);
            }

            throw Map(ex, collection, deadline.IsCancellationRequested);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
            throw new OperationCanceledException(ex.Status.Detail, ex, cancellationToken);
        }
        catch (QdrantException ex)
        {
            throw StorageException.Unavailable($"Qdrant did not apply the operation: {ex.Message}", ex);
        }
    }

    private async Task CallAsync(Func<CancellationToken, Task> call, string? collection, CancellationToken cancellationToken) =>
        await CallAsync(async token =>
        {
            await call(token).ConfigureAwait(false);
            return true;
        }, collection, cancellationToken).ConfigureAwait(false);

    /// <summary>What each gRPC status Qdrant answers means for a caller (Qdrant's own mapping: lib/storage/src/content_manager/conversions.rs).</summary>
    internal static StorageException Map(Exception exception, string? collection, bool timedOut)
    {
        if (exception is not RpcException rpc || (timedOut && rpc.StatusCode is StatusCode.Cancelled or StatusCode.DeadlineExceeded))
        {
            return StorageException.Unavailable("Qdrant did not answer in time.", exception);
        }

        var detail = rpc.Status.Detail;
        return rpc.StatusCode switch
        {
            StatusCode.NotFound when collection is not null => new StorageException(StorageError.NotFound, $"Collection '{collection}' does not exist ({detail}).", "collection", rpc),
            StatusCode.NotFound => new StorageException(StorageError.NotFound, $"Qdrant: {detail}", null, rpc),
            StatusCode.InvalidArgument => new StorageException(StorageError.Invalid, $"Qdrant rejected the request: {detail}", null, rpc),
            StatusCode.AlreadyExists => new StorageException(StorageError.Conflict, $"Qdrant: {detail}", null, rpc),
            StatusCode.Unauthenticated or StatusCode.PermissionDenied =>
                StorageException.Unavailable($"Qdrant refused the API key ({rpc.StatusCode}): check the Key of ConnectionStrings:qdrant or SAGE_QDRANT_API_KEY.", rpc),
            _ => StorageException.Unavailable($"Qdrant answered {rpc.StatusCode}: {detail}", rpc, RetryAfter(rpc)),
        };
    }

    // Qdrant sends a retry-after trailer (seconds) when it rate-limits.
    private static TimeSpan? RetryAfter(RpcException rpc) =>
        rpc.Trailers.GetValue("retry-after") is { } text && int.TryParse(text, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;

    private static void ValidateName(string name) => VectorRequestValidator.ValidateCollectionName(name);
}
