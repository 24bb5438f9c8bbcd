using System.Security.Cryptography;
using System.Text;

namespace Sage.Storage.Vectors.Qdrant;

/// <summary>
/// Maps SAGE's string point ids to the UUIDs Qdrant requires: a name-based UUIDv5
/// (RFC 9562 §5.5, SHA-1) in a namespace of our own, so the same id always lands on the same point.
/// </summary>
public static class QdrantPointId
{
    /// <summary>The namespace of every SAGE point id; never change it, or stored points become unreachable.</summary>
    public static readonly Guid Namespace = new("6f1d3c52-9a4e-4b7f-8e21-5c0a9d7b3e64");

    /// <summary>The Qdrant point id for a SAGE id.</summary>
    public static Guid FromId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return CreateVersion5(Namespace, id);
    }

    /// <summary>A UUIDv5 of <paramref name="name"/> (UTF-8) in <paramref name="namespaceId"/>.</summary>
    public static Guid CreateVersion5(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50); // version 5
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(uuid, bigEndian: true);
    }
}
