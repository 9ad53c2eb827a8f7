"""Last-10 baseline sensitivity: scores an evaluate predictions CSV of 2023-24 against two definitions of the last-10 mean.
Usage: python3 bench/scripts/baseline_sensitivity.py PREDICTIONS.csv [DATA_DIR]   (DATA_DIR defaults to ../shared/data/nba)"""
import csv, gzip, collections, sys
pred_file = sys.argv[1]
data_dir = sys.argv[2] if len(sys.argv) > 2 else '../shared/data/nba'
rows = []
for season in ['2021-22','2022-23','2023-24']:
    with open(f'{data_dir}/player_games_{season}.csv') as f:
        for r in csv.DictReader(f):
            rows.append(r)
rows.sort(key=lambda r: (r['game_date'], r['game_id']))
preds = collections.defaultdict(dict)
with open(pred_file) as f:
    for r in csv.DictReader(f):
        preds[(r['game_id'], int(r['player_id']))][r['stat']] = float(r['predicted'])
hist = collections.defaultdict(list)  # player -> list of (season, date, line)
stats = ['pts','reb','ast']
acc = {k: {s: [0.0, 0.0, 0] for s in stats} for k in ['across','within','within3']}
# process by date so same-day games are not in history
from itertools import groupby
for date, day in groupby(rows, key=lambda r: r['game_date']):
    day = list(day)
    for r in day:
        if r['season'] != '2023-24' or float(r['minutes']) <= 0: continue
        key = (r['game_id'], int(r['player_id']))
        if key not in preds: continue
        h = hist[int(r['player_id'])]
        if not h: continue
        across = h[-10:]
        within = [x for x in h if x[0] == '2023-24'][-10:]
        for s in stats:
            actual = float(r[s]); p = preds[key][s]
            b = sum(float(x[2][s]) for x in across)/len(across)
            a = acc['across'][s]; a[0] += abs(actual-p); a[1] += abs(actual-b); a[2] += 1
            if within:
                b2 = sum(float(x[2][s]) for x in within)/len(within)
                a = acc['within'][s]; a[0] += abs(actual-p); a[1] += abs(actual-b2); a[2] += 1
                if len(within) >= 3:
                    a = acc['within3'][s]; a[0] += abs(actual-p); a[1] += abs(actual-b2); a[2] += 1
    for r in day:
        if float(r['minutes']) > 0:
            hist[int(r['player_id'])].append((r['season'], date, r))
for k in acc:
    print(k, ' '.join(f"{s}: n={v[2]} model={v[0]/v[2]:.3f} base={v[1]/v[2]:.3f} impr={100*(1-v[0]/v[1]):.2f}%" for s, v in acc[k].items()))
