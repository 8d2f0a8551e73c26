using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary>
/// The drill settings as <c>vigil settings</c> keys: drill-hold-seconds, drill-max-takeover-seconds, drill-max-gap-seconds,
/// drill-schedule (<c>off</c>, <c>"weekly sun 03:00"</c>, <c>"every 7 days 03:00"</c>, UTC) and drill-servers (names or ids,
/// comma-separated, or <c>all</c>). They live in their own document on the CMS (<see cref="CmsRoutes.DrillSettings"/>).
/// </summary>
internal static class DrillSettingsKeys
{
    public const string Prefix = "drill-";

    public static bool Handles(string key) => key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public static async Task<DrillSettingsView> SetAsync(CmsClient client, string key, string value)
    {
        var current = await client.GetAsync<DrillSettingsView>(CmsRoutes.DrillSettings).ConfigureAwait(false);
        var changed = key.ToLowerInvariant() switch
        {
            "drill-hold-seconds" => current with { HoldSeconds = (int)Number(key, value) },
            "drill-max-takeover-seconds" => current with { MaxTakeoverSeconds = Number(key, value) },
            "drill-max-gap-seconds" => current with { MaxGapSeconds = Number(key, value) },
            "drill-schedule" => current with { Schedule = value },
            "drill-servers" => current with { ScheduledServers = await ServersAsync(client, value).ConfigureAwait(false) },
            _ => throw new CliFailure($"'{key}' is not a setting; see 'vigil settings show'.", "settings.unknown-key"),
        };
        return await client.SendAsync<DrillSettingsView>(HttpMethod.Put, CmsRoutes.DrillSettings, changed).ConfigureAwait(false);
    }

    public static IEnumerable<IReadOnlyList<string>> Rows(DrillSettingsView view) =>
    [
        ["drill-hold-seconds", view.HoldSeconds.ToString(CultureInfo.InvariantCulture)],
        ["drill-max-takeover-seconds", view.MaxTakeoverSeconds.ToString(CultureInfo.InvariantCulture)],
        ["drill-max-gap-seconds", view.MaxGapSeconds.ToString(CultureInfo.InvariantCulture)],
        ["drill-schedule", view.Schedule],
        ["drill-servers", view.ScheduledServers.Count == 0 ? "all" : string.Join(',', view.ScheduledServers)],
    ];

    private static double Number(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : throw new CliFailure($"{key} takes a number of seconds.");

    private static async Task<IReadOnlyList<int>> ServersAsync(CmsClient client, string value)
    {
        if (value.Trim() is "all" or "")
        {
            return [];
        }

        var ids = new List<int>();
        foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ids.Add((await Lookup.ServerAsync(client, name).ConfigureAwait(false)).Id);
        }

        return ids;
    }
}
