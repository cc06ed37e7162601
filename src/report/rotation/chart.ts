// Summary charts as inline SVG: horizontal bars with their counts written beside them, so the page
// needs no script, no font and no external asset, and still reads when printed in black and white.

export interface Bar {
  label: string;
  count: number;
  /** CSS colour of the bar. */
  color: string;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function barChart(id: string, title: string, bars: readonly Bar[]): string {
  const labelWidth = 120;
  const barArea = 300;
  const row = 26;
  const height = bars.length * row + 8;
  const max = Math.max(1, ...bars.map((b) => b.count));
  const rows = bars.map((b, i) => {
    const y = 4 + i * row;
    // A zero still gets a hairline, so every category is visibly present.
    const w = b.count === 0 ? 1 : Math.max(4, Math.round((b.count / max) * barArea));
    return [
      `<g class="row" data-label="${esc(b.label)}" data-count="${b.count}">`,
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect class="bar" x="${labelWidth}" y="${y + 3}" width="${w}" height="${row - 8}" rx="2" fill="${b.color}"><title>${esc(b.label)}: ${b.count}</title></rect>`,
      `<text class="count" x="${labelWidth + w + 6}" y="${y + 17}">${b.count}</text>`,
      `</g>`,
    ].join("");
  });
  return `<svg id="${esc(id)}" class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${labelWidth + barArea + 50} ${height}" width="${labelWidth + barArea + 50}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${rows.join("")}</svg>`;
}
