// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Model;

/// <summary>A user or group assigned to an enterprise app (an appRoleAssignment).</summary>
public sealed class ScimAssignment
{
    internal ScimAssignment(JsonObject assignment, ScimApplication app, string? roleName)
    {
        AssignmentId = (string?)assignment["id"] ?? string.Empty;
        PrincipalId = (string?)assignment["principalId"] ?? string.Empty;
        PrincipalDisplayName = (string?)assignment["principalDisplayName"];
        PrincipalType = (string?)assignment["principalType"];
        AppRoleId = Guid.TryParse((string?)assignment["appRoleId"], out Guid role) ? role : Guid.Empty;
        AppRoleName = roleName;
        CreatedDateTime = DateTimeOffset.TryParse((string?)assignment["createdDateTime"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created) ? created : null;
        ApplicationName = app.DisplayName;
        ServicePrincipalId = app.ServicePrincipalId;
        Application = app;
    }

    /// <summary>The principal's display name.</summary>
    public string? PrincipalDisplayName { get; }

    /// <summary>User or Group.</summary>
    public string? PrincipalType { get; }

    /// <summary>The user's or group's object id.</summary>
    public string PrincipalId { get; }

    /// <summary>The app role's name (User, msiam_access).</summary>
    public string? AppRoleName { get; }

    /// <summary>The app role's id.</summary>
    public Guid AppRoleId { get; }

    /// <summary>When the assignment was made.</summary>
    public DateTimeOffset? CreatedDateTime { get; }

    /// <summary>The enterprise app's name.</summary>
    public string ApplicationName { get; }

    /// <summary>The enterprise app's service principal id.</summary>
    public Guid ServicePrincipalId { get; }

    /// <summary>The app, so that <c>Get-ScimAssignment | Remove-ScimAssignment</c> binds it by property name.</summary>
    public ScimApplication Application { get; }

    /// <summary>The appRoleAssignment's id.</summary>
    public string AssignmentId { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{PrincipalType} {PrincipalDisplayName}";
}
