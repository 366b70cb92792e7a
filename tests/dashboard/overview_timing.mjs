// How long the dashboard's overview takes to be interactive, in headless chromium: from the
// sign-in's submit to the overview drawn with its figures. For the fleet benchmark
// (tests/bench/fleet_query_bench.cc):
//   node overview_timing.mjs BASE_URL KEY RUNS
// prints a JSON array of the runs' milliseconds.
import puppeteer from 'puppeteer-core';

const [base, key, runs = '5'] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.STRATA_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const times = [];
try {
  for (let i = 0; i < Number(runs); i++) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(base + '/ui/', { waitUntil: 'networkidle0' });
    await page.waitForSelector('#sign-in');
    await page.type('#key', key);
    const started = Date.now();
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('#overview #open-count', { timeout: 60000 });
    times.push(Date.now() - started);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(times));
