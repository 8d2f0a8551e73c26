using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Cms.Failover;

/// <summary>
/// The domain says "server 4" (it knows ids, not names); operators read names. A server no longer
/// managed keeps its id.
/// </summary>
public static partial class EpisodeNotes
{
    public static string Humanize(string note, IReadOnlyDictionary<int, string> names)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(names);
        return ServerMention().Replace(note, m =>
            names.TryGetValue(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), out var name) ? name : m.Value);
    }

    [GeneratedRegex(@"\bserver (\d+)\b")]
    private static partial Regex ServerMention();
}
