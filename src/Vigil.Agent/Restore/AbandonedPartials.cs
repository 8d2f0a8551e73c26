namespace Vigil.Agent.Restore;

/// <summary>
/// Deletes the partial files of restores nobody continues. A copy cut off part way keeps its bytes in the space's
/// <c>.restoring</c> folder so the next attempt resumes from them, but a restore the operator stopped, or footage deleted
/// from the standby, never comes back for them. A partial file untouched for <see cref="KeptFor"/> is removed; a restore
/// that does come back after that only fetches those bytes again. A copy in progress writes to its file all the time,
/// so it is never this old.
/// </summary>
public sealed class AbandonedPartials(IReadOnlyList<string> spaces)
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(7);

    /// <summary>Returns how many partial files were deleted.</summary>
    public int Prune(DateTimeOffset now)
    {
        var deleted = 0;
        foreach (var folder in spaces.Select(space => Path.Combine(space, RestoredFiles.PartialFolder)).Where(Directory.Exists))
        {
            foreach (var partial in new DirectoryInfo(folder).EnumerateFiles("*.part"))
            {
                if (now - new DateTimeOffset(partial.LastWriteTimeUtc, TimeSpan.Zero) > KeptFor)
                {
                    partial.Delete();
                    deleted++;
                }
            }
        }

        return deleted;
    }
}
