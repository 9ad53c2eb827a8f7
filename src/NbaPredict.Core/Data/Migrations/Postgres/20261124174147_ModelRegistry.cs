using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Postgres
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
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    promoted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    feature_schema_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    train_from = table.Column<DateOnly>(type: "date", nullable: false),
                    train_to = table.Column<DateOnly>(type: "date", nullable: false),
                    calibration_from = table.Column<DateOnly>(type: "date", nullable: false),
                    calibration_to = table.Column<DateOnly>(type: "date", nullable: false),
                    training_rows = table.Column<int>(type: "integer", nullable: false),
                    training_seconds = table.Column<double>(type: "double precision", nullable: false),
                    data_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    artifact_path = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    hyperparameters_json = table.Column<string>(type: "text", nullable: false),
                    metrics_json = table.Column<string>(type: "text", nullable: false)
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
