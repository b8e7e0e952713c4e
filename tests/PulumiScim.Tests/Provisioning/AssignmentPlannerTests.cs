// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using PulumiScim.Provisioning;

namespace PulumiScim.Tests.Provisioning;

public class AssignmentPlannerTests
{
    private static readonly Guid s_userRole = Guid.Parse("18d14569-c3bd-439b-9a66-3a2aee01d14f");
    private static readonly Guid s_msiamAccess = Guid.Parse("b9632174-c057-4f7e-951b-be3adc52bfe6");

    /// <summary>The non-gallery template's roles as Graph returns them.</summary>
    private static IReadOnlyList<AppRoleInfo> TemplateRoles() => AppRoleInfo.FromJson(JsonNode.Parse("""
        [
          {"allowedMemberTypes":["User"],"description":"msiam_access","displayName":"msiam_access","id":"b9632174-c057-4f7e-951b-be3adc52bfe6","isEnabled":true,"origin":"Application","value":null},
          {"allowedMemberTypes":["User"],"description":"User","displayName":"User","id":"18d14569-c3bd-439b-9a66-3a2aee01d14f","isEnabled":true,"origin":"Application","value":null}
        ]
        """));

    private static readonly WantedPrincipal s_grace = new("11111111-1111-1111-1111-111111111111", "Grace Hopper", PrincipalKind.User);
    private static readonly WantedPrincipal s_team = new("22222222-2222-2222-2222-222222222222", "Platform Team", PrincipalKind.Group);

    [Fact]
    public void TemplateRoles_PickTheUserRole()
    {
        Assert.Equal((s_userRole, "User"), AssignmentPlanner.SelectRole(TemplateRoles()));
    }

    [Fact]
    public void UserRole_IsFoundByValueToo()
    {
        IReadOnlyList<AppRoleInfo> roles = [new(Guid.NewGuid(), "Admins", "admin"), new(s_userRole, "Standard member", "User")];

        Assert.Equal((s_userRole, "Standard member"), AssignmentPlanner.SelectRole(roles));
    }

    [Fact]
    public void WithoutAUserRole_MsiamAccessIsPicked()
    {
        IReadOnlyList<AppRoleInfo> roles = [new(Guid.NewGuid(), "Admins", "admin"), new(s_msiamAccess, "msiam_access", null)];

        Assert.Equal((s_msiamAccess, "msiam_access"), AssignmentPlanner.SelectRole(roles));
    }

    [Fact]
    public void DisabledOrApplicationOnlyUserRoles_AreSkipped()
    {
        IReadOnlyList<AppRoleInfo> roles =
        [
            new(Guid.NewGuid(), "User", null, IsEnabled: false),
            new(Guid.NewGuid(), "User", null, AllowedMemberTypes: ["Application"]),
            new(s_msiamAccess, "msiam_access", null, AllowedMemberTypes: ["Application", "User"]),
        ];

        Assert.Equal(s_msiamAccess, AssignmentPlanner.SelectRole(roles).Id);
    }

    [Fact]
    public void NoDeclaredRoles_UseTheDefaultAccessRole()
    {
        Assert.Equal((Guid.Empty, "Default Access"), AssignmentPlanner.SelectRole([]));
        Assert.Equal(Guid.Empty, AssignmentPlanner.SelectRole(AppRoleInfo.FromJson(null)).Id);
    }

    [Fact]
    public void DeclaredRolesWithoutAnAssignableOne_AreAnErrorThatSaysWhatToAdd()
    {
        IReadOnlyList<AppRoleInfo> roles = [new(Guid.NewGuid(), "Admins", "admin"), new(Guid.NewGuid(), "User", null, IsEnabled: false)];

        var error = Assert.Throws<ProvisioningPlanException>(() => AssignmentPlanner.SelectRole(roles));

        Assert.Contains("('Admins', 'User' (disabled))", error.Message, StringComparison.Ordinal);
        Assert.Contains("Add or enable a 'User' app role", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AddsWhatIsMissingAndReportsWhatExists()
    {
        ExistingAssignment[] current = [new(s_grace.Id.ToUpperInvariant(), s_msiamAccess)];

        var plan = AssignmentPlanner.Plan(current, [s_grace, s_team, s_team], TemplateRoles());

        Assert.Equal(
            [new AssignmentChange(s_team.Id, "Platform Team", PrincipalKind.Group, s_userRole, "assign group Platform Team (role User)")],
            plan.ToAdd);
        Assert.Equal([s_grace], plan.AlreadyAssigned);
        Assert.Equal((s_userRole, "User"), (plan.AppRoleId, plan.AppRoleName));
        Assert.Equal("assign group Platform Team (role User)", plan.Summary);
    }

    [Fact]
    public void Plan_WhenAllAreAssigned_IsEmpty()
    {
        ExistingAssignment[] current = [new(s_grace.Id, null), new(s_team.Id, s_userRole)];

        var plan = AssignmentPlanner.Plan(current, [s_grace, s_team], TemplateRoles());

        Assert.True(plan.IsEmpty);
        Assert.Equal("no changes", plan.Summary);
        Assert.Equal(2, plan.AlreadyAssigned.Count);
    }

    [Fact]
    public void Plan_OfUsers_DescribesThemAsUsers()
    {
        var plan = AssignmentPlanner.Plan([], [s_grace], TemplateRoles());

        Assert.Equal("assign user Grace Hopper (role User)", plan.ToAdd.Single().Description);
    }

    [Fact]
    public void FromJson_SkipsEntriesWithoutAGuidAndReadsDefaults()
    {
        var roles = AppRoleInfo.FromJson(JsonNode.Parse("""
            [{"id":"not-a-guid","displayName":"x"},{"id":"18d14569-c3bd-439b-9a66-3a2aee01d14f"},"junk"]
            """));

        Assert.Equal([new AppRoleInfo(s_userRole, null, null)], roles);
        Assert.Equal(s_userRole.ToString(), roles[0].Label);
    }
}
