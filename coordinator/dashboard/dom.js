// Building the page from values. Text goes in as text nodes, never as HTML: package names, refs
// and versions come from images, that is from whoever built them.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A link inside the dashboard: its route's parts are encoded, whatever they hold.
export function route(...parts) {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

export function table(headers, rows, empty = 'None.') {
  if (rows.length === 0) return el('p', { class: 'empty' }, empty);
  return el('table', {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c))))));
}

export function shortDigest(digest) {
  return typeof digest === 'string' ? digest.slice(0, 19) : '';
}

export const severities = ['critical', 'high', 'medium', 'low', 'unknown'];
