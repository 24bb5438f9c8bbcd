using System.Buffers;
using System.Globalization;
using System.Text;

namespace Sage.Redis.Protocol;

/// <summary>Writes RESP2 commands (arrays of bulk strings) into a buffer.</summary>
/// <param name="output">Where the bytes go.</param>
public readonly struct RespWriter(IBufferWriter<byte> output)
{
    // Long enough for "$" or "*", a 20-digit length and CRLF.
    private const int MaxHeaderLength = 24;

    /// <summary>Writes <c>*count\r\n</c>, the start of a command with <paramref name="count"/> parts.</summary>
    public void WriteArrayHeader(int count) => WriteHeader((byte)'*', count);

    /// <summary>Writes one bulk string.</summary>
    public void WriteBulkString(ReadOnlySpan<byte> value)
    {
        WriteHeader((byte)'$', value.Length);
        var span = output.GetSpan(value.Length + 2);
        value.CopyTo(span);
        "\r\n"u8.CopyTo(span[value.Length..]);
        output.Advance(value.Length + 2);
    }

    /// <summary>Writes one bulk string holding a key or argument.</summary>
    public void WriteBulkString(in RedisValue value)
    {
        var length = value.ByteCount;
        WriteHeader((byte)'$', length);
        var span = output.GetSpan(length + 2);
        value.CopyTo(span);
        "\r\n"u8.CopyTo(span[length..]);
        output.Advance(length + 2);
    }

    /// <summary>Writes one bulk string holding ASCII text such as a command name.</summary>
    public void WriteBulkString(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteHeader((byte)'$', length);
        var span = output.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(text, span);
        "\r\n"u8.CopyTo(span[length..]);
        output.Advance(length + 2);
    }

    /// <summary>Writes a whole command: its name followed by its arguments.</summary>
    public void WriteCommand(string command, ReadOnlySpan<RedisValue> args)
    {
        WriteArrayHeader(args.Length + 1);
        WriteBulkString(command);
        foreach (ref readonly var arg in args)
        {
            WriteBulkString(arg);
        }
    }

    private void WriteHeader(byte prefix, long number)
    {
        var span = output.GetSpan(MaxHeaderLength);
        span[0] = prefix;
        number.TryFormat(span[1..], out var digits, default, CultureInfo.InvariantCulture);
        span[digits + 1] = (byte)'\r';
        span[digits + 2] = (byte)'\n';
        output.Advance(digits + 3);
    }
}
