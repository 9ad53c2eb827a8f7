// The live dashboard: one game day's slate with 80% intervals, a player's recent games against predictions, the
// production model and drift, kept current by the predictionUpdated subscription (docs/decisions/0014-live-dashboard.md).
import { createLiveClient, readCredential, request, saveCredential } from './api.js';
import { intervalBar, playerChart } from './charts.js';

// The stats in the slate table, with the axis maximum of their interval bars.
const SLATE_STATS = [
  { stat: 'PTS', label: 'Points', short: 'PTS', scale: 50 },
  { stat: 'REB', label: 'Rebounds', short: 'REB', scale: 20 },
  { stat: 'AST', label: 'Assists', short: 'AST', scale: 15 },
  { stat: 'FG3M', label: 'Threes', short: '3PM', scale: 10 },
  { stat: 'MIN', label: 'Minutes', short: 'MIN', scale: 48 },
];
const ACTUAL_FIELD = { PTS: 'pts', REB: 'reb', AST: 'ast', FG3M: 'fg3m', STL: 'stl', BLK: 'blk', TOV: 'tov', MIN: 'min' };
const PLAYER_GAMES = 15;

const PREDICTION_FIELDS = `fragment PredictionFields on Prediction {
  id date modelVersion createdAt home
  game { nbaGameId }
  player { nbaId name }
  team { abbreviation }
  stats { stat value lower80 upper80 }
  actual { min pts reb ast fg3m stl blk tov }
}`;
const Q_LATEST_DATE = 'query LatestGameDate { latestGameDate }';
const Q_GAMES = `query Games($date: Date!) {
  games(date: $date, first: 100) { nodes { nbaGameId homeTeam { abbreviation name } awayTeam { abbreviation name } homeScore awayScore } }
}`;
const Q_PREDICTIONS = `query Predictions($date: Date!, $after: String) {
  predictions(date: $date, first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ...PredictionFields } }
}
${PREDICTION_FIELDS}`;
const Q_MODELS = `query Models {
  models { version stage promotedAt trainingRows metrics { stat mae baselineLast10Mae improvementVsLast10Pct coverage80 } }
}`;
const Q_DRIFT = `query Drift {
  driftReports(last: 1) { createdAt modelVersion drifted maxFeaturePsi recentFrom recentTo recentRows stats { stat recentMae validationMae errorRatio } }
}`;
const Q_PLAYER = `query Player($nbaId: Int!, $last: Int!) {
  player(nbaId: $nbaId) {
    nbaId name team { abbreviation name }
    seasonAverages { season games pts reb ast }
    gameLog(last: $last) { nbaGameId date season home opponent { abbreviation } min pts reb ast fg3m stl blk tov }
  }
}`;
const Q_PLAYER_PREDICTIONS = `query PlayerPredictions($nbaId: Int!) {
  predictions(playerNbaId: $nbaId, first: 100) { nodes { createdAt game { nbaGameId } stats { stat value lower80 upper80 } } }
}`;
const S_PREDICTIONS = `subscription LivePredictions { predictionUpdated { ...PredictionFields } }
${PREDICTION_FIELDS}`;
const S_MODEL = 'subscription ModelPromoted { modelPromoted { version } }';
const S_DRIFT = 'subscription DriftDetected { driftDetected { id } }';

const $ = (id) => document.getElementById(id);

const state = {
  date: null,
  games: [],
  gamesDate: null,
  predictions: new Map(), // `${gameId}:${nbaId}` → prediction
  predictionsLoading: false,
  liveUpdates: 0,
  playerId: null,
  player: null,
  live: null,
  loadToken: 0,
};

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || ['id', 'scope', 'colspan', 'type', 'role', 'tabindex', 'datetime', 'hidden'].includes(key)) {
      element.setAttribute(key, value === true ? '' : String(value));
    } else {
      element[key] = value;
    }
  }
  element.append(...children.flat().filter((c) => c != null && c !== false));
  return element;
}

const hidden = (text) => el('span', { class: 'visually-hidden', text });
const fmt = (value, digits = 1) => (value == null ? '–' : Number(value).toFixed(digits));
const pct = (share) => `${Math.round(share * 100)}%`;
const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const key = (p) => `${p.game.nbaGameId}:${p.player.nbaId}`;

function addDays(date, days) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function longDate(date) {
  return new Date(date + 'T12:00:00Z').toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

// ---- credential and the "needs a credential" prompt ----

let authProblem = false;

function showAuthPrompt(detail) {
  authProblem = true;
  $('auth-prompt-detail').textContent = detail;
  $('auth-prompt').hidden = false;
  document.body.classList.add('needs-credential');
}

function clearAuthPrompt() {
  authProblem = false;
  $('auth-prompt').hidden = true;
  document.body.classList.remove('needs-credential');
}

/** Runs a protected request; an auth failure shows the prompt and resolves to null, other errors reject. */
async function protectedRequest(query, variables, what) {
  try {
    return await request(query, variables);
  } catch (e) {
    if (e.auth) {
      showAuthPrompt(readCredential()
        ? `The saved credential is not accepted for ${what} (${e.message}).`
        : `The API needs an API key or a bearer token for ${what}.`);
      return null;
    }
    throw e;
  }
}

function setupCredentialForm() {
  const input = $('credential');
  input.value = readCredential();
  $('credential-form').addEventListener('submit', (event) => {
    event.preventDefault();
    saveCredential(input.value);
    applyCredential();
  });
  $('credential-clear').addEventListener('click', () => {
    input.value = '';
    saveCredential('');
    applyCredential();
  });
}

function applyCredential() {
  clearAuthPrompt();
  connectLive();
  reloadAll();
}

// ---- live updates ----

function setLiveStatus(text, kind) {
  const status = $('live-status');
  status.textContent = text;
  status.dataset.state = kind;
}

function connectLive() {
  state.live?.dispose();
  const live = createLiveClient((connection) => {
    if (connection === 'connected') setLiveStatus(state.liveUpdates ? liveSummary() : 'Live updates: connected', 'connected');
    else if (connection === 'connecting') setLiveStatus('Live updates: connecting…', 'connecting');
    else if (connection === 'auth') {
      setLiveStatus('Live updates: the server refused the connection', 'error');
      showAuthPrompt('Live updates need an API key or a bearer token.');
    } else setLiveStatus('Live updates: disconnected, retrying…', 'closed');
  });
  state.live = live;
  const onError = (e) => {
    if (e.auth) {
      setLiveStatus('Live updates: a credential is needed', 'error');
      showAuthPrompt('Live updates need an API key or a bearer token with the predictions scope.');
    } else {
      setLiveStatus('Live updates: ' + e.message, 'error');
    }
  };
  live.subscribe(S_PREDICTIONS, {}, (data) => onPredictionUpdated(data.predictionUpdated), onError);
  // A new production model (the first one on a fresh start, or a promotion) predicts differently: reload both.
  live.subscribe(S_MODEL, {}, () => {
    loadModel();
    if (state.date) loadSlate();
  }, () => {});
  live.subscribe(S_DRIFT, {}, () => loadDrift(), () => {});
}

function liveSummary() {
  return `Live: ${state.liveUpdates} prediction${state.liveUpdates === 1 ? '' : 's'} updated, last at ${new Date().toLocaleTimeString()}`;
}

const dirtyGames = new Set();
let renderTimer = 0;
let playerTimer = 0;

function onPredictionUpdated(prediction) {
  if (prediction.date !== state.date) return;
  state.predictions.set(key(prediction), prediction);
  state.liveUpdates++;
  dirtyGames.add(prediction.game.nbaGameId);
  // One render per 150 ms however fast the updates come (a refresh publishes a whole slate at once).
  renderTimer ||= setTimeout(() => {
    renderTimer = 0;
    for (const gameId of dirtyGames) renderGame(gameId, true);
    dirtyGames.clear();
    renderDayAccuracy();
    setLiveStatus(liveSummary(), 'updated');
  }, 150);
  if (prediction.player.nbaId === state.playerId) {
    clearTimeout(playerTimer);
    playerTimer = setTimeout(() => loadPlayer(state.playerId, { keepFocus: true }), 600);
  }
}

// ---- the day's slate ----

function writeHash() {
  const params = new URLSearchParams();
  if (state.date) params.set('date', state.date);
  if (state.playerId) params.set('player', String(state.playerId));
  history.replaceState(null, '', '#' + params.toString());
}

async function selectDate(date) {
  state.date = date;
  $('date').value = date;
  $('slate-date').textContent = ' on ' + longDate(date);
  writeHash();
  await loadSlate();
}

async function loadSlate() {
  const token = ++state.loadToken;
  const date = state.date;
  const games = $('games');
  games.setAttribute('aria-busy', 'true');
  showSlateMessage('');
  try {
    const data = await request(Q_GAMES, { date });
    if (token !== state.loadToken) return;
    state.games = [...data.games.nodes].sort((a, b) => a.nbaGameId.localeCompare(b.nbaGameId));
    state.gamesDate = date;
    state.predictions = new Map();
    state.predictionsLoading = true;
    renderSlate();
    if (state.games.length === 0) {
      showSlateMessage('No games on this day. Pick another date.');
      return;
    }
    const predictions = await loadPredictions(date);
    if (token !== state.loadToken) return;
    state.predictionsLoading = false;
    if (predictions) {
      for (const p of predictions) state.predictions.set(key(p), p);
      if (predictions.length === 0) showSlateMessage('No predictions for this day yet: the first model may still be training.');
    }
    renderSlate();
  } catch (e) {
    if (token !== state.loadToken) return;
    if (state.gamesDate !== date) state.games = []; // never show another day's games under this date
    state.predictionsLoading = false;
    renderSlate();
    showSlateMessage('Could not load the day: ' + e.message, { error: true });
  } finally {
    if (token === state.loadToken) games.setAttribute('aria-busy', 'false');
    renderDayAccuracy();
  }
}

async function loadPredictions(date) {
  const all = [];
  let after = null;
  do {
    const data = await protectedRequest(Q_PREDICTIONS, { date, after }, 'predictions');
    if (!data) return null;
    all.push(...data.predictions.nodes);
    after = data.predictions.pageInfo.hasNextPage ? data.predictions.pageInfo.endCursor : null;
  } while (after);
  return all;
}

function showSlateMessage(text, { error = false } = {}) {
  const message = $('slate-message');
  message.textContent = text;
  message.hidden = !text;
  message.classList.toggle('error', error);
}

function renderSlate() {
  const games = $('games');
  games.replaceChildren(...state.games.map((game) => gameElement(game, false)));
}

function renderGame(gameId, updated) {
  const game = state.games.find((g) => g.nbaGameId === gameId);
  const current = document.querySelector(`[data-game-id="${gameId}"]`);
  if (!game || !current) return;
  const focusedPlayer = current.contains(document.activeElement) ? document.activeElement.dataset.nbaId : null;
  current.replaceWith(gameElement(game, updated));
  if (focusedPlayer) document.querySelector(`[data-game-id="${gameId}"] [data-nba-id="${focusedPlayer}"]`)?.focus();
}

function gameElement(game, updated) {
  const predictions = [...state.predictions.values()].filter((p) => p.game.nbaGameId === game.nbaGameId);
  const finished = game.homeScore + game.awayScore > 0;
  const titleId = `game-${game.nbaGameId}`;
  const latest = predictions.reduce((max, p) => (p.createdAt > max ? p.createdAt : max), '');
  const header = el('header', { class: 'game-header' },
    el('h3', { id: titleId },
      el('span', { class: 'team-code', title: game.awayTeam.name, text: game.awayTeam.abbreviation }),
      finished ? el('span', { class: 'score', text: ` ${game.awayScore}` }) : null,
      el('span', { class: 'at', text: ' at ' }),
      el('span', { class: 'team-code', title: game.homeTeam.name, text: game.homeTeam.abbreviation }),
      finished ? el('span', { class: 'score', text: ` ${game.homeScore}` }) : null),
    el('p', { class: 'game-meta' },
      finished ? 'Final. ' : 'Not played yet. ',
      predictions.length ? `${predictions.length} players predicted at ` : state.predictionsLoading ? 'Loading predictions…' : authProblem ? 'Predictions need a credential.' : 'No predictions.',
      predictions.length ? el('time', { class: 'predicted-at', datetime: latest, text: time(latest) }) : null,
      updated ? el('span', { class: 'updated-badge', text: ' updated live' }) : null));
  const article = el('article', { class: updated ? 'game updated' : 'game', 'data-game-id': game.nbaGameId, 'aria-labelledby': titleId }, header);
  if (predictions.length) article.append(slateTable(game, predictions));
  return article;
}

function slateTable(game, predictions) {
  const byTeam = (team) => predictions
    .filter((p) => p.team.abbreviation === team.abbreviation)
    .sort((a, b) => stat(b, 'MIN').value - stat(a, 'MIN').value);
  const head = el('thead', {}, el('tr', {},
    el('th', { scope: 'col', text: 'Player' }),
    SLATE_STATS.map((s) => el('th', { scope: 'col' }, el('abbr', { title: s.label, text: s.short })))));
  // One row group per team, headed by the team's name.
  const bodies = [game.awayTeam, game.homeTeam]
    .map((team) => [team, byTeam(team)])
    .filter(([, rows]) => rows.length > 0)
    .map(([team, rows]) => el('tbody', {},
      el('tr', { class: 'team-row' }, el('th', { scope: 'rowgroup', colspan: SLATE_STATS.length + 1, text: `${team.abbreviation} ${team.name}` })),
      rows.map(playerRow)));
  return el('table', { class: 'slate-table' },
    el('caption', { class: 'visually-hidden', text: `Predicted lines with 80% intervals, ${game.awayTeam.abbreviation} at ${game.homeTeam.abbreviation}` }),
    head, bodies);
}

const stat = (prediction, name) => prediction.stats.find((s) => s.stat === name);

function playerRow(p) {
  const row = el('tr', { 'data-player-row': p.player.nbaId, 'data-created-at': p.createdAt },
    el('th', { scope: 'row', class: 'player-cell' },
      el('button', { type: 'button', class: 'player-link', 'data-nba-id': p.player.nbaId, text: p.player.name,
        onclick: () => openPlayer(p.player.nbaId) })));
  for (const s of SLATE_STATS) {
    const predicted = stat(p, s.stat);
    const actual = p.actual ? p.actual[ACTUAL_FIELD[s.stat]] : null;
    const inside = actual != null && actual >= predicted.lower80 && actual <= predicted.upper80;
    row.append(el('td', { class: 'stat-cell', 'data-label': s.short, 'data-stat': s.stat },
      el('span', { class: 'stat-line' },
        hidden(`${s.label}: predicted `),
        el('span', { class: 'stat-value', text: fmt(predicted.value) }),
        intervalBar(predicted, s.scale, actual)),
      el('span', { class: 'stat-range' }, hidden('80% interval '), `${fmt(predicted.lower80)}–${fmt(predicted.upper80)}`),
      actual != null
        ? el('span', { class: inside ? 'stat-actual inside' : 'stat-actual outside' },
          `actual ${actual}`, hidden(inside ? ', inside the interval' : ', outside the interval'))
        : null));
  }
  return row;
}

function renderDayAccuracy() {
  const target = $('day-accuracy');
  if (!target) return;
  const played = [...state.predictions.values()].filter((p) => p.actual);
  if (played.length === 0) {
    target.textContent = state.predictions.size ? 'This day: no finished games yet.' : '';
    return;
  }
  const pts = played.map((p) => Math.abs(stat(p, 'PTS').value - p.actual.pts));
  let inside = 0;
  let total = 0;
  for (const p of played) {
    for (const s of p.stats) {
      const actual = p.actual[ACTUAL_FIELD[s.stat]];
      total++;
      if (actual >= s.lower80 && actual <= s.upper80) inside++;
    }
  }
  target.textContent = `This day (${played.length} players): points MAE ${fmt(pts.reduce((a, b) => a + b, 0) / pts.length, 2)}, ` +
    `80% intervals held ${pct(inside / total)} of actual values.`;
}

// ---- model and drift ----

async function loadModel() {
  const target = $('model-info');
  try {
    const data = await protectedRequest(Q_MODELS, {}, 'the model registry');
    if (!data) {
      target.replaceChildren(el('p', { class: 'muted', text: 'Needs a credential.' }));
      return;
    }
    const model = data.models.find((m) => m.stage === 'PRODUCTION');
    if (!model) {
      target.replaceChildren(el('p', { class: 'muted', text: 'No production model yet: the first one is trained in the background after the import.' }));
      return;
    }
    const rows = model.metrics.filter((m) => ['PTS', 'REB', 'AST', 'FG3M', 'MIN'].includes(m.stat));
    target.replaceChildren(
      el('dl', { class: 'facts' },
        el('dt', { text: 'Version' }), el('dd', {}, el('code', { id: 'model-version', text: model.version })),
        el('dt', { text: 'Promoted' }), el('dd', { text: model.promotedAt ? new Date(model.promotedAt).toLocaleString() : '–' }),
        el('dt', { text: 'Training rows' }), el('dd', { text: model.trainingRows.toLocaleString() })),
      el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Validation accuracy' },
        el('table', { class: 'compact' },
          el('caption', { text: 'Validation accuracy' }),
          el('thead', {}, el('tr', {},
            el('th', { scope: 'col', text: 'Stat' }), el('th', { scope: 'col', text: 'MAE' }),
            el('th', { scope: 'col' }, el('abbr', { title: 'MAE improvement over the last-10-games average', text: 'Gain' })), el('th', { scope: 'col', text: '80% held' }))),
          el('tbody', {}, rows.map((m) => el('tr', {},
            el('th', { scope: 'row', text: m.stat }), el('td', { text: fmt(m.mae, 2) }),
            el('td', { text: `${m.improvementVsLast10Pct >= 0 ? '+' : '−'}${fmt(Math.abs(m.improvementVsLast10Pct), 1)}%` }),
            el('td', { text: pct(m.coverage80) })))))),
      el('p', { id: 'day-accuracy', class: 'day-accuracy' }));
    renderDayAccuracy();
  } catch (e) {
    target.replaceChildren(el('p', { class: 'message error', text: 'Could not load the model: ' + e.message }));
  }
}

async function loadDrift() {
  const target = $('drift-info');
  try {
    const data = await protectedRequest(Q_DRIFT, {}, 'drift reports');
    if (!data) {
      target.replaceChildren(el('p', { class: 'muted', text: 'Needs a credential.' }));
      return;
    }
    const report = data.driftReports[0];
    if (!report) {
      target.replaceChildren(el('p', { id: 'drift-status', class: 'muted', text: 'No drift check has run yet.' }));
      return;
    }
    const pts = report.stats.find((s) => s.stat === 'PTS');
    target.replaceChildren(
      el('p', { id: 'drift-status', class: report.drifted ? 'badge badge-alert' : 'badge badge-ok', text: report.drifted ? 'Drift detected' : 'No drift' }),
      el('dl', { class: 'facts' },
        el('dt', { text: 'Checked' }), el('dd', { text: `${report.recentFrom} to ${report.recentTo} (${report.recentRows.toLocaleString()} rows)` }),
        el('dt', { text: 'Model' }), el('dd', {}, el('code', { text: report.modelVersion })),
        el('dt', { text: 'Largest feature PSI' }), el('dd', { text: fmt(report.maxFeaturePsi, 3) }),
        pts ? el('dt', { text: 'Recent points MAE' }) : null,
        pts ? el('dd', { text: `${fmt(pts.recentMae, 2)} (validation ${fmt(pts.validationMae, 2)}, ratio ${fmt(pts.errorRatio, 2)})` }) : null));
  } catch (e) {
    target.replaceChildren(el('p', { class: 'message error', text: 'Could not load drift reports: ' + e.message }));
  }
}

// ---- player view ----

async function openPlayer(nbaId, { focus = true } = {}) {
  state.playerId = nbaId;
  state.player = null;
  writeHash();
  $('player-view').hidden = false;
  $('player-view').setAttribute('aria-busy', 'true');
  $('player-heading').textContent = 'Loading player…';
  $('player-summary').textContent = '';
  $('player-chart').replaceChildren();
  $('player-table').replaceChildren();
  await loadPlayer(nbaId, { keepFocus: !focus });
}

function closePlayer() {
  const previous = state.playerId;
  state.playerId = null;
  state.player = null;
  $('player-view').hidden = true;
  writeHash();
  document.querySelector(`.player-link[data-nba-id="${previous}"]`)?.focus();
}

async function loadPlayer(nbaId, { keepFocus }) {
  const message = $('player-message');
  message.hidden = true;
  try {
    const data = await request(Q_PLAYER, { nbaId, last: PLAYER_GAMES });
    if (state.playerId !== nbaId) return;
    const player = data.player;
    if (!player) {
      $('player-heading').textContent = 'Unknown player';
      return;
    }
    // The current season's games only: a chart across a summer break would join unrelated stretches.
    const season = player.gameLog[0]?.season;
    const games = player.gameLog.filter((g) => g.season === season).reverse();
    const predictions = await storedPlayerPredictions(nbaId);
    if (state.playerId !== nbaId) return;
    state.player = { player, games, predictions };
    $('player-heading').textContent = player.name;
    const averages = player.seasonAverages;
    $('player-summary').textContent = [
      player.team ? `${player.team.abbreviation} ${player.team.name}` : null,
      averages ? `${averages.season}: ${fmt(averages.pts)} pts, ${fmt(averages.reb)} reb, ${fmt(averages.ast)} ast in ${averages.games} games` : null,
    ].filter(Boolean).join(' · ');
    renderPlayer();
    if (!keepFocus) {
      $('player-view').scrollIntoView({ block: 'start' });
      $('player-heading').focus();
    }
    if (await backfillPlayerPredictions(nbaId, games, predictions) && state.player?.predictions === predictions) {
      renderPlayer();
    }
  } catch (e) {
    message.textContent = 'Could not load the player: ' + e.message;
    message.classList.add('error');
    message.hidden = false;
  } finally {
    $('player-view').setAttribute('aria-busy', 'false');
  }
}

/** The player's stored predictions by game (the newest where a day was predicted more than once). */
async function storedPlayerPredictions(nbaId) {
  const byGame = new Map();
  const stored = await protectedRequest(Q_PLAYER_PREDICTIONS, { nbaId }, 'predictions');
  for (const p of stored?.predictions.nodes ?? []) {
    const existing = byGame.get(p.game.nbaGameId);
    if (!existing || p.createdAt > existing.createdAt) byGame.set(p.game.nbaGameId, p);
  }
  return byGame;
}

/**
 * Fills in games whose day was never predicted with the model's what-if prediction for that game (from history
 * strictly before its date), so the band is continuous. Shown after the stored ones: each what-if takes a moment.
 * Resolves to whether anything was added.
 */
async function backfillPlayerPredictions(nbaId, games, byGame) {
  const missing = games.filter((g) => !byGame.has(g.nbaGameId));
  if (missing.length === 0 || authProblem) return false;
  const declarations = missing.map((_, i) => `$i${i}: PredictInput!`).join(', ');
  const fields = missing.map((_, i) => `g${i}: predict(input: $i${i}) { prediction { stats { stat value lower80 upper80 } } errors { code } }`).join('\n');
  const variables = Object.fromEntries(missing.map((g, i) => [`i${i}`, { playerNbaId: nbaId, opponent: g.opponent.abbreviation, home: g.home, date: g.date }]));
  try {
    const filled = await request(`mutation PlayerBackfill(${declarations}) {\n${fields}\n}`, variables);
    missing.forEach((g, i) => {
      const prediction = filled[`g${i}`]?.prediction;
      if (prediction) byGame.set(g.nbaGameId, { ...prediction, whatIf: true });
    });
    return true;
  } catch {
    // Without the what-if (no model, or the credential lacks the scope) the chart shows stored predictions only.
    return false;
  }
}

function renderPlayer() {
  if (!state.player) return;
  const { games, predictions } = state.player;
  const statName = $('player-stat').value;
  const statLabel = $('player-stat').selectedOptions[0].textContent;
  const field = ACTUAL_FIELD[statName];
  const points = games.map((g) => {
    const prediction = predictions.get(g.nbaGameId);
    return { label: g.date.slice(5), actual: g[field], prediction: prediction ? stat(prediction, statName) : null };
  });
  $('player-chart').replaceChildren(points.length ? playerChart(points, statLabel) : el('p', { class: 'muted', text: 'No games yet.' }));
  $('player-table').replaceChildren(
    el('caption', { class: 'visually-hidden', text: `${statLabel}: recent games, actual and predicted` }),
    el('thead', {}, el('tr', {},
      ['Date', 'Opponent', 'Actual', 'Predicted', '80% interval'].map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, [...games].reverse().map((g) => {
      const p = predictions.get(g.nbaGameId);
      const s = p ? stat(p, statName) : null;
      return el('tr', {},
        el('th', { scope: 'row', text: g.date }),
        el('td', { text: `${g.home ? 'vs' : '@'} ${g.opponent.abbreviation}` }),
        el('td', { text: String(g[field]) }),
        el('td', { text: s ? fmt(s.value) : '–' }),
        el('td', { text: s ? `${fmt(s.lower80)}–${fmt(s.upper80)}` : '–' }));
    })));
}

// ---- start ----

function reloadAll() {
  loadModel();
  loadDrift();
  if (state.date) loadSlate();
  if (state.playerId) loadPlayer(state.playerId, { keepFocus: true });
}

async function start() {
  setupCredentialForm();
  $('date-form').addEventListener('submit', (e) => e.preventDefault());
  $('date').addEventListener('change', (e) => e.target.value && selectDate(e.target.value));
  $('previous-day').addEventListener('click', () => state.date && selectDate(addDays(state.date, -1)));
  $('next-day').addEventListener('click', () => state.date && selectDate(addDays(state.date, 1)));
  $('player-close').addEventListener('click', closePlayer);
  $('player-stat').addEventListener('change', renderPlayer);

  const params = new URLSearchParams(location.hash.slice(1));
  connectLive();
  loadModel();
  loadDrift();
  let date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? params.get('date') : null;
  if (!date) {
    try {
      date = (await request(Q_LATEST_DATE)).latestGameDate;
    } catch (e) {
      showSlateMessage('Could not reach the API: ' + e.message, { error: true });
    }
  }
  if (!date) {
    $('games').setAttribute('aria-busy', 'false');
    showSlateMessage('No games in the data yet: the bundled import may still be running. Reload in a minute.');
    return;
  }
  const player = Number.parseInt(params.get('player') ?? '', 10);
  if (player > 0) openPlayer(player, { focus: false });
  await selectDate(date);
  document.body.dataset.ready = 'true';
}

start();
