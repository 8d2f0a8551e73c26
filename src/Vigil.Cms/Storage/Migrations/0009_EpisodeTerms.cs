using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>
/// The leader term each episode opened under, which its footage key names from now on. Episodes stored before keep 0 and
/// the key they were given (<c>episode-N</c>), so the agents still find the footage they hold for them.
/// </summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0009_EpisodeTerms")]
internal sealed class EpisodeTermsSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<long>("OpenedTerm", "episodes", nullable: false, defaultValue: 0L);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn("OpenedTerm", "episodes");
}
