using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// A recording far larger than a segment (an hour-long file from a camera that records that way) comes home whole:
/// over every size limit a request has by default, in one transfer that runs as long as its bytes flow.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class LargeRecordingRestoreTests() : FailoverSiteTests(cameras: 1)
{
    /// <summary>Over the 30 MB a web server takes in one request by default.</summary>
    private const int LargeBytes = 40 * 1024 * 1024;

    [Fact]
    public async Task A_recording_larger_than_any_request_limit_comes_home_byte_for_byte()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.AddAsync(standby, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await recording.KillTreeAsync();
        var failover = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the standby to take over");
        var key = failover.FootageKey;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 1, TimeSpan.FromSeconds(30), "the standby to record");
        var large = await AddLargeRecordingAsync(Site.DataOf("standby"), key, 1);

        await Site.StartAgentAsync("rec");
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "completed" or "failed" or "stopped", "the failback and restore to end");

        done.Phase.ShouldBe("completed", Cms.Process.Output);
        Site.OwnFileHashes("rec")["cam-1"].ShouldContain(large, "the large recording is home, byte for byte");
        done.Restore.BytesTotal.ShouldBeGreaterThan(LargeBytes);
        done.Restore.BytesCopied.ShouldBe(done.Restore.BytesTotal);
    }

    /// <summary>Writes a large recording into the standby's failover folder and catalogs it there, as its recorder would; returns its SHA-256.</summary>
    private static async Task<string> AddLargeRecordingAsync(string standbyData, string key, int number)
    {
        var space = Path.GetFullPath(Path.Combine(standbyData, "space1"));
        var relative = Path.Combine("failover", key, "cam-1", "large", $"large-{number:D6}.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(space, relative))!);
        var bytes = RandomNumberGenerator.GetBytes(LargeBytes);
        await File.WriteAllBytesAsync(Path.Combine(space, relative), bytes);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var start = DateTimeOffset.UtcNow.AddMinutes(-number);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(standbyData, "agent.db"), DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO recordings(owner, camera, kind, start_ms, end_ms, bytes, sha256, space, relative_path)
            VALUES($owner, 'cam-1', 'Video', $start, $end, $bytes, $sha, $space, $path)
            """;
        insert.Parameters.AddWithValue("$owner", key);
        insert.Parameters.AddWithValue("$start", start.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$end", start.AddSeconds(50).ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$bytes", bytes.Length);
        insert.Parameters.AddWithValue("$sha", sha256);
        insert.Parameters.AddWithValue("$space", space);
        insert.Parameters.AddWithValue("$path", relative);
        await insert.ExecuteNonQueryAsync();
        return sha256;
    }
}
