// The fleet at a glance: counts, open findings by severity, the trend over feed generations, and
// the top vulnerabilities, images and layers.
import { get } from '../api.js';
import { severityBars, trendColumns } from '../charts.js';
import { el, route, shortDigest, table } from '../dom.js';

export async function overview() {
  const [summary, vulnerabilities, images, layers] = await Promise.all([
    get('/v1/summary'),
    get('/v1/vulnerabilities', { limit: 10 }),
    get('/v1/images', { order: 'risk', limit: 10 }),
    get('/v1/layers/top', { limit: 10 }),
  ]);
  return el('div', { id: 'overview' },
    el('section', { class: 'figures' },
      el('div', { class: 'figure' }, el('span', { id: 'images-count' }, summary.images), ' images'),
      el('div', { class: 'figure' }, el('span', { id: 'open-count' }, summary.open.total), ' open findings'),
      el('div', { class: 'figure' }, el('span', { id: 'fixable-count' }, summary.fixable.total), ' fixable')),
    el('section', {}, el('h2', {}, 'Open findings by severity'), severityBars(summary.open, summary.fixable)),
    el('section', {}, el('h2', {}, 'Trend over feed generations'),
      summary.trend.length ? trendColumns(summary.trend) : el('p', { class: 'empty' }, 'No feed generation imported yet.')),
    el('section', { id: 'top-vulnerabilities' }, el('h2', {}, 'Top vulnerabilities'),
      table(['Vulnerability', 'Severity', 'Images', 'Findings', 'Fixable'],
        vulnerabilities.vulnerabilities.map((v) => [
          el('a', { href: route('vulnerabilities', v.id) }, v.id), v.severity, v.images, v.findings, v.fixable]))),
    el('section', { id: 'top-images' }, el('h2', {}, 'Images with the most severe findings'),
      table(['Image', 'Critical', 'High', 'Medium', 'Low', 'Fixable'],
        images.images.map((i) => [
          el('a', { href: route('images', i.digest) }, i.refs[0] || shortDigest(i.digest)),
          i.open.critical, i.open.high, i.open.medium, i.open.low, i.fixable]))),
    el('section', { id: 'top-layers' }, el('h2', {}, 'Layers whose package upgrades remove the most findings'),
      table(['Layer', 'Images', 'Findings', 'Fixable'],
        layers.layers.map((l) => [el('code', { title: l.diff_id }, shortDigest(l.diff_id)), l.images, l.findings, l.fixable]))));
}
