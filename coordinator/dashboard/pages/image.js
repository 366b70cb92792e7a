// One image: its layers bottom first, each with the findings of the packages it brought in (and
// the stored base image those layers come from), then its packages.
import { get } from '../api.js';
import { el, route, severities, shortDigest, table } from '../dom.js';

export async function image(digest) {
  const [layers, inventory] = await Promise.all([
    get(`/v1/images/${encodeURIComponent(digest)}/layers`),
    get(`/v1/images/${encodeURIComponent(digest)}/inventory`),
  ]);
  const packages = (inventory.packages || []).map((p) => [p.ecosystem || '', p.name || '', p.version || '', shortDigest(p.layer || '')]);
  return el('div', { id: 'image' },
    el('h1', {}, 'Image'),
    el('p', {}, el('code', {}, digest)),
    el('h2', {}, 'Findings by layer'),
    layers.layers.map((l) => el('section', { class: 'layer' },
      el('h3', {}, l.position === null ? 'Packages no stored layer names' : `Layer ${l.position}: `,
        l.diff_id ? el('code', { title: l.diff_id }, shortDigest(l.diff_id)) : null),
      l.base_image ? el('p', { class: 'base' }, 'From the base image ',
        el('a', { href: route('images', l.base_image.digest) }, l.base_image.refs[0] || shortDigest(l.base_image.digest))) : null,
      el('p', {}, severities.map((s) => `${s} ${l.open[s]}`).join(' · ')),
      table(['Vulnerability', 'Severity', 'Package', 'Installed', 'Fixed'],
        l.findings.map((f) => [
          el('a', { href: route('vulnerabilities', f.vulnerability) }, f.vulnerability),
          f.package.severity, f.package.name, f.package.installed_version, f.package.fixed_version || '']),
        'No open finding.'))),
    el('h2', {}, 'Packages'),
    table(['Ecosystem', 'Name', 'Version', 'Layer'], packages, 'No package.'));
}
