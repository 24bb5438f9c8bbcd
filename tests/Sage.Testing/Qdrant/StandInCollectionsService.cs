using Grpc.Core;
using Sage.Testing.Qdrant.Wire;

namespace Sage.Testing.Qdrant;

/// <summary>The stand-in's <c>qdrant.Qdrant</c> service: the health check.</summary>
internal sealed class StandInQdrantService : Wire.Qdrant.QdrantBase
{
    public override Task<HealthCheckReply> HealthCheck(HealthCheckRequest request, ServerCallContext context) =>
        Task.FromResult(new HealthCheckReply { Title = "qdrant - vector search engine", Version = "1.19.0" });
}

/// <summary>The stand-in's <c>qdrant.Collections</c> service: Get, List, Create, Delete, as Qdrant answers them.</summary>
internal sealed class StandInCollectionsService(QdrantStandIn standIn) : Collections.CollectionsBase
{
    // Qdrant's limit on vector size.
    private const ulong MaxSize = 65_536;

    public override Task<GetCollectionInfoResponse> Get(GetCollectionInfoRequest request, ServerCallContext context)
    {
        lock (standIn.Gate)
        {
            var collection = standIn.Collection(request.CollectionName);
            return Task.FromResult(new GetCollectionInfoResponse
            {
                Result = new CollectionInfo
                {
                    Status = CollectionStatus.Green,
                    SegmentsCount = 2,
                    PointsCount = (ulong)collection.Points.Count,
                    IndexedVectorsCount = 0,
                    Config = new CollectionConfig
                    {
                        Params = new CollectionParams
                        {
                            ShardNumber = 1,
                            ReplicationFactor = 1,
                            WriteConsistencyFactor = 1,
                            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = collection.Size, Distance = collection.Distance } },
                        },
                    },
                },
                Time = 0.0001,
            });
        }
    }

    public override Task<ListCollectionsResponse> List(ListCollectionsRequest request, ServerCallContext context)
    {
        lock (standIn.Gate)
        {
            return Task.FromResult(new ListCollectionsResponse
            {
                Collections = { standIn.Collections.Keys.Select(name => new CollectionDescription { Name = name }) },
                Time = 0.0001,
            });
        }
    }

    public override Task<CollectionOperationResponse> Create(CreateCollection request, ServerCallContext context)
    {
        var name = request.CollectionName;
        if (name.Length is 0 or > 255 || name.IndexOfAny(['<', '>', ':', '"', '/', '\\', '|', '?', '*', '\0']) >= 0)
        {
            throw Invalid($"Validation error in body: [collection_name: collection name '{name}' is not valid]");
        }

        if (request.VectorsConfig?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            throw standIn.NotImplemented("named vectors");
        }

        if (request.VectorsConfig?.Params is not { } parameters)
        {
            throw standIn.NotImplemented("collections without vectors");
        }

        if (parameters.Size is 0 or > MaxSize)
        {
            throw Invalid($"Validation error in body: [vectors_config.size: value {parameters.Size} invalid, must be from 1 to {MaxSize}]");
        }

        if (parameters.Distance == Distance.UnknownDistance)
        {
            throw Invalid("Malformed distance parameter: value 0");
        }

        lock (standIn.Gate)
        {
            if (standIn.Collections.ContainsKey(name))
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"Wrong input: Collection `{name}` already exists!"));
            }

            standIn.Collections[name] = new StandInCollection(parameters.Size, parameters.Distance);
        }

        return Task.FromResult(new CollectionOperationResponse { Result = true, Time = 0.0001 });
    }

    public override Task<CollectionOperationResponse> Delete(DeleteCollection request, ServerCallContext context)
    {
        lock (standIn.Gate)
        {
            // Qdrant answers false, not an error, when there was no such collection.
            return Task.FromResult(new CollectionOperationResponse { Result = standIn.Collections.Remove(request.CollectionName), Time = 0.0001 });
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
