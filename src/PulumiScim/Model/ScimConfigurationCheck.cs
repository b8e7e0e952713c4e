// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Model;

/// <summary>
/// One requirement of the guide checked against the app: what it should be, what it is, and how to fix it. Planners
/// make them; Test-ScimConfiguration writes them. Every failed check of a plan has a change in that plan.
/// </summary>
/// <param name="Name">What is checked, e.g. <c>userName source</c>.</param>
/// <param name="Expected">The guide's value.</param>
/// <param name="Actual">The value found.</param>
/// <param name="Passed">Whether the value found is the guide's value.</param>
/// <param name="Hint">Why the guide wants it and how to get there.</param>
public sealed record ScimConfigurationCheck(string Name, string Expected, string Actual, bool Passed, string Hint)
{
    /// <summary>The app checked.</summary>
    public string Application { get; init; } = string.Empty;
}
