using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Predictions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "predictions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    game_id = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    player_id = table.Column<int>(type: "INTEGER", nullable: false),
                    team_id = table.Column<int>(type: "INTEGER", nullable: false),
                    opponent_team_id = table.Column<int>(type: "INTEGER", nullable: false),
                    home = table.Column<bool>(type: "INTEGER", nullable: false),
                    game_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    model_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    feature_schema_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    inputs_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    stats_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_predictions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_predictions_game_date_model_version",
                table: "predictions",
                columns: new[] { "game_date", "model_version" });

            migrationBuilder.CreateIndex(
                name: "ix_predictions_game_id_player_id_model_version",
                table: "predictions",
                columns: new[] { "game_id", "player_id", "model_version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_predictions_player_id_game_date",
                table: "predictions",
                columns: new[] { "player_id", "game_date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "predictions");
        }
    }
}
