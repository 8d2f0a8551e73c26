using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>
/// What several CMS hosts on one PostgreSQL database share: the leader's lease and the hosts' last reports (read and
/// written by plain SQL, see <c>PostgresLeaseStore</c>), and the key ring that encrypts the agents' credentials. SQLite
/// serves a single host, which always leads and keeps its key ring in its data directory; the key table is made there
/// too only because the model has it.
/// </summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0008_SharedHosts")]
internal sealed class SharedHostsSchema : Migration
{
    private const string Npgsql = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "data_protection_keys",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                FriendlyName = table.Column<string>(nullable: true),
                Xml = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_data_protection_keys", k => k.Id));
        if (migrationBuilder.ActiveProvider != Npgsql)
        {
            return;
        }

        migrationBuilder.Sql("""
            CREATE TABLE cms_lease (
              id integer PRIMARY KEY CHECK (id = 1),
              holder text NOT NULL,
              host_id text NOT NULL,
              name text NOT NULL,
              address text NOT NULL,
              generation bigint NOT NULL,
              term bigint NOT NULL,
              acquired_at timestamptz NOT NULL,
              expires_at timestamptz NOT NULL)
            """);
        migrationBuilder.Sql("""
            CREATE TABLE cms_hosts (
              host_id text PRIMARY KEY,
              incarnation text NOT NULL,
              name text NOT NULL,
              address text NOT NULL,
              started_at timestamptz NOT NULL,
              seen_at timestamptz NOT NULL)
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("data_protection_keys");
        if (migrationBuilder.ActiveProvider != Npgsql)
        {
            return;
        }

        migrationBuilder.Sql("DROP TABLE cms_hosts");
        migrationBuilder.Sql("DROP TABLE cms_lease");
    }
}
