using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>
/// How a standby CMS host reaches the leader to forward a request to it: the address the database saw each host connect
/// from (it stands in for a wildcard listening address) and the fingerprint of the certificate the leader serves TLS
/// with. PostgreSQL only, as the lease tables are.
/// </summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0010_HostReach")]
internal sealed class HostReachSchema : Migration
{
    private const string Npgsql = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider != Npgsql)
        {
            return;
        }

        migrationBuilder.Sql("ALTER TABLE cms_lease ADD COLUMN peer text, ADD COLUMN fingerprint text");
        migrationBuilder.Sql("ALTER TABLE cms_hosts ADD COLUMN peer text");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider != Npgsql)
        {
            return;
        }

        migrationBuilder.Sql("ALTER TABLE cms_lease DROP COLUMN peer, DROP COLUMN fingerprint");
        migrationBuilder.Sql("ALTER TABLE cms_hosts DROP COLUMN peer");
    }
}
