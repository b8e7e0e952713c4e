// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Sandbox.Http;

/// <summary>Allows <c>limit</c> requests in any sliding window of <c>window</c>; tells how long to wait otherwise.</summary>
internal sealed class SlidingWindowLimiter
{
    private readonly object _sync = new();
    private readonly Queue<DateTime> _granted = new();
    private readonly int _limit;
    private readonly TimeSpan _window;

    public SlidingWindowLimiter(int limit, TimeSpan window)
    {
        _limit = limit;
        _window = window;
    }

    /// <summary>Takes a slot; returns null when granted, else the time until one frees up.</summary>
    public TimeSpan? TryAcquire()
    {
        lock (_sync)
        {
            DateTime now = DateTime.UtcNow;
            while (_granted.Count > 0 && now - _granted.Peek() >= _window)
            {
                _granted.Dequeue();
            }

            if (_granted.Count < _limit)
            {
                _granted.Enqueue(now);
                return null;
            }

            return _granted.Peek() + _window - now;
        }
    }

    /// <summary>Forgets every granted request.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            _granted.Clear();
        }
    }
}
