// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace PulumiScim.Sandbox.State;

/// <summary>Options from the seed's <c>options</c> object (docs/sandbox.md).</summary>
internal sealed class SandboxOptions
{
    public int ReplicationDelayMs { get; set; }

    public int CycleDelayMs { get; set; }

    public int PageSize { get; set; } = 50;

    public bool ThrottleProvisioningLogs { get; set; }

    /// <summary>How long every Graph and SCIM request is delayed server-side (the latency model).</summary>
    public int LatencyMs { get; set; }

    /// <summary>How many Microsoft-owned service principals the tenant holds beside its own apps.</summary>
    public int FirstPartyServicePrincipals { get; set; }

    public static SandboxOptions From(JsonObject? options) => new()
    {
        ReplicationDelayMs = options?["replicationDelayMs"]?.GetValue<int>() ?? 0,
        CycleDelayMs = options?["cycleDelayMs"]?.GetValue<int>() ?? 0,
        PageSize = options?["pageSize"]?.GetValue<int>() ?? 50,
        ThrottleProvisioningLogs = options?["throttleProvisioningLogs"]?.GetValue<bool>() ?? false,
        LatencyMs = options?["latencyMs"]?.GetValue<int>() ?? 0,
        FirstPartyServicePrincipals = options?["firstPartyServicePrincipals"]?.GetValue<int>() ?? 0,
    };
}

/// <summary>A synchronization job and its schema.</summary>
internal sealed class JobState
{
    public JobState(JsonObject job, JsonObject schema)
    {
        Job = job;
        Schema = schema;
    }

    public JsonObject Job { get; set; }

    public JsonObject Schema { get; set; }

    public string Id => (string)Job["id"]!;

    /// <summary>The resetScope of the last restart ("" for a plain restart), for the provisioning engine.</summary>
    public string? LastResetScope { get; set; }
}

/// <summary>An enterprise app: the application object, its service principal, assignments and synchronization.</summary>
internal sealed class AppState
{
    public AppState(JsonObject application, JsonObject servicePrincipal)
    {
        Application = application;
        ServicePrincipal = servicePrincipal;
    }

    public JsonObject Application { get; }

    public JsonObject ServicePrincipal { get; }

    public string ServicePrincipalId => (string)ServicePrincipal["id"]!;

    public string AppId => (string)ServicePrincipal["appId"]!;

    public List<JsonObject> Assignments { get; } = [];

    /// <summary>
    /// Assignments deleted moments ago: gone (a second DELETE answers 404, the engine no longer sees them) but still
    /// listed by <c>GET .../appRoleAssignedTo</c> until their time passes (replication, options.replicationDelayMs).
    /// </summary>
    public List<(JsonObject Assignment, DateTime ListedUntil)> Departing { get; } = [];

    /// <summary>The assignments <c>GET .../appRoleAssignedTo</c> lists now: the visible ones and the departing ones.</summary>
    public List<JsonObject> ListedAssignments(SandboxState state)
    {
        DateTime now = DateTime.UtcNow;
        Departing.RemoveAll(d => d.ListedUntil <= now);
        return Assignments.Where(a => state.IsVisible((string)a["id"]!)).Concat(Departing.Select(d => d.Assignment)).ToList();
    }

    public List<JobState> Jobs { get; } = [];

    /// <summary>The owners' object ids (application and service principal alike); Application.ReadWrite.OwnedBy acts only on these.</summary>
    public List<string> Owners { get; } = [];

    /// <summary>The saved secrets (synchronizationSecretKeyStringValuePair), values in clear: the sandbox is a test double.</summary>
    public List<JsonObject> Secrets { get; } = [];
}

/// <summary>A Pulumi organization on the sandbox's SCIM side.</summary>
internal sealed class PulumiOrgState
{
    public PulumiOrgState(string name, string token)
    {
        Name = name;
        Token = token;
    }

    public string Name { get; }

    public string Token { get; set; }

    public List<JsonObject> Users { get; } = [];

    public List<JsonObject> Groups { get; } = [];

    /// <summary>Unknown seed properties, echoed back by the state export.</summary>
    public JsonObject Extra { get; } = [];
}

/// <summary>The sandbox's whole in-memory tenant. Every access holds <see cref="Sync"/>.</summary>
internal sealed class SandboxState
{
    public object Sync { get; } = new();

    public string TenantId { get; set; } = Guid.NewGuid().ToString();

    public List<JsonObject> Users { get; } = [];

    public List<JsonObject> Groups { get; } = [];

    public List<AppState> Applications { get; } = [];

    /// <summary>
    /// Microsoft's own service principals in the tenant (options.firstPartyServicePrincipals): listed by
    /// <c>GET /servicePrincipals</c>, but not enterprise apps (no WindowsAzureActiveDirectoryIntegratedApp tag) and
    /// with no application object here (theirs lives in Microsoft's tenant).
    /// </summary>
    public List<JsonObject> FirstPartyServicePrincipals { get; } = [];

    public List<PulumiOrgState> Organizations { get; } = [];

    public HashSet<string> TakenUserNames { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> TakenEmails { get; } = new(StringComparer.OrdinalIgnoreCase);

    public SandboxOptions Options { get; set; } = new();

    /// <summary>
    /// The national cloud the sandbox plays. Apps (seeded and instantiated) carry its non-gallery template id, and
    /// instantiate accepts only that id. Setting it re-labels the apps already loaded.
    /// </summary>
    public SandboxCloud Cloud
    {
        get => _cloud;
        set
        {
            _cloud = value;
            foreach (AppState app in Applications)
            {
                app.Application["applicationTemplateId"] = SandboxClouds.NonGalleryTemplateId(value);
                app.ServicePrincipal["applicationTemplateId"] = SandboxClouds.NonGalleryTemplateId(value);
            }
        }
    }

    private SandboxCloud _cloud;

    /// <summary>The provisioning log (<c>GET /auditLogs/provisioning</c>): seeded, generated and appended entries.</summary>
    public ProvisioningLogStore ProvisioningLogs { get; set; } = new();

    /// <summary>Objects created through the API stay invisible (404) until this time (eventual consistency).</summary>
    public Dictionary<string, DateTime> VisibleAfter { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool IsVisible(string id) => !VisibleAfter.TryGetValue(id, out DateTime t) || DateTime.UtcNow >= t;

    public void MarkCreated(string id)
    {
        if (Options.ReplicationDelayMs > 0)
        {
            VisibleAfter[id] = DateTime.UtcNow.AddMilliseconds(Options.ReplicationDelayMs);
        }
    }

    public string TenantIdNoHyphens => TenantId.Replace("-", string.Empty, StringComparison.Ordinal);

    /// <summary>Finds a user by object id or userPrincipalName (case-insensitive), as <c>/users/{id | userPrincipalName}</c> does.</summary>
    public JsonObject? FindUser(string idOrUpn) => Users.FirstOrDefault(u =>
        string.Equals((string?)u["id"], idOrUpn, StringComparison.OrdinalIgnoreCase)
        || string.Equals((string?)u["userPrincipalName"], idOrUpn, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds a group by object id.</summary>
    public JsonObject? FindGroup(string id) => Groups.FirstOrDefault(g => string.Equals((string?)g["id"], id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds the app whose service principal has the object id <paramref name="servicePrincipalId"/>.</summary>
    public AppState? FindApp(string servicePrincipalId) => Applications.FirstOrDefault(a =>
        string.Equals(a.ServicePrincipalId, servicePrincipalId, StringComparison.OrdinalIgnoreCase));

    /// <summary>Replaces this state's whole content with <paramref name="other"/>'s (<c>POST /_sandbox/state</c>). Hold <see cref="Sync"/>.</summary>
    public void ReplaceFrom(SandboxState other)
    {
        TenantId = other.TenantId;
        Options = other.Options;
        other.Cloud = Cloud;
        ProvisioningLogs = other.ProvisioningLogs;
        Replace(Users, other.Users);
        Replace(Groups, other.Groups);
        Replace(Applications, other.Applications);
        Replace(FirstPartyServicePrincipals, other.FirstPartyServicePrincipals);
        Replace(Organizations, other.Organizations);
        TakenUserNames.Clear();
        TakenUserNames.UnionWith(other.TakenUserNames);
        TakenEmails.Clear();
        TakenEmails.UnionWith(other.TakenEmails);
        VisibleAfter.Clear();
        foreach (var kv in other.VisibleAfter)
        {
            VisibleAfter[kv.Key] = kv.Value;
        }
    }

    private static void Replace<T>(List<T> target, List<T> source)
    {
        target.Clear();
        target.AddRange(source);
    }
}
