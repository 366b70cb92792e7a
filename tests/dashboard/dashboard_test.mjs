// The dashboard in a real headless browser (Debian's chromium, driven by puppeteer-core), against
// a coordinator's API that holds two tenants' fleets:
//   node dashboard_test.mjs BASE_URL OWNER_KEY OTHER_KEY OTHER_DIGEST OWNER_DIGEST
// Each page loads without a console error; the overview's figures and a search's rows are what
// the API answers; the key stays in the tab's session storage, never in a URL; text from images
// never runs as script; and the other tenant sees nothing of the owner's. Exits 0 when every
// check holds, 1 naming each that failed.
import puppeteer from 'puppeteer-core';

const [base, ownerKey, otherKey, otherDigest, ownerDigest] = process.argv.slice(2);
if (!ownerDigest) {
  console.error('usage: node dashboard_test.mjs BASE_URL OWNER_KEY OTHER_KEY OTHER_DIGEST OWNER_DIGEST');
  process.exit(2);
}

const failures = [];
function check(ok, what) {
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

async function api(path, key) {
  const response = await fetch(base + path, { headers: { Authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

const browser = await puppeteer.launch({
  executablePath: process.env.STRATA_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Root in CI has no user namespaces for chromium's sandbox.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const timeout = setTimeout(() => {
  console.error('FAIL the browser test did not finish within 120 s');
  process.exit(1);
}, 120000);

try {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', async (dialog) => {
    errors.push(`a dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  const noErrors = (where) => {
    check(errors.length === 0, `${where}: no console errors${errors.length ? ' (' + errors.join('; ') + ')' : ''}`);
    errors.length = 0;
  };
  const text = () => page.evaluate(() => document.body.innerText);
  const settle = async (selector) => {
    await page.waitForSelector(selector, { timeout: 10000 });
    await page.waitForFunction(() => !document.querySelector('.loading'), { timeout: 10000 });
  };
  const signIn = async (key) => {
    await page.goto(base + '/ui/', { waitUntil: 'networkidle0' });
    await page.waitForSelector('#sign-in');
    await page.type('#key', key);
    await page.click('#sign-in button[type=submit]');
  };

  // Sign-in: a wrong key is refused on the page, and nothing else happens.
  await page.goto(base + '/', { waitUntil: 'networkidle0' });
  check(page.url() === base + '/ui/', 'the root redirects to the dashboard');
  await page.waitForSelector('#sign-in');
  noErrors('the sign-in page');
  await page.type('#key', 'stk_' + '0'.repeat(48));
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#sign-in .error');
  check((await text()).includes('unknown, revoked or expired'), 'a wrong key is refused with a message');
  errors.length = 0;  // the refused request's 401 is logged by the browser itself

  // The overview: its figures are the API's.
  const started = Date.now();
  await signIn(ownerKey);
  await settle('#overview');
  console.log(`overview interactive ${Date.now() - started} ms after sign-in began`);
  noErrors('the overview');
  const summary = await api('/v1/summary', ownerKey);
  check(await page.$eval('#open-count', (e) => e.textContent) === String(summary.open.total), 'overview: open findings are the API\'s');
  check(await page.$eval('#images-count', (e) => e.textContent) === String(summary.images), 'overview: images are the API\'s');
  const top = await api('/v1/vulnerabilities?limit=10', ownerKey);
  const shown = await page.$$eval('#top-vulnerabilities tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  check(JSON.stringify(shown) === JSON.stringify(top.vulnerabilities.map((v) => v.id)), 'overview: top vulnerabilities are the API\'s, in order');
  check(await page.$$eval('.chart', (c) => c.length) >= 1, 'overview: the severity chart is drawn');
  check(!page.url().includes(ownerKey), 'the key is not in the URL');
  check(await page.evaluate(() => localStorage.length) === 0, 'nothing is kept in local storage');
  check(await page.evaluate((k) => sessionStorage.getItem('strata.key') === k, ownerKey), 'the key is kept in session storage');
  check(!(await text()).includes(otherDigest.slice(7, 19)), 'overview: nothing of the other tenant');

  // A search by URL, then by the form: the rows are the API's.
  await page.goto(base + '/ui/#/findings?severity=high', { waitUntil: 'networkidle0' });
  await settle('#findings');
  noErrors('the findings page');
  const high = await api('/v1/findings?severity=high&limit=50', ownerKey);
  let rows = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  check(rows.length === high.findings.length && rows.every((r, i) => r[1] === high.findings[i].vulnerability.id && r[2] === high.findings[i].package.name),
        `findings: severity=high shows the API's ${high.findings.length} rows in its order`);
  await page.$eval('#findings-search input[name=vulnerability]', (input) => { input.value = 'DSA-1'; });
  await page.$eval('#findings-search select[name=severity]', (select) => { select.value = ''; });
  await page.click('#findings-search button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('vulnerability=DSA-1'));
  await settle('#findings');
  const byAlias = await api('/v1/findings?vulnerability=DSA-1&limit=50', ownerKey);
  rows = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  check(rows.length === byAlias.findings.length && rows.length > 0 && rows.every((r) => r[1] === byAlias.findings[0].vulnerability.id),
        `findings: the form's alias search shows the API's ${byAlias.findings.length} rows`);
  noErrors('the findings search');

  // Text from an image is shown as text, never run.
  await page.goto(base + '/ui/#/findings?ecosystem=npm', { waitUntil: 'networkidle0' });
  await settle('#findings');
  check((await text()).includes('<img src=x onerror='), 'a package named like HTML is shown as text');
  check(await page.evaluate(() => window.pwned === undefined), 'and its markup does not run');
  noErrors('the findings page with hostile names');

  // The image page: layers, the base image, packages.
  await page.goto(base + '/ui/#/images/' + encodeURIComponent(ownerDigest), { waitUntil: 'networkidle0' });
  await settle('#image');
  noErrors('the image page');
  const layers = await api(`/v1/images/${ownerDigest}/layers`, ownerKey);
  check(await page.$$eval('section.layer', (s) => s.length) === layers.layers.length, 'image: one section a layer, as the API answers');
  check((await text()).includes('From the base image'), 'image: the base image is named');

  // The vulnerability page: the blast radius.
  await page.goto(base + '/ui/#/vulnerabilities/DSA-1', { waitUntil: 'networkidle0' });
  await settle('#vulnerability');
  noErrors('the vulnerability page');
  const radius = await api('/v1/vulnerabilities/DSA-1', ownerKey);
  check(await page.$eval('#affected-images', (e) => e.textContent) === String(radius.images), 'vulnerability: affected images are the API\'s');

  // Signing out forgets the key.
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in');
  check(await page.evaluate(() => sessionStorage.getItem('strata.key')) === null, 'signing out forgets the key');

  // The other tenant: its own fleet only, and the owner's image is not found.
  await signIn(otherKey);
  await settle('#overview');
  noErrors('the other tenant\'s overview');
  const otherText = await text();
  check(!otherText.includes(ownerDigest.slice(7, 19)) && !otherText.includes('registry.example/app'), 'the other tenant sees nothing of the owner\'s on its overview');
  await page.goto(base + '/ui/#/findings', { waitUntil: 'networkidle0' });
  await settle('#findings');
  check(!(await text()).includes('registry.example/app'), 'the other tenant\'s findings hold nothing of the owner\'s');
  await page.goto(base + '/ui/#/images/' + encodeURIComponent(ownerDigest), { waitUntil: 'networkidle0' });
  await page.waitForSelector('main .error');
  check((await text()).includes('no image'), 'the owner\'s image is not found for the other tenant');
  errors.length = 0;  // the refused request's 404 is logged by the browser itself
} catch (error) {
  failures.push(`the browser test stopped: ${error.stack || error}`);
  console.error(error);
} finally {
  clearTimeout(timeout);
  await browser.close();
}

if (failures.length) {
  console.error(`${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('every dashboard check held');
