using Microsoft.AspNetCore.DataProtection;
using Vigil.Cms.Inventory;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Tests.Inventory;

/// <summary>The periodic inventory copy writes a server's row only when what its agent says changed in a way that matters, or to confirm it every few minutes.</summary>
public sealed class InventoryFreshnessTests
{
    private const long Gib = 1L << 30;
    private static readonly CameraSecrets Secrets = new(new EphemeralDataProtectionProvider());
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly AgentInfo Info = new("rec-1", "VS-1", "SERIAL-1", "0.1.0", 8, 2, null,
        [new SpaceInfo("/srv/space1", 1000 * Gib, 400 * Gib, false), new SpaceInfo("/srv/space2", 50 * Gib, 50 * Gib, true)],
        [new CameraConfig("cam-1", "Door", "rtsp://viewer:pa55@10.0.0.5/stream")]);

    [Fact]
    public void The_same_report_ten_seconds_later_writes_nothing()
    {
        var row = Copied();
        AgentInventory.Differs(row, Info, Start.AddSeconds(10), Secrets).ShouldBeFalse();
        AgentInventory.Refresh(row, Info, Start.AddSeconds(10), Secrets).ShouldBeFalse();
        row.LastSyncedAt.ShouldBe(Start);
    }

    /// <summary>The question the monitor asks of its shared copy before reading the database: answered without changing the row.</summary>
    [Fact]
    public void Asking_whether_a_report_differs_leaves_the_row_as_it_was()
    {
        var row = Copied();
        var (version, cameras, synced) = (row.AgentVersion, row.CamerasJson, row.LastSyncedAt);

        AgentInventory.Differs(row, Info with { Version = "0.2.0" }, Start.AddSeconds(10), Secrets).ShouldBeTrue();
        AgentInventory.Differs(row, Info with { Cameras = [new CameraConfig("cam-1", "Door", "rtsp://viewer:new@10.0.0.5/stream")] }, Start.AddSeconds(10), Secrets)
            .ShouldBeTrue("a camera URL changed, which only its decrypted form shows");
        AgentInventory.Differs(row, Info, Start.AddMinutes(5), Secrets).ShouldBeTrue("the row is due for its confirmation");
        AgentInventory.ReportDiffers(row, Info, Secrets).ShouldBeFalse("a confirmation is due, but the report is the same");
        AgentInventory.ReportDiffers(row, Info with { Version = "0.2.0" }, Secrets).ShouldBeTrue();

        (row.AgentVersion, row.CamerasJson, row.LastSyncedAt).ShouldBe((version, cameras, synced));
    }

    [Fact]
    public void Free_space_that_moved_less_than_a_step_writes_nothing_and_a_step_writes()
    {
        var row = Copied();
        AgentInventory.Refresh(row, WithFree(0, 400 * Gib - (Gib - 1)), Start.AddSeconds(10), Secrets).ShouldBeFalse("less than 1 GiB on a 1000 GiB space");
        AgentInventory.Refresh(row, WithFree(1, 50 * Gib - (Gib / 2) + 1), Start.AddSeconds(10), Secrets).ShouldBeFalse("less than 1% of a 50 GiB space");
        AgentInventory.Refresh(row, WithFree(0, 399 * Gib), Start.AddSeconds(20), Secrets).ShouldBeTrue();
        AgentInventory.Spaces(row)[0].FreeBytes.ShouldBe(399 * Gib);
        row.LastSyncedAt.ShouldBe(Start.AddSeconds(20));
    }

    [Theory]
    [InlineData("version")]
    [InlineData("name")]
    [InlineData("camera")]
    [InlineData("channels")]
    [InlineData("space emptied")]
    [InlineData("space added")]
    public void Any_other_change_writes_at_once(string change)
    {
        var row = Copied();
        var changed = change switch
        {
            "version" => Info with { Version = "0.1.1" },
            "name" => Info with { Name = "rec-one" },
            "camera" => Info with { Cameras = [Info.Cameras[0] with { StreamUrl = "rtsp://viewer:n3w@10.0.0.5/stream" }] },
            "channels" => Info with { LicenseChannels = 16 },
            "space emptied" => Info with { Spaces = [Info.Spaces[0] with { IsEmpty = true }, Info.Spaces[1]] },
            _ => Info with { Spaces = [.. Info.Spaces, new SpaceInfo("/srv/space3", Gib, Gib, true)] },
        };

        AgentInventory.Refresh(row, changed, Start.AddSeconds(10), Secrets).ShouldBeTrue();
        row.ShouldSatisfyAllConditions(
            () => row.AgentName.ShouldBe(changed.Name),
            () => row.AgentVersion.ShouldBe(changed.Version),
            () => row.LicenseChannels.ShouldBe(changed.LicenseChannels),
            () => AgentInventory.Spaces(row).ShouldBe(changed.Spaces),
            () => Secrets.Open(row).ShouldBe(changed.Cameras));
    }

    [Fact]
    public void An_unchanged_row_is_confirmed_every_five_minutes()
    {
        var row = Copied();
        AgentInventory.Refresh(row, Info, Start + InventoryFreshness.ConfirmEvery - TimeSpan.FromSeconds(1), Secrets).ShouldBeFalse();
        AgentInventory.Refresh(row, Info, Start + InventoryFreshness.ConfirmEvery, Secrets).ShouldBeTrue();
        row.LastSyncedAt.ShouldBe(Start + InventoryFreshness.ConfirmEvery);
    }

    private static ServerRow Copied()
    {
        var row = new ServerRow
        {
            Name = "rec-1", Role = AgentInventory.RecordingRole, Host = "10.0.0.21", ProtectedCredential = "-", Serial = Info.Serial,
            AgentName = "-", Model = "-", AgentVersion = "-", SpacesJson = "[]", CamerasJson = "[]",
        };
        AgentInventory.Apply(row, Info, Start, Secrets);
        return row;
    }

    private static AgentInfo WithFree(int space, long free) =>
        Info with { Spaces = [.. Info.Spaces.Select((s, i) => i == space ? s with { FreeBytes = free } : s)] };
}
