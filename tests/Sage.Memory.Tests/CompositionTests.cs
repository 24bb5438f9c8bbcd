namespace Sage.Memory.Tests;

/// <summary>The contract against Memory with both engines in-process.</summary>
public sealed class EmbeddedMemoryApiTests(EmbeddedStack stack) : MemoryApiContract<EmbeddedStack>(stack)
{
    protected override string ExpectedMode => "embedded";
}

/// <summary>The contract against Memory calling KV and VDB over HTTP on real ports.</summary>
public sealed class StandardMemoryApiTests(StandardStack stack) : MemoryApiContract<StandardStack>(stack)
{
    protected override string ExpectedMode => "standard";
}
