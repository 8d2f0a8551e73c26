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
            if (summary.Cms.Overloaded)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"The CMS is overloaded since {summary.Cms.Since?.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: {summary.Cms.Reason}"));
            }
        });
        return command;
    }
}
