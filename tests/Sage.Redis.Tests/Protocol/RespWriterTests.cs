using System.Buffers;
using System.Text;
using Sage.Redis.Protocol;

namespace Sage.Redis.Tests.Protocol;

public sealed class RespWriterTests
{
    [Fact]
    public void A_command_is_written_as_an_array_of_bulk_strings()
    {
        var output = new ArrayBufferWriter<byte>();

        new RespWriter(output).WriteCommand("SET", ["clé", new byte[] { 0, 13, 10 }, -12L]);

        Assert.Equal("*4\r\n$3\r\nSET\r\n$4\r\nclé\r\n$3\r\n\0\r\n\r\n$3\r\n-12\r\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void A_null_argument_is_refused()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => new RespWriter(output).WriteCommand("GET", [(string?)null]));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(9L)]
    [InlineData(10L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Integer_arguments_are_sent_as_decimal_text(long value)
    {
        var output = new ArrayBufferWriter<byte>();

        new RespWriter(output).WriteBulkString((RedisValue)value);

        var text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"${text.Length}\r\n{text}\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }
}
