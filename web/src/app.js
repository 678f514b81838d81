// phusong page: login, then what the account's role works on. Province
// officers upload survey files and follow their submissions, reviewers
// accept or return submissions, operators read and download the bid
// packages.
// Vietnamese by default, English on a switch. Plain DOM, no framework, no
// inline script (the CSP is default-src 'self'); every text from the
// server is inserted with textContent, never as HTML.
import {
  T, addStrings, SESSION_HINT, state, $, t, el, msg, both, when, api, hooks, provinceName, statusBadge, plural, operatorName,
} from './core.js';

addStrings({
  vi: {
    intro: 'Các tỉnh nộp danh sách thôn lõm sóng, trắng sóng; Cục Viễn thông thẩm định và lập các gói thầu; doanh nghiệp viễn thông tải gói thầu về để dự thầu. Đăng nhập bằng tài khoản được cấp.',
    title: 'Phủ sóng — xóa thôn lõm sóng, trắng sóng', skip: 'Bỏ qua, đến nội dung chính', account: 'Tài khoản',
    login: 'Đăng nhập', logout: 'Đăng xuất', username: 'Tên đăng nhập', password: 'Mật khẩu',
    welcome: (u) => 'Xin chào, ' + u, sessionEnded: 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.',
    loggedOut: 'Bạn đã đăng xuất.', lang: 'English', langName: 'Switch to English',
    provinces: '34 tỉnh, thành phố (từ 1/7/2025)', code: 'Mã', name: 'Tên',
    role: { province: 'Cán bộ tỉnh', reviewer: 'Cán bộ thẩm định (Cục Viễn thông)', operator: 'Doanh nghiệp viễn thông', admin: 'Quản trị hệ thống' },
    uploadTitle: 'Nộp dữ liệu khảo sát',
    uploadIntro: 'Điền danh sách thôn lõm sóng vào tệp mẫu Excel (hoặc CSV, GeoJSON) rồi nộp tại đây. Hệ thống kiểm tra từng dòng: tệp có dòng lỗi thì chưa lưu dòng nào, và liệt kê các dòng cần sửa.',
    template: 'Tải tệp mẫu Excel của tỉnh', guide: 'Hướng dẫn điền tệp (mở thẻ mới)',
    fileLabel: 'Tệp khảo sát (.xlsx, .csv, .geojson)',
    fileHint: 'Tối đa 64 MB. CSV có thể là UTF-8, UTF-16 (Excel) hoặc Windows-1258.',
    submit: 'Nộp tệp', uploading: 'Đang kiểm tra và lưu…', chooseFile: 'Hãy chọn một tệp.',
    stored: (s) => 'Đã lưu lượt nộp số ' + s.id + ' (' + s.filename + ').',
    storedCounts: (s) => s.rows + ' dòng: ' + s.inserted + ' điểm mới, ' + s.updated + ' điểm cập nhật. Lượt nộp đang chờ Cục Viễn thông thẩm định.',
    rejected: 'Tệp chưa được lưu',
    rejectedCounts: (s) => s.invalid_rows + ' trong ' + s.rows + ' dòng có lỗi (' + s.error_count + ' lỗi, ' + s.warning_count + ' cảnh báo).',
    warnings: (n) => n + ' cảnh báo (không chặn việc lưu):',
    failed: 'Không nộp được tệp',
    problemsCsv: 'Tải toàn bộ danh sách vấn đề (CSV)', problemsCsvShort: 'CSV',
    colRow: 'Dòng', colColumn: 'Cột', colValue: 'Giá trị', colMessage: 'Nội dung',
    groupHead: (g) => (g.column ? 'Cột ' + g.column : 'Toàn tệp') + ': ' + g.count + ' lần · ' + g.code,
    moreProblems: (shown, total) => 'Đang hiện ' + shown + ' trong ' + total + ' vấn đề; xem đủ trong tệp CSV.',
    mineTitle: 'Các lượt nộp của tỉnh', mineEmpty: 'Tỉnh chưa nộp lượt nào.',
    mineCounts: (c) => c.total + ' lượt nộp: ' + c.submitted + ' chờ thẩm định, ' + c.accepted + ' đã chấp nhận, ' + c.returned + ' bị trả lại, ' + c.rejected + ' không hợp lệ' + (c.superseded ? ', ' + c.superseded + ' đã được thay bằng lượt nộp sau' : '') + '.',
    colId: 'Số', colDate: 'Ngày nộp', colFile: 'Tệp', colStatus: 'Trạng thái', colRows: 'Số dòng',
    colStored: 'Mới / cập nhật', colProblems: 'Lỗi / cảnh báo', colComment: 'Nhận xét thẩm định',
    colProvince: 'Tỉnh', colDecided: 'Ngày quyết định',
    status: { submitted: 'Chờ thẩm định', accepted: 'Đã chấp nhận', returned: 'Bị trả lại', rejected: 'Không hợp lệ, chưa lưu', superseded: 'Đã được thay bằng lượt nộp sau' },
    queueTitle: 'Lượt nộp chờ thẩm định', queueEmpty: 'Không có lượt nộp nào đang chờ thẩm định.',
    queueCounts: (n) => n + ' lượt nộp đang chờ.',
    subTitle: (s, p) => 'Lượt nộp số ' + s.id + ' — ' + p,
    submittedBy: 'Người nộp', points: 'Số điểm', warningsLabel: 'Cảnh báo',
    comment: 'Nhận xét (bắt buộc khi trả lại)', accept: 'Chấp nhận', return: 'Trả lại',
    commentRequired: 'Khi trả lại, hãy ghi rõ tỉnh cần sửa gì.',
    decided: (s) => 'Lượt nộp số ' + s.id + ': ' + T.vi.status[s.status] + '.',
    recentTitle: 'Đã quyết định gần đây', recentEmpty: 'Chưa có quyết định nào.',
    loadFailed: 'Không tải được dữ liệu: ',
    views: 'Các trang', viewMap: 'Bản đồ', viewDashboard: 'Tổng hợp và xếp hạng', viewPackages: 'Gói thầu',
    viewWork: { province: 'Nộp dữ liệu', reviewer: 'Lượt nộp', admin: 'Lượt nộp' },
    publicLink: 'Xem số liệu công khai về tiến độ',
  },
  en: {
    intro: 'Provinces submit the villages without usable mobile signal; the Telecommunications Department reviews them and groups them into bid packages; mobile operators download the packages and bid. Log in with the account you were given.',
    title: 'Phủ sóng — closing mobile dead zones', skip: 'Skip to main content', account: 'Account',
    login: 'Log in', logout: 'Log out', username: 'Username', password: 'Password',
    welcome: (u) => 'Welcome, ' + u, sessionEnded: 'Your session has ended. Please log in again.',
    loggedOut: 'You have logged out.', lang: 'Tiếng Việt', langName: 'Chuyển sang tiếng Việt',
    provinces: 'The 34 provinces (since 1 July 2025)', code: 'Code', name: 'Name',
    role: { province: 'Provincial officer', reviewer: 'Reviewer (Telecommunications Department)', operator: 'Mobile operator', admin: 'Administrator' },
    uploadTitle: 'Submit survey data',
    uploadIntro: 'Fill the list of villages without usable signal into the Excel template (or a CSV or GeoJSON file) and submit it here. Every row is checked: a file with invalid rows stores nothing, and the rows to fix are listed.',
    template: "Download the province's Excel template", guide: 'How to fill in the file (opens a new tab)',
    fileLabel: 'Survey file (.xlsx, .csv, .geojson)',
    fileHint: 'Up to 64 MB. CSV may be UTF-8, UTF-16 (Excel) or Windows-1258.',
    submit: 'Submit file', uploading: 'Checking and storing…', chooseFile: 'Choose a file.',
    stored: (s) => 'Stored submission ' + s.id + ' (' + s.filename + ').',
    storedCounts: (s) => s.rows + ' ' + plural(s.rows, 'row', 'rows') + ': ' + s.inserted + ' new ' + plural(s.inserted, 'point', 'points') + ', ' + s.updated + ' updated. The submission awaits review by the Telecommunications Department.',
    rejected: 'The file was not stored',
    rejectedCounts: (s) => s.invalid_rows + ' of ' + s.rows + ' ' + plural(s.rows, 'row', 'rows') + ' ' + plural(s.invalid_rows, 'is', 'are') + ' invalid (' + s.error_count + ' ' + plural(s.error_count, 'error', 'errors') + ', ' + s.warning_count + ' ' + plural(s.warning_count, 'warning', 'warnings') + ').',
    warnings: (n) => n + ' ' + plural(n, 'warning (it does', 'warnings (they do') + ' not stop storing):',
    failed: 'The file could not be submitted',
    problemsCsv: 'Download every problem (CSV)', problemsCsvShort: 'CSV',
    colRow: 'Row', colColumn: 'Column', colValue: 'Value', colMessage: 'Message',
    groupHead: (g) => (g.column ? 'Column ' + g.column : 'Whole file') + ': ' + g.count + (g.count === 1 ? ' time' : ' times') + ' · ' + g.code,
    moreProblems: (shown, total) => 'Showing ' + shown + ' of ' + total + ' ' + plural(total, 'problem', 'problems') + '; the CSV file has them all.',
    mineTitle: "The province's submissions", mineEmpty: 'The province has not submitted anything yet.',
    mineCounts: (c) => c.total + ' ' + plural(c.total, 'submission', 'submissions') + ': ' + c.submitted + ' awaiting review, ' + c.accepted + ' accepted, ' + c.returned + ' returned, ' + c.rejected + ' rejected' + (c.superseded ? ', ' + c.superseded + ' superseded by a later submission' : '') + '.',
    colId: 'No.', colDate: 'Submitted', colFile: 'File', colStatus: 'Status', colRows: 'Rows',
    colStored: 'New / updated', colProblems: 'Errors / warnings', colComment: "Reviewer's comment",
    colProvince: 'Province', colDecided: 'Decided',
    status: { submitted: 'Awaiting review', accepted: 'Accepted', returned: 'Returned', rejected: 'Invalid, not stored', superseded: 'Superseded by a later submission' },
    queueTitle: 'Submissions awaiting review', queueEmpty: 'No submission is awaiting review.',
    queueCounts: (n) => n + (n === 1 ? ' submission is' : ' submissions are') + ' waiting.',
    subTitle: (s, p) => 'Submission ' + s.id + ' — ' + p,
    submittedBy: 'Submitted by', points: 'Points', warningsLabel: 'Warnings',
    comment: 'Comment (required to return)', accept: 'Accept', return: 'Return',
    commentRequired: 'When returning, say what the province must fix.',
    decided: (s) => 'Submission ' + s.id + ': ' + T.en.status[s.status] + '.',
    recentTitle: 'Recent decisions', recentEmpty: 'No decisions yet.',
    loadFailed: 'Could not load data: ',
    views: 'Pages', viewMap: 'Map', viewDashboard: 'Dashboard and ranking', viewPackages: 'Bid packages',
    viewWork: { province: 'Submit data', reviewer: 'Submissions', admin: 'Submissions' },
    publicLink: 'See the public progress figures',
  },
});

Object.assign(state, {
  mine: null, // the province's submissions
  queue: null, // submissions awaiting review
  recent: null, // decided submissions
  upload: null, // the last upload's outcome
  notice: null, // {vi, en}: a line above the page (session ended, decision made)
  decisionErrors: new Map(), // submission id → {vi, en}
});

// cell is a td that names its column, so a table stacked into cards at
// tablet width still says what each value is (see style.css).
// The value sits in one span, so a stacked cell has exactly two grid
// items (name and value); an empty cell stays :empty and is not shown.
function cell(label, attrs, ...children) {
  const td = el('td', Object.assign({ 'data-label': t(label), role: 'cell' }, attrs));
  if (children.some((c) => c !== '' && c !== null && c !== undefined)) td.append(el('span', null, ...children));
  return td;
}

// ---- rendering -------------------------------------------------------

function render() {
  const me = state.me;
  document.documentElement.lang = state.lang;
  document.title = t('title');
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-label]').forEach((e) => { e.setAttribute('aria-label', t(e.dataset.i18nLabel)); });
  const langButton = $('#lang');
  langButton.textContent = t('lang');
  langButton.lang = state.lang === 'vi' ? 'en' : 'vi';
  langButton.setAttribute('aria-label', t('langName'));

  const notice = $('#notice');
  notice.hidden = !state.notice;
  notice.textContent = state.notice ? state.notice[state.lang] : '';

  $('#login-panel').hidden = !!me;
  $('#home').hidden = !me;
  $('#logout').hidden = !me;
  $('#who').textContent = me ? me.username : '';
  const role = me ? me.role : '';
  const work = !!me && state.view === 'work';
  $('#province-view').hidden = !work || role !== 'province';
  $('#review-view').hidden = !work || (role !== 'reviewer' && role !== 'admin');
  renderViews();
  if (!me) return;

  $('#welcome').textContent = t('welcome')(me.username);
  let line = t('role')[me.role] || me.role;
  if (me.province_name) line += ' — ' + me.province_name;
  if (me.operator) line += ' — ' + operatorName(me.operator);
  $('#role-line').textContent = line;

  if (role === 'province') {
    renderUpload();
    renderMine();
  } else if (role === 'reviewer' || role === 'admin') {
    renderQueue();
    renderRecent();
  }
}

function problemsLink(sub, long) {
  return el('a', { href: '/api/v1/submissions/' + sub.id + '/problems.csv', download: true, class: 'csv' }, long ? t('problemsCsv') : t('problemsCsvShort'));
}

// problemTable groups problems by column and code (the server's summary
// gives the full counts when it has them) and lists each problem's row,
// column, value and message.
function problemTable(problems, summary) {
  const groups = new Map();
  for (const p of problems) {
    const k = (p.column || '') + '\u0000' + p.code;
    if (!groups.has(k)) groups.set(k, { column: p.column || '', code: p.code, count: 0, items: [] });
    const g = groups.get(k);
    g.count++;
    g.items.push(p);
  }
  for (const s of summary || []) {
    const g = groups.get((s.column || '') + '\u0000' + s.code);
    if (g && s.count > g.count) g.count = s.count;
  }
  const table = el('table', { class: 'problems' },
    el('thead', null, el('tr', null,
      el('th', { scope: 'col', class: 'num' }, t('colRow')), el('th', { scope: 'col' }, t('colColumn')),
      el('th', { scope: 'col' }, t('colValue')), el('th', { scope: 'col' }, t('colMessage')))));
  for (const g of groups.values()) {
    const body = el('tbody', { class: 'group' }, el('tr', null, el('th', { scope: 'rowgroup', colspan: 4 }, t('groupHead')(g))));
    for (const p of g.items) {
      body.append(el('tr', null,
        el('td', { class: 'num' }, p.row ? String(p.row) : '—'), el('td', null, p.column || ''),
        el('td', null, el('code', null, p.value || '')), el('td', null, msg(p))));
    }
    table.append(body);
  }
  return el('div', { class: 'table-wrap' }, table);
}

function renderUpload() {
  const box = $('#upload-result');
  box.textContent = '';
  const u = state.upload;
  $('#upload-button').disabled = !!(u && u.pending);
  box.className = 'result';
  if (!u) return;
  if (u.pending) {
    box.append(el('p', { class: 'pending' }, t('uploading')));
    return;
  }
  if (u.kind === 'stored') {
    const s = u.sub;
    box.className = 'result ok';
    box.append(el('h3', null, t('stored')(s)), el('p', null, t('storedCounts')(s)));
    if (s.problems && s.problems.length) {
      box.append(el('p', null, t('warnings')(s.warning_count)), problemTable(s.problems, s.summary), el('p', null, problemsLink(s, true)));
    }
  } else if (u.kind === 'rejected') {
    const s = u.sub;
    box.className = 'result bad';
    box.append(el('h3', null, t('rejected')), el('p', null, msg(u.error)), el('p', null, t('rejectedCounts')(s)));
    const total = s.error_count + s.warning_count;
    box.append(problemTable(s.problems, s.summary));
    if (s.problems.length < total) box.append(el('p', null, t('moreProblems')(s.problems.length, total)));
    box.append(el('p', null, problemsLink(s, true)));
  } else {
    box.className = 'result bad';
    box.append(el('h3', null, t('failed')), el('p', null, u.error ? msg(u.error) : u.text[state.lang]));
    if (u.error && u.error.details && u.error.details.length) box.append(problemTable(u.error.details));
  }
}

function renderMine() {
  const tb = $('#mine tbody');
  tb.textContent = '';
  const subs = state.mine;
  if (!subs) return;
  const c = { total: subs.length, submitted: 0, accepted: 0, returned: 0, rejected: 0 };
  for (const s of subs) c[s.status] = (c[s.status] || 0) + 1;
  $('#mine-counts').textContent = subs.length ? t('mineCounts')(c) : t('mineEmpty');
  $('#mine').hidden = !subs.length;
  for (const s of subs) {
    const probs = cell('colProblems', { class: 'num' }, s.error_count + ' / ' + s.warning_count,
      s.error_count + s.warning_count > 0 ? ' ' : null, s.error_count + s.warning_count > 0 ? problemsLink(s, false) : null);
    tb.append(el('tr', { 'data-id': s.id, 'data-status': s.status, role: 'row' },
      cell('colId', null, String(s.id)), cell('colDate', null, when(s.created_at)), cell('colFile', { class: 'file' }, s.filename || ''),
      cell('colStatus', null, statusBadge(s.status)), cell('colRows', { class: 'num' }, String(s.rows)),
      cell('colStored', { class: 'num' }, s.inserted + ' / ' + s.updated), probs,
      cell('colComment', { class: 'comment' }, s.review_comment || '')));
  }
}

function renderQueue() {
  const list = $('#queue');
  // Keep what a reviewer typed when the list redraws (language switch).
  const typed = new Map();
  list.querySelectorAll('textarea').forEach((x) => typed.set(x.id, x.value));
  list.textContent = '';
  const subs = state.queue;
  if (!subs) return;
  $('#queue-counts').textContent = subs.length ? t('queueCounts')(subs.length) : t('queueEmpty');
  for (const s of subs) {
    const cid = 'comment-' + s.id;
    const eid = 'decision-error-' + s.id;
    const err = state.decisionErrors.get(s.id);
    const warn = el('dd', null, String(s.warning_count));
    if (s.warning_count > 0) warn.append(' ', problemsLink(s, false));
    const comment = el('textarea', { id: cid, name: 'comment', rows: 2, 'aria-describedby': eid, 'aria-invalid': err ? 'true' : null });
    comment.value = typed.get(cid) || '';
    const accept = el('button', { type: 'button', class: 'primary', 'data-decision': 'accepted' }, t('accept'));
    const ret = el('button', { type: 'button', 'data-decision': 'returned' }, t('return'));
    const form = el('form', { class: 'decide', 'data-id': s.id },
      el('label', { for: cid }, t('comment')), comment,
      el('div', { class: 'buttons' }, accept, ret),
      el('p', { id: eid, class: 'error', role: 'alert' }, err ? (err[state.lang] || msg(err)) : ''));
    list.append(el('li', { class: 'card', 'data-id': s.id },
      el('h3', null, t('subTitle')(s, provinceName(s.province_code))),
      el('dl', null,
        el('dt', null, t('colFile')), el('dd', { class: 'file' }, s.filename || ''),
        el('dt', null, t('submittedBy')), el('dd', null, s.submitted_by || ''),
        el('dt', null, t('colDate')), el('dd', null, when(s.created_at)),
        el('dt', null, t('points')), el('dd', null, s.points_now),
        el('dt', null, t('warningsLabel')), warn),
      form));
  }
}

function renderRecent() {
  const tb = $('#recent tbody');
  tb.textContent = '';
  const subs = state.recent;
  if (!subs) return;
  $('#recent-empty').hidden = subs.length > 0;
  $('#recent').hidden = subs.length === 0;
  for (const s of subs) {
    tb.append(el('tr', { 'data-id': s.id, 'data-status': s.status, role: 'row' },
      cell('colId', null, String(s.id)), cell('colProvince', null, provinceName(s.province_code)), cell('colFile', { class: 'file' }, s.filename || ''),
      cell('colStatus', null, statusBadge(s.status)), cell('colComment', { class: 'comment' }, s.review_comment || ''), cell('colDecided', null, when(s.decided_at))));
  }
}

// ---- views ---------------------------------------------------------------
// After login the page has the map, the dashboard, the role's own work
// (upload, submissions) and the bid packages; operators have no work view
// of their own: their work is the packages (read-only, as for province
// officers), which the map lists too. The map, the dashboard and the packages are separate
// chunks (MapLibre, Chart.js), loaded the first time they are shown, so
// the login page stays small.

const VIEWS = ['map', 'dashboard', 'work', 'packages'];
const modules = { map: null, dashboard: null, packages: null };
const IMPORTS = { map: () => import('./map.js'), dashboard: () => import('./dashboard.js'), packages: () => import('./packages.js') };
const hasPackagesView = () => !!state.me;
const hasWorkView = () => !!state.me && state.me.role !== 'operator';
const VIEW_KEY = 'phusong.view';

function defaultView() {
  const saved = localStorage.getItem(VIEW_KEY);
  if (VIEWS.includes(saved) && (saved !== 'packages' || hasPackagesView()) && (saved !== 'work' || hasWorkView())) return saved;
  // Reviewers work on the map; provinces start from their uploads.
  return state.me && state.me.role === 'province' ? 'work' : 'map';
}

const loading = {}; // view → the promise of its module
async function loadModule(name) {
  if (!loading[name]) loading[name] = IMPORTS[name]();
  modules[name] = await loading[name];
  return modules[name];
}

function renderViews() {
  const me = state.me;
  const nav = $('#views');
  nav.hidden = !me;
  document.body.dataset.view = me ? state.view || '' : (state.config.public_dashboard ? 'public' : '');
  for (const b of nav.querySelectorAll('button[data-view]')) {
    const v = b.dataset.view;
    b.textContent = v === 'work' ? (me ? t('viewWork')[me.role] || '' : '') : t({ map: 'viewMap', dashboard: 'viewDashboard', packages: 'viewPackages' }[v]);
    b.setAttribute('aria-pressed', String(state.view === v));
    if (v === 'packages') b.hidden = !hasPackagesView();
    if (v === 'work') b.hidden = !hasWorkView();
  }
  $('#map-view').hidden = !me || state.view !== 'map';
  $('#packages-view').hidden = !me || state.view !== 'packages' || !hasPackagesView();
  const publicDash = !me && state.config.public_dashboard;
  $('#dashboard-view').hidden = !(me ? state.view === 'dashboard' : publicDash);
  $('#public-link').hidden = !publicDash;
  for (const k of Object.keys(modules)) if (modules[k]) modules[k].render();
}

async function showView(view) {
  state.view = view;
  localStorage.setItem(VIEW_KEY, view);
  render();
  try {
    if (view === 'map') await (await loadModule('map')).show($('#map-view'));
    else if (view === 'dashboard') await (await loadModule('dashboard')).show($('#dashboard-view'), false);
    else if (view === 'packages' && hasPackagesView()) await (await loadModule('packages')).show($('#packages-view'));
  } catch (e) {
    if (e.status !== 401) showLoadError(e);
  }
}

async function showPublicDashboard() {
  try {
    await (await loadModule('dashboard')).show($('#dashboard-view'), true);
  } catch (e) {
    showLoadError(e);
  }
}

function resetViews() {
  for (const k of Object.keys(modules)) if (modules[k]) modules[k].reset();
  state.view = null;
}

$('#views').addEventListener('click', (ev) => {
  const b = ev.target.closest('button[data-view]');
  if (b) showView(b.dataset.view);
});

hooks.sessionEnded = () => { if (state.me) sessionEnded(); };
hooks.notice = (n) => {
  state.notice = n;
  render();
};
hooks.packagesChanged = () => {
  if (modules.map) modules.map.refresh();
};
hooks.dataChanged = () => {
  loadRoleData();
  if (modules.dashboard && state.view === 'dashboard') modules.dashboard.show($('#dashboard-view'), false);
};

// ---- data --------------------------------------------------------------

async function loadRoleData() {
  const role = state.me && state.me.role;
  try {
    if (role === 'province') {
      state.mine = (await api('GET', '/api/v1/submissions')).submissions;
    } else if (role === 'reviewer' || role === 'admin') {
      const [queue, all] = await Promise.all([
        api('GET', '/api/v1/submissions?status=submitted&limit=200'),
        api('GET', '/api/v1/submissions?limit=100'),
      ]);
      // Oldest first: the queue is worked in the order files came in.
      state.queue = queue.submissions.slice().reverse();
      state.recent = all.submissions.filter((s) => s.status === 'accepted' || s.status === 'returned')
        .sort((a, b) => (b.decided_at || '').localeCompare(a.decided_at || '')).slice(0, 20);
    }
  } catch (e) {
    if (e.status !== 401) showLoadError(e);
  }
  render();
}

function showLoadError(e) {
  const err = e.body && e.body.error;
  state.notice = {
    vi: T.vi.loadFailed + ((err && err.message_vi) || e.message),
    en: T.en.loadFailed + ((err && err.message_en) || e.message),
  };
  render();
}

async function loadMe() {
  if (!localStorage.getItem(SESSION_HINT)) {
    state.me = null;
    $('#provinces-box').open = true;
    render();
    if (state.config.public_dashboard) await showPublicDashboard();
    return;
  }
  try {
    const me = await api('GET', '/api/v1/auth/me');
    state.me = me;
    state.csrf = me.csrf_token || '';
  } catch (e) {
    state.me = null;
    localStorage.removeItem(SESSION_HINT);
  }
  render();
  if (state.me) {
    await Promise.all([loadRoleData(), showView(defaultView())]);
  } else if (state.config.public_dashboard) {
    await showPublicDashboard();
  }
}

function sessionEnded() {
  resetViews();
  state.me = null;
  state.csrf = '';
  state.notice = both('sessionEnded');
  $('#provinces-box').open = true;
  localStorage.removeItem(SESSION_HINT);
  render();
}

function resetRoleState() {
  state.mine = state.queue = state.recent = state.upload = null;
  state.decisionErrors.clear();
}

async function loadProvinces() {
  const data = await api('GET', '/api/v1/provinces');
  const tb = $('#provinces tbody');
  tb.textContent = '';
  for (const p of data.provinces) {
    state.provinces.set(p.code, p);
    tb.append(el('tr', null, el('td', null, p.code), el('td', null, p.full_name)));
  }
  render();
}

// ---- events ------------------------------------------------------------

$('#login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const error = $('#login-error');
  error.textContent = '';
  try {
    const r = await api('POST', '/api/v1/auth/login', { username: f.get('username'), password: f.get('password') });
    state.csrf = r.csrf_token;
    state.notice = null;
    localStorage.setItem(SESSION_HINT, '1');
    ev.target.reset();
    resetRoleState();
    resetViews();
    $('#provinces-box').open = false;
    await loadMe();
    $('#welcome').focus();
  } catch (e) {
    error.textContent = e.text ? e.text() : e.message;
  }
});

$('#logout').addEventListener('click', async () => {
  try { await api('POST', '/api/v1/auth/logout'); } catch (e) { /* the session is gone either way */ }
  state.me = null;
  state.csrf = '';
  state.notice = both('loggedOut');
  $('#provinces-box').open = true;
  localStorage.removeItem(SESSION_HINT);
  localStorage.removeItem(VIEW_KEY);
  resetRoleState();
  resetViews();
  render();
  if (state.config.public_dashboard) showPublicDashboard();
  $('#username').focus();
});

$('#lang').addEventListener('click', () => {
  state.lang = state.lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('lang', state.lang);
  render();
});

$('#upload-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#upload-file');
  if (!input.files.length) {
    state.upload = { kind: 'error', text: both('chooseFile') };
    render();
    return;
  }
  const fd = new FormData();
  fd.append('file', input.files[0]);
  const headers = {};
  // One key per attempt: a retried request is not stored twice.
  if (window.crypto && crypto.randomUUID) headers['Idempotency-Key'] = crypto.randomUUID();
  state.upload = { pending: true };
  render();
  try {
    const sub = await api('POST', '/api/v1/submissions', fd, headers);
    state.upload = { kind: 'stored', sub };
    ev.target.reset();
  } catch (e) {
    if (e.status === 401) return;
    const body = e.body || {};
    if (body.submission) state.upload = { kind: 'rejected', sub: body.submission, error: body.error };
    else state.upload = { kind: 'error', error: body.error, text: { vi: e.message, en: e.message } };
  }
  await loadRoleData();
  $('#upload-result').focus();
});

// Decisions: one listener for every card of the queue.
$('#queue').addEventListener('click', async (ev) => {
  const button = ev.target.closest('button[data-decision]');
  if (!button) return;
  const form = button.closest('form.decide');
  const id = Number(form.dataset.id);
  const comment = form.querySelector('textarea');
  const status = button.dataset.decision;
  if (status === 'returned' && !comment.value.trim()) {
    state.decisionErrors.set(id, { vi: T.vi.commentRequired, en: T.en.commentRequired });
    render();
    $('#comment-' + id).focus();
    return;
  }
  state.decisionErrors.delete(id);
  form.querySelectorAll('button').forEach((b) => { b.disabled = true; });
  try {
    // "from": the status this card showed, so a decision another reviewer
    // made meanwhile is reported instead of overridden.
    const shown = (state.queue || []).find((s) => s.id === id);
    const sub = await api('POST', '/api/v1/submissions/' + id + '/decision', { status, comment: comment.value.trim(), from: shown ? shown.status : undefined });
    state.notice = both('decided', sub);
    await loadRoleData();
    if (modules.map) modules.map.refresh();
    $('#notice').focus();
  } catch (e) {
    if (e.status === 401) return;
    const err = e.body && e.body.error;
    const detail = err && err.details && err.details[0];
    state.decisionErrors.set(id, detail ? { vi: detail.message_vi, en: detail.message_en } : (err ? { vi: err.message_vi, en: err.message_en } : { vi: e.message, en: e.message }));
    render();
  }
});
$('#queue').addEventListener('submit', (ev) => ev.preventDefault());

async function start() {
  render();
  // A returning user who was on the map: fetch MapLibre while the page
  // asks who is logged in.
  if (localStorage.getItem(SESSION_HINT) && (localStorage.getItem(VIEW_KEY) || 'map') === 'map') loadModule('map').catch(() => {});
  // The deployment's options and the provinces first: the map and the
  // lists need them; both are public and fetched side by side.
  await Promise.all([
    api('GET', '/api/v1/config').then((c) => { state.config = c; }).catch(showLoadError),
    loadProvinces().catch(showLoadError),
  ]);
  await loadMe();
}

start();
