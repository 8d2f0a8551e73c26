namespace Vigil.Cms.Leadership;

/// <summary>
/// State a host reads from the database into memory at its start and keeps up to date only through its own changes:
/// a standby host reads it again when it begins to lead, since the leader before it may have changed it meanwhile.
/// </summary>
internal interface IReloadedOnLeading
{
    Task LoadAsync(CancellationToken cancellationToken);
}
