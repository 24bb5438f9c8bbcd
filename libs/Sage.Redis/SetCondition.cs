namespace Sage.Redis;

/// <summary>When SET writes the value.</summary>
public enum SetCondition
{
    /// <summary>Always (plain SET).</summary>
    Always,

    /// <summary>Only if the key does not exist (NX).</summary>
    NotExists,

    /// <summary>Only if the key already exists (XX).</summary>
    Exists,
}
