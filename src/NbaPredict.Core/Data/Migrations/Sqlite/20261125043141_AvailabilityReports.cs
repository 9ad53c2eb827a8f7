using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AvailabilityReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "absences_named",
                table: "predictions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "availability_reports",
                columns: table => new
                {
                    game_id = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    team_id = table.Column<int>(type: "INTEGER", nullable: false),
                    game_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    unavailable_player_ids = table.Column<string>(type: "TEXT", nullable: false),
                    reported_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    reported_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_availability_reports", x => new { x.game_id, x.team_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_availability_reports_game_date",
                table: "availability_reports",
                column: "game_date");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "availability_reports");

            migrationBuilder.DropColumn(
                name: "absences_named",
                table: "predictions");
        }
    }
}
