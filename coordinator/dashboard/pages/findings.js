// Findings search: the filters of GET /v1/findings as a form, one page of results at a time, and
// the same search as a CSV download.
import { download, get } from '../api.js';
import { el, route, shortDigest, table } from '../dom.js';

const textFilters = [
  ['vulnerability', 'Vulnerability (id or alias)'],
  ['package', 'Package'],
  ['ecosystem', 'Ecosystem'],
  ['repository', 'Repository'],
  ['tag', 'Tag'],
  ['label', 'Label (NAME or NAME=VALUE)'],
  ['image', 'Image digest'],
];

function select(name, label, options, value) {
  return el('label', {}, label,
    el('select', { name }, options.map(([v, text]) => el('option', { value: v, selected: v === (value || '') }, text))));
}

export async function findings(params) {
  const filters = Object.fromEntries([...params.entries()].filter(([name]) => name !== 'cursor'));
  const form = el('form', { id: 'findings-search', class: 'filters' },
    textFilters.map(([name, label]) => el('label', {}, label, el('input', { name, value: params.get(name) || '' }))),
    select('severity', 'Severity at least', [['', 'any'], ['critical', 'critical'], ['high', 'high'], ['medium', 'medium'], ['low', 'low']], params.get('severity')),
    select('fixable', 'Fix', [['', 'any'], ['true', 'fixable'], ['false', 'not fixable']], params.get('fixable')),
    select('state', 'State', [['', 'open'], ['resolved', 'resolved'], ['all', 'all']], params.get('state')),
    el('label', {}, 'First seen after', el('input', { name: 'first_seen_after', type: 'date', value: params.get('first_seen_after') || '' })),
    el('label', {}, 'First seen before', el('input', { name: 'first_seen_before', type: 'date', value: params.get('first_seen_before') || '' })),
    el('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams([...new FormData(form).entries()].filter(([, v]) => v !== ''));
    location.hash = '#/findings' + (query.toString() ? '?' + query : '');
  });
  const page = await get('/v1/findings', { ...filters, cursor: params.get('cursor') || '', limit: 50 });
  const rows = page.findings.map((f) => [
    f.severity,
    el('a', { href: route('vulnerabilities', f.vulnerability.id) }, f.vulnerability.id),
    f.package.name, f.installed_version, f.fixed_version || '',
    el('a', { href: route('images', f.image.digest) }, f.image.refs[0] || shortDigest(f.image.digest)),
    f.first_seen.slice(0, 10),
  ]);
  const next = page.next ? new URLSearchParams({ ...filters, cursor: page.next }) : null;
  const exportButton = el('button', { type: 'button', id: 'export-csv' }, 'Export CSV');
  exportButton.addEventListener('click', () => download('/v1/findings', { ...filters, format: 'csv' }, 'findings.csv', 'text/csv'));
  return el('div', { id: 'findings' },
    el('h1', {}, 'Findings'), form,
    el('div', { class: 'actions' }, exportButton, page.notice ? el('span', { class: 'notice' }, page.notice) : null),
    el('div', { id: 'results' },
      table(['Severity', 'Vulnerability', 'Package', 'Installed', 'Fixed', 'Image', 'First seen'], rows, 'No finding matches.')),
    next ? el('a', { id: 'next-page', href: '#/findings?' + next }, 'Next page') : null);
}
