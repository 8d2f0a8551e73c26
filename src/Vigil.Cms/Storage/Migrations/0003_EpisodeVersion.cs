using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>A version on every episode row, raised by each transition, for optimistic concurrency between steps and commands.</summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0003_EpisodeVersion")]
internal sealed class EpisodeVersionSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<long>("Version", "episodes", nullable: false, defaultValue: 0L);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn("Version", "episodes");
}
