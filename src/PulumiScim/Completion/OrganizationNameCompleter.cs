// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.Json.Nodes;
using PulumiScim.Graph;
using PulumiScim.Provisioning;
using PulumiScim.Session;

namespace PulumiScim.Commands;

/// <summary>Completes -OrganizationName from the apps' saved Tenant URLs and SAML URLs.</summary>
public sealed class OrganizationNameCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (SessionStore.Current is not { IsDisconnected: false } session)
        {
            return [];
        }

        string[] names = CompletionCache.Get(session, "orgs", async ct =>
        {
            var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            await foreach (JsonObject sp in session.Graph.ListAsync(ApplicationQueries.WithQuery("servicePrincipals", ("$select", "id,replyUrls,servicePrincipalNames"), ("$top", "999")), ct).ConfigureAwait(false))
            {
                var reply = (sp["replyUrls"] as JsonArray ?? []).Select(n => (string?)n);
                var spn = (sp["servicePrincipalNames"] as JsonArray ?? []).Select(n => (string?)n);
                if (PulumiNames.TryInferOrgName(reply, spn, out OrgNameInference? org, out _))
                {
                    found.Add(org.Name);
                }

                var secrets = await session.Graph.SendAsync(HttpMethod.Get, $"servicePrincipals/{(string?)sp["id"]}/synchronization/secrets", (JsonNode?)null, ct).ConfigureAwait(false);
                string? baseAddress = (secrets.Body?["value"] as JsonArray ?? []).OfType<JsonObject>()
                    .Where(s => (string?)s["key"] == "BaseAddress").Select(s => (string?)s["value"]).FirstOrDefault();
                if (PulumiNames.TryParseTenantUrl(baseAddress, out _, out string? saved))
                {
                    found.Add(saved);
                }
            }

            return found.ToArray();
        });
        return CompletionCache.Complete(names, wordToComplete);
    }
}
