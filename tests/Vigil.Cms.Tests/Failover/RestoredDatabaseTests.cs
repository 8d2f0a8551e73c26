using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The CMS database is put back from a backup taken before two failovers, the second of which was still active on a
/// standby when the CMS died. The agents have obeyed epochs and hold footage the restored database knows nothing of,
/// and it numbers its episodes again from 1. It must neither be locked out (its commands refused as older than what the
/// agents obeyed) nor take over, copy or discard the footage the agents keep for the other database's episodes.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class RestoredDatabaseTests() : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task A_database_restored_from_a_backup_fails_over_and_back_and_leaves_the_footage_of_episodes_it_never_knew()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var first = await Site.StartAgentAsync("standby-1");
        var second = await Site.StartAgentAsync("standby-2");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.AddAsync(first, ServerRoleName.Standby);
        await Site.AddAsync(second, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        var backup = Directory.CreateTempSubdirectory("vigil-backup-").FullName;
        try
        {
            await BackUpAsync(backup);
            await FailOverTwiceAndRestoreAsync(backup, rec, recording, first, second);
        }
        finally
        {
            Directory.Delete(backup, recursive: true);
        }
    }

    private async Task FailOverTwiceAndRestoreAsync(string backup, ServerView rec, VigilProcess recording, VigilProcess first, VigilProcess second)
    {

        // After the backup: one failover runs to its end, and another is active when the CMS dies.
        await recording.KillTreeAsync();
        var earlier = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the first takeover");
        recording = await Site.StartAgentAsync("rec");
        (await Site.WaitFailoverAsync(rec.Id, f => f.Id == earlier.Id && f.Phase is "completed" or "failed" or "stopped", "the first failback"))
            .Phase.ShouldBe("completed");
        await recording.KillTreeAsync();
        var orphan = await Site.WaitFailoverAsync(rec.Id, f => f.Id != earlier.Id && f.Phase == "active", "the second takeover");
        var holder = orphan.StandbyName!;
        await Eventually.UntilAsync(() => Site.FailoverSegments(holder, orphan.FootageKey, "cam-1").Count >= 2, TimeSpan.FromSeconds(30),
            "the standby to record the second failover");
        await Cms.Process.KillAsync();
        Restore(backup);
        var orphanFiles = Site.FailoverSegments(holder, orphan.FootageKey, "cam-1");
        await Cms.StartAsync();

        // The restored database knows no failover, sees the recording server down and fails it over: its first episode.
        var restored = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "active" or "failed" or "stopped", "the restored database's takeover");
        restored.Phase.ShouldBe("active", restored.Note);
        restored.Id.ShouldBe(earlier.Id, "the restored database numbers its episodes again from where its backup stood");
        restored.FootageKey.ShouldNotBe(earlier.FootageKey);
        restored.FootageKey.ShouldNotBe(orphan.FootageKey);
        restored.Epoch.ShouldBeGreaterThan(orphan.Epoch, "its epochs pass the ones the agents obeyed, so they obey it");
        restored.StandbyName.ShouldNotBe(holder, "the standby still recording the other database's failover has no space for another");

        await Site.StartAgentAsync("rec");
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "completed" or "failed" or "stopped", "the restored database's failback");
        done.Phase.ShouldBe("completed", done.Note);
        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);

        // The footage of the failover it never knew is where that failover left it, every file kept and more recorded since.
        var kept = Site.FailoverSegments(holder, orphan.FootageKey, "cam-1");
        orphanFiles.Except(kept).ShouldBeEmpty($"every file recorded under {orphan.FootageKey} is kept");
        kept.Count.ShouldBeGreaterThan(orphanFiles.Count);

        var holderAgent = holder == "standby-1" ? first : second;
        (await FailoverSite.TakeoversAsync(holderAgent)).Select(t => t.Server).ShouldBe([orphan.FootageKey],
            "the standby goes on recording for the failover only the lost database knew; the restored one never touched it");

        // The restored CMS says so on that standby, naming the key, rather than leaving it busy for no failover it shows.
        var holderView = (await Cms.ServersAsync()).Single(s => s.Name == holder);
        holderView.Status.Detail.ShouldContain($"a failover this CMS does not know ({orphan.FootageKey})");
        (await Cms.ServersAsync()).Where(s => s.Name != holder).ShouldAllBe(s => !s.Status.Detail.Contains("does not know"));
    }

    /// <summary>Stops the CMS, copies its SQLite files aside and starts it again.</summary>
    private async Task BackUpAsync(string backup)
    {
        await Cms.Process.DisposeAsync();
        foreach (var file in DatabaseFiles(Cms.DataDirectory))
        {
            File.Copy(file, Path.Combine(backup, Path.GetFileName(file)));
        }

        await Cms.StartAsync();
    }

    private void Restore(string backup)
    {
        foreach (var file in DatabaseFiles(Cms.DataDirectory))
        {
            File.Delete(file);
        }

        foreach (var file in DatabaseFiles(backup))
        {
            File.Copy(file, Path.Combine(Cms.DataDirectory, Path.GetFileName(file)));
        }
    }

    private static string[] DatabaseFiles(string directory) => Directory.GetFiles(directory, CmsDatabase.SqliteFileName + "*");
}
