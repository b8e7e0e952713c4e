// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Session;

/// <summary>The Microsoft Graph national clouds the module knows.</summary>
public enum ScimGraphEnvironment
{
    /// <summary>Global Azure (including Microsoft 365 GCC).</summary>
    Global,

    /// <summary>US Government L4 (GCC High).</summary>
    USGov,

    /// <summary>US Government L5 (DoD).</summary>
    USGovDoD,

    /// <summary>China (21Vianet): refused, see <see cref="GraphCloud.For"/>.</summary>
    China,
}

/// <summary>A cloud's Graph root and token authority (Graph docs: concepts/deployments.md, national-clouds.md).</summary>
/// <param name="Environment">The cloud.</param>
/// <param name="GraphRoot">The Graph root without the version segment.</param>
/// <param name="AuthorityHost">The Entra ID authority host.</param>
internal sealed record GraphCloud(ScimGraphEnvironment Environment, Uri GraphRoot, Uri AuthorityHost)
{
    /// <summary>The <c>.default</c> scope for the cloud's Graph.</summary>
    public string DefaultScope => new Uri(GraphRoot, "/.default").ToString();

    /// <summary>
    /// The template a non-gallery app is instantiated from in <paramref name="environment"/> (Graph:
    /// "applicationTemplate: instantiate": one id for the global service, one for US government, which serves both
    /// US Government L4 and L5 (DoD)).
    /// </summary>
    public static string NonGalleryTemplateId(ScimGraphEnvironment environment) => environment switch
    {
        ScimGraphEnvironment.USGov or ScimGraphEnvironment.USGovDoD => "4602d0b4-76bb-404b-bca9-2652e1a39c6d",
        _ => "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
    };

    /// <summary>The Graph root and authority of <paramref name="environment"/>.</summary>
    /// <exception cref="NotSupportedException">For China, where the provisioning APIs are not documented as available.</exception>
    public static GraphCloud For(ScimGraphEnvironment environment) => environment switch
    {
        ScimGraphEnvironment.Global => new(environment, new Uri("https://graph.microsoft.com"), new Uri("https://login.microsoftonline.com")),
        ScimGraphEnvironment.USGov => new(environment, new Uri("https://graph.microsoft.us"), new Uri("https://login.microsoftonline.us")),
        ScimGraphEnvironment.USGovDoD => new(environment, new Uri("https://dod-graph.microsoft.us"), new Uri("https://login.microsoftonline.us")),
        _ => throw new NotSupportedException(
            "Microsoft Graph in China (21Vianet) is not supported: Microsoft's documentation does not list validateCredentials, the synchronization schema " +
            "or the provisioning logs (GET /auditLogs/provisioning) as available there, so the guide's steps cannot be automated. " +
            "Use -Environment Global, USGov or USGovDoD, or -GraphEndpoint to name another Graph root explicitly."),
    };
}
