"""Whole-number rules for point predictions (ADR 0023): re-scores an `evaluate --predictions-out` file against the
last-10 mean, with the score snapped part or all of the way to the nearest whole number and with floor(score + θ).
Usage: python3 bench/scripts/rounding_rules.py PREDICTIONS.csv SEASON [DATA_DIR]   (DATA_DIR defaults to ../shared/data/nba)
Run it on a season the model neither trained nor calibrated on, and never to choose a rule on the test season."""
import csv, collections, math, sys
from itertools import groupby

pred_file, season = sys.argv[1], sys.argv[2]
data_dir = sys.argv[3] if len(sys.argv) > 3 else '../shared/data/nba'
y0 = int(season[:4])
rows = []
for s in (f'{y}-{str(y + 1)[2:]}' for y in (y0 - 2, y0 - 1, y0)):
    with open(f'{data_dir}/player_games_{s}.csv') as f:
        rows += list(csv.DictReader(f))
rows.sort(key=lambda r: (r['game_date'], r['game_id']))
preds = collections.defaultdict(dict)
with open(pred_file) as f:
    for r in csv.DictReader(f):
        preds[(r['game_id'], int(r['player_id']))][r['stat']] = float(r['predicted'])

stats = ['pts', 'reb', 'ast', 'fg3m', 'stl', 'blk', 'tov', 'min']
column = {'min': 'minutes'}
history = collections.defaultdict(list)
scored = []  # (stat, actual, predicted, last-10 mean): rows of the season whose player has an earlier game
for _, day in groupby(rows, key=lambda r: r['game_date']):
    day = list(day)
    for r in day:
        key = (r['game_id'], int(r['player_id']))
        if r['season'] != season or float(r['minutes']) <= 0 or key not in preds:
            continue
        last10 = history[int(r['player_id'])][-10:]
        if not last10:
            continue
        for s in stats:
            c = column.get(s, s)
            scored.append((s, float(r[c]), preds[key][s], sum(float(x[c]) for x in last10) / len(last10)))
    for r in day:
        if float(r['minutes']) > 0:
            history[int(r['player_id'])].append(r)

def improvement(xs, rule):
    base = sum(abs(y - b) for y, p, b in xs)
    return 100 * (1 - sum(abs(y - rule(max(p, 0))) for y, p, b in xs) / base)

for s in stats:
    xs = [(y, p, b) for st, y, p, b in scored if st == s]
    snaps = ' '.join(f'snap {a}: {improvement(xs, lambda p, a=a: p + a * (round(p) - p)):.2f}%' for a in (0, 0.5, 1.0))
    thetas = ' '.join(f'θ {t}: {improvement(xs, lambda p, t=t: math.floor(p + t)):.2f}%' for t in (0.3, 0.4, 0.5, 0.6, 0.7))
    print(f'{s:5} rows {len(xs)} | {snaps} | {thetas}')
