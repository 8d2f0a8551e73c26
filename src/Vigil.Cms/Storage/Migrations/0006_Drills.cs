using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>Failover drills and their reports.</summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0006_Drills")]
internal sealed class DrillsSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "drills",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ServerId = table.Column<int>(nullable: false),
                ServerName = table.Column<string>(nullable: false),
                GroupId = table.Column<int>(nullable: false),
                EpisodeId = table.Column<long>(nullable: true),
                StandbyId = table.Column<int>(nullable: true),
                StandbyName = table.Column<string>(nullable: true),
                Trigger = table.Column<string>(nullable: false),
                Actor = table.Column<string>(nullable: false),
                State = table.Column<string>(nullable: false),
                Step = table.Column<string>(nullable: false),
                StartedAt = table.Column<DateTimeOffset>(nullable: false),
                ActiveAt = table.Column<DateTimeOffset>(nullable: true),
                FailbackAt = table.Column<DateTimeOffset>(nullable: true),
                EndedAt = table.Column<DateTimeOffset>(nullable: true),
                HoldSeconds = table.Column<double>(nullable: false),
                MaxTakeoverSeconds = table.Column<double>(nullable: false),
                MaxGapSeconds = table.Column<double>(nullable: false),
                TakeoverSeconds = table.Column<double>(nullable: true),
                CamerasJson = table.Column<string>(nullable: false),
                RestoredFiles = table.Column<int>(nullable: false),
                RestoredBytes = table.Column<long>(nullable: false),
                StandbyFilesSeen = table.Column<int>(nullable: false),
                StandbyFilesHome = table.Column<int>(nullable: false),
                ReasonsJson = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_drills", d => d.Id));
        migrationBuilder.CreateIndex("IX_drills_ServerId", "drills", "ServerId");
        migrationBuilder.CreateIndex("IX_drills_State", "drills", "State");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("drills");
}
