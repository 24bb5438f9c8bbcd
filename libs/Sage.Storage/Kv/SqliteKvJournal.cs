using Microsoft.Data.Sqlite;

namespace Sage.Storage.Kv;

/// <summary>
/// The durable copy of <see cref="InMemoryKvStore"/>: one SQLite database in WAL mode, one row per key. Each write is
/// one transaction, committed before the store acknowledges it. synchronous=NORMAL in WAL mode does not fsync each
/// commit, yet a committed transaction is in the operating system's hands and survives a kill -9 of the process
/// (not a power cut since the last checkpoint): the trade-off a memory store wants, tens of thousands of writes a
/// second instead of a few hundred.
/// </summary>
internal sealed class SqliteKvJournal : IDisposable
{
    private const string FileName = "kv.db";
    private readonly Lock _sync = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _put;
    private readonly SqliteCommand _delete;

    public SqliteKvJournal(string directory)
    {
        Directory.CreateDirectory(directory);
        DatabasePath = Path.Combine(directory, FileName);
        // A short busy timeout: a process that is still shutting down gets a moment to let go; a live one keeps its journal.
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false, DefaultTimeout = 5 }.ToString());
        _connection.Open();
        // EXCLUSIVE: one process owns the journal (a second store on the same directory fails to open instead of
        // writing behind the first one's back), and WAL needs no shared-memory locking per commit.
        Execute("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
        // expires: UTC ticks, NULL for never; the key is the primary key, so the table is clustered on it.
        Execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL, etag TEXT NOT NULL, expires INTEGER) WITHOUT ROWID;");

        // Prepared once: a write is then one bind and one step, not a parse.
        _put = _connection.CreateCommand();
        _put.CommandText = """
            INSERT INTO kv (key, value, etag, expires) VALUES ($key, $value, $etag, $expires)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag, expires = excluded.expires;
            """;
        _put.Parameters.Add("$key", SqliteType.Text);
        _put.Parameters.Add("$value", SqliteType.Blob);
        _put.Parameters.Add("$etag", SqliteType.Text);
        _put.Parameters.Add("$expires", SqliteType.Integer);
        _put.Prepare();
        _delete = _connection.CreateCommand();
        _delete.CommandText = "DELETE FROM kv WHERE key = $key;";
        _delete.Parameters.Add("$key", SqliteType.Text);
        _delete.Prepare();
    }

    public string DatabasePath { get; }

    /// <summary>One persisted entry: the compact JSON text, its ETag and its expiry in UTC ticks (<see cref="long.MaxValue"/>: never).</summary>
    public readonly record struct Row(string Key, byte[] Json, string ETag, long ExpiresAtTicks);

    /// <summary>Every entry not expired at <paramref name="nowTicks"/>; expired ones are deleted, never loaded.</summary>
    public List<Row> LoadLive(long nowTicks)
    {
        lock (_sync)
        {
            DeleteExpiredLocked(nowTicks);
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT key, value, etag, expires FROM kv;";
            using var reader = command.ExecuteReader();
            var rows = new List<Row>();
            while (reader.Read())
            {
                var expires = reader.IsDBNull(3) ? long.MaxValue : reader.GetInt64(3);
                rows.Add(new Row(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2), expires));
            }
            return rows;
        }
    }

    /// <summary>Writes every row in one transaction: all of them are durable, or none.</summary>
    public void Put(IReadOnlyCollection<Row> rows) => InTransaction(rows.Count, () =>
    {
        foreach (var row in rows)
        {
            _put.Parameters[0].Value = row.Key;
            _put.Parameters[1].Value = row.Json;
            _put.Parameters[2].Value = row.ETag;
            _put.Parameters[3].Value = row.ExpiresAtTicks == long.MaxValue ? DBNull.Value : row.ExpiresAtTicks;
            _put.ExecuteNonQuery();
        }
    });

    /// <summary>Deletes every key in one transaction.</summary>
    public void Delete(IReadOnlyCollection<string> keys) => InTransaction(keys.Count, () =>
    {
        foreach (var key in keys)
        {
            _delete.Parameters[0].Value = key;
            _delete.ExecuteNonQuery();
        }
    });

    /// <summary>Drops rows expired at <paramref name="nowTicks"/>, so the file does not keep what nobody can read.</summary>
    public void DeleteExpired(long nowTicks)
    {
        lock (_sync)
            DeleteExpiredLocked(nowTicks);
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _put.Dispose();
            _delete.Dispose();
            _connection.Dispose();
        }
    }

    private void DeleteExpiredLocked(long nowTicks)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "DELETE FROM kv WHERE expires IS NOT NULL AND expires <= $now;";
        command.Parameters.AddWithValue("$now", nowTicks);
        command.ExecuteNonQuery();
    }

    // A single statement commits by itself; only several need an explicit transaction (and pay for it).
    private void InTransaction(int statements, Action work)
    {
        if (statements == 0)
            return;
        lock (_sync)
        {
            if (statements == 1)
            {
                work();
                return;
            }
            using var transaction = _connection.BeginTransaction();
            _put.Transaction = transaction;
            _delete.Transaction = transaction;
            try
            {
                work();
                transaction.Commit();
            }
            finally
            {
                _put.Transaction = null;
                _delete.Transaction = null;
            }
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
