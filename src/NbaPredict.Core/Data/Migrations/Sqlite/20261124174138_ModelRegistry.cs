using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ModelRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "model_versions",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    promoted_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    feature_schema_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    train_from = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    train_to = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    calibration_from = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    calibration_to = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    training_rows = table.Column<int>(type: "INTEGER", nullable: false),
                    training_seconds = table.Column<double>(type: "REAL", nullable: false),
                    data_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    artifact_path = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    hyperparameters_json = table.Column<string>(type: "TEXT", nullable: false),
                    metrics_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_versions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_model_versions_stage",
                table: "model_versions",
                column: "stage");

            migrationBuilder.CreateIndex(
                name: "ix_model_versions_version",
                table: "model_versions",
                column: "version",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "model_versions");
        }
    }
}
