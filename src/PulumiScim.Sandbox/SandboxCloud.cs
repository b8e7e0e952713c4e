// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

namespace PulumiScim.Sandbox;

/// <summary>The Microsoft Graph national cloud a sandbox plays.</summary>
public enum SandboxCloud
{
    /// <summary>Global Azure.</summary>
    Global,

    /// <summary>US Government L4 (GCC High).</summary>
    USGov,

    /// <summary>US Government L5 (DoD).</summary>
    USGovDoD,
}

/// <summary>What differs between the clouds a sandbox can play.</summary>
public static class SandboxClouds
{
    /// <summary>The non-gallery (custom) application template of the global service.</summary>
    public const string GlobalNonGalleryTemplateId = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

    /// <summary>The non-gallery application template of the US Government clouds.</summary>
    public const string USGovNonGalleryTemplateId = "4602d0b4-76bb-404b-bca9-2652e1a39c6d";

    /// <summary>
    /// The id of the template <c>POST /applicationTemplates/{id}/instantiate</c> creates a non-gallery app from, per
    /// cloud (Graph: "applicationTemplate: instantiate" lists one id for the global service and one for "US
    /// government", which covers both US Government L4 and L5 (DoD)).
    /// </summary>
    /// <param name="cloud">The cloud.</param>
    /// <returns>The template id.</returns>
    public static string NonGalleryTemplateId(SandboxCloud cloud) =>
        cloud == SandboxCloud.Global ? GlobalNonGalleryTemplateId : USGovNonGalleryTemplateId;
}
