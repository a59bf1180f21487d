// A live line chart on a canvas: the last `points` samples of one or more series, the y axis
// scaled to the largest value shown. No library: a few dozen lines suffice for this.
const COLORS = ['#1f6feb', '#e36209'];

export class LineChart {
  constructor(canvas, series, { points = 60 } = {}) {
    this.canvas = canvas;
    this.series = series;
    this.points = points;
    this.data = series.map(() => []);
  }

  push(...values) {
    values.forEach((v, i) => {
      this.data[i].push(Number(v) || 0);
      if (this.data[i].length > this.points) this.data[i].shift();
    });
    this.draw();
  }

  draw() {
    const c = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = c.clientWidth || 300;
    const height = c.clientHeight || 160;
    if (c.width !== Math.round(width * ratio)) c.width = Math.round(width * ratio);
    if (c.height !== Math.round(height * ratio)) c.height = Math.round(height * ratio);
    const g = c.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const left = 56;
    const bottom = height - 16;
    const top = 6;
    const max = Math.max(1, ...this.data.flat());
    const scale = nice(max);
    const digits = scale >= 20 ? 0 : scale >= 2 ? 1 : 2;
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#6b7385';
    g.strokeStyle = '#e4e7ec';
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = bottom - (bottom - top) * i / 4;
      g.beginPath();
      g.moveTo(left, Math.round(y) + .5);
      g.lineTo(width, Math.round(y) + .5);
      g.stroke();
      g.textAlign = 'right';
      g.fillText((scale * i / 4).toLocaleString('en-US', { maximumFractionDigits: digits }), left - 6, y + 4);
    }
    g.textAlign = 'left';
    g.fillText(`${this.points} s`, left, height - 3);
    g.textAlign = 'right';
    g.fillText('now', width, height - 3);
    const step = (width - left) / (this.points - 1);
    this.data.forEach((values, s) => {
      if (values.length === 0) return;
      g.strokeStyle = COLORS[s % COLORS.length];
      g.lineWidth = 1.6;
      g.beginPath();
      const offset = this.points - values.length;
      values.forEach((v, i) => {
        const x = left + (offset + i) * step;
        const y = bottom - (bottom - top) * v / scale;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    });
  }
}

/** The next round number at or above v: 1, 2 or 5 times a power of ten. */
function nice(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** A chart's box: title, legend, canvas. */
export function chartBox(h, title, series, id) {
  const canvas = h('canvas', { id });
  const box = h('div', { class: 'chart' },
    h('div', { class: 'title' }, title),
    h('div', { class: 'legend' }, series.map((s, i) => h('span', { class: 's' + i }, '— ' + s))),
    canvas);
  return { box, canvas };
}
