// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;

namespace PulumiScim.Permissions;

/// <summary>
/// One kind of Graph call the module makes and the permissions it needs, from the Permissions table of the Graph v1.0
/// doc named in <see cref="Doc"/>. A cell reads "A | B+C": any one alternative (separated by '|'); an alternative
/// joined by '+' needs all of its permissions. The first alternative is the least privileged one.
/// </summary>
internal sealed class GraphNeed
{
    public GraphNeed(string name, string doc, string pathPattern, string application, string delegated)
    {
        Name = name;
        Doc = doc;
        _pathPattern = pathPattern;
        Application = Parse(application);
        Delegated = Parse(delegated);
    }

    /// <summary>What the module does with the call, for error messages ("find the app").</summary>
    public string Name { get; }

    /// <summary>The Graph doc page(s) whose Permissions table the row copies.</summary>
    public string Doc { get; }

    private readonly string _pathPattern;
    private Regex? _path;

    /// <summary>Matches "METHOD /v1.0/path" of the calls this need covers (to name the need behind a 403).</summary>
    /// <remarks>
    /// Built on first use: only a failed call asks, and building the table's regexes up front cost a fresh process
    /// 30-60 ms of CPU on its first cmdlet (measured in a fresh pwsh: the table's static constructor).
    /// </remarks>
    public Regex Path => LazyInitializer.EnsureInitialized(ref _path, () => new Regex(_pathPattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase));

    /// <summary>Application-permission alternatives (app-only tokens: managed identity, client secret, certificate).</summary>
    public IReadOnlyList<string[]> Application { get; }

    /// <summary>Delegated-permission alternatives (a signed-in user's scopes).</summary>
    public IReadOnlyList<string[]> Delegated { get; }

    /// <summary>The alternatives for a token of one kind.</summary>
    public IReadOnlyList<string[]> For(bool delegated) => delegated ? Delegated : Application;

    /// <summary>The alternatives as text: "A, or B and C".</summary>
    public static string Describe(IReadOnlyList<string[]> alternatives) =>
        string.Join(", or ", alternatives.Select(a => string.Join(" and ", a)));

    private static string[][] Parse(string cell) => cell
        .Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(a => a.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .ToArray();
}

/// <summary>A need of a cmdlet, always or only when one of <see cref="Options"/> is bound.</summary>
/// <param name="Need">The Graph call kind.</param>
/// <param name="Options">Parameters that bring the need in; empty when the cmdlet always has it.</param>
internal sealed record CmdletNeed(GraphNeed Need, IReadOnlyList<string> Options);

/// <summary>
/// The one table of what each cmdlet needs from Microsoft Graph: every call it makes, including the app lookup, and
/// per option. The README's "Permissions" table is generated from it (<see cref="MarkdownTable"/>; a test compares).
/// To add a cmdlet, add a <see cref="Row"/> listing its needs (<see cref="Always"/> and <see cref="When"/>); a new
/// kind of Graph call gets a <see cref="GraphNeed"/> first, copied from its doc's Permissions table.
/// </summary>
internal static class CmdletPermissions
{
    private const string Sp = @"/v1\.0/servicePrincipals/[^/]+";

    /// <summary>Listing service principals and applications by name or id (every cmdlet that looks an app up).</summary>
    public static readonly GraphNeed FindApp = new(
        "find the app", "List servicePrincipals; Get servicePrincipal", @"^GET /v1\.0/(servicePrincipals|applications)(/[^/]+|\(appId='[^']*'\))?$",
        "Application.Read.All | Application.ReadWrite.All | Directory.Read.All",
        "Application.Read.All | Application.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All");

    /// <summary>
    /// The provisioning job, its secrets and schema: every <c>/synchronization</c> call. The job reads alone would take
    /// Synchronization.Read.All, but reading the saved Tenant URL back (secrets) is documented only for writing.
    /// </summary>
    public static readonly GraphNeed Synchronization = new(
        "read and change the provisioning job, its secrets and schema",
        "Get/Create/Start/Pause/Restart synchronizationJob; Add synchronization secrets; Update synchronizationSchema; provisionOnDemand; validateCredentials",
        "^(GET|POST|PUT|DELETE) " + Sp + "/synchronization(/.*)?$",
        "Application.ReadWrite.OwnedBy | Synchronization.ReadWrite.All",
        "Synchronization.ReadWrite.All");

    /// <summary>Creating the enterprise app from the non-gallery template.</summary>
    public static readonly GraphNeed CreateApp = new(
        "create the enterprise app", "applicationTemplate: instantiate", @"^POST /v1\.0/applicationTemplates/[^/]+/instantiate$",
        "Application.ReadWrite.OwnedBy | Application.ReadWrite.All | Directory.ReadWrite.All",
        "Application.ReadWrite.All | Directory.ReadWrite.All");

    /// <summary>Reading the app's user and group assignments.</summary>
    public static readonly GraphNeed ReadAssignments = new(
        "read the app's assignments", "List appRoleAssignments granted for a service principal", "^GET " + Sp + "/appRoleAssignedTo$",
        "Application.Read.All | Application.ReadWrite.OwnedBy | Directory.Read.All | Application.ReadWrite.All | Directory.ReadWrite.All",
        "Application.Read.All | Directory.Read.All | Application.ReadWrite.All | Directory.ReadWrite.All");

    /// <summary>Assigning users and groups.</summary>
    public static readonly GraphNeed Assign = new(
        "assign users and groups", "Grant an appRoleAssignment for a service principal", "^POST " + Sp + "/appRoleAssignedTo$",
        "AppRoleAssignment.ReadWrite.All+Application.Read.All | AppRoleAssignment.ReadWrite.All+Directory.Read.All",
        "AppRoleAssignment.ReadWrite.All+Application.Read.All | AppRoleAssignment.ReadWrite.All+Directory.Read.All");

    /// <summary>Removing assignments.</summary>
    public static readonly GraphNeed Unassign = new(
        "remove assignments", "Delete appRoleAssignedTo", "^DELETE " + Sp + "/appRoleAssignedTo/[^/]+$",
        "AppRoleAssignment.ReadWrite.All", "AppRoleAssignment.ReadWrite.All");

    /// <summary>Reading users by id, name or display name.</summary>
    public static readonly GraphNeed ReadUsers = new(
        "read users", "List users; Get user", @"^GET /v1\.0/users(/[^/]+)?$",
        "User.Read.All | User.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All",
        "User.ReadBasic.All | User.Read.All | Directory.Read.All | User.ReadWrite.All | Directory.ReadWrite.All");

    /// <summary>Reading groups by id or display name.</summary>
    public static readonly GraphNeed ReadGroups = new(
        "read groups", "List groups; Get group", @"^GET /v1\.0/groups(/[^/]+)?$",
        "GroupMember.Read.All | Group.Read.All | Group.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All",
        "GroupMember.Read.All | Group.Read.All | Group.ReadWrite.All | Directory.Read.All | Directory.ReadWrite.All");

    /// <summary>Reading a group's members.</summary>
    public static readonly GraphNeed ReadMembers = new(
        "read group members", "List group members", @"^GET /v1\.0/groups/[^/]+/members$",
        "GroupMember.Read.All | Directory.Read.All | Group.Read.All | Group.ReadWrite.All | GroupMember.ReadWrite.All",
        "GroupMember.Read.All | Directory.Read.All | Group.Read.All | Group.ReadWrite.All | GroupMember.ReadWrite.All");

    /// <summary>Reading the provisioning logs.</summary>
    public static readonly GraphNeed ReadLogs = new(
        "read the provisioning logs", "List provisioningObjectSummary", @"^GET /v1\.0/auditLogs/provisioning$",
        "AuditLog.Read.All+Directory.Read.All", "AuditLog.Read.All+Directory.Read.All");

    /// <summary>Every kind of call, to name what a 403 answer's call needs.</summary>
    public static readonly IReadOnlyList<GraphNeed> Needs = [FindApp, Synchronization, CreateApp, ReadAssignments, Assign, Unassign, ReadUsers, ReadGroups, ReadMembers, ReadLogs];

    private static readonly CmdletNeed[] s_app = [Always(FindApp), Always(Synchronization)];

    /// <summary>The table: cmdlet name to its needs. Cmdlets that make no Graph call have no row.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<CmdletNeed>> Table = new Dictionary<string, IReadOnlyList<CmdletNeed>>(StringComparer.OrdinalIgnoreCase)
    {
        ["Get-ScimApplication"] = Row(s_app),
        ["New-ScimApplication"] = Row(s_app, Always(CreateApp)),
        ["Set-ScimTenant"] = Row(s_app),
        ["Set-ScimUserMapping"] = Row(s_app),
        ["Enable-ScimGroupProvisioning"] = Row(s_app),
        ["Disable-ScimGroupProvisioning"] = Row(s_app),
        ["Get-ScimMapping"] = Row(s_app),
        ["Export-ScimSchema"] = Row(s_app),
        ["Import-ScimSchema"] = Row(s_app),
        ["Start-ScimProvisioning"] = Row(s_app),
        ["Stop-ScimProvisioning"] = Row(s_app),
        ["Get-ScimProvisioningStatus"] = Row(s_app),
        ["Wait-ScimProvisioning"] = Row(s_app),
        ["Get-ScimAssignment"] = Row(s_app, Always(ReadAssignments)),
        ["Add-ScimAssignment"] = Row(s_app, Always(ReadAssignments), Always(Assign), When(ReadUsers, "User"), When(ReadGroups, "Group")),
        ["Remove-ScimAssignment"] = Row(s_app, Always(ReadAssignments), Always(Unassign), When(ReadUsers, "User"), When(ReadGroups, "Group")),
        ["Invoke-ScimProvisioningOnDemand"] = Row(s_app, When(ReadUsers, "User"), When(ReadGroups, "Group")),
        ["Test-ScimConfiguration"] = Row(s_app, Always(ReadAssignments), When(ReadUsers, "User", "IncludeUsers"), When(ReadGroups, "Group"), When(ReadMembers, "IncludeUsers"), When(ReadLogs, "IncludeUsers")),
        ["Compare-ScimProvisioning"] = Row(s_app, Always(ReadAssignments), Always(ReadMembers), Always(ReadUsers), Always(ReadLogs)),
        ["Get-ScimProvisioningLog"] = Row([Always(ReadLogs), When(FindApp, "DisplayName"), When(Synchronization, "DisplayName"), When(ReadUsers, "User")]),
    };

    /// <summary>A need the cmdlet always has.</summary>
    public static CmdletNeed Always(GraphNeed need) => new(need, []);

    /// <summary>A need the cmdlet has when one of <paramref name="options"/> is bound.</summary>
    public static CmdletNeed When(GraphNeed need, params string[] options) => new(need, options);

    /// <summary>The needs that apply to one invocation, given its bound parameters.</summary>
    public static IEnumerable<GraphNeed> Applicable(string cmdlet, ICollection<string> boundParameters) =>
        Table.TryGetValue(cmdlet, out IReadOnlyList<CmdletNeed>? row)
            ? row.Where(n => n.Options.Count == 0 || n.Options.Any(o => boundParameters.Contains(o))).Select(n => n.Need).Distinct()
            : [];

    /// <summary>
    /// The least privileged application permissions of a cmdlet with the given options: the first (least privileged)
    /// alternative of each need, less any permission another one already covers (Directory.Read.All, needed for the
    /// logs, also reads users, groups and apps). Each one left is needed: without it some need is unmet.
    /// </summary>
    public static IReadOnlyList<string> LeastApplication(string cmdlet, ICollection<string> options)
    {
        var needs = Applicable(cmdlet, options).ToList();
        var set = needs.SelectMany(n => n.Application[0]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (string permission in set.ToList())
        {
            var without = set.Where(p => !string.Equals(p, permission, StringComparison.OrdinalIgnoreCase)).ToList();
            if (needs.All(n => n.Application.Any(a => a.All(p => without.Contains(p, StringComparer.OrdinalIgnoreCase)))))
            {
                set = without;
            }
        }

        return set;
    }

    /// <summary>The need behind a failed call ("GET /v1.0/servicePrincipals/..."), or null.</summary>
    public static GraphNeed? ForCall(string method, string path) =>
        Needs.FirstOrDefault(n => n.Path.IsMatch(method.ToUpperInvariant() + " " + path));

    /// <summary>The README's permission table, generated from <see cref="Table"/> (lines of at most 120 characters).</summary>
    public static string MarkdownTable()
    {
        IReadOnlyList<string> app = LeastApplication("Get-ScimApplication", []);
        var lines = new List<string>
        {
            $"*app* = {string.Join(", ", app)}: finding the app and reading its provisioning job.",
            string.Empty,
            "| Cmdlet (option) | Least privileged application permissions |",
            "|---|---|",
        };
        foreach (var (cmdlet, row) in Table)
        {
            lines.Add(Line($"`{cmdlet}`", LeastApplication(cmdlet, []), app));
            foreach (string option in row.SelectMany(n => n.Options).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                lines.Add(Line($"`{cmdlet} -{option}`", LeastApplication(cmdlet, [option]), app));
            }
        }

        return string.Join("\n", lines);
    }

    private static string Line(string what, IReadOnlyList<string> set, IReadOnlyList<string> app)
    {
        bool hasApp = app.All(p => set.Contains(p, StringComparer.OrdinalIgnoreCase));
        var shown = hasApp ? ["*app*", .. set.Except(app, StringComparer.OrdinalIgnoreCase)] : set;
        return $"| {what} | {string.Join(", ", shown)} |";
    }

    private static IReadOnlyList<CmdletNeed> Row(IEnumerable<CmdletNeed> first, params CmdletNeed[] more) => [.. first, .. more];
}
