using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue5Serving : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_predictions_game_id_player_id_model_version",
                table: "predictions");

            migrationBuilder.AddColumn<int>(
                name: "experiment_id",
                table: "predictions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "served",
                table: "predictions",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "concluded_at",
                table: "experiments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "winner_model_version",
                table: "experiments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_predictions_experiment_id",
                table: "predictions",
                column: "experiment_id");

            migrationBuilder.CreateIndex(
                name: "ix_predictions_game_id_player_id_model_version_experiment_id",
                table: "predictions",
                columns: new[] { "game_id", "player_id", "model_version", "experiment_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_predictions_experiment_id",
                table: "predictions");

            migrationBuilder.DropIndex(
                name: "ix_predictions_game_id_player_id_model_version_experiment_id",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "experiment_id",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "served",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "concluded_at",
                table: "experiments");

            migrationBuilder.DropColumn(
                name: "winner_model_version",
                table: "experiments");

            migrationBuilder.CreateIndex(
                name: "ix_predictions_game_id_player_id_model_version",
                table: "predictions",
                columns: new[] { "game_id", "player_id", "model_version" },
                unique: true);
        }
    }
}
