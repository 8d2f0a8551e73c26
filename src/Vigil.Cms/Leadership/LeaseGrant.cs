namespace Vigil.Cms.Leadership;

/// <summary>
/// The lease as a successful hold or renewal left it: its generation (one more at each change of holder, for people),
/// its <paramref name="Term"/> (for agents: microseconds since 1970 by the database's clock when this holder took it,
/// and always above the term before it, so it keeps growing across a database restored from a backup), when this
/// holder took it, and who held it before when the hold changed holder (null on a renewal or the very first lease).
/// </summary>
internal sealed record LeaseGrant(long Generation, long Term, DateTimeOffset Since, bool IsNew, string? PreviousHolderName);
