using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Postgres
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    model_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    reference_from = table.Column<DateOnly>(type: "date", nullable: false),
                    reference_to = table.Column<DateOnly>(type: "date", nullable: false),
                    recent_from = table.Column<DateOnly>(type: "date", nullable: false),
                    recent_to = table.Column<DateOnly>(type: "date", nullable: false),
                    reference_rows = table.Column<int>(type: "integer", nullable: false),
                    recent_rows = table.Column<int>(type: "integer", nullable: false),
                    max_feature_psi = table.Column<double>(type: "double precision", nullable: false),
                    psi_threshold = table.Column<double>(type: "double precision", nullable: false),
                    error_ratio_threshold = table.Column<double>(type: "double precision", nullable: false),
                    drifted = table.Column<bool>(type: "boolean", nullable: false),
                    features_json = table.Column<string>(type: "text", nullable: false),
                    stats_json = table.Column<string>(type: "text", nullable: false)
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
