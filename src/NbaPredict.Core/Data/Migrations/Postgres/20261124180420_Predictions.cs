using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Postgres
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    game_id = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    player_id = table.Column<int>(type: "integer", nullable: false),
                    team_id = table.Column<int>(type: "integer", nullable: false),
                    opponent_team_id = table.Column<int>(type: "integer", nullable: false),
                    home = table.Column<bool>(type: "boolean", nullable: false),
                    game_date = table.Column<DateOnly>(type: "date", nullable: false),
                    model_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    feature_schema_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    inputs_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stats_json = table.Column<string>(type: "text", nullable: false)
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
