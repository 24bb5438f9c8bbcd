using Google.Protobuf.Collections;
using Grpc.Core;
using Sage.Testing.Qdrant.Wire;

namespace Sage.Testing.Qdrant;

/// <summary>
/// The stand-in's <c>qdrant.Points</c> service. Every request is checked whole before anything changes, as Qdrant
/// checks a batch; writes report Completed when the caller waited and Acknowledged when it did not.
/// </summary>
internal sealed class StandInPointsService(QdrantStandIn standIn) : Points.PointsBase
{
    private const double Time = 0.0001;

    public override Task<PointsOperationResponse> Upsert(UpsertPoints request, ServerCallContext context) => Write(request.CollectionName, request.Wait, collection =>
    {
        if (request.UpdateFilter is not null)
        {
            throw standIn.NotImplemented("upsert with update_filter");
        }

        var prepared = request.Points.Select(p => (Id: QdrantStandIn.Canonical(p.Id), Vector: VectorOf(p.Vectors, collection), p.Payload)).ToList();
        return version =>
        {
            foreach (var (id, vector, payload) in prepared)
            {
                collection.Points[id] = new StoredPoint(id, vector, payload.Clone(), version);
            }
        };
    });

    public override Task<PointsOperationResponse> Delete(DeletePoints request, ServerCallContext context) => Write(request.CollectionName, request.Wait, collection =>
    {
        var doomed = Select(request.Points, collection).Select(p => p.Id).ToList();
        return _ =>
        {
            foreach (var id in doomed)
            {
                collection.Points.Remove(id);
            }
        };
    });

    public override Task<PointsOperationResponse> UpdateVectors(UpdatePointVectors request, ServerCallContext context) => Write(request.CollectionName, request.Wait, collection =>
    {
        if (request.UpdateFilter is not null)
        {
            throw standIn.NotImplemented("update_vectors with update_filter");
        }

        var updates = request.Points.Select(p => (Point: Existing(collection, QdrantStandIn.Canonical(p.Id)), Vector: VectorOf(p.Vectors, collection))).ToList();
        return version =>
        {
            foreach (var (point, vector) in updates)
            {
                point.Vector = vector;
                point.Version = version;
            }
        };
    });

    public override Task<PointsOperationResponse> OverwritePayload(SetPayloadPoints request, ServerCallContext context) => Write(request.CollectionName, request.Wait, collection =>
    {
        if (request.HasKey)
        {
            throw standIn.NotImplemented("overwrite_payload with key");
        }

        var targets = Select(request.PointsSelector, collection);
        return version =>
        {
            foreach (var point in targets)
            {
                point.Payload = request.Payload.Clone();
                point.Version = version;
            }
        };
    });

    public override Task<GetResponse> Get(GetPoints request, ServerCallContext context) => Read(request.CollectionName, collection =>
    {
        var ids = request.Ids.Select(QdrantStandIn.Canonical).Distinct().ToList();
        return new GetResponse
        {
            Result = { ids.Where(collection.Points.ContainsKey).Select(id => Retrieved(collection.Points[id], request.WithPayload, request.WithVectors)) },
            Time = Time,
        };
    });

    public override Task<ScrollResponse> Scroll(ScrollPoints request, ServerCallContext context) => Read(request.CollectionName, collection =>
    {
        StandInFilter.Validate(request.Filter, standIn);
        var limit = request.HasLimit ? (int)request.Limit : 10;
        if (limit < 1)
        {
            throw Invalid($"Validation error in body: [limit: value {limit} invalid, must be 1 or larger]");
        }

        var offset = request.Offset is null ? null : QdrantStandIn.Canonical(request.Offset);
        var page = collection.Matching(request.Filter)
            .Where(p => offset is null || string.CompareOrdinal(p.Id, offset) >= 0)
            .Take(limit + 1)
            .ToList();
        var response = new ScrollResponse
        {
            Result = { page.Take(limit).Select(p => Retrieved(p, request.WithPayload, request.WithVectors)) },
            Time = Time,
        };
        if (page.Count > limit)
        {
            response.NextPageOffset = page[limit].WireId;
        }

        return response;
    });

    public override Task<CountResponse> Count(CountPoints request, ServerCallContext context) => Read(request.CollectionName, collection =>
    {
        StandInFilter.Validate(request.Filter, standIn);
        return new CountResponse { Result = new CountResult { Count = (ulong)collection.Matching(request.Filter).Count() }, Time = Time };
    });

    public override Task<QueryResponse> Query(QueryPoints request, ServerCallContext context) => Read(request.CollectionName, collection =>
    {
        StandInFilter.Validate(request.Filter, standIn);
        if (request.HasUsing && request.Using.Length > 0)
        {
            throw Invalid($"Wrong input: Not existing vector name error: {request.Using}");
        }

        if (request.Query?.Nearest is not { VariantCase: VectorInput.VariantOneofCase.Dense } nearest)
        {
            throw standIn.NotImplemented("queries other than nearest to a dense vector");
        }

        var vector = Checked(nearest.Dense.Data.ToArray(), collection);
        var scored = collection.Matching(request.Filter)
            .Select(p => (Point: p, Score: collection.Score(p.Vector, vector)))
            .Where(s => !request.HasScoreThreshold || (collection.LowerIsBetter ? s.Score <= request.ScoreThreshold : s.Score >= request.ScoreThreshold));
        scored = collection.LowerIsBetter ? scored.OrderBy(s => s.Score) : scored.OrderByDescending(s => s.Score);
        var page = scored.Skip((int)request.Offset).Take(request.HasLimit ? (int)request.Limit : 10);
        return new QueryResponse
        {
            Result =
            {
                page.Select(s => new ScoredPoint
                {
                    Id = s.Point.WireId,
                    Score = s.Score,
                    Version = s.Point.Version,
                    Payload = { s.Point.SelectPayload(request.WithPayload) },
                    Vectors = s.Point.SelectVectors(request.WithVectors),
                }),
            },
            Time = Time,
        };
    });

    /// <summary>Checks a write under the lock, then applies it with a new version.</summary>
    private Task<PointsOperationResponse> Write(string name, bool wait, Func<StandInCollection, Action<ulong>> check)
    {
        standIn.Writes.Enqueue((name, wait));
        lock (standIn.Gate)
        {
            var apply = check(standIn.Collection(name));
            var version = standIn.NextVersion();
            apply(version);
            return Task.FromResult(new PointsOperationResponse
            {
                Result = new UpdateResult { OperationId = version, Status = wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged },
                Time = Time,
            });
        }
    }

    private Task<T> Read<T>(string name, Func<StandInCollection, T> read)
    {
        lock (standIn.Gate)
        {
            return Task.FromResult(read(standIn.Collection(name)));
        }
    }

    private List<StoredPoint> Select(PointsSelector? selector, StandInCollection collection)
    {
        switch (selector?.PointsSelectorOneOfCase)
        {
            case PointsSelector.PointsSelectorOneOfOneofCase.Points:
                return [.. selector.Points.Ids.Select(QdrantStandIn.Canonical).Distinct().Where(collection.Points.ContainsKey).Select(id => collection.Points[id])];
            case PointsSelector.PointsSelectorOneOfOneofCase.Filter:
                StandInFilter.Validate(selector.Filter, standIn);
                return [.. collection.Matching(selector.Filter)];
            default:
                throw Invalid("Malformed PointsSelector: no points or filter given");
        }
    }

    private static StoredPoint Existing(StandInCollection collection, string id) =>
        collection.Points.TryGetValue(id, out var point) ? point : throw new RpcException(new Status(StatusCode.NotFound, $"Not found: No point with id {id} found"));

    private float[] VectorOf(Vectors? vectors, StandInCollection collection)
    {
        if (vectors?.VectorsOptionsCase == Vectors.VectorsOptionsOneofCase.Vectors_)
        {
            throw Invalid($"Wrong input: Not existing vector name error: {string.Join(", ", vectors.Vectors_.Vectors.Keys)}");
        }

#pragma warning disable CS0612 // Qdrant still reads the deprecated flat "data" form.
        var values = vectors?.Vector switch
        {
            { VectorCase: Vector.VectorOneofCase.Dense } vector => vector.Dense.Data.ToArray(),
            { Data.Count: > 0 } vector => vector.Data.ToArray(),
            _ => throw Invalid("Wrong input: Vector is missing or not a dense vector"),
        };
#pragma warning restore CS0612
        return Checked(values, collection);
    }

    private static float[] Checked(float[] values, StandInCollection collection) =>
        (ulong)values.Length == collection.Size
            ? collection.Prepare(values)
            : throw Invalid($"Wrong input: Vector dimension error: expected dim: {collection.Size}, got {values.Length}");

    private static RetrievedPoint Retrieved(StoredPoint point, WithPayloadSelector? payload, WithVectorsSelector? vectors) => new()
    {
        Id = point.WireId,
        // Qdrant's REST defaults: a retrieve or scroll without a selector returns the payload.
        Payload = { point.SelectPayload(payload ?? new WithPayloadSelector { Enable = true }) },
        Vectors = point.SelectVectors(vectors),
    };

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
