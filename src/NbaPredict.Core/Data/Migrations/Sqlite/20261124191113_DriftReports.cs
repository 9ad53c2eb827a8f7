using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DriftReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "drift_reports",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    model_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    reference_from = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    reference_to = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    recent_from = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    recent_to = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    reference_rows = table.Column<int>(type: "INTEGER", nullable: false),
                    recent_rows = table.Column<int>(type: "INTEGER", nullable: false),
                    max_feature_psi = table.Column<double>(type: "REAL", nullable: false),
                    psi_threshold = table.Column<double>(type: "REAL", nullable: false),
                    error_ratio_threshold = table.Column<double>(type: "REAL", nullable: false),
                    drifted = table.Column<bool>(type: "INTEGER", nullable: false),
                    features_json = table.Column<string>(type: "TEXT", nullable: false),
                    stats_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_drift_reports", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_drift_reports_model_version",
                table: "drift_reports",
                column: "model_version");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "drift_reports");
        }
    }
}
