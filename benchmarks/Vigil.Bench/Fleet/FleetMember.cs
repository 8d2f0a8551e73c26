using System.Globalization;

namespace Vigil.Bench.Fleet;

/// <summary>One virtual server of the fleet as the bench plans it: what a shard builds it from and the CMS adds it by.</summary>
/// <param name="Index">Its place in the whole fleet (recording servers first, then standbys).</param>
public sealed record FleetMember(int Index, string Name, string Serial, VirtualRole Role, int Port)
{
    public static FleetMember Recording(int index, int number, int port) =>
        new(index, Invariant($"rec-{number:D5}"), Invariant($"VF-R{number:D6}"), VirtualRole.Recording, port);

    public static FleetMember Standby(int index, int number, int port) =>
        new(index, Invariant($"standby-{number:D5}"), Invariant($"VF-S{number:D6}"), VirtualRole.Standby, port);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
