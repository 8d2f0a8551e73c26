using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Vigil.Cms.Storage.Migrations;

/// <summary>
/// Alerts: the code of each event's reason, so alerts are chosen by meaning rather than by wording, and the
/// delivery log, which is also the queue of alerts still to send (a crash loses none).
/// </summary>
[DbContext(typeof(CmsDbContext))]
[Migration("0005_Alerts")]
internal sealed class AlertsSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("Code", "events", nullable: true);
        migrationBuilder.CreateTable(
            name: "alert_deliveries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                EventId = table.Column<long>(nullable: true),
                Kind = table.Column<string>(nullable: false),
                Channel = table.Column<string>(nullable: false),
                WebhookId = table.Column<int>(nullable: true),
                Target = table.Column<string>(nullable: false),
                Summary = table.Column<string>(nullable: false),
                PayloadJson = table.Column<string>(nullable: false),
                State = table.Column<string>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                LastAttemptAt = table.Column<DateTimeOffset>(nullable: true),
                NextAttemptAt = table.Column<DateTimeOffset>(nullable: true),
                LastResult = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_alert_deliveries", d => d.Id));
        migrationBuilder.CreateIndex("IX_alert_deliveries_State", "alert_deliveries", "State");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("alert_deliveries");
        migrationBuilder.DropColumn("Code", "events");
    }
}
