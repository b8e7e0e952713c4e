// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Graph;
using PulumiScim.Provisioning;

namespace PulumiScim.Pulumi;

/// <summary>The Pulumi side: every user of the organization (page by page) and every team.</summary>
internal sealed class PulumiSide
{
    public List<PulumiUser> Users { get; } = [];

    public List<PulumiTeam> Teams { get; private set; } = [];

    /// <summary>Reads the remaining pages of users after <paramref name="first"/>, then the teams.</summary>
    public static async Task<PulumiSide> ReadAsync(PulumiScimReader reader, (List<PulumiUser> Users, int Total) first, ComparisonProgress progress, CancellationToken ct)
    {
        var side = new PulumiSide();
        side.Users.AddRange(first.Users);
        int total = first.Total;
        int pages = Math.Max(1, (total + PulumiScimReader.PageSize - 1) / PulumiScimReader.PageSize);
        progress.PulumiPage(pages);
        int next = 1 + first.Users.Count;
        while (next <= total && first.Users.Count > 0)
        {
            var (users, pageTotal) = await reader.GetUsersPageAsync(next, ct).ConfigureAwait(false);
            if (users.Count == 0)
            {
                break;
            }

            side.Users.AddRange(users);
            next += users.Count;
            total = pageTotal;
            progress.PulumiPage(pages);
        }

        side.Teams = await reader.GetTeamsAsync(ct).ConfigureAwait(false);
        return side;
    }
}
