namespace Vigil.Cms.Leadership;

/// <summary>
/// The lease as a successful hold or renewal left it: its generation, when this holder took it (database clock), and
/// who held it before when the hold changed holder (null on a renewal or on the very first lease).
/// </summary>
internal sealed record LeaseGrant(long Generation, DateTimeOffset Since, bool IsNew, string? PreviousHolderName);
