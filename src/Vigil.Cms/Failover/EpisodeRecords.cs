using System.Text.Json;
using Vigil.Cms.Storage;
using Vigil.Domain;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>Reads a stored episode back into the domain's <see cref="FailoverEpisode"/> and writes one into its row.</summary>
internal static class EpisodeRecords
{
    /// <summary>
    /// The key a standby records a protected server's cameras under: one per episode, so the footage of two failovers
    /// of the same server never mixes and each is removed on its own. It names the leader term the episode opened under
    /// as well as its number, because numbers repeat: a database restored from a backup, or a new one, numbers its
    /// episodes again from where it stands, and must not take over, copy or discard footage an agent keeps under a key
    /// another database gave out (docs/design-notes.md, "Several CMS hosts").
    /// </summary>
    public static string FootageKey(EpisodeRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.OpenedTerm == 0 ? $"episode-{row.Id}" : $"episode-{row.Id}-{row.OpenedTerm}";
    }

    /// <summary>The episode number a footage key names (<c>episode-N</c> or <c>episode-N-TERM</c>); null for any other key.</summary>
    public static long? EpisodeIdOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        const string Prefix = "episode-";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var number = key[Prefix.Length..].Split('-')[0];
        return long.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    public static FailoverEpisode ToDomain(EpisodeRow row) => new(
        new EpisodeId(row.Id),
        new ServerId(row.RecordingServerId),
        new GroupId(row.GroupId),
        Enum.Parse<FailoverOrigin>(row.Origin),
        Enum.Parse<FailoverPhase>(row.Phase),
        new Epoch(row.Epoch),
        row.StandbyId is { } standby ? new ServerId(standby) : null,
        Ids(row.FootageOnJson),
        Ids(row.FailedStandbysJson),
        row.OriginalRecording,
        new RestoreProgress(row.RestoreBytesCopied, row.RestoreBytesTotal, row.RestoreFilesCopied, row.RestoreFilesTotal),
        row.EndsAs is { } endsAs ? Enum.Parse<FailoverPhase>(endsAs) : null,
        Enum.Parse<FailoverResolution>(row.Resolution),
        EpisodeNote.Parse(row.Note),
        row.StartedAt,
        row.PhaseSince)
    {
        FootageKey = FootageKey(row),
    };

    /// <param name="openedTerm">The leader term of the CMS host that opens the episode.</param>
    public static EpisodeRow NewRow(FailoverEpisode episode, string serverName, long openedTerm)
    {
        var row = new EpisodeRow
        {
            RecordingServerName = serverName,
            OpenedTerm = openedTerm,
            Origin = episode.Origin.ToString(),
            Phase = episode.Phase.ToString(),
            FootageOnJson = "[]",
            FailedStandbysJson = "[]",
            Resolution = episode.Resolution.ToString(),
            Note = episode.Note.ToStorage(),
        };
        Apply(row, episode);
        return row;
    }

    public static void Apply(EpisodeRow row, FailoverEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(episode);
        row.RecordingServerId = episode.RecordingServer.Value;
        row.GroupId = episode.Group.Value;
        row.Origin = episode.Origin.ToString();
        row.Phase = episode.Phase.ToString();
        row.Epoch = episode.Epoch.Value;
        row.StandbyId = episode.Standby?.Value;
        row.FootageOnJson = JsonSerializer.Serialize(episode.FootageOn.Select(s => s.Value));
        row.FailedStandbysJson = JsonSerializer.Serialize(episode.FailedStandbys.Select(s => s.Value));
        row.OriginalRecording = episode.OriginalRecording;
        row.RestoreBytesCopied = episode.Restore.BytesCopied;
        row.RestoreBytesTotal = episode.Restore.BytesTotal;
        row.RestoreFilesCopied = episode.Restore.FilesCopied;
        row.RestoreFilesTotal = episode.Restore.FilesTotal;
        row.EndsAs = episode.EndsAs?.ToString();
        row.Resolution = episode.Resolution.ToString();
        row.Note = episode.Note.ToStorage();
        row.IsOpen = episode.IsOpen;
        row.StartedAt = episode.StartedAt;
        row.PhaseSince = episode.PhaseSince;
    }

    /// <summary>A note in words, servers named as they are called now (a server no longer managed keeps its id).</summary>
    public static string Render(EpisodeNote note, IReadOnlyDictionary<int, string> names)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(names);
        return note.Render(id => names.GetValueOrDefault(id.Value) ?? id.ToString());
    }

    private static List<ServerId> Ids(string json) =>
        (JsonSerializer.Deserialize<List<int>>(json) ?? []).Select(id => new ServerId(id)).ToList();
}
