namespace Sage.Launcher.Processes;

/// <summary>The last lines a process wrote, kept so a crash can be reported with its context.</summary>
internal sealed class LogTail(int capacity = 20)
{
    private readonly Queue<string> _lines = new(capacity);
    private readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == capacity)
                _lines.Dequeue();
            _lines.Enqueue(line);
        }
    }

    public IReadOnlyList<string> Lines()
    {
        lock (_gate)
            return [.. _lines];
    }
}
