using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Postgres
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
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "availability_reports",
                columns: table => new
                {
                    game_id = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    team_id = table.Column<int>(type: "integer", nullable: false),
                    game_date = table.Column<DateOnly>(type: "date", nullable: false),
                    unavailable_player_ids = table.Column<List<int>>(type: "integer[]", nullable: false),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reported_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
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
