// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Provisioning;
using PulumiScim.Session;

namespace PulumiScim.Pulumi;

/// <summary>
/// Pulumi's pages of users after the first, in order, with a few requested ahead so the next page is usually there
/// when the caller is done with this one (at most <see cref="Ahead"/> pages wait in memory). Pulumi pages by
/// <c>startIndex</c> and <c>count</c> (administration/concepts/scim.md), so the next pages' start indexes are known
/// from the first page's size and <c>totalResults</c>; a shorter page than that re-plans from where it ended.
/// </summary>
internal sealed class PulumiUserPages
{
    /// <summary>How many pages are requested ahead of the one the caller reads.</summary>
    public const int Ahead = 4;

    private readonly Func<int, Task<(List<PulumiUser> Users, int Total)>> _fetch;
    private readonly Queue<(int Start, Task<(List<PulumiUser> Users, int Total)> Page)> _requested = new();
    private readonly int _step;
    private int _total;
    private int _nextStart;
    private bool _ended;

    /// <summary>Starts requesting the pages after <paramref name="first"/> (read at startIndex 1).</summary>
    /// <param name="first">The first page and Pulumi's totalResults.</param>
    /// <param name="fetch">Reads the page at a 1-based start index.</param>
    public PulumiUserPages((List<PulumiUser> Users, int Total) first, Func<int, Task<(List<PulumiUser> Users, int Total)>> fetch)
    {
        _fetch = fetch;
        _step = first.Users.Count;
        _total = first.Total;
        _nextStart = 1 + _step;
        _ended = _step == 0;
        Fill();
    }

    /// <summary>How many pages of users Pulumi has, as the first page's size and totalResults say.</summary>
    public static int CountPages((List<PulumiUser> Users, int Total) first) =>
        first.Users.Count == 0 ? 1 : Math.Max(1, (first.Total + first.Users.Count - 1) / first.Users.Count);

    /// <summary>The next page's request (the caller awaits it and passes the page to <see cref="Received"/>), or null after the last.</summary>
    public (int Start, Task<(List<PulumiUser> Users, int Total)> Page)? Next() =>
        _requested.Count > 0 ? _requested.Dequeue() : null;

    /// <summary>Takes note of a page read: Pulumi's current total, and where the next page starts.</summary>
    public void Received(int start, int count, int total)
    {
        _total = total;
        if (count == 0)
        {
            End();
            return;
        }

        int expected = start + count;
        if (_requested.Count > 0 ? _requested.Peek().Start != expected : _nextStart != expected)
        {
            // A shorter page than the first: the pages requested ahead start at the wrong index.
            End();
            _ended = false;
            _nextStart = expected;
        }

        Fill();
    }

    private void Fill()
    {
        while (!_ended && _requested.Count < Ahead && _nextStart <= _total)
        {
            _requested.Enqueue((_nextStart, _fetch(_nextStart)));
            _nextStart += _step;
        }
    }

    /// <summary>Forgets the pages requested ahead (their answers are observed, so a failure among them goes unreported).</summary>
    private void End()
    {
        _ended = true;
        while (_requested.Count > 0)
        {
            _requested.Dequeue().Page.ObserveEnd();
        }
    }
}
