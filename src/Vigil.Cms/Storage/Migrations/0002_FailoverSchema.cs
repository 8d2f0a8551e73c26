using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>Failover episodes, the event log, and a standby's unresolved protection failure.</summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0002_Failover")]
internal sealed class FailoverSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>("ProtectionFailedFor", "servers", nullable: true);
        migrationBuilder.AddColumn<string>("ProtectionFailureReason", "servers", nullable: true);
        migrationBuilder.AddColumn<DateTimeOffset>("ProtectionFailedAt", "servers", nullable: true);

        migrationBuilder.CreateTable(
            name: "episodes",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                RecordingServerId = table.Column<int>(nullable: false),
                RecordingServerName = table.Column<string>(nullable: false),
                GroupId = table.Column<int>(nullable: false),
                Origin = table.Column<string>(nullable: false),
                Phase = table.Column<string>(nullable: false),
                Epoch = table.Column<long>(nullable: false),
                StandbyId = table.Column<int>(nullable: true),
                FootageOnJson = table.Column<string>(nullable: false),
                FailedStandbysJson = table.Column<string>(nullable: false),
                OriginalRecording = table.Column<bool>(nullable: false),
                RestoreBytesCopied = table.Column<long>(nullable: false),
                RestoreBytesTotal = table.Column<long>(nullable: false),
                RestoreFilesCopied = table.Column<int>(nullable: false),
                RestoreFilesTotal = table.Column<int>(nullable: false),
                RestoreStartedAt = table.Column<DateTimeOffset>(nullable: true),
                EndsAs = table.Column<string>(nullable: true),
                Resolution = table.Column<string>(nullable: false),
                Note = table.Column<string>(nullable: false),
                IsOpen = table.Column<bool>(nullable: false),
                StartedAt = table.Column<DateTimeOffset>(nullable: false),
                PhaseSince = table.Column<DateTimeOffset>(nullable: false),
                EndedAt = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_episodes", e => e.Id));
        migrationBuilder.CreateIndex("IX_episodes_IsOpen", "episodes", "IsOpen");

        migrationBuilder.CreateTable(
            name: "events",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                At = table.Column<DateTimeOffset>(nullable: false),
                ServerId = table.Column<int>(nullable: true),
                ServerName = table.Column<string>(nullable: false),
                EpisodeId = table.Column<long>(nullable: true),
                Kind = table.Column<string>(nullable: false),
                From = table.Column<string>(nullable: false),
                To = table.Column<string>(nullable: false),
                Reason = table.Column<string>(nullable: false),
                Actor = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_events", e => e.Id));
        migrationBuilder.CreateIndex("IX_events_At", "events", "At");
        migrationBuilder.CreateIndex("IX_events_ServerId", "events", "ServerId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("events");
        migrationBuilder.DropTable("episodes");
        migrationBuilder.DropColumn("ProtectionFailedAt", "servers");
        migrationBuilder.DropColumn("ProtectionFailureReason", "servers");
        migrationBuilder.DropColumn("ProtectionFailedFor", "servers");
    }
}
