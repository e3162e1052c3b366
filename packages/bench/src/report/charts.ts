// SVG charts drawn from benchmark figures as plain strings: no charting dependency, stable output in git.

export interface LatencyBar {
  label: string;
  p50: number;
  p95: number;
  p99: number;
}

export interface FanoutPoint {
  followers: number;
  p50: number;
  max: number;
}

export interface Target {
  label: string;
  x?: number;
  ms: number;
}

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const COLORS = { p50: '#4c78a8', p95: '#f58518', p99: '#e45756', max: '#e45756', budget: '#2ca02c', course: '#999' };

/** Grouped bars (p50, p95, p99) per measurement on a log scale, with horizontal lines for the budgets. */
export function latencyChart(bars: readonly LatencyBar[], lines: readonly Target[]): string {
  const width = Math.max(560, 90 + bars.length * 78);
  const height = 340;
  const plot = { left: 60, top: 50, right: width - 20, bottom: height - 110 };
  const values = bars.flatMap((b) => [b.p50, b.p95, b.p99]).concat(lines.map((l) => l.ms));
  const y = logScale(values, plot.bottom, plot.top);
  const group = (plot.right - plot.left) / Math.max(bars.length, 1);
  const out: string[] = [svgOpen(width, height), title('Request latency by scenario (ms, log scale)', width)];
  out.push(...yAxis(y, plot));
  bars.forEach((b, i) => {
    const x0 = plot.left + i * group + group * 0.15;
    const w = (group * 0.7) / 3;
    (['p50', 'p95', 'p99'] as const).forEach((k, j) => {
      const top = y.at(Math.max(b[k], y.min));
      out.push(
        `<rect x="${f(x0 + j * w)}" y="${f(top)}" width="${f(w - 1)}" height="${f(plot.bottom - top)}" fill="${COLORS[k]}"><title>${esc(b.label)} ${k}: ${b[k]} ms</title></rect>`,
      );
    });
    const cx = x0 + (group * 0.7) / 2;
    out.push(
      `<text x="${f(cx)}" y="${plot.bottom + 14}" ${FONT} text-anchor="end" transform="rotate(-35 ${f(cx)} ${plot.bottom + 14})">${esc(b.label)}</text>`,
    );
  });
  for (const l of lines) {
    const yy = y.at(l.ms);
    out.push(
      `<line x1="${plot.left}" x2="${plot.right}" y1="${f(yy)}" y2="${f(yy)}" stroke="${COLORS.budget}" stroke-dasharray="6 4"><title>${esc(l.label)}</title></line>`,
    );
  }
  out.push(
    legend(plot.left, 38, [
      ['p50', COLORS.p50],
      ['p95', COLORS.p95],
      ['p99', COLORS.p99],
      ...lines.map((l): [string, string] => [`dashed: ${l.label}`, COLORS.budget]),
    ]),
  );
  out.push('</svg>');
  return out.join('\n');
}

/** Delivery time against follower count (log-log): p50 and worst post, with the budget and course targets. */
export function fanoutChart(points: readonly FanoutPoint[], targets: readonly Target[]): string {
  const width = 560;
  const height = 340;
  const plot = { left: 70, top: 50, right: width - 30, bottom: height - 50 };
  const xs = points.map((p) => p.followers).concat(targets.map((t) => t.x ?? 0).filter((x) => x > 0));
  const x = logScale(xs, plot.left, plot.right);
  const y = logScale(points.flatMap((p) => [p.p50, p.max]).concat(targets.map((t) => t.ms)), plot.bottom, plot.top);
  const out: string[] = [svgOpen(width, height), title('Time until every follower feed has the status', width)];
  out.push(...yAxis(y, plot));
  for (const tick of x.ticks) {
    const xx = x.at(tick);
    out.push(
      `<line x1="${f(xx)}" x2="${f(xx)}" y1="${plot.top}" y2="${plot.bottom}" stroke="#eee"/>`,
      `<text x="${f(xx)}" y="${plot.bottom + 16}" ${FONT} text-anchor="middle">${esc(humanCount(tick))}</text>`,
    );
  }
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${height - 8}" ${FONT} text-anchor="middle">followers</text>`);
  const sorted = [...points].sort((a, b) => a.followers - b.followers);
  for (const key of ['p50', 'max'] as const) {
    const path = sorted.map((p, i) => `${i ? 'L' : 'M'}${f(x.at(p.followers))},${f(y.at(p[key]))}`).join(' ');
    const color = key === 'p50' ? COLORS.p50 : COLORS.max;
    out.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of sorted) {
      out.push(
        `<circle cx="${f(x.at(p.followers))}" cy="${f(y.at(p[key]))}" r="4" fill="${color}"><title>${p.followers} followers ${key}: ${p[key]} ms</title></circle>`,
      );
    }
  }
  for (const t of targets) {
    if (t.x === undefined) continue;
    const course = t.label.startsWith('course');
    const color = course ? COLORS.course : COLORS.budget;
    const cx = x.at(t.x);
    const cy = y.at(t.ms);
    out.push(
      `<path d="M${f(cx - 6)},${f(cy)} L${f(cx + 6)},${f(cy)} M${f(cx)},${f(cy - 6)} L${f(cx)},${f(cy + 6)}" stroke="${color}" stroke-width="2"/>`,
      cx > (plot.left + plot.right) / 2
        ? `<text x="${f(cx - 8)}" y="${f(cy - 6)}" ${FONT} fill="${color}" text-anchor="end">${esc(t.label)}</text>`
        : `<text x="${f(cx + 8)}" y="${f(cy - 6)}" ${FONT} fill="${color}">${esc(t.label)}</text>`,
    );
  }
  out.push(
    legend(plot.left, 38, [
      ['p50 of posts', COLORS.p50],
      ['slowest post', COLORS.max],
      ['budget', COLORS.budget],
      ['course project', COLORS.course],
    ]),
  );
  out.push('</svg>');
  return out.join('\n');
}

interface Scale {
  min: number;
  max: number;
  ticks: number[];
  at(v: number): number;
}

/** A base-10 log scale over whole decades covering `values`, mapped onto [from, to] pixels. */
function logScale(values: readonly number[], from: number, to: number): Scale {
  const positive = values.filter((v) => v > 0);
  // A value exactly on a decade starts one decade lower, so its bar still shows.
  const lo = Math.floor(Math.log10(Math.min(...positive, 1)) - 1e-9);
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive, 1))));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
  const at = (v: number): number => from + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (to - from);
  return { min: 10 ** lo, max: 10 ** hi, ticks, at };
}

function yAxis(y: Scale, plot: { left: number; right: number; top: number; bottom: number }): string[] {
  const out = [
    `<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}" stroke="#333"/>`,
    `<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#333"/>`,
  ];
  for (const tick of y.ticks) {
    const yy = y.at(tick);
    out.push(
      `<line x1="${plot.left}" x2="${plot.right}" y1="${f(yy)}" y2="${f(yy)}" stroke="#eee"/>`,
      `<text x="${plot.left - 6}" y="${f(yy + 4)}" ${FONT} text-anchor="end">${esc(humanMs(tick))}</text>`,
    );
  }
  return out;
}

function legend(x: number, y: number, items: readonly [string, string][]): string {
  let cx = x;
  const parts: string[] = [];
  for (const [label, color] of items) {
    parts.push(
      `<rect x="${cx}" y="${y - 10}" width="10" height="10" fill="${color}"/>`,
      `<text x="${cx + 14}" y="${y}" ${FONT}>${esc(label)}</text>`,
    );
    cx += 24 + label.length * 7;
  }
  return parts.join('\n');
}

function svgOpen(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n<rect width="100%" height="100%" fill="white"/>`;
}

function title(text: string, width: number): string {
  return `<text x="${width / 2}" y="16" font-family="system-ui, sans-serif" font-size="14" font-weight="bold" text-anchor="middle">${esc(text)}</text>`;
}

export function humanMs(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  return `${ms} ms`;
}

export function humanCount(n: number): string {
  if (n >= 1_000_000) return `${n / 1_000_000}M`;
  if (n >= 1000) return `${n / 1000}k`;
  return String(n);
}

function f(n: number): string {
  return n.toFixed(1);
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
