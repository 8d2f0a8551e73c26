namespace Vigil.Cms.Storage;

/// <summary>A verified agent update package kept in the CMS's data directory (<c>updates/SHA256.vup</c>).</summary>
internal sealed class UpdatePackageRow
{
    public long Id { get; set; }

    public required string Version { get; set; }

    /// <summary>The oldest agent version the package may update.</summary>
    public required string OldestFrom { get; set; }

    /// <summary>SHA-256 of the whole package file, lower-case hex: also its file name, so the same package is kept once.</summary>
    public required string Sha256 { get; set; }

    public long Bytes { get; set; }

    /// <summary>upload or feed.</summary>
    public required string Source { get; set; }

    public required string AddedBy { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// One server's agent update, from queued to done, rolled back or failed. Each step is written as it is entered (with its
/// event, in one transaction), so a CMS that restarts carries every open update on from the step it had reached.
/// </summary>
internal sealed class ServerUpdateRow
{
    public long Id { get; set; }

    public int ServerId { get; set; }

    /// <summary>The server's name when the update was queued, for the history after a rename or removal.</summary>
    public required string ServerName { get; set; }

    /// <summary>The package to install; null while a feed version is still to be downloaded.</summary>
    public long? PackageId { get; set; }

    public required string FromVersion { get; set; }

    public required string ToVersion { get; set; }

    /// <summary>rolling or in_place, chosen when the update starts; null while queued.</summary>
    public string? Route { get; set; }

    /// <summary>An <see cref="Domain.Updates.UpdateStep"/> code.</summary>
    public required string Step { get; set; }

    public required string Detail { get; set; }

    public string? Reason { get; set; }

    public required string Actor { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>When the package was sent to the agent: from then on the runner asks the agent how it went instead of sending it again.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>How the agent's part ended (done, rolled_back or failed), kept while a rolling update hands the cameras back.</summary>
    public string? Outcome { get; set; }

    /// <summary>The planned failover of a rolling update.</summary>
    public long? EpisodeId { get; set; }

    /// <summary>Whether the step is final (done, rolled back, failed): what the runner and the scheduler read.</summary>
    public bool IsOpen { get; set; }
}
