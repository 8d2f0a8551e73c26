namespace Vigil.Contracts.Cms;

/// <summary>What a user may do in the CMS.</summary>
public static class UserRoles
{
    /// <summary>Everything, including servers, groups, settings and users.</summary>
    public const string Administrator = "administrator";

    /// <summary>Reads everything and runs failover actions (fail over, fail back, stop restoration, replace); changes no inventory, settings or users.</summary>
    public const string Operator = "operator";

    /// <summary>Reads (the API's GETs but the user list, the live stream, the console); changes nothing but their own password.</summary>
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Administrator, Operator, Viewer];
}

/// <param name="Role">One of <see cref="UserRoles"/>.</param>
/// <param name="Password">At least 8 characters.</param>
public sealed record AddUserRequest(string Name, string Role, string Password);

public sealed record UserRoleRequest(string Role);

/// <summary>An administrator sets another user's password; that user's sessions end.</summary>
public sealed record PasswordResetRequest(string Password);

public sealed record UserView(int Id, string Name, string Role, bool IsFirstAdmin, DateTimeOffset CreatedAt);

public sealed record UserList(IReadOnlyList<UserView> Users);
