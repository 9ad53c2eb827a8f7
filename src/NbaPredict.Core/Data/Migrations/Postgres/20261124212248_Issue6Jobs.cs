using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace NbaPredict.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue6Jobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "job_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    job_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    fire_instance_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    scheduled_fire_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    instance_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "model_scores",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    model_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    game_date = table.Column<DateOnly>(type: "date", nullable: false),
                    stat = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    rows = table.Column<int>(type: "integer", nullable: false),
                    mae = table.Column<double>(type: "double precision", nullable: false),
                    coverage80 = table.Column<double>(type: "double precision", nullable: false),
                    coverage95 = table.Column<double>(type: "double precision", nullable: false),
                    rolling_days = table.Column<int>(type: "integer", nullable: false),
                    rolling_rows = table.Column<int>(type: "integer", nullable: false),
                    rolling_mae = table.Column<double>(type: "double precision", nullable: false),
                    rolling_coverage80 = table.Column<double>(type: "double precision", nullable: false),
                    rolling_coverage95 = table.Column<double>(type: "double precision", nullable: false),
                    scored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_scores", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "retraining_decisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    trigger = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    candidate_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    champion_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    window_from = table.Column<DateOnly>(type: "date", nullable: false),
                    window_to = table.Column<DateOnly>(type: "date", nullable: false),
                    window_rows = table.Column<int>(type: "integer", nullable: false),
                    improvement = table.Column<double>(type: "double precision", nullable: false),
                    margin = table.Column<double>(type: "double precision", nullable: false),
                    promoted = table.Column<bool>(type: "boolean", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    stats_json = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_retraining_decisions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_job_name_scheduled_fire_time",
                table: "job_runs",
                columns: new[] { "job_name", "scheduled_fire_time" });

            migrationBuilder.CreateIndex(
                name: "ix_model_scores_game_date",
                table: "model_scores",
                column: "game_date");

            migrationBuilder.CreateIndex(
                name: "ix_model_scores_model_version_game_date_stat",
                table: "model_scores",
                columns: new[] { "model_version", "game_date", "stat" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_runs");

            migrationBuilder.DropTable(
                name: "model_scores");

            migrationBuilder.DropTable(
                name: "retraining_decisions");
        }
    }
}
