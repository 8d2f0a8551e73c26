using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>
/// Users, sessions, groups, servers and settings. Written by hand for both engines (the EF design-time
/// tools are not used): column types come from the CLR types, and each provider reads its own
/// identity annotation and ignores the other's.
/// </summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0001_Initial")]
internal sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "users",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(nullable: false),
                PasswordHash = table.Column<string>(nullable: false),
                IsFirstAdmin = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_users", u => u.Id));
        migrationBuilder.CreateIndex("IX_users_Name", "users", "Name", unique: true);

        migrationBuilder.CreateTable(
            name: "sessions",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                TokenHash = table.Column<string>(nullable: false),
                UserId = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                ExpiresAt = table.Column<DateTimeOffset>(nullable: false),
                ReauthenticatedUntil = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_sessions", s => s.Id);
                table.ForeignKey("FK_sessions_users_UserId", s => s.UserId, "users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_sessions_TokenHash", "sessions", "TokenHash", unique: true);
        migrationBuilder.CreateIndex("IX_sessions_UserId", "sessions", "UserId");

        migrationBuilder.CreateTable(
            name: "groups",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(nullable: false),
                ProtectionEnabled = table.Column<bool>(nullable: false),
                IsDefault = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_groups", g => g.Id));
        migrationBuilder.CreateIndex("IX_groups_Name", "groups", "Name", unique: true);

        migrationBuilder.CreateTable(
            name: "servers",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(nullable: false),
                Role = table.Column<string>(nullable: false),
                Enabled = table.Column<bool>(nullable: false),
                GroupId = table.Column<int>(nullable: true),
                Priority = table.Column<int>(nullable: false),
                Host = table.Column<string>(nullable: false),
                Port = table.Column<int>(nullable: false),
                Https = table.Column<bool>(nullable: false),
                CertificateFingerprint = table.Column<string>(nullable: true),
                ProtectedCredential = table.Column<string>(nullable: false),
                Serial = table.Column<string>(nullable: false),
                AgentName = table.Column<string>(nullable: false),
                Model = table.Column<string>(nullable: false),
                AgentVersion = table.Column<string>(nullable: false),
                LicenseChannels = table.Column<int>(nullable: false),
                SegmentSeconds = table.Column<int>(nullable: false),
                SpacesJson = table.Column<string>(nullable: false),
                CamerasJson = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                LastSyncedAt = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_servers", s => s.Id);
                table.ForeignKey("FK_servers_groups_GroupId", s => s.GroupId, "groups", "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("IX_servers_Name", "servers", "Name", unique: true);
        migrationBuilder.CreateIndex("IX_servers_Serial", "servers", "Serial", unique: true);
        migrationBuilder.CreateIndex("IX_servers_GroupId", "servers", "GroupId");

        migrationBuilder.CreateTable(
            name: "settings",
            columns: table => new
            {
                Key = table.Column<string>(nullable: false),
                Json = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_settings", s => s.Key));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("settings");
        migrationBuilder.DropTable("servers");
        migrationBuilder.DropTable("groups");
        migrationBuilder.DropTable("sessions");
        migrationBuilder.DropTable("users");
    }
}
