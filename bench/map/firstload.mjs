// The map page's time to interactive against a running phusong serve:
// navigation start → the map's first "idle" with its points drawn (the
// page's own "phusong-map-interactive" mark), for a reviewer already
// logged in, cold browser cache. Run by bench/map.sh.
//
//   node bench/map/firstload.mjs BASE USER PASSWORD LABEL
//
// Prints one line: LABEL_tti_ms=N
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// playwright-core is the web page's test dependency (web/node_modules).
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const [base, user, password, label] = process.argv.slice(2);
// The browser test's flags: WebGL on SwiftShader inside the browser process.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--in-process-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const login = await ctx.request.post(base + '/api/v1/auth/login', { data: { username: user, password } });
  if (login.status() !== 200) throw new Error(`login: HTTP ${login.status()}`);
  await ctx.addInitScript(() => { localStorage.setItem('phusong.session', '1'); localStorage.setItem('phusong.view', 'map'); });
  const page = await ctx.newPage();
  await page.goto(base + '/');
  await page.waitForFunction(() => {
    const m = window.phusong && window.phusong.map;
    return m && m.loaded() && m.areTilesLoaded() && m.querySourceFeatures('points', { sourceLayer: 'points' }).length > 0;
  }, null, { timeout: 120_000 });
  await page.waitForFunction(() => performance.getEntriesByName('phusong-map-interactive').length > 0, null, { timeout: 120_000 });
  const tti = await page.evaluate(() => Math.round(performance.getEntriesByName('phusong-map-interactive')[0].startTime));
  console.log(`${label}_tti_ms=${tti}`);
} finally {
  await browser.close();
}
