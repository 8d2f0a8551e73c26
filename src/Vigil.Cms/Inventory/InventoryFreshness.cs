using Vigil.Contracts.Agent;

namespace Vigil.Cms.Inventory;

/// <summary>
/// When the periodic inventory copy is worth a database write. Writing every server's row every 10 s, changed or not,
/// is what drowned SQLite at a few thousand servers; so a row is written when what the agent says changed in a way that
/// matters, and otherwise confirmed (its <c>LastSyncedAt</c>) once every <see cref="ConfirmEvery"/>. Free space moves
/// on every recording server all the time: it matters once it moved by a step of 1% of the space, at most 1 GiB.
/// </summary>
internal static class InventoryFreshness
{
    public static readonly TimeSpan ConfirmEvery = TimeSpan.FromMinutes(5);

    public const long MaxFreeBytesStep = 1L << 30;

    public static bool IsStale(DateTimeOffset? lastSynced, DateTimeOffset now) => lastSynced is not { } last || now - last >= ConfirmEvery;

    /// <summary>The smallest change of free space worth writing on a space of <paramref name="capacityBytes"/>.</summary>
    public static long FreeBytesStep(long capacityBytes) => Math.Clamp(capacityBytes / 100, 1, MaxFreeBytesStep);

    public static bool SpacesDiffer(IReadOnlyList<SpaceInfo> stored, IReadOnlyList<SpaceInfo> reported)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(reported);
        return stored.Count != reported.Count || stored.Zip(reported).Any(p =>
            p.First.Path != p.Second.Path
            || p.First.CapacityBytes != p.Second.CapacityBytes
            || p.First.IsEmpty != p.Second.IsEmpty
            || Math.Abs(p.First.FreeBytes - p.Second.FreeBytes) >= FreeBytesStep(p.Second.CapacityBytes));
    }
}
