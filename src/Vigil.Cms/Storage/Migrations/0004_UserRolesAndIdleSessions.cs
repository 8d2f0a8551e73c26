using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>
/// A role on every user (the users so far, only the first admin, become administrators) and when each
/// session was last used, for the idle timeout.
/// </summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0004_UserRolesAndIdleSessions")]
internal sealed class UserRolesAndIdleSessionsSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("Role", "users", nullable: false, defaultValue: "administrator");
        migrationBuilder.AddColumn<DateTimeOffset>("LastSeenAt", "sessions", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("LastSeenAt", "sessions");
        migrationBuilder.DropColumn("Role", "users");
    }
}
