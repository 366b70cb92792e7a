// The dashboard: sign-in with the tenant's API key, then a page per route of the location's hash
// (#/, #/findings?…, #/images/DIGEST, #/vulnerabilities/ID). Every figure comes from the API the
// CLI uses; nothing is computed here that the API does not answer.
import { ApiError, download, signIn, signOut, signedIn, get } from './api.js';
import { el } from './dom.js';
import { overview } from './pages/overview.js';
import { findings } from './pages/findings.js';
import { image } from './pages/image.js';
import { vulnerability } from './pages/vulnerability.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');

function signInPage(message) {
  nav.hidden = true;
  const key = el('input', { type: 'password', id: 'key', name: 'key', autocomplete: 'off', required: true, placeholder: 'stk_…' });
  const form = el('form', { id: 'sign-in', class: 'card' },
    el('h1', {}, 'Sign in'),
    el('p', {}, "Your tenant's API key (a key with the read scope). It stays in this tab only."),
    el('label', { for: 'key' }, 'API key'), key,
    el('button', { type: 'submit' }, 'Sign in'),
    message ? el('p', { class: 'error', role: 'alert' }, message) : null);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    signIn(key.value.trim());
    try {
      await get('/v1/summary', { generations: 1 });
      render();
    } catch (error) {
      signOut();
      signInPage(error instanceof ApiError && error.status === 401 ? 'That key is unknown, revoked or expired.' : error.message);
    }
  });
  main.replaceChildren(form);
  key.focus();
}

async function render() {
  if (!signedIn()) return signInPage();
  nav.hidden = false;
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  main.replaceChildren(el('p', { class: 'loading' }, 'Loading…'));
  try {
    let page;
    if (parts.length === 0) page = await overview();
    else if (parts[0] === 'findings') page = await findings(params);
    else if (parts[0] === 'images' && parts.length === 2) page = await image(parts[1]);
    else if (parts[0] === 'vulnerabilities' && parts.length === 2) page = await vulnerability(parts[1], params);
    else page = el('p', { class: 'error' }, 'No such page.');
    main.replaceChildren(page);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signInPage('Your key is no longer accepted; sign in again.');
    main.replaceChildren(el('p', { class: 'error', role: 'alert' }, error.message));
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  location.hash = '#/';
  signInPage();
});
document.getElementById('pdf-report').addEventListener('click', () => {
  download('/v1/reports/fleet.pdf', {}, 'fleet.pdf', 'application/pdf').catch((error) => {
    main.prepend(el('p', { class: 'error', role: 'alert' }, error.message));
  });
});
window.addEventListener('hashchange', render);
render();
