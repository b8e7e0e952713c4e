// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>Writes the live state in the seed format (<c>GET /_sandbox/state</c>).</summary>
internal static class StateExporter
{
    public static JsonObject Export(SandboxState state)
    {
        lock (state.Sync)
        {
            return new JsonObject
            {
                ["tenantId"] = state.TenantId,
                ["users"] = Clone(state.Users),
                ["groups"] = Clone(state.Groups),
                ["applications"] = new JsonArray(state.Applications.Select(a => (JsonNode)new JsonObject
                {
                    ["displayName"] = (string?)a.ServicePrincipal["displayName"],
                    ["appId"] = a.AppId,
                    ["applicationId"] = (string?)a.Application["id"],
                    ["servicePrincipalId"] = a.ServicePrincipalId,
                    ["appRoles"] = a.ServicePrincipal["appRoles"]?.DeepClone(),
                    ["identifierUris"] = a.Application["identifierUris"]?.DeepClone(),
                    ["replyUrls"] = a.ServicePrincipal["replyUrls"]?.DeepClone(),
                    ["owners"] = new JsonArray(a.Owners.Select(o => (JsonNode)o).ToArray()),
                    ["assignments"] = Clone(a.Assignments),
                    ["synchronization"] = a.Jobs.Count == 0 && a.Secrets.Count == 0 ? null : new JsonObject
                    {
                        ["jobs"] = new JsonArray(a.Jobs.Select(j =>
                        {
                            var job = (JsonObject)j.Job.DeepClone();
                            job["schema"] = j.Schema.DeepClone();
                            return (JsonNode)job;
                        }).ToArray()),
                        ["secrets"] = Clone(a.Secrets),
                    },
                }).ToArray()),
                ["pulumi"] = new JsonObject
                {
                    ["organizations"] = new JsonArray(state.Organizations.Select(o => (JsonNode)new JsonObject
                    {
                        ["name"] = o.Name,
                        ["token"] = o.Token,
                        ["users"] = Clone(o.Users),
                        ["groups"] = Clone(o.Groups),
                    }).ToArray()),
                    ["takenUserNames"] = new JsonArray(state.TakenUserNames.Select(n => (JsonNode)n).ToArray()),
                    ["takenEmails"] = new JsonArray(state.TakenEmails.Select(n => (JsonNode)n).ToArray()),
                },
                ["provisioningLogs"] = new JsonObject
                {
                    ["generate"] = state.ProvisioningLogs.Generator?.Spec.DeepClone(),
                    ["entries"] = Clone(state.ProvisioningLogs.ExplicitEntries),
                },
                ["options"] = new JsonObject
                {
                    ["replicationDelayMs"] = state.Options.ReplicationDelayMs,
                    ["cycleDelayMs"] = state.Options.CycleDelayMs,
                    ["pageSize"] = state.Options.PageSize,
                    ["throttleProvisioningLogs"] = state.Options.ThrottleProvisioningLogs,
                    ["latencyMs"] = state.Options.LatencyMs,
                    ["firstPartyServicePrincipals"] = state.Options.FirstPartyServicePrincipals,
                },
            };
        }
    }

    private static JsonArray Clone(IEnumerable<JsonObject> items) => new(items.Select(i => (JsonNode)i.DeepClone()).ToArray());
}
