namespace Sage.Launcher.Model;

/// <summary>A problem the user can act on: printed as one line, and the launcher exits non-zero.</summary>
public sealed class LaunchException(string message) : Exception(message);
