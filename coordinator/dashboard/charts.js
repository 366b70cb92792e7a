// Two small SVG charts: horizontal bars (open findings by severity) and stacked columns (the trend
// over feed generations). Drawn by hand: a few rectangles do not need a charting library.
const svgNs = 'http://www.w3.org/2000/svg';
const colours = { critical: '#8c0d1a', high: '#d94026', medium: '#f29a1a', low: '#4d8ccc', unknown: '#999999' };

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

export function severityBars(counts, fixable) {
  const names = Object.keys(colours);
  const largest = Math.max(1, ...names.map((n) => counts[n] || 0));
  const chart = svg('svg', { viewBox: `0 0 520 ${names.length * 26}`, class: 'chart', role: 'img', 'aria-label': 'Open findings by severity' });
  names.forEach((name, i) => {
    const y = i * 26;
    chart.append(svg('text', { x: 0, y: y + 16, class: 'label' }, `${name}: ${counts[name] || 0} (${fixable[name] || 0} fixable)`));
    chart.append(svg('rect', { x: 200, y: y + 4, height: 16, width: Math.max(1, (310 * (counts[name] || 0)) / largest), fill: colours[name] }));
  });
  return chart;
}

export function trendColumns(trend) {
  const names = Object.keys(colours);
  const height = 160;
  const largest = Math.max(1, ...trend.map((g) => g.open.total));
  const slot = 520 / Math.max(1, trend.length);
  const bar = Math.min(40, slot * 0.7);
  const chart = svg('svg', { viewBox: `0 0 520 ${height + 34}`, class: 'chart', role: 'img', 'aria-label': 'Open findings after each feed generation' });
  trend.forEach((g, i) => {
    const x = i * slot + (slot - bar) / 2;
    let y = height + 14;
    for (const name of [...names].reverse()) {
      const h = (height * (g.open[name] || 0)) / largest;
      y -= h;
      chart.append(svg('rect', { x, y, width: bar, height: h, fill: colours[name] }));
    }
    chart.append(svg('text', { x: x + bar / 2, y: y - 3, class: 'value' }, g.open.total));
    chart.append(svg('text', { x: x + bar / 2, y: height + 30, class: 'value' }, `gen ${g.generation}`));
  });
  return chart;
}
