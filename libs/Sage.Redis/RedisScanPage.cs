namespace Sage.Redis;

/// <summary>One page of a SCAN: the keys found and the cursor for the next call (0 when the scan is complete).</summary>
/// <param name="Cursor">Pass to the next SCAN; 0 means the iteration is complete.</param>
/// <param name="Keys">Keys in this page (UTF-8 decoded); may be empty even when more pages follow.</param>
public readonly record struct RedisScanPage(ulong Cursor, IReadOnlyList<string> Keys);
