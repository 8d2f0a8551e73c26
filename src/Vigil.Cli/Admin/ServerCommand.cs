using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil server list|show|add|batch-add|test|search|edit|password|enable|disable|delete|update</c>.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var command = new Command("server", "Recording and standby servers");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(BatchAdd());
        command.Subcommands.Add(Test());
        command.Subcommands.Add(ServerSearchCommand.Create());
        command.Subcommands.Add(Edit());
        command.Subcommands.Add(AgentPassword());
        command.Subcommands.Add(ServerCameraCommand.Create());
        command.Subcommands.Add(Enable(true));
        command.Subcommands.Add(Enable(false));
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(ServerUpdateCommand.Create());
        return command;
    }

    private static Command List()
    {
        var status = new Option<string?>("--status") { Description = "Only servers in this status (normal_protected, normal_ready, …)" };
        var role = new Option<ServerRoleName?>("--role") { Description = "Only recording or standby servers" };
        var group = new Option<string?>("--group") { Description = "Only servers of this group (name or id)" };
        var command = new Command("list", "List servers with their failover status") { status, role, group, AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var query = new List<string>();
            if (result.GetValue(status) is { } s)
            {
                query.Add($"status={Uri.EscapeDataString(s)}");
            }

            if (result.GetValue(role) is { } r)
            {
                query.Add($"role={(r == ServerRoleName.Standby ? "standby" : "recording")}");
            }

            if (result.GetValue(group) is { } g)
            {
                query.Add($"group={(await Lookup.GroupAsync(client, g).ConfigureAwait(false)).Id}");
            }

            var list = await client.GetAsync<ServerList>(CmsRoutes.Servers + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty)).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(list);
                return;
            }

            Output.Table(["ID", "NAME", "ROLE", "GROUP", "STATUS", "ADDRESS", "VERSION", "DETAIL"], list.Servers.Select(v => (IReadOnlyList<string>)
            [
                v.Id.ToString(CultureInfo.InvariantCulture), v.Name, Role(v.Role), v.GroupName ?? "-", v.Status.Code, v.Address.ToString(), Version(v), v.Status.Detail,
            ]));
        });
        return command;
    }

    /// <summary>The agent's version, what it says about this CMS when it is not compatible, and its update while one is shown.</summary>
    private static string Version(ServerView view)
    {
        var version = view.Compatibility == "compatible" ? view.AgentVersion : $"{view.AgentVersion} ({view.Compatibility.Replace('_', ' ')})";
        return view.Update is { } update ? $"{version}; update to {update.ToVersion}: {update.Step.Replace('_', ' ')}" : version;
    }

    private static Command Show()
    {
        var server = new Argument<string>("SERVER") { Description = "Name or id" };
        var command = new Command("show", "Show one server: status, health, agent info, cameras") { server, AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var view = await Lookup.ServerAsync(client, result.GetValue(server)!).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(view);
                return;
            }

            Console.Out.WriteLine($"{view.Name} (id {view.Id}), {Role(view.Role)} server in {view.GroupName ?? "no group"}{(view.Enabled ? string.Empty : ", disabled")}");
            Console.Out.WriteLine($"  status:  {view.Status.Code} - {view.Status.Detail}");
            Console.Out.WriteLine($"  health:  {view.Health.State}{(view.Health.Problem is null ? string.Empty : $" ({view.Health.Problem})")}");
            Console.Out.WriteLine($"  address: {view.Address}{(view.CertificateFingerprint is null ? string.Empty : $", certificate {view.CertificateFingerprint}")}");
            Console.Out.WriteLine($"  agent:   {view.Model}, serial {view.Serial}, version {view.AgentVersion}, {view.LicenseChannels} license channels");
            if (view.Clock is { } clock)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  clock:   {Math.Round(clock.OffsetSeconds, 3):+0.000;-0.000;+0.000} s from the CMS's (± {clock.UncertaintySeconds:0.000} s){(clock.Drifting ? $", drifting: more than {clock.LimitSeconds} s off, footage times are off; check NTP" : string.Empty)}"));
            }

            foreach (var space in view.Spaces)
            {
                Console.Out.WriteLine($"  space:   {space.Path} ({space.FreeBytes / 1_000_000_000} of {space.CapacityBytes / 1_000_000_000} GB free{(space.IsEmpty ? ", empty" : string.Empty)})");
            }

            foreach (var camera in view.Cameras)
            {
                var now = view.CameraStates.FirstOrDefault(c => c.Owner == AgentRoutes.OwnRecordings && c.Id == camera.Id);
                var state = now is null ? string.Empty : $" — {now.State}{(now.Problem is null ? string.Empty : $": {now.Problem}")}{(now.Note is null ? string.Empty : $" ({now.Note})")}";
                Console.Out.WriteLine($"  camera:  {camera.Id} '{camera.Name}' {camera.StreamUrl}{(camera.Recording ? string.Empty : " (not recording)")}{state}");
            }
        });
        return command;
    }

    private static Command Add()
    {
        var group = new Option<string>("--group") { Description = "The failover group (name or id)", Required = true };
        var role = new Option<ServerRoleName>("--role") { Description = "recording or standby", Required = true };
        var host = new Option<string>("--host") { Description = "IP address or host name of the agent", Required = true };
        var port = new Option<int>("--port") { Description = "Port of the agent", Required = true };
        var password = new Option<string?>("--password") { Description = "The agent's admin password (asked for when left out)" };
        var name = new Option<string?>("--name") { Description = "Display name (default: the agent's own name)" };
        var command = new Command("add", "Add one server: shows its certificate to confirm, then pairs with its agent")
        {
            group, role, host, port, PlainHttpOption, FingerprintOption, password, name, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.GroupAsync(client, result.GetValue(group)!).ConfigureAwait(false);
            var secret = AdminAction.Secret(result.GetValue(password), "Agent admin password");
            var view = await CertificateTrust.WithAsync(result.GetValue(FingerprintOption), fingerprint => client.SendAsync<ServerView>(HttpMethod.Post, CmsRoutes.Servers,
                new AddServerRequest(target.Id, result.GetValue(role), result.GetValue(host)!, result.GetValue(port), !result.GetValue(PlainHttpOption),
                    secret, result.GetValue(name), fingerprint))).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(view);
                return;
            }

            Console.Out.WriteLine($"Added {Role(view.Role)} server {view.Id} '{view.Name}' to '{view.GroupName}': {view.Status.Code} ({view.Status.Detail}).");
            if (view.CertificateFingerprint is { } fingerprint)
            {
                Console.Out.WriteLine($"Pinned the agent's certificate {fingerprint}.");
            }
        });
        return command;
    }

    private static Command BatchAdd()
    {
        var group = new Option<string>("--group") { Description = "The failover group (name or id)", Required = true };
        var role = new Option<ServerRoleName>("--role") { Description = "recording or standby", Required = true };
        var naming = new Option<string>("--naming") { Description = "default (the agent's name), model-number or prefix-number", DefaultValueFactory = _ => "default" };
        naming.AcceptOnlyFromAmong("default", "model-number", "prefix-number");
        var prefix = new Option<string?>("--prefix") { Description = "The prefix of prefix-number names" };
        var trusted = new Option<string[]>("--fingerprint") { Description = "A certificate fingerprint you confirmed (repeatable; the preview shows each agent's)" };
        var password = new Option<string?>("--password") { Description = "The agents' admin password (asked for when left out)" };
        var preview = new Option<bool>("--preview") { Description = "Only show the names the servers would get; add nothing" };
        var addresses = new Argument<string[]>("HOST:PORT") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("batch-add", "Add several servers named by a naming rule; all or nothing")
        {
            group, role, naming, prefix, PlainHttpOption, trusted, password, preview, addresses, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.GroupAsync(client, result.GetValue(group)!).ConfigureAwait(false);
            var rule = result.GetValue(naming) switch
            {
                "model-number" => NamingRuleName.ModelNumber,
                "prefix-number" => NamingRuleName.PrefixNumber,
                _ => NamingRuleName.Default,
            };
            var servers = result.GetValue(addresses)!.Select(a => Parse(a, !result.GetValue(PlainHttpOption))).ToList();
            var request = new BatchAddRequest(target.Id, result.GetValue(role), rule, result.GetValue(prefix),
                AdminAction.Secret(result.GetValue(password), "Agents' admin password"), servers, result.GetValue(preview), result.GetValue(trusted) ?? []);
            var response = await client.SendAsync<BatchAddResponse>(HttpMethod.Post, CmsRoutes.ServerBatch, request).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(response);
                return;
            }

            Output.Table(["ADDRESS", "NAME", "ID", "CERTIFICATE"], response.Members.Select(m => (IReadOnlyList<string>)
                [m.Address.ToString(), m.Name ?? "-", m.ServerId?.ToString(CultureInfo.InvariantCulture) ?? "-", m.CertificateFingerprint ?? "-"]));
            Console.Out.WriteLine(response.Added ? $"Added {response.Members.Count} server(s) to '{target.Name}'." : "Preview only: nothing was added.");
        });
        return command;
    }

    private static Command Test()
    {
        var host = new Option<string>("--host") { Required = true };
        var port = new Option<int>("--port") { Required = true };
        var password = new Option<string?>("--password") { Description = "The agent's admin password (asked for when left out; sent only once the certificate is confirmed)" };
        var role = new Option<ServerRoleName?>("--role") { Description = "With --group: check whether it could join in this role" };
        var group = new Option<string?>("--group") { Description = "With --role: the group it would join (name or id)" };
        var command = new Command("test", "Test the connection to an agent without adding it: first its certificate, then, once confirmed, with its password")
        {
            host, port, PlainHttpOption, FingerprintOption, password, role, group, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            int? groupId = result.GetValue(group) is { } g ? (await Lookup.GroupAsync(client, g).ConfigureAwait(false)).Id : null;
            var request = new TestConnectionRequest(result.GetValue(host)!, result.GetValue(port), !result.GetValue(PlainHttpOption),
                AdminAction.Secret(result.GetValue(password), "Agent admin password"), result.GetValue(role), groupId, result.GetValue(FingerprintOption));
            var response = await client.SendAsync<TestConnectionResponse>(HttpMethod.Post, CmsRoutes.ServerTest, request).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(response);
                return;
            }

            if (!response.Trusted)
            {
                Console.Out.WriteLine($"Found: '{response.Name}', {response.Model}, serial {response.Serial}, version {response.AgentVersion}.");
                Console.Out.WriteLine($"Certificate: {response.CertificateFingerprint} (not trusted yet: the password was not sent)");
                Console.Out.WriteLine($"Compare it with the fingerprint the agent printed at start; if it is the same, repeat with --fingerprint {response.CertificateFingerprint}");
                return;
            }

            Console.Out.WriteLine($"Connected: '{response.Name}', {response.Model}, serial {response.Serial}, version {response.AgentVersion}, {response.LicenseChannels} license channels, {response.CameraCount} camera(s).");
            if (response.CertificateFingerprint is { } fingerprint)
            {
                Console.Out.WriteLine($"Certificate: {fingerprint}");
            }

            foreach (var refusal in response.Refusals)
            {
                Console.Out.WriteLine($"Cannot join: {refusal.Message} [{refusal.Rule}]");
            }
        });
        return command;
    }

    private static Command Edit()
    {
        var server = new Argument<string>("SERVER") { Description = "Name or id" };
        var name = new Option<string?>("--name");
        var host = new Option<string?>("--host");
        var port = new Option<int?>("--port");
        var https = new Option<bool?>("--https") { Description = "true or false" };
        var password = new Option<string?>("--password") { Description = "The agent's admin password: pairs again (over the pinned certificate, or one confirmed with --fingerprint)" };
        var group = new Option<string?>("--group") { Description = "Put a server that is in no group into this group (name or id)" };
        var confirm = new Option<bool>("--confirm") { Description = "Go on although it stops a standby's failover and removes its failover recordings" };
        var command = new Command("edit", "Change a server's name, address, password or group")
        {
            server, name, host, port, https, password, FingerprintOption, group, confirm, Reauthentication.AdminUserOption, Reauthentication.AdminPasswordOption,
            AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.ServerAsync(client, result.GetValue(server)!).ConfigureAwait(false);
            int? groupId = result.GetValue(group) is { } g ? (await Lookup.GroupAsync(client, g).ConfigureAwait(false)).Id : null;
            var view = await CertificateTrust.WithAsync(result.GetValue(FingerprintOption), fingerprint => Reauthentication.WithAsync(client, result, () =>
                client.SendAsync<ServerView>(HttpMethod.Patch, CmsRoutes.Server(target.Id) + Confirm(result, confirm),
                    new EditServerRequest(result.GetValue(name), result.GetValue(host), result.GetValue(port), result.GetValue(https), result.GetValue(password), groupId,
                        fingerprint)))).ConfigureAwait(false);
            Print(result, view, "Edited");
        });
        return command;
    }

    private static Command AgentPassword()
    {
        var server = new Argument<string>("SERVER") { Description = "Name or id" };
        var current = new Option<string?>("--current-password") { Description = "The agent's admin password now (asked for when left out)" };
        var next = new Option<string?>("--new-password") { Description = "The new admin password, 8 characters or more (asked for when left out)" };
        var command = new Command("password", "Change a server's agent admin password; its older credentials end and the CMS pairs again") { server, current, next };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.ServerAsync(client, result.GetValue(server)!).ConfigureAwait(false);
            var change = new AgentPasswordChange(
                AdminAction.Secret(result.GetValue(current), "Agent admin password now"), AdminAction.Secret(result.GetValue(next), "New agent admin password"));
            await client.SendAsync(HttpMethod.Put, CmsRoutes.AgentPassword(target.Id), change).ConfigureAwait(false);
            Console.Out.WriteLine($"Changed the agent admin password of '{target.Name}'; the CMS paired with it again.");
        });
        return command;
    }

    private static Command Enable(bool enabled)
    {
        var server = new Argument<string>("SERVER") { Description = "Name or id" };
        var confirm = new Option<bool>("--confirm") { Description = "Go on although it stops a standby's failover and removes its failover recordings" };
        var command = new Command(enabled ? "enable" : "disable", enabled ? "Enable a server in its group" : "Disable a server in its group")
        {
            server, confirm, Reauthentication.AdminUserOption, Reauthentication.AdminPasswordOption, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.ServerAsync(client, result.GetValue(server)!).ConfigureAwait(false);
            var view = await Reauthentication.WithAsync(client, result, () =>
                client.SendAsync<ServerView>(HttpMethod.Put, CmsRoutes.ServerEnabled(target.Id) + Confirm(result, confirm), new EnabledRequest(enabled))).ConfigureAwait(false);
            Print(result, view, enabled ? "Enabled" : "Disabled");
        });
        return command;
    }

    private static Command Delete()
    {
        var server = new Argument<string>("SERVER") { Description = "Name or id" };
        var confirm = new Option<bool>("--confirm") { Description = "Go on although it stops a failover and removes failover recordings" };
        var command = new Command("delete", "Remove a server from the CMS") { server, confirm, Reauthentication.AdminUserOption, Reauthentication.AdminPasswordOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.ServerAsync(client, result.GetValue(server)!).ConfigureAwait(false);
            var path = CmsRoutes.Server(target.Id) + Confirm(result, confirm);
            await Reauthentication.WithAsync(client, result, () => client.SendAsync(HttpMethod.Delete, path)).ConfigureAwait(false);
            Console.Out.WriteLine($"Removed server '{target.Name}'.");
        });
        return command;
    }

    private static readonly Option<bool> PlainHttpOption = new("--plain-http")
    {
        Description = "Speak plain HTTP to the agent instead of HTTPS: only to loopback, or with a CMS started with --insecure-http",
    };

    private static readonly Option<string?> FingerprintOption = new("--fingerprint")
    {
        Description = "The SHA-256 fingerprint of the agent's certificate, as the agent printed it at start (asked to confirm when left out)",
    };

    private static string Confirm(ParseResult result, Option<bool> confirm) => result.GetValue(confirm) ? $"?{CmsRoutes.ConfirmFlag}=true" : string.Empty;

    private static ServerAddress Parse(string text, bool https)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new CliFailure($"'{text}' is not HOST:PORT.");
        }

        return new ServerAddress(text[..colon].Trim('[', ']'), port, https);
    }

    private static string Role(ServerRoleName role) => role == ServerRoleName.Standby ? "standby" : "recording";

    private static void Print(ParseResult result, ServerView view, string verb)
    {
        if (result.GetValue(AdminAction.JsonOption))
        {
            Output.Json(view);
        }
        else
        {
            Console.Out.WriteLine($"{verb} server {view.Id} '{view.Name}': {view.Status.Code} ({view.Status.Detail}).");
        }
    }
}
