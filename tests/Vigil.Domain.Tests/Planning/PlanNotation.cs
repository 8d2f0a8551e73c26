using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Domain.Planning;

namespace Vigil.Domain.Tests.Planning;

/// <summary>
/// A compact notation for planner cases. Failed servers <c>R1p2c16g1n5</c>: id 1, priority 2, 16 license
/// channels, group 1, needs 5 GB. Standbys <c>S10p0c16g1f100</c>: id 10, priority 0, 16 channels, group 1,
/// 100 GB free; <c>x</c> disabled, <c>u</c> not ready. Defaults: p0 c16 g1 n1 f100. Plans:
/// <c>1&gt;10</c> server 1 taken over by standby 10, <c>2!</c> server 2 unprotected.
/// </summary>
internal static partial class PlanNotation
{
    private const long Gb = 1_000_000_000;

    public static (List<FailedServer> Failed, List<StandbyCandidate> Standbys) Parse(string notation)
    {
        var failed = new List<FailedServer>();
        var standbys = new List<StandbyCandidate>();
        foreach (var token in notation.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => t != "|"))
        {
            var match = Token().Match(token);
            if (!match.Success)
            {
                throw new FormatException($"Bad planner token '{token}'.");
            }

            var id = new ServerId(int.Parse(match.Groups["id"].Value, CultureInfo.InvariantCulture));
            var attributes = match.Groups["attrs"].Value;
            long Value(char key, long fallback)
            {
                var m = Regex.Match(attributes, $"{key}(\\d+)");
                return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : fallback;
            }

            var group = new GroupId((int)Value('g', 1));
            if (match.Groups["kind"].Value == "R")
            {
                failed.Add(new FailedServer(id, group, (int)Value('p', 0), (int)Value('c', 16), Value('n', 1) * Gb));
            }
            else
            {
                standbys.Add(new StandbyCandidate(id, group, (int)Value('p', 0), !attributes.Contains('x'), !attributes.Contains('u'),
                    (int)Value('c', 16), Value('f', 100) * Gb));
            }
        }

        return (failed, standbys);
    }

    public static string Format(TakeoverPlan plan) =>
        string.Join(' ', plan.Assignments.Select(a => $"{a.RecordingServer.Value}>{a.Standby.Value}")
            .Concat(plan.Unprotected.Select(u => $"{u.RecordingServer.Value}!")));

    [GeneratedRegex("^(?<kind>[RS])(?<id>\\d+)(?<attrs>(?:[pcgnf]\\d+|[xu])*)$")]
    private static partial Regex Token();
}
