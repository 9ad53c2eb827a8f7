#!/usr/bin/env bash
# Sequential latency of the same read through REST and through GraphQL, against a running API.
#   bench/scripts/rest-vs-graphql.sh [BASE_URL] [N]
# Prints the median and p95 (ms) of N requests each, after 20 warm-up requests.
set -euo pipefail
BASE="${1:-http://localhost:5080}"
N="${2:-300}"
GAME="0022300061"
TEAM='nbaTeamId abbreviation name city conference'
QUERY="{ game(nbaGameId: \\\"$GAME\\\") { nbaGameId date season seasonType homeTeam { $TEAM } awayTeam { $TEAM } homeScore awayScore boxScore { nbaGameId date season player { nbaId } team { $TEAM } opponent { $TEAM } home starter min pts reb oreb dreb ast stl blk tov pf fgm fga fg3m fg3a ftm fta plusMinus } } }"

measure() { # label, then the curl arguments
  local label="$1"; shift
  for _ in $(seq 20); do curl -s -o /dev/null "$@"; done
  for _ in $(seq "$N"); do curl -s -o /dev/null -w '%{time_total}\n' "$@"; done \
    | sort -n | awk -v label="$label" '{ v[NR] = $1 * 1000 } END { printf "%-8s median %.2f ms  p95 %.2f ms  (n=%d)\n", label, v[int(NR/2)+1], v[int(NR*0.95)], NR }'
}

measure REST "$BASE/api/v1/games/$GAME"
measure GraphQL -X POST -H 'content-type: application/json' -d "{\"query\":\"$QUERY\"}" "$BASE/graphql"
measure metrics "$BASE/metrics"
