// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Model;
using PulumiScim.Session;

namespace PulumiScim.Graph;

/// <summary>What the Graph door needs to address one app: the session, the ids, and the job (when there is one).</summary>
/// <param name="Session">The session to call Graph with.</param>
/// <param name="ServicePrincipalId">The service principal's object id.</param>
/// <param name="AppId">The application (client) id.</param>
/// <param name="JobId">The provisioning job's id, or null.</param>
internal sealed record AppRef(ScimGraphSession Session, Guid ServicePrincipalId, Guid AppId, string? JobId)
{
    /// <summary>The service principal id as a path segment.</summary>
    public string Sp => ServicePrincipalId.ToString();

    /// <summary>The address of an app the pipeline carries.</summary>
    public static AppRef Of(ScimApplication app) => new(app.Session, app.ServicePrincipalId, app.AppId, app.JobId);

    /// <summary>The address of an app as read.</summary>
    public static AppRef Of(ScimGraphSession session, AppSnapshot snapshot) =>
        new(session, snapshot.ServicePrincipalId, Guid.TryParse((string?)snapshot.ServicePrincipal["appId"], out Guid a) ? a : Guid.Empty, snapshot.JobId);
}
