using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Sage.Redis.Protocol;

/// <summary>
/// Parses RESP2 replies. A pure function over the bytes received so far: it either returns one complete
/// reply and how far it reached, or reports that more data is needed without consuming anything.
/// </summary>
public static class RespReader
{
    /// <summary>Largest bulk string accepted (the Redis server's own proto-max-bulk-len default).</summary>
    public const int MaxBulkLength = 512 * 1024 * 1024;

    private const int MaxDepth = 64;
    private const int MaxLineLength = 64 * 1024;

    private static readonly RedisReply Ok = RedisReply.SimpleString("OK");
    private static readonly RedisReply Pong = RedisReply.SimpleString("PONG");
    private static readonly RedisReply NilBulk = RedisReply.BulkString(null);
    private static readonly RedisReply NilArray = RedisReply.Array(null);

    /// <summary>Tries to read one complete reply from the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The unconsumed bytes received so far.</param>
    /// <param name="reply">The reply, when one is complete.</param>
    /// <param name="consumed">Where the reply ends; <c>buffer.Start</c> when more data is needed.</param>
    /// <returns>True when a whole reply was read; false when more data is needed.</returns>
    /// <exception cref="RedisProtocolException">The bytes are not valid RESP2.</exception>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out RedisReply reply, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (TryReadReply(ref reader, 0, out reply))
        {
            consumed = reader.Position;
            return true;
        }

        consumed = buffer.Start;
        reply = default;
        return false;
    }

    private static bool TryReadReply(ref SequenceReader<byte> reader, int depth, out RedisReply reply)
    {
        reply = default;
        if (!reader.TryRead(out var prefix) || !TryReadLine(ref reader, out var line))
        {
            return false;
        }

        switch (prefix)
        {
            case (byte)'+':
                reply = line.SequenceEqual("OK"u8) ? Ok
                    : line.SequenceEqual("PONG"u8) ? Pong
                    : RedisReply.SimpleString(Encoding.UTF8.GetString(line));
                return true;
            case (byte)'-':
                reply = RedisReply.Error(Encoding.UTF8.GetString(line));
                return true;
            case (byte)':':
                reply = RedisReply.Integer(ParseInteger(line, "integer"));
                return true;
            case (byte)'$':
                return TryReadBulk(ref reader, ParseInteger(line, "bulk length"), out reply);
            case (byte)'*':
                return TryReadArray(ref reader, ParseInteger(line, "array length"), depth, out reply);
            default:
                throw new RedisProtocolException($"Unexpected RESP type byte 0x{prefix:X2} ('{(char)prefix}').");
        }
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, long length, out RedisReply reply)
    {
        reply = default;
        if (length == -1)
        {
            reply = NilBulk;
            return true;
        }

        if (length is < 0 or > MaxBulkLength)
        {
            throw new RedisProtocolException($"Invalid bulk string length {length}.");
        }

        if (reader.Remaining < length + 2)
        {
            return false;
        }

        var bytes = GC.AllocateUninitializedArray<byte>((int)length);
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RedisProtocolException("Bulk string is not terminated by CRLF.");
        }

        reply = RedisReply.BulkString(bytes);
        return true;
    }

    private static bool TryReadArray(ref SequenceReader<byte> reader, long count, int depth, out RedisReply reply)
    {
        reply = default;
        if (count == -1)
        {
            reply = NilArray;
            return true;
        }

        if (count < 0 || count > reader.Remaining)
        {
            // Every element needs at least one byte, so a count beyond the buffered bytes is only "need more" if plausible.
            if (count < 0 || count > int.MaxValue)
            {
                throw new RedisProtocolException($"Invalid array length {count}.");
            }

            return false;
        }

        if (depth >= MaxDepth)
        {
            throw new RedisProtocolException($"Arrays nested deeper than {MaxDepth} levels.");
        }

        var elements = count == 0 ? [] : new RedisReply[count];
        for (var i = 0; i < elements.Length; i++)
        {
            if (!TryReadReply(ref reader, depth + 1, out elements[i]))
            {
                return false;
            }
        }

        reply = RedisReply.Array(elements);
        return true;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySpan<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\r', advancePastDelimiter: true))
        {
            if (reader.Remaining > MaxLineLength)
            {
                throw new RedisProtocolException($"No CRLF within {MaxLineLength} bytes.");
            }

            return false;
        }

        if (!reader.TryRead(out var next))
        {
            return false;
        }

        if (next != (byte)'\n')
        {
            throw new RedisProtocolException("CR not followed by LF.");
        }

        return true;
    }

    private static long ParseInteger(ReadOnlySpan<byte> text, string what)
    {
        if (text.Length == 0 || !Utf8Parser.TryParse(text, out long value, out var used) || used != text.Length)
        {
            throw new RedisProtocolException($"Invalid {what} '{Encoding.UTF8.GetString(text)}'.");
        }

        return value;
    }
}
