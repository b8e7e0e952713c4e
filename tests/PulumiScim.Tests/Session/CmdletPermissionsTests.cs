// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text;
using PulumiScim.Permissions;

namespace PulumiScim.Tests.Session;

/// <summary>Reading a token's grants, and the least-privilege sets the permission table lists.</summary>
public sealed class CmdletPermissionsTests
{
    private static string Jwt(string payloadJson) =>
        "eyJ0eXAiOiJKV1QifQ." + Convert.ToBase64String(Encoding.UTF8.GetBytes(payloadJson)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".c2ln";

    [Fact]
    public void ReadsRolesOrScopes_AndNothingFromAnOpaqueToken()
    {
        GrantedPermissions? app = GrantedPermissions.FromToken(Jwt("""{"roles":["Application.Read.All","AuditLog.Read.All"]}"""));
        Assert.NotNull(app);
        Assert.False(app.IsDelegated);
        Assert.Equal(["Application.Read.All", "AuditLog.Read.All"], app.Granted);

        GrantedPermissions? user = GrantedPermissions.FromToken(Jwt("""{"scp":"Synchronization.ReadWrite.All User.Read"}"""));
        Assert.True(user!.IsDelegated);
        Assert.Equal("Delegated", user.Kind);
        Assert.Equal(["Synchronization.ReadWrite.All", "User.Read"], user.Granted);

        Assert.Null(GrantedPermissions.FromToken("opaque-token"));
        Assert.Null(GrantedPermissions.FromToken("a.%%%.c"));
    }

    [Fact]
    public void EveryListedSetMeetsEveryNeed_AndNoPermissionInItIsSpare()
    {
        foreach (var (cmdlet, row) in CmdletPermissions.Table)
        {
            foreach (string[] options in new[] { Array.Empty<string>() }.Concat(row.SelectMany(n => n.Options).Distinct().Select(o => new[] { o })))
            {
                IReadOnlyList<string> least = CmdletPermissions.LeastApplication(cmdlet, options);
                var needs = CmdletPermissions.Applicable(cmdlet, options).ToList();
                Assert.All(needs, n => Assert.True(new GrantedPermissions(false, least).SatisfiesAny(n.Application), $"{cmdlet} {string.Join(' ', options)}: {n.Name}"));
                foreach (string p in least)
                {
                    var without = new GrantedPermissions(false, least.Where(x => x != p).ToList());
                    Assert.True(needs.Any(n => !without.SatisfiesAny(n.Application)), $"{cmdlet} {string.Join(' ', options)} lists {p} but does not need it");
                }
            }
        }
    }

    [Fact]
    public void EveryCmdletThatTalksToGraphHasARow()
    {
        var graphCmdlets = typeof(Commands.ScimSessionCmdletBase).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Commands.ScimSessionCmdletBase)) && !t.IsAbstract)
            .Select(t => t.CustomAttributes.Single(a => a.AttributeType.Name == "CmdletAttribute"))
            .Select(a => $"{a.ConstructorArguments[0].Value}-{a.ConstructorArguments[1].Value}")
            .ToList();
        Assert.NotEmpty(graphCmdlets);
        Assert.All(graphCmdlets, c => Assert.True(CmdletPermissions.Table.ContainsKey(c), $"{c} has no row in CmdletPermissions.Table"));
    }

    [Theory]
    [InlineData("GET", "/v1.0/servicePrincipals/5e0", "find the app")]
    [InlineData("GET", "/v1.0/servicePrincipals/5e0/synchronization/secrets", "read and change the provisioning job, its secrets and schema")]
    [InlineData("POST", "/v1.0/servicePrincipals/5e0/appRoleAssignedTo", "assign users and groups")]
    [InlineData("GET", "/v1.0/auditLogs/provisioning", "read the provisioning logs")]
    [InlineData("GET", "/v1.0/groups/g1/members", "read group members")]
    public void NamesTheNeedBehindACall(string method, string path, string need) =>
        Assert.Equal(need, CmdletPermissions.ForCall(method, path)?.Name);
}
