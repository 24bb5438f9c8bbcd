using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>The in-memory semantics of the Qdrant operations the backend uses.</summary>
internal sealed partial class FakeQdrantServer
{
    private JsonNode? Dispatch(string operation, string[] segments, JsonElement body)
    {
        if (operation == "get_collections")
        {
            return new JsonObject { ["collections"] = new JsonArray([.. _collections.Keys.Select(n => (JsonNode)new JsonObject { ["name"] = n })]) };
        }

        var name = segments[1];
        switch (operation)
        {
            case "create_collection":
                if (_collections.ContainsKey(name))
                {
                    throw new FakeQdrantError(409, $"Wrong input: Collection `{name}` already exists!");
                }

                var vectors = body.GetProperty("vectors");
                _collections[name] = new FakeQdrantCollection(vectors.GetProperty("size").GetInt32(), vectors.GetProperty("distance").GetString()!);
                return true;
            case "delete_collection":
                return _collections.Remove(name);
        }

        if (!_collections.TryGetValue(name, out var collection))
        {
            throw new FakeQdrantError(404, $"Not found: Collection `{name}` doesn't exist!");
        }

        return operation switch
        {
            "get_collection" => CollectionInfo(collection),
            "upsert_points" => Upsert(collection, body),
            "get_points" => new JsonArray([.. Ids(body.GetProperty("ids")).Where(collection.Points.ContainsKey).Distinct()
                .Select(id => (JsonNode)collection.Points[id].ToJson(Option(body, "with_payload") ?? True, Option(body, "with_vector")))]),
            "delete_points" => Delete(collection, body),
            "update_vectors" => UpdateVectors(collection, body),
            "overwrite_payload" => OverwritePayload(collection, body),
            "scroll_points" => Scroll(collection, body),
            "count_points" => new JsonObject { ["count"] = collection.Matching(Option(body, "filter")).Count() },
            "query_points" => Query(collection, body),
            _ => throw new NotSupportedException($"operation {operation} is not implemented"),
        };
    }

    private static readonly JsonElement True = JsonDocument.Parse("true").RootElement.Clone();

    private static JsonElement? Option(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static IEnumerable<string> Ids(JsonElement ids) => ids.EnumerateArray().Select(CanonicalId);

    private static string CanonicalId(JsonElement id) => id.ValueKind == JsonValueKind.String ? Guid.Parse(id.GetString()!).ToString() : id.GetRawText();

    private static float[] Vector(JsonElement vector, FakeQdrantCollection collection)
    {
        if (vector.ValueKind != JsonValueKind.Array)
        {
            throw new NotSupportedException("only unnamed dense vectors are implemented");
        }

        var values = vector.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        return values.Length == collection.Size
            ? collection.Prepare(values)
            : throw new FakeQdrantError(400, $"Wrong input: Vector dimension error: expected dim: {collection.Size}, got {values.Length}");
    }

    private static JsonObject Completed(long operationId) => new() { ["operation_id"] = operationId, ["status"] = "completed" };

    private static JsonObject CollectionInfo(FakeQdrantCollection collection) => new()
    {
        ["status"] = "green",
        ["optimizer_status"] = "ok",
        ["indexed_vectors_count"] = 0,
        ["points_count"] = collection.Points.Count,
        ["segments_count"] = 2,
        ["config"] = new JsonObject
        {
            ["params"] = new JsonObject
            {
                ["vectors"] = new JsonObject { ["size"] = collection.Size, ["distance"] = collection.Distance },
                ["shard_number"] = 1,
                ["replication_factor"] = 1,
                ["write_consistency_factor"] = 1,
                ["on_disk_payload"] = true,
            },
            ["hnsw_config"] = new JsonObject { ["m"] = 16, ["ef_construct"] = 100, ["full_scan_threshold"] = 10000, ["max_indexing_threads"] = 0, ["on_disk"] = false },
            ["optimizer_config"] = new JsonObject
            {
                ["deleted_threshold"] = 0.2,
                ["vacuum_min_vector_number"] = 1000,
                ["default_segment_number"] = 0,
                ["max_segment_size"] = null,
                ["memmap_threshold"] = null,
                ["indexing_threshold"] = 10000,
                ["flush_interval_sec"] = 5,
                ["max_optimization_threads"] = null,
            },
            ["wal_config"] = new JsonObject { ["wal_capacity_mb"] = 32, ["wal_segments_ahead"] = 0 },
            ["quantization_config"] = null,
        },
        ["payload_schema"] = new JsonObject(),
    };

    private JsonObject Upsert(FakeQdrantCollection collection, JsonElement body)
    {
        if (!body.TryGetProperty("points", out var points))
        {
            throw new NotSupportedException("only the points-list form of upsert is implemented");
        }

        // Qdrant checks the whole batch before applying any of it.
        var prepared = points.EnumerateArray().Select(p => (
            Id: CanonicalId(p.GetProperty("id")),
            Vector: Vector(p.GetProperty("vector"), collection),
            Payload: Option(p, "payload") is { } payload ? JsonNode.Parse(payload.GetRawText())!.AsObject() : null)).ToList();
        var version = ++_version;
        foreach (var (id, vector, payload) in prepared)
        {
            collection.Points[id] = new FakeQdrantPoint(id, vector, payload, version);
        }

        return Completed(version);
    }

    private JsonObject Delete(FakeQdrantCollection collection, JsonElement body)
    {
        var doomed = body.TryGetProperty("points", out var ids)
            ? Ids(ids).ToList()
            : collection.Matching(body.GetProperty("filter")).Select(p => p.Id).ToList();
        foreach (var id in doomed)
        {
            collection.Points.Remove(id);
        }

        return Completed(++_version);
    }

    private JsonObject UpdateVectors(FakeQdrantCollection collection, JsonElement body)
    {
        var updates = body.GetProperty("points").EnumerateArray()
            .Select(p => (Point: Existing(collection, CanonicalId(p.GetProperty("id"))), Vector: Vector(p.GetProperty("vector"), collection))).ToList();
        var version = ++_version;
        foreach (var (point, vector) in updates)
        {
            point.Vector = vector;
            point.Version = version;
        }

        return Completed(version);
    }

    private JsonObject OverwritePayload(FakeQdrantCollection collection, JsonElement body)
    {
        if (Option(body, "key") is not null)
        {
            throw new NotSupportedException("payload 'key' is not implemented");
        }

        var targets = Option(body, "points") is { } ids
            ? Ids(ids).Select(id => Existing(collection, id)).ToList()
            : collection.Matching(Option(body, "filter")).ToList();
        var version = ++_version;
        foreach (var point in targets)
        {
            point.Payload = JsonNode.Parse(body.GetProperty("payload").GetRawText())!.AsObject();
            point.Version = version;
        }

        return Completed(version);
    }

    private static FakeQdrantPoint Existing(FakeQdrantCollection collection, string id) =>
        collection.Points.TryGetValue(id, out var point) ? point : throw new FakeQdrantError(404, $"Not found: No point with id {id} found");

    private static JsonObject Scroll(FakeQdrantCollection collection, JsonElement body)
    {
        var limit = Option(body, "limit")?.GetInt32() ?? 10;
        var offset = Option(body, "offset") is { } start ? CanonicalId(start) : null;
        var page = collection.Matching(Option(body, "filter"))
            .Where(p => offset is null || string.CompareOrdinal(p.Id, offset) >= 0)
            .Take(limit + 1)
            .ToList();
        var withPayload = Option(body, "with_payload") ?? True;
        return new JsonObject
        {
            ["points"] = new JsonArray([.. page.Take(limit).Select(p => (JsonNode)p.ToJson(withPayload, Option(body, "with_vector")))]),
            ["next_page_offset"] = page.Count > limit ? JsonValue.Create(page[limit].Id) : null,
        };
    }

    private static JsonObject Query(FakeQdrantCollection collection, JsonElement body)
    {
        var query = Option(body, "query") ?? throw new NotSupportedException("queries without 'query' are not implemented");
        if (query.ValueKind == JsonValueKind.Object)
        {
            query = query.TryGetProperty("nearest", out var nearest) ? nearest : throw new NotSupportedException($"query {query.GetRawText()} is not implemented");
        }

        var vector = Vector(query, collection);
        var threshold = Option(body, "score_threshold")?.GetSingle();
        var scored = collection.Matching(Option(body, "filter"))
            .Select(p => (Point: p, Score: collection.Score(p.Vector, vector)))
            .Where(s => threshold is not { } t || (collection.LowerIsBetter ? s.Score <= t : s.Score >= t));
        scored = collection.LowerIsBetter ? scored.OrderBy(s => s.Score) : scored.OrderByDescending(s => s.Score);
        var page = scored.Skip(Option(body, "offset")?.GetInt32() ?? 0).Take(Option(body, "limit")?.GetInt32() ?? 10);
        return new JsonObject
        {
            ["points"] = new JsonArray([.. page.Select(s => (JsonNode)s.Point.ToJson(Option(body, "with_payload"), Option(body, "with_vector"), s.Score))]),
        };
    }
}
