using System.Globalization;
using System.Text;

namespace Sage.Redis;

/// <summary>
/// A key or an argument sent to Redis: UTF-8 text, raw bytes or an integer.
/// Converts implicitly from <see cref="string"/>, <see cref="byte"/> arrays,
/// <see cref="ReadOnlyMemory{T}"/> of bytes and <see cref="long"/>.
/// </summary>
public readonly struct RedisValue
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _integer;
    private readonly ValueKind _kind;

    private RedisValue(string? text, ReadOnlyMemory<byte> bytes, long integer, ValueKind kind)
    {
        _text = text;
        _bytes = bytes;
        _integer = integer;
        _kind = kind;
    }

    private enum ValueKind : byte
    {
        Null,
        Text,
        Bytes,
        Integer,
    }

    /// <summary>True when the value was created from a null string or array (Redis has no null argument).</summary>
    public bool IsNull => _kind == ValueKind.Null;

    /// <summary>Wraps UTF-8 text.</summary>
    public static implicit operator RedisValue(string? value) =>
        value is null ? default : new RedisValue(value, default, 0, ValueKind.Text);

    /// <summary>Wraps raw bytes (binary safe).</summary>
    public static implicit operator RedisValue(byte[]? value) =>
        value is null ? default : new RedisValue(null, value, 0, ValueKind.Bytes);

    /// <summary>Wraps raw bytes (binary safe).</summary>
    public static implicit operator RedisValue(ReadOnlyMemory<byte> value) => new(null, value, 0, ValueKind.Bytes);

    /// <summary>Wraps an integer, sent as its decimal text.</summary>
    public static implicit operator RedisValue(long value) => new(null, default, value, ValueKind.Integer);

    /// <summary>Creates a value from UTF-8 text.</summary>
    public static RedisValue FromString(string value) => value;

    /// <summary>Creates a value from raw bytes.</summary>
    public static RedisValue FromBytes(ReadOnlyMemory<byte> value) => value;

    /// <summary>Creates a value from an integer.</summary>
    public static RedisValue FromInt64(long value) => value;

    /// <summary>Number of bytes the value occupies on the wire (without the bulk-string framing).</summary>
    internal int ByteCount => _kind switch
    {
        ValueKind.Text => Encoding.UTF8.GetByteCount(_text!),
        ValueKind.Bytes => _bytes.Length,
        ValueKind.Integer => DigitCount(_integer),
        _ => throw new ArgumentException("Redis arguments cannot be null."),
    };

    /// <summary>Writes the payload bytes and returns how many were written; <paramref name="destination"/> must hold <see cref="ByteCount"/>.</summary>
    internal int CopyTo(Span<byte> destination)
    {
        switch (_kind)
        {
            case ValueKind.Text:
                return Encoding.UTF8.GetBytes(_text!, destination);
            case ValueKind.Bytes:
                _bytes.Span.CopyTo(destination);
                return _bytes.Length;
            case ValueKind.Integer:
                _integer.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
                return written;
            default:
                throw new ArgumentException("Redis arguments cannot be null.");
        }
    }

    internal static int DigitCount(long value)
    {
        if (value == long.MinValue)
        {
            return 20;
        }

        var count = value < 0 ? 2 : 1;
        var magnitude = (ulong)Math.Abs(value);
        while (magnitude >= 10)
        {
            magnitude /= 10;
            count++;
        }

        return count;
    }

    /// <inheritdoc />
    public override string ToString() => _kind switch
    {
        ValueKind.Text => _text!,
        ValueKind.Bytes => Encoding.UTF8.GetString(_bytes.Span),
        ValueKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        _ => string.Empty,
    };
}
