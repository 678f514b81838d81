// Browser test of the phusong page, run by web/browser_test.go (go test
// ./web/...), which starts the server over a fresh database, creates one
// account per role and passes everything in the environment:
//
//   PHUSONG_E2E_URL                       base URL of the running server
//   PHUSONG_E2E_{PROVINCE,REVIEWER,OPERATOR,ADMIN}_{USER,PASSWORD}
//   PHUSONG_E2E_CHROMIUM                  Chromium binary (Debian's)
//   PHUSONG_E2E_ARTIFACTS                 folder for screenshots
//   PHUSONG_E2E_TESTDATA                  folder of the files to upload
//
// It drives Chromium through playwright-core, waits only for states
// (selectors, responses), and exits non-zero on the first failed check,
// on any console error, page error, failed request, unexpected HTTP error
// or request leaving the server's origin.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run this through go test ./web/...`);
  return v;
}

const base = env('PHUSONG_E2E_URL');
const origin = new URL(base).origin;
const artifacts = env('PHUSONG_E2E_ARTIFACTS');
const testdata = env('PHUSONG_E2E_TESTDATA');
const account = (role) => ({ user: env(`PHUSONG_E2E_${role}_USER`), password: env(`PHUSONG_E2E_${role}_PASSWORD`) });
const province = account('PROVINCE');
const reviewer = account('REVIEWER');
const operator = account('OPERATOR');
const admin = account('ADMIN');
const validFile = path.join(testdata, 'khao-sat-lai-chau.csv');
const brokenFile = path.join(testdata, 'khao-sat-loi.csv');

// A tablet held upright: the smallest width the page promises to serve well.
const tablet = { width: 768, height: 1024 };

fs.mkdirSync(artifacts, { recursive: true });
// Failure shots of an earlier run would mislead next to this run's.
for (const f of fs.readdirSync(artifacts)) if (f.startsWith('failure-')) fs.rmSync(path.join(artifacts, f));

let current = 'start';
const log = (...a) => console.log(`[e2e ${current}]`, ...a);
function step(name) { current = name; log('…'); }

// ---- watching pages --------------------------------------------------------

const pages = []; // every watched page, for the final checks and failure shots

// watch records everything a page does wrong. expect() declares the HTTP
// errors an action is meant to cause; any other is a failure.
function watch(page, name) {
  const w = { name, page, problems: [], expected: [], requests: [] };
  const allowed = (method, url, status) => w.expected.find((e) => e.method === method && new URL(url).pathname === e.path && e.status === status);
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    // Chromium logs every HTTP error response as a console error; one the
    // test asked for is not a fault of the page.
    const s = /status of (\d{3})/.exec(m.text());
    if (s && m.type() === 'error' && w.expected.some((e) => e.status === Number(s[1]) && m.location().url.startsWith(origin + e.path))) {
      log(`${name}: expected console error: ${m.text()}`);
      return;
    }
    w.problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.stack || e}`));
  page.on('request', (r) => {
    w.requests.push(`${r.method()} ${r.url()}`);
    const u = new URL(r.url());
    if (u.origin !== origin && u.protocol !== 'data:' && u.protocol !== 'blob:') w.problems.push(`request outside the server: ${r.url()}`);
  });
  page.on('requestfailed', (r) => w.problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    const req = r.request();
    if (r.status() >= 400 && !allowed(req.method(), r.url(), r.status())) {
      w.problems.push(`HTTP ${r.status()} for ${req.method()} ${r.url()}`);
    }
  });
  pages.push(w);
  return w;
}

// expecting runs action while the listed HTTP errors are allowed, and
// checks each of them did happen.
async function expecting(w, errors, action) {
  const seen = errors.map((e) => w.page.waitForResponse((r) => r.request().method() === e.method && new URL(r.url()).pathname === e.path && r.status() === e.status));
  w.expected.push(...errors);
  try {
    const out = await action();
    await Promise.all(seen);
    return out;
  } finally {
    w.expected = w.expected.filter((e) => !errors.includes(e));
  }
}

function assertClean(w) {
  assert.deepEqual(w.problems, [], `${w.name}: the page had problems`);
}

async function newPage(browser, name) {
  const context = await browser.newContext({ viewport: tablet, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: false });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return watch(page, name);
}

async function shot(w, file) {
  const p = path.join(artifacts, file);
  await w.page.screenshot({ path: p, fullPage: true });
  log('screenshot', p);
}

const text = async (page, selector) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
const visible = (page, selector) => page.locator(selector).waitFor({ state: 'visible' });
const hiddenEl = (page, selector) => page.locator(selector).waitFor({ state: 'hidden' });

// ---- checks every page passes -------------------------------------------------

// checkUsable: nothing wider than a tablet, every field labelled, only
// real controls react to the pointer, and keyboard focus is visible.
async function checkUsable(w) {
  const page = w.page;
  const report = await page.evaluate(() => {
    const out = [];
    const de = document.documentElement;
    if (de.scrollWidth > window.innerWidth) out.push(`page is ${de.scrollWidth}px wide in a ${window.innerWidth}px window`);
    for (const box of document.querySelectorAll('.table-wrap')) {
      if (box.scrollWidth > box.clientWidth + 1) out.push(`a table scrolls sideways (${box.scrollWidth}px in ${box.clientWidth}px): ${box.innerText.slice(0, 60)}`);
    }
    const shown = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
    for (const f of document.querySelectorAll('input, textarea, select')) {
      if (!shown(f) || f.type === 'hidden') continue;
      const named = f.labels.length > 0 || f.getAttribute('aria-label') || f.getAttribute('aria-labelledby');
      if (!named) out.push(`field without a label: ${f.outerHTML.slice(0, 80)}`);
    }
    const controls = 'a[href], button, input, select, textarea, summary, label';
    for (const e of document.querySelectorAll('body *')) {
      if (!shown(e) || getComputedStyle(e).cursor !== 'pointer') continue;
      if (!e.closest(controls)) out.push(`clickable element that is not a control: ${e.outerHTML.slice(0, 80)}`);
    }
    for (const b of document.querySelectorAll('button')) {
      if (shown(b) && !b.textContent.trim() && !b.getAttribute('aria-label')) out.push(`button without a name: ${b.outerHTML.slice(0, 80)}`);
    }
    return out;
  });
  assert.deepEqual(report, [], `${w.name}: usability`);
  // From the title, Tab reaches the language switch and Shift+Tab the
  // skip link before it; each shows a focus ring.
  await page.locator('h1').click();
  for (const [key, want] of [['Tab', 'lang'], ['Shift+Tab', 'skip']]) {
    await page.keyboard.press(key);
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      const s = getComputedStyle(e);
      return { id: e.id || e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.equal(f.id, want, `${w.name}: ${key} from the title`);
    assert.ok(f.outline !== 'none' && f.width >= 2, `${w.name}: focused ${f.id} shows no focus ring (${JSON.stringify(f)})`);
  }
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
}

// login types the credentials with the keyboard only.
async function login(w, acct) {
  const page = w.page;
  await page.goto(base + '/');
  await visible(page, '#login-form');
  await page.locator('#username').focus();
  await page.keyboard.type(acct.user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(acct.password);
  const resp = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login');
  await page.keyboard.press('Enter');
  assert.equal((await resp).status(), 200, `${w.name}: login`);
  await visible(page, '#home');
  await page.waitForFunction(() => document.querySelector('#who').textContent !== '');
  assert.equal(await text(page, '#who'), acct.user);
}

async function upload(w, file) {
  const page = w.page;
  await page.locator('#upload-file').setInputFiles(file);
  const resp = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/submissions');
  await page.locator('#upload-button').click();
  const r = await resp;
  const body = await r.json();
  // The page has drawn the outcome and reloaded the list when the button
  // is usable again.
  await page.locator('#upload-result.ok, #upload-result.bad').waitFor();
  await page.locator('#upload-button:not([disabled])').waitFor();
  return { status: r.status(), body };
}

// ---- API checks from node ---------------------------------------------------------

async function apiSession(acct) {
  const r = await fetch(base + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: acct.user, password: acct.password }),
  });
  assert.equal(r.status, 200, 'API login');
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  assert.ok(cookie, 'API login sets a session cookie');
  return async (p) => {
    const res = await fetch(base + p, { headers: { Cookie: cookie } });
    assert.equal(res.status, 200, `GET ${p}`);
    return res.json();
  };
}

// ---- the run -------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: env('PHUSONG_E2E_CHROMIUM'),
  headless: true,
  // Playwright gives the browser a fresh, empty --user-data-dir.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
log('chromium', browser.version());

try {
  // Anonymous: the login form and the provinces, and no /auth/me call
  // that would only answer 401.
  step('anonymous');
  const anon = await newPage(browser, 'anonymous');
  await anon.page.goto(base + '/');
  await visible(anon.page, '#login-form');
  assert.equal(await anon.page.getAttribute('html', 'lang'), 'vi');
  assert.match(await text(anon.page, 'h1'), /Phủ sóng — xóa thôn lõm sóng/);
  await anon.page.waitForFunction(() => document.querySelectorAll('#provinces tbody tr').length === 34);
  assert.match(await text(anon.page, '#provinces tbody'), /Lai Châu/);
  for (const s of ['#province-view', '#review-view', '#operator-view', '#logout']) assert.equal(await anon.page.isHidden(s), true, `${s} hidden when logged out`);
  assert.ok(!anon.requests.some((r) => r.includes('/api/v1/auth/me')), 'no /auth/me before any login');
  await checkUsable(anon);
  // A wrong password: a message, no details of which part was wrong.
  await expecting(anon, [{ method: 'POST', path: '/api/v1/auth/login', status: 401 }], async () => {
    await anon.page.fill('#username', 'khong-co-tai-khoan');
    await anon.page.fill('#password', 'sai-mat-khau-1');
    await anon.page.press('#password', 'Enter');
    await anon.page.locator('#login-error:not(:empty)').waitFor();
  });
  await shot(anon, 'anonymous-vi.png');
  assertClean(anon);

  // Province officer: links, an upload that is stored, one that is refused.
  step('province: first upload');
  const prov = await newPage(browser, 'province');
  await login(prov, province);
  await visible(prov.page, '#province-view');
  for (const s of ['#review-view', '#operator-view', '#login-panel']) assert.equal(await prov.page.isHidden(s), true, `${s} hidden for a province officer`);
  assert.match(await text(prov.page, '#role-line'), /^Cán bộ tỉnh — Tỉnh Lai Châu$/);
  assert.equal(await text(prov.page, '#mine-counts'), 'Tỉnh chưa nộp lượt nào.');
  const tpl = await prov.page.getAttribute('#template-link', 'href');
  const tplResp = await prov.page.request.get(base + tpl);
  assert.equal(tplResp.status(), 200, 'template download');
  assert.match(tplResp.headers()['content-type'], /spreadsheetml/);
  assert.match(tplResp.headers()['content-disposition'], /phusong-mau-khao-sat-12\.xlsx/);
  const guide = await prov.page.request.get(base + (await prov.page.getAttribute('#guide-link', 'href')));
  assert.equal(guide.status(), 200, 'guide');
  assert.match(guide.headers()['content-type'], /text\/html/);
  await checkUsable(prov);

  const first = await upload(prov, validFile);
  assert.equal(first.status, 201, `valid upload: ${JSON.stringify(first.body)}`);
  const firstID = first.body.id;
  assert.match(await text(prov.page, '#upload-result h3'), new RegExp(`^Đã lưu lượt nộp số ${firstID} \\(khao-sat-lai-chau\\.csv\\)\\.$`));
  assert.match(await text(prov.page, '#upload-result'), /3 dòng: 3 điểm mới, 0 điểm cập nhật/);
  await visible(prov.page, `#mine tr[data-id="${firstID}"][data-status="submitted"]`);
  assert.match(await text(prov.page, `#mine tr[data-id="${firstID}"]`), /khao-sat-lai-chau\.csv Chờ thẩm định 3 3 \/ 0 0 \/ 0/);

  step('province: broken upload');
  const broken = await expecting(prov, [{ method: 'POST', path: '/api/v1/submissions', status: 422 }], () => upload(prov, brokenFile));
  const rejected = broken.body.submission;
  assert.equal(rejected.status, 'rejected');
  await visible(prov.page, '#upload-result.bad');
  assert.equal(await text(prov.page, '#upload-result h3'), 'Tệp chưa được lưu');
  assert.match(await text(prov.page, '#upload-result'), /chưa lưu dòng nào/);
  assert.match(await text(prov.page, '#upload-result'), /4 trong 4 dòng có lỗi \(4 lỗi, 0 cảnh báo\)/);
  // Grouped by column and code, each problem with its row, column and value.
  assert.equal(await prov.page.locator('#upload-result tbody.group').count(), 4);
  const rows = await prov.page.locator('#upload-result tbody.group tr:not(:first-child)').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const byRow = Object.fromEntries(rows.map((r) => [r[0], r]));
  assert.deepEqual(Object.keys(byRow).sort(), ['2', '3', '4', '5']);
  assert.deepEqual(byRow['2'].slice(1, 3), ['lat', '103.583419, 22.258136']);
  assert.match(byRow['2'][3], /Vĩ độ và kinh độ có vẻ đã bị đổi chỗ/);
  assert.deepEqual(byRow['3'].slice(1, 3), ['grid_power', 'có điện một nửa']);
  assert.deepEqual(byRow['4'].slice(1, 3), ['surveyed_on', '31/02/2026']);
  assert.match(byRow['4'][3], /Ngày "31\/02\/2026" không hợp lệ/);
  assert.deepEqual(byRow['5'].slice(1, 3), ['households', '0']);
  const csvHref = await prov.page.getAttribute('#upload-result a.csv', 'href');
  assert.equal(csvHref, `/api/v1/submissions/${rejected.id}/problems.csv`);
  const csv = await prov.page.request.get(base + csvHref);
  assert.equal(csv.status(), 200, 'problems CSV');
  assert.match(await csv.text(), /surveyed_on/);
  await visible(prov.page, `#mine tr[data-id="${rejected.id}"][data-status="rejected"]`);
  assert.match(await text(prov.page, `#mine tr[data-id="${rejected.id}"]`), /Không hợp lệ, chưa lưu/);
  assert.match(await text(prov.page, '#mine-counts'), /^2 lượt nộp: 1 chờ thẩm định, 0 đã chấp nhận, 0 bị trả lại, 1 không hợp lệ\.$/);
  await checkUsable(prov);
  await shot(prov, 'province-upload-problems-vi.png');
  assertClean(prov);

  // Reviewer: the queue across provinces; returning needs a comment.
  step('reviewer: return');
  const rev = await newPage(browser, 'reviewer');
  await login(rev, reviewer);
  await visible(rev.page, '#review-view');
  for (const s of ['#province-view', '#operator-view']) assert.equal(await rev.page.isHidden(s), true, `${s} hidden for a reviewer`);
  assert.equal(await text(rev.page, '#role-line'), 'Cán bộ thẩm định (Cục Viễn thông)');
  const card1 = `#queue li[data-id="${firstID}"]`;
  await visible(rev.page, card1);
  assert.equal(await rev.page.locator('#queue li').count(), 1, 'only the stored submission waits (not the rejected one)');
  assert.match(await text(rev.page, `${card1} h3`), new RegExp(`^Lượt nộp số ${firstID} — Tỉnh Lai Châu$`));
  assert.match(await text(rev.page, card1), /khao-sat-lai-chau\.csv/);
  assert.match(await text(rev.page, card1), new RegExp(province.user));
  await checkUsable(rev);
  const decisions = () => rev.requests.filter((r) => r.includes('/decision')).length;
  await rev.page.locator(`${card1} button[data-decision="returned"]`).click();
  await rev.page.locator(`#decision-error-${firstID}:not(:empty)`).waitFor();
  assert.equal(await text(rev.page, `#decision-error-${firstID}`), 'Khi trả lại, hãy ghi rõ tỉnh cần sửa gì.');
  assert.equal(decisions(), 0, 'returning without a comment sends nothing');
  assert.equal(await rev.page.evaluate(() => document.activeElement.id), `comment-${firstID}`, 'focus moves to the comment');
  // Keyboard only: type the comment, Tab to Accept, Tab to Return, Enter.
  const comment = 'Thiếu ảnh chụp vị trí bản Nậm Củm; bổ sung rồi nộp lại.';
  await rev.page.keyboard.type(comment);
  await rev.page.keyboard.press('Tab');
  await rev.page.keyboard.press('Tab');
  assert.equal(await rev.page.evaluate(() => document.activeElement.dataset.decision), 'returned');
  const returned = rev.page.waitForResponse((r) => r.url().endsWith(`/submissions/${firstID}/decision`));
  await rev.page.keyboard.press('Enter');
  assert.equal((await returned).status(), 200);
  await hiddenEl(rev.page, card1);
  await visible(rev.page, `#recent tr[data-id="${firstID}"][data-status="returned"]`);
  assert.match(await text(rev.page, `#recent tr[data-id="${firstID}"]`), /Bị trả lại/);
  assert.match(await text(rev.page, '#notice'), new RegExp(`Lượt nộp số ${firstID}: Bị trả lại\\.`));
  assert.equal(await text(rev.page, '#queue-counts'), 'Không có lượt nộp nào đang chờ thẩm định.');
  assertClean(rev);

  // Province: sees the comment, fixes and submits again.
  step('province: resubmit');
  await prov.page.reload();
  await visible(prov.page, `#mine tr[data-id="${firstID}"][data-status="returned"]`);
  assert.match(await text(prov.page, `#mine tr[data-id="${firstID}"]`), new RegExp(`Bị trả lại .*${comment.replace(/[.;]/g, '\\$&')}`));
  const second = await upload(prov, validFile);
  assert.equal(second.status, 201, `resubmission: ${JSON.stringify(second.body)}`);
  const secondID = second.body.id;
  assert.match(await text(prov.page, '#upload-result'), /3 dòng: 0 điểm mới, 3 điểm cập nhật/);
  // The updates are warnings, listed with the rows they come from.
  assert.match(await text(prov.page, '#upload-result'), /3 cảnh báo/);
  assert.match(await text(prov.page, '#upload-result'), /LC-001/);
  await visible(prov.page, `#mine tr[data-id="${secondID}"][data-status="submitted"]`);
  assertClean(prov);

  // Reviewer: accepts the new submission.
  step('reviewer: accept');
  await rev.page.reload();
  const card2 = `#queue li[data-id="${secondID}"]`;
  await visible(rev.page, card2);
  await visible(rev.page, `#recent tr[data-id="${firstID}"]`);
  await checkUsable(rev);
  await shot(rev, 'reviewer-vi.png');
  const accepted = rev.page.waitForResponse((r) => r.url().endsWith(`/submissions/${secondID}/decision`));
  await rev.page.locator(`${card2} button[data-decision="accepted"]`).click();
  assert.equal((await accepted).status(), 200);
  await hiddenEl(rev.page, card2);
  await visible(rev.page, `#recent tr[data-id="${secondID}"][data-status="accepted"]`);
  assertClean(rev);

  // The decision through the API, with a session of its own.
  step('API');
  const get = await apiSession(reviewer);
  const sub = await get(`/api/v1/submissions/${secondID}`);
  assert.equal(sub.status, 'accepted');
  assert.ok(sub.decided_at, 'decided_at is set');
  assert.equal((await get('/api/v1/submissions?status=submitted')).submissions.length, 0, 'nothing waits any more');
  assert.equal((await get(`/api/v1/submissions/${firstID}`)).review_comment, comment);

  // Province: the accepted status, then the page in English.
  step('province: English');
  await prov.page.reload();
  await visible(prov.page, `#mine tr[data-id="${secondID}"][data-status="accepted"]`);
  assert.match(await text(prov.page, '#mine-counts'), /^3 lượt nộp: 0 chờ thẩm định, 1 đã chấp nhận, 1 bị trả lại, 1 không hợp lệ\.$/);
  await shot(prov, 'province-vi.png');
  await prov.page.locator('#lang').click();
  await prov.page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await text(prov.page, 'h1'), 'Phủ sóng — closing mobile dead zones');
  assert.equal(await text(prov.page, '#role-line'), 'Provincial officer — Tỉnh Lai Châu');
  assert.match(await text(prov.page, `#mine tr[data-id="${secondID}"]`), /Accepted/);
  assert.match(await text(prov.page, `#mine tr[data-id="${firstID}"]`), /Returned/);
  assert.match(await text(prov.page, '#mine-counts'), /^3 submissions: 0 awaiting review, 1 accepted, 1 returned, 1 rejected\.$/);
  assert.equal(await text(prov.page, '#lang'), 'Tiếng Việt');
  await checkUsable(prov);
  await shot(prov, 'province-en.png');
  // At desktop width the lists are tables again, still without sideways scrolling.
  await prov.page.setViewportSize({ width: 1280, height: 900 });
  await prov.page.locator('#mine thead th').first().waitFor({ state: 'visible' });
  await checkUsable(prov);
  await shot(prov, 'province-desktop-en.png');
  await prov.page.setViewportSize(tablet);
  // The choice is kept across a reload.
  await prov.page.reload();
  await visible(prov.page, `#mine tr[data-id="${secondID}"]`);
  assert.equal(await text(prov.page, '#upload-title'), 'Submit survey data');
  assertClean(prov);

  step('reviewer: English');
  await rev.page.locator('#lang').click();
  await rev.page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await text(rev.page, '#queue-counts'), 'No submission is awaiting review.');
  assert.match(await text(rev.page, `#recent tr[data-id="${secondID}"]`), /Tỉnh Lai Châu .*Accepted/);
  await shot(rev, 'reviewer-en.png');
  assertClean(rev);

  // Operator: only the note about bid packages.
  step('operator');
  const op = await newPage(browser, 'operator');
  await login(op, operator);
  await visible(op.page, '#operator-view');
  for (const s of ['#province-view', '#review-view']) assert.equal(await op.page.isHidden(s), true, `${s} hidden for an operator`);
  assert.equal(await text(op.page, '#role-line'), 'Doanh nghiệp viễn thông — viettel');
  assert.match(await text(op.page, '#packages-note'), /Các gói thầu sẽ hiển thị ở đây/);
  assert.ok(!op.requests.some((r) => r.includes('/api/v1/submissions')), 'an operator page asks for no submissions');
  await checkUsable(op);
  await shot(op, 'operator-vi.png');
  await op.page.locator('#lang').click();
  await op.page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.match(await text(op.page, '#packages-note'), /Bid packages will appear here/);
  await shot(op, 'operator-en.png');
  // Log out with the keyboard.
  await op.page.locator('#logout').focus();
  const out = op.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/logout');
  await op.page.keyboard.press('Enter');
  assert.equal((await out).status(), 204);
  await visible(op.page, '#login-form');
  assert.equal(await text(op.page, '#notice'), 'You have logged out.');
  assert.equal(await op.page.evaluate(() => document.activeElement.id), 'username');
  await op.page.reload();
  await visible(op.page, '#login-form');
  assertClean(op);

  // Administrator: sees what reviewers see.
  step('admin');
  const adm = await newPage(browser, 'admin');
  await login(adm, admin);
  await visible(adm.page, '#review-view');
  assert.equal(await text(adm.page, '#role-line'), 'Quản trị hệ thống');
  await visible(adm.page, `#recent tr[data-id="${secondID}"][data-status="accepted"]`);
  await checkUsable(adm);
  await shot(adm, 'admin-vi.png');
  assertClean(adm);

  for (const w of pages) assertClean(w);
  log('all checks passed');
} catch (e) {
  console.error(`[e2e ${current}] FAILED:`, e);
  for (const w of pages) {
    if (w.problems.length) console.error(`[e2e] ${w.name} page problems:\n  ${w.problems.join('\n  ')}`);
    try { await shot(w, `failure-${w.name}.png`); } catch { /* the page may be gone */ }
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
