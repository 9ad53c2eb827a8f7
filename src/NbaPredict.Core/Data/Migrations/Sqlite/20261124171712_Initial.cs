using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace NbaPredict.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "imported_files",
                columns: table => new
                {
                    file_name = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    row_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_imported_files", x => x.file_name);
                });

            migrationBuilder.CreateTable(
                name: "seasons",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    start_year = table.Column<int>(type: "INTEGER", nullable: false),
                    first_game_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    last_game_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    game_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_seasons", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "teams",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    abbreviation = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    city = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    conference = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_teams", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "games",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    season_id = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    season_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    home_team_id = table.Column<int>(type: "INTEGER", nullable: false),
                    away_team_id = table.Column<int>(type: "INTEGER", nullable: false),
                    home_score = table.Column<int>(type: "INTEGER", nullable: false),
                    away_score = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_games", x => x.id);
                    table.ForeignKey(
                        name: "fk_games_seasons_season_id",
                        column: x => x.season_id,
                        principalTable: "seasons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_games_teams_away_team_id",
                        column: x => x.away_team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_games_teams_home_team_id",
                        column: x => x.home_team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "players",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    search_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    current_team_id = table.Column<int>(type: "INTEGER", nullable: true),
                    last_game_date = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_players", x => x.id);
                    table.ForeignKey(
                        name: "fk_players_teams_current_team_id",
                        column: x => x.current_team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "player_games",
                columns: table => new
                {
                    game_id = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    player_id = table.Column<int>(type: "INTEGER", nullable: false),
                    game_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    season_id = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    team_id = table.Column<int>(type: "INTEGER", nullable: false),
                    opponent_team_id = table.Column<int>(type: "INTEGER", nullable: false),
                    home = table.Column<bool>(type: "INTEGER", nullable: false),
                    starter = table.Column<bool>(type: "INTEGER", nullable: true),
                    minutes = table.Column<int>(type: "INTEGER", nullable: false),
                    pts = table.Column<int>(type: "INTEGER", nullable: false),
                    reb = table.Column<int>(type: "INTEGER", nullable: false),
                    oreb = table.Column<int>(type: "INTEGER", nullable: false),
                    dreb = table.Column<int>(type: "INTEGER", nullable: false),
                    ast = table.Column<int>(type: "INTEGER", nullable: false),
                    stl = table.Column<int>(type: "INTEGER", nullable: false),
                    blk = table.Column<int>(type: "INTEGER", nullable: false),
                    tov = table.Column<int>(type: "INTEGER", nullable: false),
                    pf = table.Column<int>(type: "INTEGER", nullable: false),
                    fgm = table.Column<int>(type: "INTEGER", nullable: false),
                    fga = table.Column<int>(type: "INTEGER", nullable: false),
                    fg3m = table.Column<int>(type: "INTEGER", nullable: false),
                    fg3a = table.Column<int>(type: "INTEGER", nullable: false),
                    ftm = table.Column<int>(type: "INTEGER", nullable: false),
                    fta = table.Column<int>(type: "INTEGER", nullable: false),
                    plus_minus = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_player_games", x => new { x.game_id, x.player_id });
                    table.ForeignKey(
                        name: "fk_player_games_games_game_id",
                        column: x => x.game_id,
                        principalTable: "games",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_player_games_players_player_id",
                        column: x => x.player_id,
                        principalTable: "players",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_player_games_teams_opponent_team_id",
                        column: x => x.opponent_team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_player_games_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "teams",
                columns: new[] { "id", "abbreviation", "city", "conference", "name" },
                values: new object[,]
                {
                    { 1610612737, "ATL", "Atlanta", "East", "Hawks" },
                    { 1610612738, "BOS", "Boston", "East", "Celtics" },
                    { 1610612739, "CLE", "Cleveland", "East", "Cavaliers" },
                    { 1610612740, "NOP", "New Orleans", "West", "Pelicans" },
                    { 1610612741, "CHI", "Chicago", "East", "Bulls" },
                    { 1610612742, "DAL", "Dallas", "West", "Mavericks" },
                    { 1610612743, "DEN", "Denver", "West", "Nuggets" },
                    { 1610612744, "GSW", "Golden State", "West", "Warriors" },
                    { 1610612745, "HOU", "Houston", "West", "Rockets" },
                    { 1610612746, "LAC", "LA", "West", "Clippers" },
                    { 1610612747, "LAL", "Los Angeles", "West", "Lakers" },
                    { 1610612748, "MIA", "Miami", "East", "Heat" },
                    { 1610612749, "MIL", "Milwaukee", "East", "Bucks" },
                    { 1610612750, "MIN", "Minnesota", "West", "Timberwolves" },
                    { 1610612751, "BKN", "Brooklyn", "East", "Nets" },
                    { 1610612752, "NYK", "New York", "East", "Knicks" },
                    { 1610612753, "ORL", "Orlando", "East", "Magic" },
                    { 1610612754, "IND", "Indiana", "East", "Pacers" },
                    { 1610612755, "PHI", "Philadelphia", "East", "76ers" },
                    { 1610612756, "PHX", "Phoenix", "West", "Suns" },
                    { 1610612757, "POR", "Portland", "West", "Trail Blazers" },
                    { 1610612758, "SAC", "Sacramento", "West", "Kings" },
                    { 1610612759, "SAS", "San Antonio", "West", "Spurs" },
                    { 1610612760, "OKC", "Oklahoma City", "West", "Thunder" },
                    { 1610612761, "TOR", "Toronto", "East", "Raptors" },
                    { 1610612762, "UTA", "Utah", "West", "Jazz" },
                    { 1610612763, "MEM", "Memphis", "West", "Grizzlies" },
                    { 1610612764, "WAS", "Washington", "East", "Wizards" },
                    { 1610612765, "DET", "Detroit", "East", "Pistons" },
                    { 1610612766, "CHA", "Charlotte", "East", "Hornets" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_games_away_team_id_date",
                table: "games",
                columns: new[] { "away_team_id", "date" });

            migrationBuilder.CreateIndex(
                name: "ix_games_date",
                table: "games",
                column: "date");

            migrationBuilder.CreateIndex(
                name: "ix_games_home_team_id_date",
                table: "games",
                columns: new[] { "home_team_id", "date" });

            migrationBuilder.CreateIndex(
                name: "ix_games_season_id_date",
                table: "games",
                columns: new[] { "season_id", "date" });

            migrationBuilder.CreateIndex(
                name: "ix_player_games_game_date",
                table: "player_games",
                column: "game_date");

            migrationBuilder.CreateIndex(
                name: "ix_player_games_opponent_team_id",
                table: "player_games",
                column: "opponent_team_id");

            migrationBuilder.CreateIndex(
                name: "ix_player_games_player_id_game_date",
                table: "player_games",
                columns: new[] { "player_id", "game_date" });

            migrationBuilder.CreateIndex(
                name: "ix_player_games_team_id_game_date",
                table: "player_games",
                columns: new[] { "team_id", "game_date" });

            migrationBuilder.CreateIndex(
                name: "ix_players_current_team_id",
                table: "players",
                column: "current_team_id");

            migrationBuilder.CreateIndex(
                name: "ix_players_search_name",
                table: "players",
                column: "search_name");

            migrationBuilder.CreateIndex(
                name: "ix_teams_abbreviation",
                table: "teams",
                column: "abbreviation",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "imported_files");

            migrationBuilder.DropTable(
                name: "player_games");

            migrationBuilder.DropTable(
                name: "games");

            migrationBuilder.DropTable(
                name: "players");

            migrationBuilder.DropTable(
                name: "seasons");

            migrationBuilder.DropTable(
                name: "teams");
        }
    }
}
