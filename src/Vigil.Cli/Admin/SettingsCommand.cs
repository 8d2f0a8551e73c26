using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil settings show|set KEY VALUE</c>, KEY in kebab case (probe-interval-ms, automatic-failover, …).</summary>
internal static class SettingsCommand
{
    public static Command Create()
    {
        var command = new Command("settings", "Failover settings, inventory limits and how long events are kept");
        var show = new Command("show", "Show the settings") { AdminAction.JsonOption };
        AdminAction.Set(show, async (result, client) =>
        {
            var view = await client.GetAsync<SettingsView>(CmsRoutes.Settings).ConfigureAwait(false);
            Print(result, view, await client.GetAsync<DrillSettingsView>(CmsRoutes.DrillSettings).ConfigureAwait(false), await UpdatesAsync(client).ConfigureAwait(false));
        });

        var key = new Argument<string>("KEY") { Description = "automatic-failover, probe-interval-ms, probe-timeout-ms, misses-before-failure, failure-conditions, automatic-failback, stabilisation-seconds, restore-recordings, standby-minimum-free-bytes, restore-bandwidth-bytes-per-second, max-groups, max-servers-per-group, event-retention-days (1 to 3650), drill-hold-seconds, drill-max-takeover-seconds, drill-max-gap-seconds, drill-schedule (off, \"weekly sun 03:00\", \"every 7 days 03:00\"; UTC), drill-servers (names or ids, or all), update-feed (an absolute folder on the CMS machine or an https URL holding catalog.json; \"\" for none)" };
        var value = new Argument<string>("VALUE") { Description = "true/false, a number, or for failure-conditions a comma-separated list" };
        var set = new Command("set", "Change one setting (turning restore-recordings off needs the first admin to confirm)")
        {
            key, value, Reauthentication.AdminUserOption, Reauthentication.AdminPasswordOption, AdminAction.JsonOption,
        };
        AdminAction.Set(set, async (result, client) =>
        {
            if (DrillSettingsKeys.Handles(result.GetValue(key)!))
            {
                var drills = await DrillSettingsKeys.SetAsync(client, result.GetValue(key)!, result.GetValue(value)!).ConfigureAwait(false);
                Print(result, await client.GetAsync<SettingsView>(CmsRoutes.Settings).ConfigureAwait(false), drills, await UpdatesAsync(client).ConfigureAwait(false));
                return;
            }

            if (string.Equals(result.GetValue(key), UpdateFeedKey, StringComparison.OrdinalIgnoreCase))
            {
                var updates = await client.SendAsync<UpdateSettingsView>(HttpMethod.Put, CmsRoutes.AgentUpdateSettings, new UpdateSettingsView(result.GetValue(value))).ConfigureAwait(false);
                Print(result, await client.GetAsync<SettingsView>(CmsRoutes.Settings).ConfigureAwait(false),
                    await client.GetAsync<DrillSettingsView>(CmsRoutes.DrillSettings).ConfigureAwait(false), updates);
                return;
            }

            var current = JsonSerializer.SerializeToNode(await client.GetAsync<SettingsView>(CmsRoutes.Settings).ConfigureAwait(false), ContractJson.Options)!.AsObject();
            var property = Camel(result.GetValue(key)!);
            if (!current.TryGetPropertyValue(property, out var existing) || existing is null)
            {
                throw new CliFailure($"'{result.GetValue(key)}' is not a setting; see 'vigil settings show'.", "settings.unknown-key");
            }

            current[property] = Parse(existing, result.GetValue(value)!, result.GetValue(key)!);
            var changed = await Reauthentication.WithAsync(client, result, () => client.SendAsync<SettingsView>(HttpMethod.Put, CmsRoutes.Settings, current)).ConfigureAwait(false);
            Print(result, changed, await client.GetAsync<DrillSettingsView>(CmsRoutes.DrillSettings).ConfigureAwait(false), await UpdatesAsync(client).ConfigureAwait(false));
        });
        command.Subcommands.Add(show);
        command.Subcommands.Add(set);
        return command;
    }

    private static JsonNode Parse(JsonNode existing, string value, string key)
    {
        switch (existing.GetValueKind())
        {
            case JsonValueKind.True or JsonValueKind.False:
                return bool.TryParse(value, out var flag) ? JsonValue.Create(flag) : throw new CliFailure($"{key} takes true or false.");
            case JsonValueKind.Number:
                return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number)
                    : throw new CliFailure($"{key} takes a whole number.");
            default:
                return new JsonArray(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        }
    }

    private static string Camel(string kebab)
    {
        var parts = kebab.Split('-', StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(parts.Select((p, i) => i == 0 ? p.ToLowerInvariant() : char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));
    }

    private static string Kebab(string camel) => string.Concat(camel.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : c.ToString()));

    /// <summary>The online update feed: its own document on the CMS (<see cref="CmsRoutes.AgentUpdateSettings"/>).</summary>
    private const string UpdateFeedKey = "update-feed";

    private static Task<UpdateSettingsView> UpdatesAsync(CmsClient client) => client.GetAsync<UpdateSettingsView>(CmsRoutes.AgentUpdateSettings);

    private static void Print(ParseResult result, SettingsView view, DrillSettingsView drills, UpdateSettingsView updates)
    {
        if (result.GetValue(AdminAction.JsonOption))
        {
            // The failover settings' own shape, as scripts read it; the drill settings are GET /api/v1/settings/drills.
            Output.Json(view);
            return;
        }

        var node = JsonSerializer.SerializeToNode(view, ContractJson.Options)!.AsObject();
        Output.Table(["SETTING", "VALUE"], node.Select(p => (IReadOnlyList<string>)
            [Kebab(p.Key), p.Value is JsonArray array ? string.Join(',', array.Select(a => a!.GetValue<string>())) : p.Value!.ToJsonString()]).Concat(DrillSettingsKeys.Rows(drills))
            .Append([UpdateFeedKey, updates.Feed ?? "none"]));
    }
}
