using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Api;

/// <summary>
/// Users through the API of a real CMS: administrators add users, change roles, reset passwords and delete
/// users, never the first admin; a role change applies at the next request; a password change or reset ends
/// every session of that user.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class UserAccountTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private CmsUnderTest _cms = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.SqliteAsync();
        _cms = await CmsUnderTest.StartAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await _cms.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Administrators_manage_users_but_never_the_first_admin()
    {
        await (await _cms.PostAsync(CmsRoutes.Users, new AddUserRequest("otto", UserRoles.Operator, "short"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "auth.password-too-short");
        await (await _cms.PostAsync(CmsRoutes.Users, new AddUserRequest("otto", "boss", "long-enough"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "user.unknown-role");
        await (await _cms.PostAsync(CmsRoutes.Users, new AddUserRequest(" ", UserRoles.Operator, "long-enough"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "user.invalid-name");
        using var otto = await _cms.AddUserAsync("otto", UserRoles.Viewer, "otto-password");
        await (await _cms.PostAsync(CmsRoutes.Users, new AddUserRequest("otto", UserRoles.Operator, "long-enough"))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "user.name-duplicate");
        using var ada = await _cms.AddUserAsync("ada", UserRoles.Administrator, "ada-password");

        var users = (await _cms.GetAsync<UserList>(CmsRoutes.Users)).Users;
        users.Select(u => (u.Name, u.Role, u.IsFirstAdmin)).ShouldBe(
            [("admin", UserRoles.Administrator, true), ("otto", UserRoles.Viewer, false), ("ada", UserRoles.Administrator, false)]);
        var ottoId = users.Single(u => u.Name == "otto").Id;
        var firstAdminId = users.Single(u => u.IsFirstAdmin).Id;

        // Another administrator administers users too; a role change applies to the user's very next request.
        await (await otto.PostAsJsonAsync(CmsRoutes.ServerFailover(999).TrimStart('/'), new { }, ContractJson.Options)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "auth.role-forbidden");
        var promoted = await ada.PutAsJsonAsync(CmsRoutes.UserRole(ottoId).TrimStart('/'), new UserRoleRequest(UserRoles.Operator), ContractJson.Options);
        (await promoted.Content.ReadFromJsonAsync<UserView>(ContractJson.Options))!.Role.ShouldBe(UserRoles.Operator);
        await (await otto.PostAsJsonAsync(CmsRoutes.ServerFailover(999).TrimStart('/'), new { }, ContractJson.Options)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "server.not-found");

        // The first admin confirms footage-discarding actions: no one else may demote, reset or delete it.
        await (await ada.PutAsJsonAsync(CmsRoutes.UserRole(firstAdminId).TrimStart('/'), new UserRoleRequest(UserRoles.Viewer), ContractJson.Options))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "user.first-admin-protected");
        await (await ada.PutAsJsonAsync(CmsRoutes.UserPassword(firstAdminId).TrimStart('/'), new PasswordResetRequest("taken-over!"), ContractJson.Options))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "user.first-admin-protected");
        await (await ada.DeleteAsync(CmsRoutes.User(firstAdminId).TrimStart('/'))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "user.first-admin-protected");
        (await _cms.SignInAsync("admin", CmsUnderTest.Password)).Dispose();

        // A reset ends the user's sessions; a deletion too.
        await (await _cms.PutAsync(CmsRoutes.UserPassword(ottoId), new PasswordResetRequest("1234567"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "auth.password-too-short");
        (await otto.GetAsync(CmsRoutes.Servers.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK, "a refused reset ends nothing");
        await (await _cms.PutAsync(CmsRoutes.UserPassword(ottoId), new PasswordResetRequest("otto-new-password"))).ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        (await otto.GetAsync(CmsRoutes.Servers.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var ottoAgain = await _cms.SignInAsync("otto", "otto-new-password");
        await (await _cms.DeleteAsync(CmsRoutes.User(ottoId))).ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        (await ottoAgain.GetAsync(CmsRoutes.Servers.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _cms.GetAsync<UserList>(CmsRoutes.Users)).Users.Select(u => u.Name).ShouldBe(["admin", "ada"]);
        await (await _cms.DeleteAsync(CmsRoutes.User(ottoId))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "user.not-found");

        var log = (await _cms.GetAsync<EventList>(CmsRoutes.Events)).Events.Where(e => e.Kind == "operator").Select(e => (e.To, e.Actor)).ToList();
        log.ShouldBe([("delete user", "admin"), ("reset user password", "admin"), ("change user role", "ada"), ("add user", "admin"), ("add user", "admin")]);
    }

    [Fact]
    public async Task Changing_ones_own_password_ends_every_session_of_that_user_and_the_caller_goes_on_in_a_new_one()
    {
        using var laptop = await _cms.AddUserAsync("vera", UserRoles.Viewer, "vera-password");
        using var phone = await _cms.SignInAsync("vera", "vera-password");

        var wrong = await laptop.PutAsJsonAsync(CmsRoutes.Password.TrimStart('/'), new PasswordChangeRequest("not-it", "vera-new-password"), ContractJson.Options);
        await wrong.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "auth.wrong-credentials");
        var tooShort = await laptop.PutAsJsonAsync(CmsRoutes.Password.TrimStart('/'), new PasswordChangeRequest("vera-password", "short"), ContractJson.Options);
        await tooShort.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "auth.password-too-short");
        (await phone.GetAsync(CmsRoutes.Status.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK, "a refused change ends nothing");

        var changed = await laptop.PutAsJsonAsync(CmsRoutes.Password.TrimStart('/'), new PasswordChangeRequest("vera-password", "vera-new-password"), ContractJson.Options);
        await changed.ShouldHaveStatusAsync(HttpStatusCode.OK);
        var renewed = (await changed.Content.ReadFromJsonAsync<LoginResponse>(ContractJson.Options))!;
        renewed.User.ShouldBe("vera");
        renewed.Role.ShouldBe(UserRoles.Viewer);

        (await laptop.GetAsync(CmsRoutes.Status.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await phone.GetAsync(CmsRoutes.Status.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the other device's session ended too");
        using var renewedClient = _cms.NewClient();
        renewedClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", renewed.Token);
        (await renewedClient.GetAsync(CmsRoutes.Status.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var oldPassword = await _cms.Anonymous.PostAsJsonAsync(CmsRoutes.Login.TrimStart('/'), new LoginRequest("vera", "vera-password"), ContractJson.Options);
        await oldPassword.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "auth.wrong-credentials");
        (await _cms.SignInAsync("vera", "vera-new-password")).Dispose();
        var log = (await _cms.GetAsync<EventList>(CmsRoutes.Events)).Events.Where(e => e.Kind == "operator").Select(e => (e.To, e.Actor)).ToList();
        log.ShouldBe([("change own password", "vera"), ("add user", "admin")], "the refused changes left no entry");
    }
}
