using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Sage.Storage.Vectors.Embedded;

/// <summary>
/// Durable state of the embedded engine: one SQLite database in WAL mode with a catalog table and one table of
/// (id, float32 vector BLOB, UTF-8 metadata BLOB) per collection. Every batch is one transaction, committed before
/// the caller acknowledges it; synchronous=NORMAL in WAL keeps every commit across a process crash.
/// </summary>
internal sealed class SqliteVectorPersistence : IDisposable
{
    private const string FileName = "vectors.db";
    private readonly Lock _sync = new();
    private readonly SqliteConnection _connection;

    public SqliteVectorPersistence(string directory)
    {
        Directory.CreateDirectory(directory);
        DatabasePath = Path.Combine(directory, FileName);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
        Execute("CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, dimension INTEGER NOT NULL, distance TEXT NOT NULL);");
        // A side table, not new columns, so databases written before indexes existed open unchanged (no row: flat).
        Execute("CREATE TABLE IF NOT EXISTS collection_indexes (name TEXT PRIMARY KEY, type TEXT NOT NULL, m INTEGER NOT NULL, ef_construct INTEGER NOT NULL);");
    }

    public string DatabasePath { get; }

    /// <summary>A persisted point: id, prepared vector and metadata as UTF-8 JSON (null when none).</summary>
    public readonly record struct Row(string Id, ReadOnlyMemory<float> Vector, byte[]? Metadata);

    public List<(string Name, CollectionSpec Spec)> LoadCatalog()
    {
        lock (_sync)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT c.name, c.dimension, c.distance, i.type, i.m, i.ef_construct
                FROM collections c LEFT JOIN collection_indexes i ON i.name = c.name ORDER BY c.name;
                """;
            using var reader = command.ExecuteReader();
            var result = new List<(string, CollectionSpec)>();
            while (reader.Read())
            {
                var index = reader.IsDBNull(3) ? null : new VectorIndexSpec(Enum.Parse<VectorIndexType>(reader.GetString(3)), reader.GetInt32(4), reader.GetInt32(5));
                result.Add((reader.GetString(0), new CollectionSpec(reader.GetInt32(1), Enum.Parse<Distance>(reader.GetString(2))) { Index = index }));
            }
            return result;
        }
    }

    /// <summary>Streams every row of a collection with one SELECT; the spans are only valid during the callback.</summary>
    public void Load(string collection, int dimension, Action<string, ReadOnlySpan<float>, ReadOnlySpan<byte>> sink)
    {
        lock (_sync)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT id, vector, metadata FROM {Table(collection)};";
            using var reader = command.ExecuteReader();
            var vectorBytes = new byte[dimension * sizeof(float)];
            var metadata = new byte[1024];
            while (reader.Read())
            {
                var id = reader.GetString(0);
                var length = reader.GetBytes(1, 0, null, 0, 0);
                if (length != vectorBytes.Length)
                {
                    throw new InvalidDataException($"Point '{id}' in {DatabasePath} collection '{collection}' has a {length}-byte vector; expected {vectorBytes.Length}.");
                }
                reader.GetBytes(1, 0, vectorBytes, 0, vectorBytes.Length);
                var metadataLength = 0;
                if (!reader.IsDBNull(2))
                {
                    metadataLength = (int)reader.GetBytes(2, 0, null, 0, 0);
                    if (metadata.Length < metadataLength) metadata = new byte[Math.Max(metadataLength, metadata.Length * 2)];
                    reader.GetBytes(2, 0, metadata, 0, metadataLength);
                }
                sink(id, MemoryMarshal.Cast<byte, float>(vectorBytes), metadata.AsSpan(0, metadataLength));
            }
        }
    }

    public void CreateCollection(string name, CollectionSpec spec) => InTransaction(command =>
    {
        command.CommandText = $"""
            DROP TABLE IF EXISTS {Table(name)};
            CREATE TABLE {Table(name)} (id TEXT PRIMARY KEY NOT NULL, vector BLOB NOT NULL, metadata BLOB);
            INSERT INTO collections (name, dimension, distance) VALUES ($name, $dimension, $distance);
            DELETE FROM collection_indexes WHERE name = $name;
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$dimension", spec.Dimension);
        command.Parameters.AddWithValue("$distance", spec.Distance.ToString());
        command.ExecuteNonQuery();
        if (spec.Index is { } index)
        {
            command.CommandText = "INSERT INTO collection_indexes (name, type, m, ef_construct) VALUES ($name, $type, $m, $ef);";
            command.Parameters.AddWithValue("$type", index.Type.ToString());
            command.Parameters.AddWithValue("$m", index.M);
            command.Parameters.AddWithValue("$ef", index.EfConstruct);
            command.ExecuteNonQuery();
        }
    });

    public void DropCollection(string name) => InTransaction(command =>
    {
        command.CommandText = $"DROP TABLE IF EXISTS {Table(name)}; DELETE FROM collections WHERE name = $name; DELETE FROM collection_indexes WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        command.ExecuteNonQuery();
    });

    public void Upsert(string collection, IReadOnlyList<Row> rows) => InTransaction(command =>
    {
        command.CommandText = $"""
            INSERT INTO {Table(collection)} (id, vector, metadata) VALUES ($id, $vector, $metadata)
            ON CONFLICT(id) DO UPDATE SET vector = excluded.vector, metadata = excluded.metadata;
            """;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var vector = command.Parameters.Add("$vector", SqliteType.Blob);
        var metadata = command.Parameters.Add("$metadata", SqliteType.Blob);
        command.Prepare();
        foreach (var row in rows)
        {
            id.Value = row.Id;
            vector.Value = MemoryMarshal.AsBytes(row.Vector.Span).ToArray();
            metadata.Value = (object?)row.Metadata ?? DBNull.Value;
            command.ExecuteNonQuery();
        }
    });

    public void Delete(string collection, IReadOnlyList<string> ids) => InTransaction(command =>
    {
        command.CommandText = $"DELETE FROM {Table(collection)} WHERE id = $id;";
        var id = command.Parameters.Add("$id", SqliteType.Text);
        command.Prepare();
        foreach (var value in ids)
        {
            id.Value = value;
            command.ExecuteNonQuery();
        }
    });

    /// <summary>Folds the WAL back into the database file (after compaction, when the log may be large).</summary>
    public void Checkpoint() => Execute("PRAGMA wal_checkpoint(TRUNCATE);");

    public void Dispose()
    {
        lock (_sync)
        {
            _connection.Dispose();
        }
    }

    // Collection names are validated to [A-Za-z0-9_-]{1,64}, so quoting makes them safe identifiers.
    private static string Table(string collection) => $"\"v_{collection}\"";

    private void InTransaction(Action<SqliteCommand> work)
    {
        lock (_sync)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            work(command);
            transaction.Commit();
        }
    }

    private void Execute(string sql)
    {
        lock (_sync)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}
