// Hand-written SVG: the interval bar in each slate cell and the player's recent-games chart.
const SVG = 'http://www.w3.org/2000/svg';

function svg(name, attributes = {}, children = []) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, String(value));
  }
  element.append(...children);
  return element;
}

const clamp = (value, max) => Math.max(0, Math.min(value, max));

/**
 * A horizontal bar on a 0..scaleMax axis: the 80% interval as a band, the prediction as a tick and, once the game
 * is played, the actual value as a dot (filled when inside the interval). Decorative: the cell's text says it all.
 */
export function intervalBar(stat, scaleMax, actual) {
  const width = 100;
  const x = (v) => (clamp(v, scaleMax) / scaleMax) * width;
  const children = [
    svg('rect', { class: 'bar-track', x: 0, y: 5, width, height: 4, rx: 2 }),
    svg('rect', { class: 'bar-interval', x: x(stat.lower80), y: 2, width: Math.max(1.5, x(stat.upper80) - x(stat.lower80)), height: 10, rx: 2 }),
    svg('rect', { class: 'bar-value', x: x(stat.value) - 1, y: 0, width: 2, height: 14 }),
  ];
  if (actual != null) {
    const inside = actual >= stat.lower80 && actual <= stat.upper80;
    children.push(svg('circle', { class: inside ? 'bar-actual inside' : 'bar-actual outside', cx: x(actual), cy: 7, r: 3.2 }));
  }
  return svg('svg', { class: 'interval-bar', viewBox: `-4 0 ${width + 8} 14`, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' }, children);
}

/** A round tick step for four ticks reaching at least `value`. */
function tickStep(value) {
  const steps = [0.5, 1, 2, 2.5, 5, 10, 15, 20, 25, 50];
  return steps.find((s) => s * 4 >= value) ?? Math.ceil(value / 40) * 10;
}

/**
 * Recent games, oldest first: actual values as a line with dots, predictions as a dashed line inside their 80%
 * band (one band per run of consecutive predicted games). `points` = [{ label, actual, prediction? }].
 */
export function playerChart(points, statLabel) {
  const width = 360;
  const height = 220;
  const margin = { top: 10, right: 18, bottom: 26, left: 30 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const step = tickStep(Math.max(1, ...points.map((p) => Math.max(p.actual ?? 0, p.prediction?.upper80 ?? 0))));
  const top = step * 4;
  const x = (i) => margin.left + (points.length === 1 ? plotWidth / 2 : (i / (points.length - 1)) * plotWidth);
  const y = (v) => margin.top + plotHeight - (clamp(v, top) / top) * plotHeight;

  const grid = [];
  for (let i = 0; i <= 4; i++) {
    const value = step * i;
    grid.push(svg('line', { class: 'grid', x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value) }));
    const label = svg('text', { class: 'axis-label', x: margin.left - 5, y: y(value) + 4, 'text-anchor': 'end' });
    label.textContent = String(value);
    grid.push(label);
  }
  // Every date fits up to 8 games; beyond that every other one, always keeping the latest.
  const every = points.length > 8 ? 2 : 1;
  points.forEach((p, i) => {
    if ((points.length - 1 - i) % every === 0) {
      const label = svg('text', { class: 'axis-label', x: x(i), y: height - margin.bottom + 15, 'text-anchor': 'middle' });
      label.textContent = p.label;
      grid.push(label);
    }
  });

  const bands = [];
  const predictedLines = [];
  let run = [];
  const flush = () => {
    if (run.length > 0) {
      const upper = run.map((i) => `${x(i)},${y(points[i].prediction.upper80)}`);
      const lower = run.map((i) => `${x(i)},${y(points[i].prediction.lower80)}`).reverse();
      const widen = run.length === 1 ? 5 : 0; // a lone predicted game still shows its interval
      bands.push(run.length === 1
        ? svg('rect', { class: 'band', x: x(run[0]) - widen, y: y(points[run[0]].prediction.upper80), width: widen * 2, height: Math.max(1, y(points[run[0]].prediction.lower80) - y(points[run[0]].prediction.upper80)) })
        : svg('polygon', { class: 'band', points: [...upper, ...lower].join(' ') }));
      predictedLines.push(svg('polyline', { class: 'predicted-line', points: run.map((i) => `${x(i)},${y(points[i].prediction.value)}`).join(' ') }));
      for (const i of run) {
        predictedLines.push(svg('rect', { class: 'predicted-mark', x: x(i) - 2.5, y: y(points[i].prediction.value) - 2.5, width: 5, height: 5 }));
      }
    }
    run = [];
  };
  points.forEach((p, i) => (p.prediction ? run.push(i) : flush()));
  flush();

  const actualLine = svg('polyline', { class: 'actual-line', points: points.map((p, i) => `${x(i)},${y(p.actual)}`).join(' ') });
  const actualDots = points.map((p, i) => svg('circle', { class: 'actual-dot', cx: x(i), cy: y(p.actual), r: 3 }));

  const predicted = points.filter((p) => p.prediction);
  const inside = predicted.filter((p) => p.actual >= p.prediction.lower80 && p.actual <= p.prediction.upper80).length;
  const summary = `${statLabel} in the last ${points.length} games: actual against predicted with the 80% interval band. ` +
    (predicted.length ? `${inside} of ${predicted.length} predicted games fell inside the interval.` : 'No predictions for these games.');
  const title = svg('title');
  title.textContent = summary;
  return svg('svg', { class: 'player-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': summary },
    [title, ...grid, ...bands, ...predictedLines, actualLine, ...actualDots]);
}
