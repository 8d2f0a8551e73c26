using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary>Group, server and user arguments take a name or an id.</summary>
internal static class Lookup
{
    public static async Task<GroupView> GroupAsync(CmsClient client, string nameOrId)
    {
        var groups = (await client.GetAsync<GroupList>(CmsRoutes.Groups).ConfigureAwait(false)).Groups;
        return Find(groups, nameOrId, g => g.Id, g => g.Name, "failover group", "vigil group list");
    }

    public static async Task<ServerView> ServerAsync(CmsClient client, string nameOrId)
    {
        var servers = (await client.GetAsync<ServerList>(CmsRoutes.Servers).ConfigureAwait(false)).Servers;
        return Find(servers, nameOrId, s => s.Id, s => s.Name, "server", "vigil server list");
    }

    public static async Task<UserView> UserAsync(CmsClient client, string nameOrId)
    {
        var users = (await client.GetAsync<UserList>(CmsRoutes.Users).ConfigureAwait(false)).Users;
        return Find(users, nameOrId, u => u.Id, u => u.Name, "user", "vigil user list");
    }

    private static T Find<T>(IReadOnlyList<T> items, string nameOrId, Func<T, int> id, Func<T, string> name, string what, string listing)
    {
        var exact = items.FirstOrDefault(i => name(i) == nameOrId);
        if (exact is not null)
        {
            return exact;
        }

        if (int.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && items.FirstOrDefault(i => id(i) == number) is { } byId)
        {
            return byId;
        }

        throw new CliFailure($"No {what} is named or numbered '{nameOrId}'; see '{listing}'.", $"{what.Split(' ')[^1]}.not-found");
    }
}
