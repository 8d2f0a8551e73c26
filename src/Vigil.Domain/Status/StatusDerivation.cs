using System.Globalization;
using Vigil.Domain.Failover;
using Vigil.Domain.Health;
using Vigil.Domain.Inventory;
using Vigil.Domain.Planning;
using Vigil.Domain.Versions;

namespace Vigil.Domain.Status;

/// <summary>
/// Derives every server's status from a <see cref="GroupSnapshot"/>; a status is never stored.
/// Standby: disabled, then an unresolved failed takeover, then failed health, then busy with an
/// episode, then unmet eligibility (no empty space, cameras, old agent, wrong group), else ready.
/// Recording server: disabled, then recorded by a standby instead, then failed, else normal; normal and
/// failed servers are "protected" when a ready standby of the group could take them over now and their agent's
/// version is one the CMS manages (an agent that must be updated first is neither protected nor a standby).
/// </summary>
public sealed class StatusDerivation(Version cmsVersion, FailoverSettings settings)
{
    public IReadOnlyDictionary<ServerId, ServerStatus> Derive(GroupSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var statuses = new Dictionary<ServerId, ServerStatus>();
        var ready = new List<StandbyCandidate>();
        var recording = snapshot.Servers.Where(s => s.Role == ServerRole.Recording).ToList();
        foreach (var standby in snapshot.Servers.Where(s => s.Role == ServerRole.Standby))
        {
            var (status, detail) = DeriveStandby(standby, recording, snapshot);
            statuses[standby.Id] = ServerStatus.Of(status, detail);
            if (status == StandbyStatus.NormalReady)
            {
                ready.Add(ToCandidate(standby, ready: true));
            }
        }

        foreach (var server in recording)
        {
            statuses[server.Id] = DeriveRecording(server, ready, snapshot);
        }

        return statuses;
    }

    /// <summary>The group's standbys whose status is <c>normal_ready</c>, as the planner sees them.</summary>
    public IReadOnlyList<StandbyCandidate> ReadyStandbys(GroupSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var recording = snapshot.Servers.Where(s => s.Role == ServerRole.Recording).ToList();
        return snapshot.Servers
            .Where(s => s.Role == ServerRole.Standby && DeriveStandby(s, recording, snapshot).Status == StandbyStatus.NormalReady)
            .Select(s => ToCandidate(s, ready: true))
            .ToList();
    }

    /// <summary>How the planner sees a standby whose status is <paramref name="ready"/> or not.</summary>
    public static StandbyCandidate ToCandidate(ManagedServer standby, bool ready)
    {
        ArgumentNullException.ThrowIfNull(standby);
        return new StandbyCandidate(standby.Id, standby.Group ?? default, standby.Priority, standby.Enabled, ready,
            standby.Report.LicenseChannels, standby.Report.LargestEmptySpaceFreeBytes);
    }

    /// <summary>How the planner sees a recording server that needs a standby.</summary>
    public FailedServer ToFailed(ManagedServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new FailedServer(server.Id, server.Group ?? default, server.Priority, server.Report.LicenseChannels,
            settings.StandbyMinimumFreeBytes);
    }

    private (StandbyStatus Status, string Detail) DeriveStandby(ManagedServer standby, List<ManagedServer> recording, GroupSnapshot snapshot)
    {
        if (!standby.Enabled)
        {
            return (StandbyStatus.Disabled, "disabled in the group");
        }

        if (standby.ProtectionFailure is { } failure)
        {
            return (StandbyStatus.AbnormalProtectionFailed,
                $"failed to take over {snapshot.NameOf(failure.RecordingServer)} at {Time(failure.At)}: {failure.Reason}");
        }

        var health = snapshot.HealthOf(standby.Id);
        if (health.State == HealthState.Failed)
        {
            return (StandbyStatus.Abnormal, $"not functioning: {health.Problem ?? "probes fail"}");
        }

        var episode = snapshot.OpenEpisodes.FirstOrDefault(e => e.Occupies(standby.Id));
        if (episode is not null)
        {
            return (StandbyStatus.NormalProtecting, DescribeWork(episode, snapshot));
        }

        if (snapshot.Group is null)
        {
            return (StandbyStatus.Warning, "not in a failover group");
        }

        var unmet = StandbyEligibility
            .Check(standby.Report, snapshot.Group, snapshot.Group, [], cmsVersion)
            .Select(r => r.Message)
            .ToList();
        if (unmet.Count > 0)
        {
            return (StandbyStatus.Warning, $"cannot take over: {string.Join(" ", unmet)}");
        }

        if (standby.Report.LargestEmptySpaceFreeBytes < settings.StandbyMinimumFreeBytes)
        {
            return (StandbyStatus.Warning,
                $"cannot take over: {ByteSize.Format(standby.Report.LargestEmptySpaceFreeBytes)} free in its empty recording space, {ByteSize.Format(settings.StandbyMinimumFreeBytes)} needed");
        }

        var tooLarge = recording
            .Where(r => r.Report.LicenseChannels > standby.Report.LicenseChannels)
            .Select(r => r.Name)
            .ToList();
        return (StandbyStatus.NormalReady, tooLarge.Count == 0
            ? "ready to take over"
            : $"ready to take over, except {string.Join(", ", tooLarge)} (more than its {standby.Report.LicenseChannels} license channels)");
    }

    private ServerStatus DeriveRecording(ManagedServer server, List<StandbyCandidate> ready, GroupSnapshot snapshot)
    {
        if (!server.Enabled)
        {
            return ServerStatus.Of(RecordingStatus.Disabled, "disabled in the group");
        }

        var episode = snapshot.OpenEpisodes.FirstOrDefault(e => e.RecordingServer == server.Id);
        if (episode is { StandbyRecordsInstead: true })
        {
            return ServerStatus.Of(RecordingStatus.AbnormalProtected, DescribeTakeover(episode, snapshot));
        }

        var gap = WhyUnprotected(server, ready, snapshot.Group);
        var health = snapshot.HealthOf(server.Id);
        if (health.State == HealthState.Failed)
        {
            return ServerStatus.Of(RecordingStatus.AbnormalUnprotected,
                $"failed ({health.Problem ?? "probes fail"}); not taken over: {episode?.Note.Render(snapshot.NameOf) ?? gap ?? WhyNotTakenOver()}");
        }

        var work = episode is null ? string.Empty : $"; {DescribeWork(episode, snapshot)}";
        return gap is null
            ? ServerStatus.Of(RecordingStatus.NormalProtected, $"protected by {Count(ready, server)} ready standby(s){work}")
            : ServerStatus.Of(RecordingStatus.NormalUnprotected, $"unprotected: {gap}{work}");
    }

    /// <summary>A failed server with a ready standby and no failover: either the engine is about to act, or it must not.</summary>
    private string WhyNotTakenOver() => settings.AutomaticFailover ? "waiting for a standby" : "automatic failover is off; fail it over by hand";

    private string? WhyUnprotected(ManagedServer server, List<StandbyCandidate> ready, FailoverGroup? group) => group switch
    {
        null => "not in a failover group",
        { ProtectionEnabled: false } => "failover protection is off in this group",
        _ => VersionCompatibility.Problem(server.Report.AgentVersion, cmsVersion)?.Message ?? Coverage.WhyUncovered(ToFailed(server), ready),
    };

    /// <summary>Whether the CMS may fail <paramref name="server"/> over: its agent's version is one the CMS manages.</summary>
    public bool CanBeProtected(ManagedServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return VersionCompatibility.Of(server.Report.AgentVersion, cmsVersion) == AgentCompatibility.Compatible;
    }

    private int Count(List<StandbyCandidate> ready, ManagedServer server)
    {
        var failed = ToFailed(server);
        return ready.Count(s => s.CanProtect(failed));
    }

    private static string DescribeTakeover(FailoverEpisode episode, GroupSnapshot snapshot)
    {
        var standby = episode.Standby is { } id ? snapshot.NameOf(id) : "a standby";
        return episode.Phase switch
        {
            FailoverPhase.TakingOver => $"{standby} is taking over",
            FailoverPhase.FailingBack => $"recorded by {standby}; failing back",
            _ => $"recorded by {standby} since {Time(episode.PhaseSince)}",
        };
    }

    private static string DescribeWork(FailoverEpisode episode, GroupSnapshot snapshot)
    {
        var server = snapshot.NameOf(episode.RecordingServer);
        return episode.Phase switch
        {
            FailoverPhase.TakingOver => $"taking over {server}",
            FailoverPhase.Active => $"protecting {server} since {Time(episode.PhaseSince)}",
            FailoverPhase.FailingBack => $"handing {server} back",
            FailoverPhase.Restoring => string.Create(CultureInfo.InvariantCulture,
                $"restoring recordings to {server}: {episode.Restore.Fraction * 100:0}% ({episode.Restore.FilesCopied}/{episode.Restore.FilesTotal} files)"),
            FailoverPhase.Cleaning => $"removing the failover recordings of {server}",
            _ => episode.Note.Render(snapshot.NameOf),
        };
    }

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
