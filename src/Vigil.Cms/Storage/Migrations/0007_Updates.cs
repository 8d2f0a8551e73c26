using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>Agent update packages and each server's updates.</summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0007_Updates")]
internal sealed class UpdatesSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "update_packages",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Version = table.Column<string>(nullable: false),
                OldestFrom = table.Column<string>(nullable: false),
                Sha256 = table.Column<string>(nullable: false),
                Bytes = table.Column<long>(nullable: false),
                Source = table.Column<string>(nullable: false),
                AddedBy = table.Column<string>(nullable: false),
                AddedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_update_packages", p => p.Id));
        migrationBuilder.CreateIndex("IX_update_packages_Sha256", "update_packages", "Sha256", unique: true);

        migrationBuilder.CreateTable(
            name: "server_updates",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ServerId = table.Column<int>(nullable: false),
                ServerName = table.Column<string>(nullable: false),
                PackageId = table.Column<long>(nullable: true),
                FromVersion = table.Column<string>(nullable: false),
                ToVersion = table.Column<string>(nullable: false),
                Route = table.Column<string>(nullable: true),
                Step = table.Column<string>(nullable: false),
                Detail = table.Column<string>(nullable: false),
                Reason = table.Column<string>(nullable: true),
                Actor = table.Column<string>(nullable: false),
                QueuedAt = table.Column<DateTimeOffset>(nullable: false),
                StartedAt = table.Column<DateTimeOffset>(nullable: true),
                EndedAt = table.Column<DateTimeOffset>(nullable: true),
                SentAt = table.Column<DateTimeOffset>(nullable: true),
                Outcome = table.Column<string>(nullable: true),
                EpisodeId = table.Column<long>(nullable: true),
                IsOpen = table.Column<bool>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_server_updates", u => u.Id));
        migrationBuilder.CreateIndex("IX_server_updates_ServerId", "server_updates", "ServerId");
        migrationBuilder.CreateIndex("IX_server_updates_IsOpen", "server_updates", "IsOpen");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("server_updates");
        migrationBuilder.DropTable("update_packages");
    }
}
