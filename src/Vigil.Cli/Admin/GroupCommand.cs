using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil group list|add|rename|delete|protection</c>.</summary>
internal static class GroupCommand
{
    public static Command Create()
    {
        var command = new Command("group", "Failover groups");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Rename());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Protection());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the failover groups") { AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var list = await client.GetAsync<GroupList>(CmsRoutes.Groups).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(list);
                return;
            }

            Output.Table(["ID", "NAME", "PROTECTION", "RECORDING", "STANDBY", "DEFAULT"], list.Groups.Select(g => (IReadOnlyList<string>)
            [
                g.Id.ToString(CultureInfo.InvariantCulture), g.Name, g.ProtectionEnabled ? "on" : "off",
                g.RecordingServers.ToString(CultureInfo.InvariantCulture), g.StandbyServers.ToString(CultureInfo.InvariantCulture), g.IsDefault ? "yes" : string.Empty,
            ]));
        });
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("NAME");
        var command = new Command("add", "Add a failover group (protection on)") { name, AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var group = await client.SendAsync<GroupView>(HttpMethod.Post, CmsRoutes.Groups, new GroupRequest(result.GetValue(name)!)).ConfigureAwait(false);
            Print(result, group, "Added");
        });
        return command;
    }

    private static Command Rename()
    {
        var group = new Argument<string>("GROUP") { Description = "Name or id" };
        var name = new Argument<string>("NAME");
        var command = new Command("rename", "Rename a failover group") { group, name, AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.GroupAsync(client, result.GetValue(group)!).ConfigureAwait(false);
            var renamed = await client.SendAsync<GroupView>(HttpMethod.Put, CmsRoutes.Group(target.Id), new GroupRequest(result.GetValue(name)!)).ConfigureAwait(false);
            Print(result, renamed, "Renamed");
        });
        return command;
    }

    private static Command Delete()
    {
        var group = new Argument<string>("GROUP") { Description = "Name or id" };
        var confirm = new Option<bool>("--confirm") { Description = "Interrupt the group's open takeovers (their standbys stop, their failover recordings are removed)" };
        var command = new Command("delete", "Delete a failover group; its servers stay managed, in no group")
        {
            group, confirm, Reauthentication.AdminUserOption, Reauthentication.AdminPasswordOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.GroupAsync(client, result.GetValue(group)!).ConfigureAwait(false);
            var path = CmsRoutes.Group(target.Id) + (result.GetValue(confirm) ? $"?{CmsRoutes.ConfirmFlag}=true" : string.Empty);
            await Reauthentication.WithAsync(client, result, () => client.SendAsync(HttpMethod.Delete, path)).ConfigureAwait(false);
            Console.Out.WriteLine($"Deleted group '{target.Name}'.");
        });
        return command;
    }

    private static Command Protection()
    {
        var group = new Argument<string>("GROUP") { Description = "Name or id" };
        var state = new Argument<string>("on|off");
        state.AcceptOnlyFromAmong("on", "off");
        var command = new Command("protection", "Turn failover protection of a group on or off") { group, state, AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.GroupAsync(client, result.GetValue(group)!).ConfigureAwait(false);
            var changed = await client.SendAsync<GroupView>(HttpMethod.Put, CmsRoutes.GroupProtection(target.Id),
                new ProtectionRequest(result.GetValue(state) == "on")).ConfigureAwait(false);
            Print(result, changed, $"Protection {result.GetValue(state)} for");
        });
        return command;
    }

    private static void Print(ParseResult result, GroupView group, string verb)
    {
        if (result.GetValue(AdminAction.JsonOption))
        {
            Output.Json(group);
        }
        else
        {
            Console.Out.WriteLine($"{verb} group {group.Id} '{group.Name}' (protection {(group.ProtectionEnabled ? "on" : "off")}).");
        }
    }
}
