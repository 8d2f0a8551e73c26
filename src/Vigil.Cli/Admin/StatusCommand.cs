using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil status</c>: how many servers are in each status (the seeds' right-hand panel), and whether the CMS itself is overloaded.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Count the servers in each failover status") { AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var summary = await client.GetAsync<StatusSummary>(CmsRoutes.Status).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(summary);
                return;
            }

            Output.Table(["ROLE", "STATUS", "SERVERS"],
                summary.Recording.Select(c => (IReadOnlyList<string>)["recording", c.Key, c.Value.ToString(CultureInfo.InvariantCulture)])
                    .Concat(summary.Standby.Select(c => (IReadOnlyList<string>)["standby", c.Key, c.Value.ToString(CultureInfo.InvariantCulture)])));
            Console.Out.WriteLine($"{summary.Total} server(s) in all.");
            var hosts = await client.GetAsync<CmsHostsView>(CmsRoutes.Hosts).ConfigureAwait(false);
            Console.Out.WriteLine(Leading(hosts));
            if (summary.Cms.Overloaded)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"The CMS is overloaded since {summary.Cms.Since?.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: {summary.Cms.Reason}"));
            }
        });
        return command;
    }

    /// <summary>Which CMS host leads, since when, and when each standby host last reported.</summary>
    private static string Leading(CmsHostsView hosts)
    {
        if (hosts.Leader is not { } leader)
        {
            return "No CMS host leads at the moment: failovers wait until one takes the lease.";
        }

        var since = string.Create(CultureInfo.InvariantCulture, $"{leader.Since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        if (hosts.Mode == CmsHostsView.SingleHost)
        {
            return $"CMS: a single host ({leader.Name}) on SQLite, running since {since}; several CMS hosts need PostgreSQL.";
        }

        var standbys = hosts.Hosts.Where(h => !h.Leads).Select(h => string.Create(CultureInfo.InvariantCulture,
            $"{h.Name} ({h.Address}, last reported {h.SeenAt.UtcDateTime:HH:mm:ss} UTC)")).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"CMS: {leader.Name} ({leader.Address}) leads since {since}, lease generation {leader.Generation}; ")
            + (standbys.Count == 0 ? "no standby host." : $"standby: {string.Join(", ", standbys)}.");
    }
}
