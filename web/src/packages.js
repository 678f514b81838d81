// The reviewers' bid packages (gói thầu), issue #6 "What reviewers do":
// build packages from the areas with a rule and preview them (table, left
// out areas with the reason, a small map), save them as drafts and the
// rule itself; list the packages; edit one (fields, criteria, areas),
// publish it or withdraw it; its versions, files and downloads. Province
// officers see the same list and packages read-only; operators too, for
// the packages they may see (published and withdrawn), with each version's
// files to download. The map lists them as well (map.js).
//
// A chunk of its own, loaded the first time the view is shown; MapLibre is
// imported only when the first preview is drawn on the map, so reviewers
// who only edit do not fetch it here.
import {
  T, addStrings, state, $, t, el, api, msg, both, num, billions, provinceName, isReviewer, isOperator, hooks, APIError, vnInput, vnTime, plural,
} from './core.js';

addStrings({
  vi: {
    viewPackages: 'Gói thầu',
    pkTitle: 'Gói thầu', pkIntro: 'Lập gói thầu từ các vùng lõm sóng theo một quy tắc, xem trước, lưu thành bản nháp, hoàn thiện rồi công bố để doanh nghiệp viễn thông tải hồ sơ về.',
    pkIntroProvince: 'Các gói thầu của tỉnh: bản nháp đang hoàn thiện và gói đã công bố. Chỉ Cục Viễn thông được sửa và công bố.',
    buildTitle: '1. Lập gói theo quy tắc', ruleLegend: 'Quy tắc lập gói',
    savedRule: 'Quy tắc đã lưu', savedNone: '— chọn quy tắc đã lưu —', savedPreview: 'Xem trước theo quy tắc đã lưu', savedLoad: 'Điền quy tắc này vào mẫu',
    rProvince: 'Tỉnh', rAll: 'Tất cả các tỉnh', rMode: 'Cách chia gói', modeProvince: 'Một gói cho mỗi tỉnh', modeCap: 'Gói các vùng gần nhau, đến một giới hạn',
    rCapKind: 'Giới hạn theo', capSites: 'Số trạm', capHouseholds: 'Số hộ', capValue: 'Giá trị (đồng)', rCap: 'Giới hạn mỗi gói',
    rCapHint: 'Chỉ dùng khi chia gói theo giới hạn. Một vùng vượt giới hạn thành một gói riêng.',
    rMinScore: 'Điểm ưu tiên tối thiểu (0–100)', rDBKK: 'Chỉ lấy vùng có thôn thuộc danh sách ĐBKK (đủ điều kiện quỹ công ích)',
    rGrid: 'Chỉ lấy vùng có điện lưới (vùng chưa có điện chờ có điện)', preview: 'Xem trước', previewing: 'Đang tính…',
    pvTitle: 'Xem trước', pvNone: 'Quy tắc này không tạo gói nào.',
    pvSummary: (n, x) => n + ' gói, ' + x + ' vùng bị loại. Chưa lưu gì.',
    colName: 'Tên gói', pkColProvince: 'Tỉnh', pkColAreas: 'Số vùng', pkColPoints: 'Số thôn', pkColHouseholds: 'Số hộ', pkColSites: 'Số trạm', pkColCost: 'Chi phí ước tính',
    colAreaIds: 'Các vùng', colColor: 'Màu trên bản đồ', colArea: 'Vùng', colReason: 'Lý do',
    excludedTitle: 'Các vùng bị loại', excludedNone: 'Không vùng nào bị loại.', excludedMore: (n) => 'và ' + n + ' vùng khác.',
    pvMapLabel: 'Bản đồ xem trước: các vùng tô màu theo gói thầu trên nền ranh giới tỉnh. Phím mũi tên để di chuyển, + và − để phóng to, thu nhỏ.',
    saveDrafts: 'Lưu thành bản nháp', savedDrafts: (n) => 'Đã lưu ' + n + ' gói thầu bản nháp.',
    ruleName: 'Tên quy tắc (để dùng lại)', saveRule: 'Lưu quy tắc', savedRuleOk: (r) => 'Đã lưu quy tắc “' + r.name + '”.',
    listTitle: '2. Danh sách gói thầu', listTitleRO: 'Danh sách gói thầu', listEmpty: 'Chưa có gói thầu nào.',
    listEmptyOperator: 'Chưa có gói thầu nào được công bố. Các gói thầu sẽ hiển thị ở đây khi Cục Viễn thông công bố: danh sách thôn, bản đồ khu vực và tệp tải về để lập hồ sơ dự thầu.',
    pkIntroOperator: 'Các gói thầu Cục Viễn thông đã công bố: mở một gói để xem các vùng, yêu cầu kỹ thuật, tiêu chí đánh giá và tải hồ sơ (tệp ZIP chứa tất cả). Gói đã rút ghi lý do rút; tệp của gói đã rút không còn tải được.',
    pkColStatus: 'Trạng thái', colVersion: 'Phiên bản công bố', colChanged: 'Thay đổi chưa công bố', colDeadline: 'Hạn nộp hồ sơ', colCeiling: 'Giá trần',
    yes: 'Có', no: 'Không', open: (p) => 'Mở gói ' + p.name,
    pkStatus: { draft: 'Bản nháp', published: 'Đã công bố', withdrawn: 'Đã rút' },
    editTitle: (p) => 'Gói thầu số ' + p.id + ': ' + p.name, pkClose: 'Đóng',
    fieldsLegend: 'Thông tin gói thầu', fName: 'Tên gói thầu', fDeadline: 'Hạn nộp hồ sơ dự thầu (giờ Việt Nam)',
    fCeiling: 'Giá trần (đồng)', fProposed: (v) => 'Đề xuất theo dự toán các vùng: ' + num(v) + ' đồng (' + billions(v) + ').',
    ceilingLow: (c, v) => 'Lưu ý: giá trần ' + billions(c) + ' thấp hơn dự toán các vùng (' + billions(v) + '); doanh nghiệp có thể không dự thầu.',
    useProposed: 'Dùng giá đề xuất', fTechnology: 'Công nghệ tối thiểu', fRSRP: 'RSRP tối thiểu khi nghiệm thu (dBm)',
    fCoverage: 'Hạn hoàn thành phủ sóng', fRequirements: 'Yêu cầu kỹ thuật',
    criteriaTitle: 'Tiêu chí đánh giá', cNameVI: 'Tên tiếng Việt', cNameEN: 'Tên tiếng Anh', cWeight: 'Trọng số',
    cAdd: 'Thêm tiêu chí', cRemove: (i) => 'Bỏ tiêu chí ' + i, cSum: (s) => 'Tổng trọng số: ' + s + ' (cần bằng 100).',
    cRow: (i, k) => k + ', tiêu chí ' + i,
    save: 'Lưu thay đổi', saved: 'Đã lưu thay đổi.', saving: 'Đang lưu…',
    areasTitle: 'Các vùng trong gói', areasNone: 'Gói chưa có vùng nào.', filesGone: 'Gói đã rút: các tệp không còn tải được.', pkColId: 'Mã vùng', colPinned: 'Phiên bản', colStale: 'Đã thay đổi', pkColScore: 'Điểm ưu tiên',
    colElsewhere: 'Còn trong gói đã công bố', elsewhere: (e) => 'Gói số ' + e.package_id + ', phiên bản ' + e.version + ': công bố lại gói đó không có vùng này, hoặc rút gói đó, trước khi công bố gói này',
    staleYes: (a) => 'Có (hiện là phiên bản ' + a.current_version + ')', drop: 'Bỏ', dropLabel: (a) => 'Bỏ vùng ' + a.id + ' khỏi gói',
    addArea: 'Thêm hoặc chuyển vùng vào gói (mã vùng)', addAreaButton: 'Thêm vùng', refresh: 'Cập nhật các vùng theo phiên bản mới nhất',
    areaAdded: (id) => 'Đã đưa vùng ' + id + ' vào gói.', areaDropped: (id) => 'Đã bỏ vùng ' + id + ' khỏi gói.', refreshed: 'Đã cập nhật phiên bản các vùng.',
    publishTitle: 'Công bố', publishIntro: 'Công bố tạo một phiên bản không thể sửa, kèm các tệp cho doanh nghiệp tải về. Thay đổi sau đó là một phiên bản mới.',
    changeNote: 'Nội dung thay đổi của phiên bản mới (bắt buộc)', publish: 'Công bố', publishing: 'Đang tạo tệp và công bố…',
    published: (v) => 'Đã công bố phiên bản ' + v.version + '.',
    withdrawTitle: 'Rút gói thầu', reason: 'Lý do rút (doanh nghiệp sẽ thấy)', withdraw: 'Rút gói thầu', withdrawn: 'Đã rút gói thầu.',
    pkWithdrawnWhy: 'Lý do rút', reasonRequired: 'Ghi lý do rút gói thầu.',
    versionsTitle: 'Các phiên bản đã công bố', versionsNone: 'Chưa công bố phiên bản nào.',
    versionLine: (v) => 'Phiên bản ' + v.version + ' — ' + vnTime(v.published_at) + ' — ' + v.published_by,
    pkZipNote: 'SHA-256 của tệp ZIP:', manifestNote: 'SHA-256 của manifest.json:',
    downloadsTitle: 'Lượt tải hồ sơ', downloadsNone: 'Chưa có lượt tải nào.',
    colWhen: 'Thời điểm', colWho: 'Tài khoản', colOperator: 'Doanh nghiệp', pkColFile: 'Tệp', colBytes: 'Số byte',
    problemsTitle: 'Cần sửa:', problem: (c, m) => c + ': ' + m,
    col: {
      province: 'Tỉnh', mode: 'Cách chia gói', cap_kind: 'Giới hạn theo', cap: 'Giới hạn mỗi gói', min_score: 'Điểm tối thiểu', name: 'Tên',
      deadline: 'Hạn nộp hồ sơ', ceiling_vnd: 'Giá trần', technology: 'Công nghệ', min_rsrp_dbm: 'RSRP tối thiểu',
      coverage_deadline: 'Hạn phủ sóng', requirements: 'Yêu cầu kỹ thuật', criteria: 'Tiêu chí đánh giá', areas: 'Các vùng',
      change_note: 'Nội dung thay đổi', reason: 'Lý do rút', area_id: 'Mã vùng', rule_id: 'Quy tắc đã lưu',
    },
    criterionN: (i) => 'Tiêu chí ' + i,
  },
  en: {
    viewPackages: 'Bid packages',
    pkTitle: 'Bid packages', pkIntro: 'Build bid packages from the dead-zone areas with a rule, preview them, save them as drafts, complete them and publish them for the mobile operators to download.',
    pkIntroProvince: "The province's bid packages: drafts being completed and published packages. Only the Telecommunications Department edits and publishes them.",
    buildTitle: '1. Build packages with a rule', ruleLegend: 'Packaging rule',
    savedRule: 'Saved rules', savedNone: '— choose a saved rule —', savedPreview: 'Preview with the saved rule', savedLoad: 'Fill the form with this rule',
    rProvince: 'Province', rAll: 'All provinces', rMode: 'How to cut packages', modeProvince: 'One package per province', modeCap: 'Neighbouring areas up to a cap',
    rCapKind: 'Cap by', capSites: 'Sites', capHouseholds: 'Households', capValue: 'Value (VND)', rCap: 'Cap per package',
    rCapHint: 'Used only when cutting at a cap. An area above the cap is a package of its own.',
    rMinScore: 'Minimum priority score (0–100)', rDBKK: 'Only areas with a village on the ĐBKK list (eligible for the public fund)',
    rGrid: 'Only areas with grid power (areas without wait for power)', preview: 'Preview', previewing: 'Working…',
    pvTitle: 'Preview', pvNone: 'This rule makes no package.',
    pvSummary: (n, x) => n + (n === 1 ? ' package, ' : ' packages, ') + x + (x === 1 ? ' area' : ' areas') + ' left out. Nothing is saved yet.',
    colName: 'Package', pkColProvince: 'Province', pkColAreas: 'Areas', pkColPoints: 'Villages', pkColHouseholds: 'Households', pkColSites: 'Sites', pkColCost: 'Estimated cost',
    colAreaIds: 'Areas', colColor: 'Colour on the map', colArea: 'Area', colReason: 'Reason',
    excludedTitle: 'Areas left out', excludedNone: 'No area is left out.', excludedMore: (n) => 'and ' + n + ' more.',
    pvMapLabel: 'Preview map: the areas coloured by package over the province boundaries. Arrow keys pan, + and − zoom.',
    saveDrafts: 'Save as drafts', savedDrafts: (n) => 'Saved ' + n + (n === 1 ? ' draft package.' : ' draft packages.'),
    ruleName: 'Rule name (to use it again)', saveRule: 'Save the rule', savedRuleOk: (r) => 'Saved the rule “' + r.name + '”.',
    listTitle: '2. Packages', listTitleRO: 'Packages', listEmpty: 'No package yet.',
    listEmptyOperator: 'No bid package is published yet. Bid packages will appear here once the Telecommunications Department publishes them: the villages, a map of each area and files to download for your bid.',
    pkIntroOperator: 'The bid packages the Telecommunications Department has published: open one for its areas, technical requirements and evaluation criteria, and download its files (the ZIP holds them all). A withdrawn package says why; its files can no longer be downloaded.',
    pkColStatus: 'Status', colVersion: 'Published version', colChanged: 'Unpublished changes', colDeadline: 'Bids due', colCeiling: 'Ceiling price',
    yes: 'Yes', no: 'No', open: (p) => 'Open ' + p.name,
    pkStatus: { draft: 'Draft', published: 'Published', withdrawn: 'Withdrawn' },
    editTitle: (p) => 'Package ' + p.id + ': ' + p.name, pkClose: 'Close',
    fieldsLegend: 'Package details', fName: 'Package name', fDeadline: 'Bid deadline (Vietnam time)',
    fCeiling: 'Ceiling price (VND)', fProposed: (v) => "Proposed from the areas' estimates: " + num(v) + ' VND (' + billions(v) + ').',
    ceilingLow: (c, v) => 'Note: the ceiling of ' + billions(c) + " is below the areas' estimates (" + billions(v) + '); operators may not bid.',
    useProposed: 'Use the proposed price', fTechnology: 'Least technology', fRSRP: 'Minimum RSRP for acceptance (dBm)',
    fCoverage: 'Coverage deadline', fRequirements: 'Technical requirements',
    criteriaTitle: 'Evaluation criteria', cNameVI: 'Vietnamese name', cNameEN: 'English name', cWeight: 'Weight',
    cAdd: 'Add a criterion', cRemove: (i) => 'Remove criterion ' + i, cSum: (s) => 'Sum of weights: ' + s + ' (must be 100).',
    cRow: (i, k) => k + ', criterion ' + i,
    save: 'Save changes', saved: 'Changes saved.', saving: 'Saving…',
    areasTitle: 'Areas in the package', areasNone: 'The package has no area.', filesGone: 'The package is withdrawn: its files can no longer be downloaded.', pkColId: 'Area', colPinned: 'Version', colStale: 'Changed since', pkColScore: 'Priority score',
    colElsewhere: 'Still in a published package', elsewhere: (e) => 'Package ' + e.package_id + ', version ' + e.version + ': republish that package without this area, or withdraw it, before publishing this one',
    staleYes: (a) => 'Yes (now version ' + a.current_version + ')', drop: 'Drop', dropLabel: (a) => 'Drop area ' + a.id + ' from the package',
    addArea: 'Add or move an area into the package (area id)', addAreaButton: 'Add area', refresh: 'Re-pin the areas to their latest versions',
    areaAdded: (id) => 'Area ' + id + ' is now in the package.', areaDropped: (id) => 'Dropped area ' + id + ' from the package.', refreshed: 'The areas are pinned to their latest versions.',
    publishTitle: 'Publish', publishIntro: 'Publishing makes a version that cannot change, with the files operators download. A later change is a new version.',
    changeNote: 'What the new version changes (required)', publish: 'Publish', publishing: 'Generating the files and publishing…',
    published: (v) => 'Published version ' + v.version + '.',
    withdrawTitle: 'Withdraw the package', reason: 'Reason (operators will see it)', withdraw: 'Withdraw', withdrawn: 'The package is withdrawn.',
    pkWithdrawnWhy: 'Withdrawn because', reasonRequired: 'Write why the package is withdrawn.',
    versionsTitle: 'Published versions', versionsNone: 'No version published yet.',
    versionLine: (v) => 'Version ' + v.version + ' — ' + vnTime(v.published_at) + ' — ' + v.published_by,
    pkZipNote: 'SHA-256 of the ZIP:', manifestNote: 'SHA-256 of manifest.json:',
    downloadsTitle: 'Downloads', downloadsNone: 'No download yet.',
    colWhen: 'When', colWho: 'Account', colOperator: 'Operator', pkColFile: 'File', colBytes: 'Bytes',
    problemsTitle: 'To fix:', problem: (c, m) => c + ': ' + m,
    col: {
      province: 'Province', mode: 'How to cut', cap_kind: 'Cap by', cap: 'Cap', min_score: 'Minimum score', name: 'Name',
      deadline: 'Bid deadline', ceiling_vnd: 'Ceiling price', technology: 'Technology', min_rsrp_dbm: 'Minimum RSRP',
      coverage_deadline: 'Coverage deadline', requirements: 'Technical requirements', criteria: 'Evaluation criteria', areas: 'Areas',
      change_note: 'Change note', reason: 'Reason', area_id: 'Area id', rule_id: 'Saved rule',
    },
    criterionN: (i) => 'Criterion ' + i,
  },
});

// Colours of the packages in the preview, told apart on the map and in
// the table (each row shows its swatch).
const PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#1f78b4'];
const EXCLUDED_MAX = 100;

const P = {
  section: null,
  list: [],
  rules: [],
  preview: null, // the last preview's answer
  previewBody: null, // the body it was made with: Save drafts sends the same
  busy: '', // what is running: 'preview' | 'save' | 'publish' | …
  ruleError: null, // APIError of the rule form
  detail: null, // the open package
  downloads: null,
  errors: {}, // form → APIError or {vi, en}
  ok: {}, // form → {vi, en}: what the last action did
  dirty: false,
  map: null,
  mapLoaded: null, // promise of the map's first load
};

// ---- Vietnam time ---------------------------------------------------------
// The deadlines are Vietnam time (UTC+7, no daylight saving) whatever the
// browser's zone: datetime-local shows and takes them as such (vnInput,
// core.js) and the API gets RFC 3339 with the +07:00 offset.
const vnRFC3339 = (v) => (v ? v.slice(0, 16) + ':00+07:00' : null);

// ---- small pieces ---------------------------------------------------------------

function field(id, key, control, hint) {
  control.id = id;
  if (hint) control.setAttribute('aria-describedby', id + '-hint');
  return el('div', { class: 'field' }, el('label', { for: id, 'data-i18n': key }, t(key)), control,
    hint ? el('p', { id: id + '-hint', class: 'hint', 'data-i18n': hint }, t(hint)) : null);
}

function check(id, key) {
  return el('div', { class: 'check' }, el('input', { type: 'checkbox', id, name: id }), el('label', { for: id, 'data-i18n': key }, t(key)));
}

function option(value, key) {
  return el('option', { value, 'data-i18n': key }, t(key));
}

function cell(label, attrs, ...children) {
  const td = el('td', Object.assign({ 'data-label': t(label), role: 'cell' }, attrs));
  td.append(...children.filter((c) => c !== null && c !== undefined));
  return td;
}

function head(keys) {
  return el('thead', { role: 'rowgroup' }, el('tr', { role: 'row' },
    ...keys.map(([k, cls]) => el('th', { role: 'columnheader', scope: 'col', class: cls, 'data-i18n': k }, t(k)))));
}

function badge(status) {
  return el('span', { class: 'status status-pk-' + status }, t('pkStatus')[status] || status);
}

// columnName is a problem's column as the page calls it.
function columnName(c) {
  if (!c) return '';
  const m = /^criteria\[(\d+)\]/.exec(c);
  if (m) return t('criterionN')(Number(m[1]) + 1);
  return t('col')[c] || c;
}

// problems shows an error in the page's language: its message, then each
// detail with the field it is about, so the reviewer knows what to fix.
function problems(err) {
  const box = el('div', { class: 'problems' });
  if (!err) return box;
  if (!(err instanceof APIError)) {
    box.append(el('p', { class: 'error' }, err[state.lang]));
    return box;
  }
  const e = err.body && err.body.error;
  box.append(el('p', { class: 'error' }, e ? msg(e) : err.message));
  const details = (e && e.details) || [];
  if (details.length) {
    const ul = el('ul', { class: 'error' });
    for (const d of details) ul.append(el('li', { 'data-column': d.column || '' }, d.column ? t('problem')(columnName(d.column), msg(d)) : msg(d)));
    box.append(el('p', { class: 'error' }, t('problemsTitle')), ul);
  }
  return box;
}

// markInvalid sets aria-invalid on the form's fields a problem names.
function markInvalid(form, err, fields) {
  if (!form) return;
  form.querySelectorAll('[aria-invalid]').forEach((f) => f.removeAttribute('aria-invalid'));
  const details = (err instanceof APIError && err.body && err.body.error && err.body.error.details) || [];
  for (const d of details) {
    const col = (d.column || '').replace(/\[\d+\]$/, '');
    const id = fields[col];
    const f = id && form.querySelector('#' + id);
    if (f) f.setAttribute('aria-invalid', 'true');
  }
}

function showOutcome(where, key) {
  const box = $('#' + where);
  if (!box) return;
  box.textContent = '';
  const err = P.errors[key];
  if (err) box.append(problems(err));
  else if (P.ok[key]) box.append(el('p', { class: 'ok' }, P.ok[key][state.lang]));
}

async function run(key, action) {
  P.busy = key;
  P.errors[key] = null;
  P.ok[key] = null;
  renderBusy();
  try {
    return await action();
  } catch (e) {
    if (e.status === 401) return undefined;
    P.errors[key] = e instanceof APIError ? e : { vi: String(e), en: String(e) };
    return undefined;
  } finally {
    P.busy = '';
    renderBusy();
  }
}

function renderBusy() {
  if (!P.section) return;
  P.section.querySelectorAll('button[data-busy]').forEach((b) => {
    b.disabled = !!P.busy;
  });
  P.section.setAttribute('aria-busy', P.busy ? 'true' : 'false');
}

// ---- build -------------------------------------------------------------------------

function build(section) {
  const reviewer = isReviewer();
  // Only reviewers have the numbered steps (build, list, edit); the others
  // read the list and a package.
  const intro = reviewer ? 'pkIntro' : isOperator() ? 'pkIntroOperator' : 'pkIntroProvince';
  const listTitle = reviewer ? 'listTitle' : 'listTitleRO';
  const listEmpty = isOperator() ? 'listEmptyOperator' : 'listEmpty';
  section.append(
    el('h2', { id: 'pk-title', 'data-i18n': 'pkTitle' }, t('pkTitle')),
    el('p', { class: 'hint', 'data-i18n': intro }, t(intro)),
    el('p', { id: 'pk-notice', role: 'status', tabindex: '-1' }));
  if (reviewer) section.append(buildRuleForm());
  section.append(
    el('h3', { id: 'pk-list-title', 'data-i18n': listTitle }, t(listTitle)),
    el('p', { id: 'pk-list-empty', class: 'hint', hidden: true, 'data-i18n': listEmpty }, t(listEmpty)),
    el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': 'pk-list-title', tabindex: '0' },
      el('table', { id: 'pk-list', class: 'stack', role: 'table' },
        head([['colName'], ['pkColProvince'], ['pkColStatus'], ['colVersion', 'num'], ...(isOperator() ? [] : [['colChanged']]), ['pkColAreas', 'num'],
          ['pkColHouseholds', 'num'], ['pkColSites', 'num'], ['pkColCost', 'num'], ['colDeadline'], ['colCeiling', 'num']]),
        el('tbody', { role: 'rowgroup' }))),
    el('section', { id: 'pk-detail', class: 'card pk-detail', hidden: true, tabindex: '-1', 'aria-labelledby': 'pk-detail-title' }));
  section.addEventListener('click', onClick);
  section.addEventListener('submit', onSubmit);
  section.addEventListener('change', onChange);
  section.addEventListener('input', onInput);
  section.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && P.detail && !/^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName)) closeDetail();
  });
}

function buildRuleForm() {
  const provinces = el('select', { name: 'province' }, option('', 'rAll'));
  for (const p of state.provinces.values()) provinces.append(el('option', { value: p.code }, p.full_name));
  const form = el('form', { id: 'pk-rule', class: 'card pk-form', novalidate: true },
    el('fieldset', null, el('legend', { 'data-i18n': 'ruleLegend' }, t('ruleLegend')),
      el('div', { id: 'pk-saved-box', class: 'grid', hidden: true },
        field('pk-saved', 'savedRule', el('select', { name: 'saved' })),
        el('div', { class: 'buttons' },
          el('button', { type: 'button', id: 'pk-saved-preview', 'data-busy': '', 'data-i18n': 'savedPreview' }, t('savedPreview')),
          el('button', { type: 'button', id: 'pk-saved-load', 'data-i18n': 'savedLoad' }, t('savedLoad')))),
      el('div', { class: 'grid' },
        field('pk-province', 'rProvince', provinces),
        field('pk-mode', 'rMode', el('select', { name: 'mode' }, option('province', 'modeProvince'), option('cap', 'modeCap'))),
        field('pk-cap-kind', 'rCapKind', el('select', { name: 'cap_kind' }, option('sites', 'capSites'), option('households', 'capHouseholds'), option('value', 'capValue'))),
        field('pk-cap', 'rCap', el('input', { type: 'number', name: 'cap', min: '0', step: 'any', inputmode: 'decimal', value: '20' }), 'rCapHint'),
        field('pk-min-score', 'rMinScore', el('input', { type: 'number', name: 'min_score', min: '0', max: '100', step: 'any', value: '0' }))),
      check('pk-dbkk', 'rDBKK'), check('pk-grid', 'rGrid'),
      el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary', id: 'pk-preview', 'data-busy': '', 'data-i18n': 'preview' }, t('preview')))),
    el('div', { id: 'pk-rule-outcome', role: 'alert' }));
  form.elements['pk-dbkk'].checked = true;
  form.elements['pk-grid'].checked = true;
  const results = el('section', { id: 'pk-preview-box', class: 'pk-preview', hidden: true, 'aria-labelledby': 'pk-pv-title' },
    el('h4', { id: 'pk-pv-title', 'data-i18n': 'pvTitle' }, t('pvTitle')),
    el('p', { id: 'pk-pv-summary' }),
    el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': 'pk-pv-title', tabindex: '0' },
      el('table', { id: 'pk-pv-packages', class: 'stack', role: 'table' },
        head([['colColor'], ['colName'], ['pkColProvince'], ['pkColAreas', 'num'], ['pkColPoints', 'num'], ['pkColHouseholds', 'num'], ['pkColSites', 'num'], ['pkColCost', 'num'], ['colAreaIds']]),
        el('tbody', { role: 'rowgroup' }))),
    el('div', { id: 'pk-map', class: 'pk-map' }),
    el('h4', { id: 'pk-ex-title', 'data-i18n': 'excludedTitle' }, t('excludedTitle')),
    el('p', { id: 'pk-ex-none', class: 'hint', 'data-i18n': 'excludedNone' }, t('excludedNone')),
    el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': 'pk-ex-title', tabindex: '0' },
      el('table', { id: 'pk-excluded', class: 'stack', role: 'table' }, head([['colArea'], ['pkColProvince'], ['colReason']]), el('tbody', { role: 'rowgroup' }))),
    el('p', { id: 'pk-ex-more', class: 'hint' }),
    el('div', { class: 'buttons' }, el('button', { type: 'button', id: 'pk-save-drafts', class: 'primary', 'data-busy': '', 'data-i18n': 'saveDrafts' }, t('saveDrafts'))),
    el('div', { id: 'pk-drafts-outcome', role: 'alert' }),
    el('form', { id: 'pk-rule-save', class: 'inline', novalidate: true },
      field('pk-rule-name', 'ruleName', el('input', { name: 'name', maxlength: '200' })),
      el('button', { type: 'submit', 'data-busy': '', 'data-i18n': 'saveRule' }, t('saveRule'))),
    el('div', { id: 'pk-rule-save-outcome', role: 'alert' }));
  return el('section', { id: 'pk-build', 'aria-labelledby': 'pk-build-title' },
    el('h3', { id: 'pk-build-title', 'data-i18n': 'buildTitle' }, t('buildTitle')), form, results);
}

// ruleFromForm reads the rule form as the API's rule.
function ruleFromForm() {
  const f = $('#pk-rule').elements;
  const r = { province: f.province.value, mode: f.mode.value, min_score: Number(f.min_score.value || 0), require_dbkk: f['pk-dbkk'].checked, require_grid: f['pk-grid'].checked };
  if (r.mode === 'cap') {
    r.cap_kind = f.cap_kind.value;
    r.cap = f.cap.value === '' ? 0 : Number(f.cap.value);
  }
  return r;
}

function fillRuleForm(r) {
  const f = $('#pk-rule').elements;
  f.province.value = r.province || '';
  f.mode.value = r.mode || 'province';
  f.cap_kind.value = r.cap_kind || 'sites';
  f.cap.value = r.cap || '';
  f.min_score.value = r.min_score || 0;
  f['pk-dbkk'].checked = !!r.require_dbkk;
  f['pk-grid'].checked = !!r.require_grid;
  syncMode();
}

// syncMode: the cap fields mean something only when cutting at a cap.
function syncMode() {
  const f = $('#pk-rule').elements;
  const cap = f.mode.value === 'cap';
  f.cap_kind.disabled = !cap;
  f.cap.disabled = !cap;
}

const RULE_FIELDS = { province: 'pk-province', mode: 'pk-mode', cap_kind: 'pk-cap-kind', cap: 'pk-cap', min_score: 'pk-min-score', rule_id: 'pk-saved' };

async function doPreview(body) {
  const pv = await run('rule', () => api('POST', '/api/v1/packages/preview?map=1', body));
  if (pv) {
    P.preview = pv;
    P.previewBody = body;
    P.ok.drafts = P.errors.drafts = null;
  }
  renderRule();
  renderPreview();
  if (pv) {
    $('#pk-pv-summary').focus();
    await drawPreviewMap();
  }
}

// refreshPreview previews the same rule again once drafts are saved: the
// preview on screen is out of date (its areas are in packages now) and
// saving it a second time could only be refused.
async function refreshPreview() {
  if (!P.previewBody) return;
  try {
    P.preview = await api('POST', '/api/v1/packages/preview?map=1', P.previewBody);
  } catch (e) {
    P.preview = null;
  }
  renderPreview();
  await drawPreviewMap();
}

function renderRule() {
  const form = $('#pk-rule');
  if (!form) return;
  showOutcome('pk-rule-outcome', 'rule');
  markInvalid(form, P.errors.rule, RULE_FIELDS);
  const sel = $('#pk-saved');
  const keep = sel.value;
  sel.textContent = '';
  sel.append(option('', 'savedNone'));
  for (const r of P.rules) sel.append(el('option', { value: r.id }, r.name));
  sel.value = keep;
  $('#pk-saved-box').hidden = P.rules.length === 0;
}

function renderPreview() {
  const box = $('#pk-preview-box');
  if (!box) return;
  const pv = P.preview;
  box.hidden = !pv;
  showOutcome('pk-drafts-outcome', 'drafts');
  showOutcome('pk-rule-save-outcome', 'ruleSave');
  markInvalid($('#pk-rule-save'), P.errors.ruleSave, { name: 'pk-rule-name' });
  if (!pv) return;
  const summary = $('#pk-pv-summary');
  summary.setAttribute('tabindex', '-1');
  summary.textContent = pv.packages.length ? t('pvSummary')(pv.packages.length, pv.excluded.length) : t('pvNone');
  const tb = $('#pk-pv-packages tbody');
  tb.textContent = '';
  pv.packages.forEach((p, i) => {
    tb.append(el('tr', { role: 'row', 'data-index': i },
      cell('colColor', null, el('span', { class: 'sw pk-sw', style: 'background:' + PALETTE[i % PALETTE.length] })),
      cell('colName', null, p.name), cell('pkColProvince', null, provinceName(p.province_code)),
      cell('pkColAreas', { class: 'num' }, num(p.totals.areas)), cell('pkColPoints', { class: 'num' }, num(p.totals.points)),
      cell('pkColHouseholds', { class: 'num' }, num(p.totals.households)), cell('pkColSites', { class: 'num' }, num(p.totals.sites)),
      cell('pkColCost', { class: 'num' }, billions(p.totals.cost_vnd)), cell('colAreaIds', null, p.areas.map((a) => a.id).join(', '))));
  });
  $('#pk-pv-packages').hidden = !pv.packages.length;
  $('#pk-save-drafts').hidden = !pv.packages.length;
  const ex = $('#pk-excluded tbody');
  ex.textContent = '';
  for (const x of pv.excluded.slice(0, EXCLUDED_MAX)) {
    ex.append(el('tr', { role: 'row', 'data-area': x.area_id, 'data-code': x.code },
      cell('colArea', null, String(x.area_id)), cell('pkColProvince', null, provinceName(x.province_code)), cell('colReason', null, msg(x))));
  }
  $('#pk-excluded').hidden = !pv.excluded.length;
  $('#pk-ex-none').hidden = pv.excluded.length > 0;
  $('#pk-ex-more').textContent = pv.excluded.length > EXCLUDED_MAX ? t('excludedMore')(pv.excluded.length - EXCLUDED_MAX) : '';
}

// ---- the preview map ----------------------------------------------------------------

function previewData() {
  const fc = (P.preview && P.preview.map) || { type: 'FeatureCollection', features: [] };
  for (const f of fc.features) f.properties.color = PALETTE[f.properties.package % PALETTE.length];
  return fc;
}

function bounds(fc) {
  let b = null;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      if (!b) b = [c[0], c[1], c[0], c[1]];
      else b = [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])];
      return;
    }
    for (const x of c) walk(x);
  };
  for (const f of fc.features) if (f.geometry) walk(f.geometry.coordinates);
  return b && [[b[0], b[1]], [b[2], b[3]]];
}

async function drawPreviewMap() {
  const fc = previewData();
  const box = $('#pk-map');
  if (!box) return;
  box.hidden = !fc.features.length;
  if (!fc.features.length) return;
  const ml = await import('maplibre-gl');
  if (!P.section) return; // logged out meanwhile
  if (!P.map) {
    // The same worker as the review map (map.js sets it too; setting it
    // twice is harmless and this module may load first).
    ml.setWorkerUrl(new URL('/static/maplibre-gl-worker.mjs', location.href).href);
    const tiles = location.origin + '/tiles/provinces/{z}/{x}/{y}.mvt';
    const map = new ml.Map({
      container: box,
      style: {
        version: 8,
        sources: { provinces: { type: 'vector', tiles: [tiles], minzoom: 0, maxzoom: 12 }, preview: { type: 'geojson', data: fc } },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#d7e6f0' } },
          { id: 'provinces-fill', type: 'fill', source: 'provinces', 'source-layer': 'provinces', paint: { 'fill-color': '#f4f1ea' } },
          { id: 'provinces-line', type: 'line', source: 'provinces', 'source-layer': 'provinces', paint: { 'line-color': '#5b6b7a', 'line-width': 1 } },
          { id: 'preview-fill', type: 'fill', source: 'preview', paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.55 } },
          { id: 'preview-line', type: 'line', source: 'preview', paint: { 'line-color': ['get', 'color'], 'line-width': 2 } },
        ],
      },
      bounds: bounds(fc),
      fitBoundsOptions: { padding: 40, maxZoom: 11 },
      maxBounds: [[96, 4], [116, 27]],
      minZoom: 4,
      maxZoom: 16,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      locale: state.lang === 'vi' ? { 'NavigationControl.ZoomIn': 'Phóng to', 'NavigationControl.ZoomOut': 'Thu nhỏ' } : { 'NavigationControl.ZoomIn': 'Zoom in', 'NavigationControl.ZoomOut': 'Zoom out' },
    });
    map.addControl(new ml.NavigationControl({ showCompass: false }), 'top-right');
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    map.getCanvas().setAttribute('aria-label', t('pvMapLabel'));
    map.on('error', (e) => {
      if (e.error && e.error.status === 401) hooks.sessionEnded();
      else console.error(e.error || e);
    });
    P.map = map;
    P.mapLoaded = new Promise((resolve) => map.once('load', resolve));
    // For the browser tests, beside the review map.
    window.phusong = Object.assign(window.phusong || {}, { previewMap: map });
    return;
  }
  await P.mapLoaded;
  // The box was hidden while a preview made no package: size it again.
  P.map.resize();
  P.map.getSource('preview').setData(fc);
  P.map.fitBounds(bounds(fc), { padding: 40, maxZoom: 11, duration: 0 });
}

// ---- the list ----------------------------------------------------------------------------

async function loadList() {
  try {
    const [list, rules] = await Promise.all([
      api('GET', '/api/v1/packages'),
      isReviewer() ? api('GET', '/api/v1/package-rules') : Promise.resolve({ rules: [] }),
    ]);
    P.list = list.packages || [];
    P.rules = rules.rules || [];
  } catch (e) {
    if (e.status !== 401) P.errors.list = e;
  }
  renderList();
  renderRule();
}

function renderList() {
  const tb = $('#pk-list tbody');
  if (!tb) return;
  tb.textContent = '';
  $('#pk-list-empty').hidden = P.list.length > 0;
  $('#pk-list').hidden = !P.list.length;
  for (const p of P.list) {
    tb.append(el('tr', { role: 'row', 'data-id': p.id, 'data-status': p.status, class: P.detail && P.detail.id === p.id ? 'current' : null },
      cell('colName', null, el('button', { type: 'button', class: 'link', 'data-open': p.id, 'aria-label': t('open')(p) }, p.name)),
      cell('pkColProvince', null, provinceName(p.province_code)),
      cell('pkColStatus', null, badge(p.status),
        p.status === 'withdrawn' && p.withdrawn_reason ? el('span', { class: 'why' }, ' ' + t('pkWithdrawnWhy') + ': ' + p.withdrawn_reason) : null),
      cell('colVersion', { class: 'num' }, p.published_version ? String(p.published_version) : '—'),
      // Operators see published versions only: nothing is unpublished for them.
      isOperator() ? null : cell('colChanged', null, p.changed ? t('yes') : t('no')),
      cell('pkColAreas', { class: 'num' }, num(p.totals.areas)), cell('pkColHouseholds', { class: 'num' }, num(p.totals.households)),
      cell('pkColSites', { class: 'num' }, num(p.totals.sites)), cell('pkColCost', { class: 'num' }, billions(p.totals.cost_vnd)),
      cell('colDeadline', null, p.deadline ? vnTime(p.deadline) : '—'),
      cell('colCeiling', { class: 'num' }, p.ceiling_vnd ? billions(p.ceiling_vnd) : '—')));
  }
}

// ---- one package ----------------------------------------------------------------------------

async function openPackage(id) {
  try {
    const d = await api('GET', '/api/v1/packages/' + id);
    P.detail = d;
    P.dirty = false;
    for (const k of ['fields', 'areas', 'publish', 'withdraw']) { P.errors[k] = null; P.ok[k] = null; }
    P.downloads = null;
    buildDetail();
    renderList();
    $('#pk-detail').focus();
    if (isReviewer()) {
      const r = await api('GET', '/api/v1/packages/' + id + '/downloads');
      P.downloads = r.downloads || [];
      renderDownloads();
    }
  } catch (e) {
    if (e.status !== 401) notice(e instanceof APIError ? e.both() : { vi: String(e), en: String(e) });
  }
}

function closeDetail() {
  P.detail = null;
  const box = $('#pk-detail');
  box.hidden = true;
  box.textContent = '';
  renderList();
}

const FIELD_IDS = {
  name: 'pk-f-name', deadline: 'pk-f-deadline', ceiling_vnd: 'pk-f-ceiling', technology: 'pk-f-technology', min_rsrp_dbm: 'pk-f-rsrp',
  coverage_deadline: 'pk-f-coverage', requirements: 'pk-f-requirements', change_note: 'pk-change-note', reason: 'pk-reason', area_id: 'pk-add-area',
};

// buildDetail draws the open package. Its form is made once per opening
// (a language switch relabels it, keeping what was typed); the parts that
// change with the package's state are redrawn by renderDetail.
function buildDetail() {
  const d = P.detail;
  const box = $('#pk-detail');
  box.textContent = '';
  box.hidden = false;
  const edit = isReviewer() && d.status !== 'withdrawn';
  const form = el('form', { id: 'pk-fields', class: 'pk-form', novalidate: true },
    el('fieldset', { disabled: !edit }, el('legend', { 'data-i18n': 'fieldsLegend' }, t('fieldsLegend')),
      el('div', { class: 'grid' },
        field(FIELD_IDS.name, 'fName', el('input', { name: 'name', maxlength: '200' })),
        field(FIELD_IDS.deadline, 'fDeadline', el('input', { type: 'datetime-local', name: 'deadline' })),
        el('div', { class: 'field' },
          el('label', { for: FIELD_IDS.ceiling_vnd, 'data-i18n': 'fCeiling' }, t('fCeiling')),
          el('input', { id: FIELD_IDS.ceiling_vnd, type: 'number', name: 'ceiling_vnd', min: '1', step: '1', inputmode: 'numeric', 'aria-describedby': 'pk-proposed' }),
          el('p', { id: 'pk-proposed', class: 'hint' }),
          el('p', { id: 'pk-ceiling-low', class: 'hint warn', 'aria-live': 'polite', hidden: true }),
          el('button', { type: 'button', id: 'pk-use-proposed', class: 'small-btn', 'data-i18n': 'useProposed' }, t('useProposed'))),
        field(FIELD_IDS.technology, 'fTechnology', el('select', { name: 'technology' }, el('option', { value: '4G' }, '4G'), el('option', { value: '5G' }, '5G'))),
        field(FIELD_IDS.min_rsrp_dbm, 'fRSRP', el('input', { type: 'number', name: 'min_rsrp_dbm', min: '-140', max: '-44', step: '1' })),
        field(FIELD_IDS.coverage_deadline, 'fCoverage', el('input', { type: 'date', name: 'coverage_deadline' }))),
      field(FIELD_IDS.requirements, 'fRequirements', el('textarea', { name: 'requirements', rows: 4 })),
      el('h4', { id: 'pk-criteria-title', 'data-i18n': 'criteriaTitle' }, t('criteriaTitle')),
      el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': 'pk-criteria-title', tabindex: '0' },
        el('table', { id: 'pk-criteria', class: 'criteria', role: 'table' },
          head([['cNameVI'], ['cNameEN'], ['cWeight', 'num'], ['drop']]), el('tbody', { role: 'rowgroup' }))),
      el('p', { id: 'pk-criteria-sum', 'aria-live': 'polite' }),
      edit ? el('div', { class: 'buttons' },
        el('button', { type: 'button', id: 'pk-criteria-add', 'data-i18n': 'cAdd' }, t('cAdd')),
        el('button', { type: 'submit', id: 'pk-save', class: 'primary', 'data-busy': '', 'data-i18n': 'save' }, t('save'))) : null),
    el('div', { id: 'pk-fields-outcome', role: 'alert' }));
  // Native append writes null as "null": drop the parts this role or
  // status does not have.
  const parts = [
    el('div', { class: 'pk-detail-head' }, el('h3', { id: 'pk-detail-title' }),
      el('button', { type: 'button', id: 'pk-close', class: 'small', 'data-i18n': 'pkClose' }, t('pkClose'))),
    el('p', { id: 'pk-detail-status' }),
    form,
    el('section', { id: 'pk-areas', 'aria-labelledby': 'pk-areas-title' },
      el('h4', { id: 'pk-areas-title', 'data-i18n': 'areasTitle' }, t('areasTitle')),
      el('p', { id: 'pk-areas-none', class: 'hint', 'data-i18n': 'areasNone' }, t('areasNone')),
      el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': 'pk-areas-title', tabindex: '0' },
        el('table', { id: 'pk-areas-table', class: 'stack', role: 'table' },
          // "Changed since" and "Drop" are the editors' columns.
          head([['pkColId'], ['colPinned', 'num'], ...(isReviewer() ? [['colStale']] : []), ['pkColHouseholds', 'num'], ['pkColSites', 'num'], ['pkColCost', 'num'], ['pkColScore', 'num'],
            ...(isReviewer() ? [['colElsewhere'], ['drop']] : [])]),
          el('tbody', { role: 'rowgroup' }))),
      edit ? el('form', { id: 'pk-add-form', class: 'inline', novalidate: true },
        field(FIELD_IDS.area_id, 'addArea', el('input', { type: 'number', name: 'area_id', min: '1', step: '1', inputmode: 'numeric' })),
        el('button', { type: 'submit', 'data-busy': '', 'data-i18n': 'addAreaButton' }, t('addAreaButton')),
        el('button', { type: 'button', id: 'pk-refresh', 'data-busy': '', 'data-i18n': 'refresh' }, t('refresh'))) : null,
      el('div', { id: 'pk-areas-outcome', role: 'alert' })),
    edit ? el('section', { id: 'pk-publish', class: 'pk-action', 'aria-labelledby': 'pk-publish-title' },
      el('h4', { id: 'pk-publish-title', 'data-i18n': 'publishTitle' }, t('publishTitle')),
      el('p', { class: 'hint', 'data-i18n': 'publishIntro' }, t('publishIntro')),
      el('form', { id: 'pk-publish-form', novalidate: true },
        el('div', { id: 'pk-change-note-box' }, field(FIELD_IDS.change_note, 'changeNote', el('textarea', { name: 'change_note', rows: 2 }))),
        el('button', { type: 'submit', id: 'pk-publish-button', class: 'primary', 'data-busy': '', 'data-i18n': 'publish' }, t('publish'))),
      el('div', { id: 'pk-publish-outcome', role: 'alert' })) : null,
    el('section', { id: 'pk-versions', 'aria-labelledby': 'pk-versions-title' },
      el('h4', { id: 'pk-versions-title', 'data-i18n': 'versionsTitle' }, t('versionsTitle')), el('div', { class: 'body' })),
    isReviewer() ? el('section', { id: 'pk-downloads', 'aria-labelledby': 'pk-downloads-title' },
      el('h4', { id: 'pk-downloads-title', 'data-i18n': 'downloadsTitle' }, t('downloadsTitle')), el('div', { class: 'body' })) : null,
    edit && d.status === 'published' ? el('section', { id: 'pk-withdraw', class: 'pk-action', 'aria-labelledby': 'pk-withdraw-title' },
      el('h4', { id: 'pk-withdraw-title', 'data-i18n': 'withdrawTitle' }, t('withdrawTitle')),
      el('form', { id: 'pk-withdraw-form', novalidate: true },
        field(FIELD_IDS.reason, 'reason', el('textarea', { name: 'reason', rows: 2 })),
        el('button', { type: 'submit', class: 'danger', 'data-busy': '', 'data-i18n': 'withdraw' }, t('withdraw'))),
      el('div', { id: 'pk-withdraw-outcome', role: 'alert' })) : null];
  box.append(...parts.filter(Boolean));
  fillFields(d);
  renderDetail();
}

function fillFields(d) {
  const f = $('#pk-fields').elements;
  f.name.value = d.name;
  f.deadline.value = vnInput(d.deadline);
  f.ceiling_vnd.value = d.ceiling_vnd || '';
  f.technology.value = d.technology || '4G';
  f.min_rsrp_dbm.value = d.min_rsrp_dbm ?? '';
  f.coverage_deadline.value = vnInput(d.coverage_deadline).slice(0, 10);
  f.requirements.value = d.requirements || '';
  const tb = $('#pk-criteria tbody');
  tb.textContent = '';
  for (const c of d.criteria || []) addCriterion(c);
  P.dirty = false;
}

function addCriterion(c) {
  const tb = $('#pk-criteria tbody');
  const i = tb.rows.length + 1;
  const input = (name, attrs, key) => el('input', Object.assign({ name, 'aria-label': t('cRow')(i, t(key)), 'data-key': key }, attrs));
  const vi = input('c_name_vi', {}, 'cNameVI');
  const en = input('c_name_en', {}, 'cNameEN');
  const w = input('c_weight', { type: 'number', min: '0', max: '100', step: 'any' }, 'cWeight');
  vi.value = c.name_vi || '';
  en.value = c.name_en || '';
  w.value = c.weight ?? '';
  tb.append(el('tr', { role: 'row' },
    cell('cNameVI', null, vi), cell('cNameEN', null, en), cell('cWeight', { class: 'num' }, w),
    cell('drop', null, isReviewer() ? el('button', { type: 'button', class: 'small', 'data-remove-criterion': '', 'aria-label': t('cRemove')(i) }, '×') : null)));
}

function criteria() {
  return [...$('#pk-criteria tbody').rows].map((r) => ({
    name_vi: r.querySelector('[name=c_name_vi]').value.trim(),
    name_en: r.querySelector('[name=c_name_en]').value.trim(),
    weight: Number(r.querySelector('[name=c_weight]').value || 0),
  }));
}

// relabel names the criteria rows' fields again (a row removed, the language switched).
function relabelCriteria() {
  [...$('#pk-criteria tbody').rows].forEach((r, n) => {
    r.querySelectorAll('input').forEach((x) => x.setAttribute('aria-label', t('cRow')(n + 1, t(x.dataset.key))));
    r.querySelectorAll('td').forEach((td, k) => td.setAttribute('data-label', t(['cNameVI', 'cNameEN', 'cWeight', 'drop'][k])));
    const b = r.querySelector('button');
    if (b) b.setAttribute('aria-label', t('cRemove')(n + 1));
  });
  const sum = criteria().reduce((s, c) => s + c.weight, 0);
  const p = $('#pk-criteria-sum');
  p.textContent = t('cSum')(num(Math.round(sum * 1000) / 1000));
  p.className = Math.abs(sum - 100) > 0.001 ? 'error' : 'hint';
}

function patchFromForm() {
  const f = $('#pk-fields').elements;
  const p = {
    name: f.name.value, technology: f.technology.value, requirements: f.requirements.value, criteria: criteria(),
  };
  if (f.deadline.value) p.deadline = vnRFC3339(f.deadline.value);
  if (f.ceiling_vnd.value !== '') p.ceiling_vnd = Number(f.ceiling_vnd.value);
  if (f.min_rsrp_dbm.value !== '') p.min_rsrp_dbm = Number(f.min_rsrp_dbm.value);
  // A coverage deadline is a day: the end of it, Vietnam time.
  if (f.coverage_deadline.value) p.coverage_deadline = f.coverage_deadline.value + 'T23:59:00+07:00';
  return p;
}

function renderDetail() {
  const d = P.detail;
  if (!d || !$('#pk-detail-title')) return;
  $('#pk-detail-title').textContent = (isReviewer() ? '3. ' : '') + t('editTitle')(d);
  const status = $('#pk-detail-status');
  status.textContent = '';
  const latest = (d.versions || []).find((v) => v.version === d.published_version);
  status.append(badge(d.status), ' ', provinceName(d.province_code),
    latest ? ' · ' + t('versionLine')(latest) : '',
    d.withdrawn_reason ? ' · ' + t('pkWithdrawnWhy') + ': ' + d.withdrawn_reason : '');
  $('#pk-proposed').textContent = t('fProposed')(d.proposed_ceiling_vnd);
  renderCeilingLow();
  $('#pk-use-proposed').hidden = !isReviewer() || d.status === 'withdrawn';
  relabelCriteria();
  showOutcome('pk-fields-outcome', 'fields');
  markInvalid($('#pk-fields'), P.errors.fields || P.errors.publish, FIELD_IDS);
  // areas
  const tb = $('#pk-areas-table tbody');
  tb.textContent = '';
  const edit = isReviewer() && d.status !== 'withdrawn';
  const editor = isReviewer(); // the table's columns, as built (buildDetail)
  for (const a of d.areas || []) {
    tb.append(el('tr', { role: 'row', 'data-area': a.id, 'data-stale': a.stale ? 'true' : 'false' },
      cell('pkColId', null, String(a.id)), cell('colPinned', { class: 'num' }, String(a.version)),
      editor ? cell('colStale', null, a.stale ? t('staleYes')(a) : t('no')) : null,
      cell('pkColHouseholds', { class: 'num' }, num(a.households)), cell('pkColSites', { class: 'num' }, num(a.sites)),
      cell('pkColCost', { class: 'num' }, billions(a.cost_vnd)), cell('pkColScore', { class: 'num' }, num(Math.round(a.score * 10) / 10)),
      // Moved out of a package whose published version still holds it:
      // publishing this one is refused until that is settled.
      editor ? cell('colElsewhere', a.published_elsewhere ? { class: 'warn' } : null, a.published_elsewhere ? t('elsewhere')(a.published_elsewhere) : '') : null,
      editor ? cell('drop', null, edit ? el('button', { type: 'button', class: 'small', 'data-drop': a.id, 'data-busy': '', 'aria-label': t('dropLabel')(a) }, t('drop')) : null) : null));
  }
  $('#pk-areas-none').hidden = (d.areas || []).length > 0;
  $('#pk-areas-table').hidden = !(d.areas || []).length;
  showOutcome('pk-areas-outcome', 'areas');
  markInvalid($('#pk-add-form'), P.errors.areas, FIELD_IDS);
  // publish: a change note from the second version on
  if ($('#pk-publish')) {
    $('#pk-change-note-box').hidden = !d.published_version;
    showOutcome('pk-publish-outcome', 'publish');
    markInvalid($('#pk-publish-form'), P.errors.publish, FIELD_IDS);
  }
  if ($('#pk-withdraw')) {
    showOutcome('pk-withdraw-outcome', 'withdraw');
    markInvalid($('#pk-withdraw-form'), P.errors.withdraw, FIELD_IDS);
  }
  renderVersions();
  renderDownloads();
  renderBusy();
}

function renderVersions() {
  const d = P.detail;
  const box = $('#pk-versions .body');
  box.textContent = '';
  const vs = (d.versions || []).slice().sort((a, b) => b.version - a.version); // newest first
  if (!vs.length) {
    box.append(el('p', { class: 'hint' }, t('versionsNone')));
    return;
  }
  // Withdrawn files answer 410 to all but reviewers: no dead links.
  const gone = d.status === 'withdrawn' && !isReviewer();
  if (gone) box.append(el('p', { class: 'hint' }, t('filesGone')));
  for (const v of vs) {
    const href = (name) => '/api/v1/packages/' + d.id + '/versions/' + v.version + '/files/' + encodeURIComponent(name);
    // The ZIP first: it holds every other file.
    const files = (v.files || []).slice().sort((a, b) => (b.name === v.zip_name) - (a.name === v.zip_name) || a.name.localeCompare(b.name));
    const ul = el('ul', { class: 'files' });
    for (const f of files) {
      const name = gone ? el('span', { 'data-file': f.name }, f.name) : el('a', { href: href(f.name), download: true, 'data-file': f.name }, f.name);
      ul.append(el('li', null, name, ' (' + num(Math.ceil(f.size / 1024)) + ' KB)'));
    }
    box.append(el('div', { class: 'pk-version', 'data-version': v.version },
      el('p', { class: 'what' }, t('versionLine')(v)),
      v.change_note ? el('p', null, '“' + v.change_note + '”') : null,
      ul,
      el('p', { class: 'hint' }, t('pkZipNote'), ' ', el('code', { class: 'sha' }, v.zip_sha256)),
      el('p', { class: 'hint' }, t('manifestNote'), ' ', el('code', { class: 'sha' }, v.manifest_sha256))));
  }
}

function renderDownloads() {
  const box = $('#pk-downloads .body');
  if (!box) return;
  box.textContent = '';
  if (!P.downloads) return;
  if (!P.downloads.length) {
    box.append(el('p', { class: 'hint' }, t('downloadsNone')));
    return;
  }
  const tb = el('tbody', { role: 'rowgroup' });
  for (const x of P.downloads) {
    tb.append(el('tr', { role: 'row' }, cell('colWhen', null, vnTime(x.at)), cell('colWho', null, x.username),
      cell('colOperator', null, x.operator || '—'), cell('colVersion', { class: 'num' }, String(x.version)),
      cell('pkColFile', { class: 'file' }, x.name), cell('colBytes', { class: 'num' }, num(x.bytes))));
  }
  box.append(el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': 'pk-downloads-title', tabindex: '0' },
    el('table', { id: 'pk-downloads-table', class: 'stack', role: 'table' },
      head([['colWhen'], ['colWho'], ['colOperator'], ['colVersion', 'num'], ['pkColFile'], ['colBytes', 'num']]), tb)));
}

// afterChange takes the package the API answered, keeps the form as typed
// unless refill, and reloads the list (totals, status, changed flag).
async function afterChange(d, refill) {
  P.detail = d;
  if (refill) fillFields(d);
  renderDetail();
  await loadList();
  // The review map draws drafts and published packages.
  hooks.packagesChanged();
}

async function saveFields() {
  const d = await run('fields', () => api('PATCH', '/api/v1/packages/' + P.detail.id, patchFromForm()));
  if (d) {
    P.ok.fields = both('saved');
    P.dirty = false;
    await afterChange(d, true);
  } else {
    renderDetail();
  }
  return !!d;
}

function notice(n) {
  const p = $('#pk-notice');
  if (!p) return;
  p.textContent = n ? n[state.lang] : '';
  p.dataset.vi = n ? n.vi : '';
  p.dataset.en = n ? n.en : '';
}

// ---- events --------------------------------------------------------------------------------

async function onSubmit(ev) {
  ev.preventDefault();
  const form = ev.target;
  if (form.id === 'pk-rule') {
    await doPreview({ rule: ruleFromForm() });
  } else if (form.id === 'pk-rule-save') {
    const body = { name: form.elements.name.value, rule: (P.previewBody && P.previewBody.rule) || ruleFromForm() };
    const r = await run('ruleSave', () => api('POST', '/api/v1/package-rules', body));
    if (r) {
      P.ok.ruleSave = both('savedRuleOk', r);
      form.reset();
      await loadList();
    }
    renderPreview();
  } else if (form.id === 'pk-fields') {
    await saveFields();
  } else if (form.id === 'pk-add-form') {
    const id = Number(form.elements.area_id.value);
    const d = await run('areas', () => api('POST', '/api/v1/packages/' + P.detail.id + '/areas', { area_id: id }));
    if (d) {
      P.ok.areas = both('areaAdded', id);
      form.reset();
      await afterChange(d, false);
    } else renderDetail();
  } else if (form.id === 'pk-publish-form') {
    // Publish what the reviewer sees: unsaved edits are saved first.
    if (P.dirty && !(await saveFields())) {
      P.errors.publish = P.errors.fields;
      renderDetail();
      return;
    }
    const note = form.elements.change_note.value.trim();
    const v = await run('publish', () => api('POST', '/api/v1/packages/' + P.detail.id + '/publish', note ? { change_note: note } : {}));
    if (v) {
      form.reset();
      P.ok.fields = null;
      const d = await api('GET', '/api/v1/packages/' + P.detail.id);
      P.detail = d;
      buildDetail();
      P.ok.publish = both('published', v);
      renderDetail();
      notice(both('published', v));
      await loadList();
      hooks.packagesChanged();
      $('#pk-versions').scrollIntoView({ block: 'nearest' });
    } else {
      renderDetail();
      $('#pk-publish-outcome').scrollIntoView({ block: 'nearest' });
    }
  } else if (form.id === 'pk-withdraw-form') {
    const reason = form.elements.reason.value.trim();
    if (!reason) {
      P.errors.withdraw = new APIError(422, { error: { message_vi: T.vi.reasonRequired, message_en: T.en.reasonRequired, details: [{ column: 'reason', message_vi: T.vi.reasonRequired, message_en: T.en.reasonRequired }] } });
      renderDetail();
      $('#pk-reason').focus();
      return;
    }
    const d = await run('withdraw', () => api('POST', '/api/v1/packages/' + P.detail.id + '/withdraw', { reason }));
    if (d) {
      P.detail = d;
      buildDetail();
      notice(both('withdrawn'));
      await loadList();
      hooks.packagesChanged();
    } else renderDetail();
  }
}

async function onClick(ev) {
  const b = ev.target.closest('button');
  if (!b) return;
  if (b.dataset.open) {
    openPackage(Number(b.dataset.open));
  } else if (b.id === 'pk-close') {
    closeDetail();
  } else if (b.id === 'pk-save-drafts') {
    const r = await run('drafts', () => api('POST', '/api/v1/packages', P.previewBody));
    if (r) {
      P.ok.drafts = both('savedDrafts', r.packages.length);
      notice(both('savedDrafts', r.packages.length));
      await loadList();
      hooks.packagesChanged();
      await refreshPreview();
    }
    renderPreview();
  } else if (b.id === 'pk-saved-preview') {
    const id = Number($('#pk-saved').value);
    if (id) await doPreview({ rule_id: id });
  } else if (b.id === 'pk-saved-load') {
    const r = P.rules.find((x) => x.id === Number($('#pk-saved').value));
    if (r) fillRuleForm(r.rule);
  } else if (b.id === 'pk-use-proposed') {
    $('#pk-f-ceiling').value = String(P.detail.proposed_ceiling_vnd);
    P.dirty = true;
    renderCeilingLow();
  } else if (b.id === 'pk-criteria-add') {
    addCriterion({});
    P.dirty = true;
    relabelCriteria();
    $('#pk-criteria tbody tr:last-child input').focus();
  } else if (b.hasAttribute('data-remove-criterion')) {
    b.closest('tr').remove();
    P.dirty = true;
    relabelCriteria();
    $('#pk-criteria-add')?.focus();
  } else if (b.dataset.drop) {
    const id = Number(b.dataset.drop);
    const d = await run('areas', () => api('DELETE', '/api/v1/packages/' + P.detail.id + '/areas/' + id));
    if (d) {
      P.ok.areas = both('areaDropped', id);
      await afterChange(d, false);
    } else renderDetail();
  } else if (b.id === 'pk-refresh') {
    const d = await run('areas', () => api('POST', '/api/v1/packages/' + P.detail.id + '/refresh'));
    if (d) {
      P.ok.areas = both('refreshed');
      await afterChange(d, false);
    } else renderDetail();
  }
}

function onChange(ev) {
  if (ev.target.name === 'mode' && ev.target.closest('#pk-rule')) syncMode();
}

// renderCeilingLow warns, without refusing (the department may mean it),
// when the ceiling typed is below the areas' estimated cost.
function renderCeilingLow() {
  const box = $('#pk-ceiling-low');
  if (!box || !P.detail) return;
  const c = Number($('#pk-f-ceiling').value);
  const v = P.detail.proposed_ceiling_vnd;
  box.hidden = !(c > 0 && v > 0 && c < v);
  box.textContent = box.hidden ? '' : t('ceilingLow')(c, v);
}

function onInput(ev) {
  if (ev.target.closest('#pk-fields')) {
    P.dirty = true;
    if (ev.target.name === 'c_weight') relabelCriteria();
    if (ev.target.name === 'ceiling_vnd') renderCeilingLow();
  }
}

// ---- module interface ----------------------------------------------------------------------

export async function show(section) {
  if (!P.section) {
    P.section = section;
    build(section);
    if (isReviewer()) syncMode();
  }
  if (P.map) P.map.resize();
  await loadList();
}

// render relabels after a language switch: static labels carry data-i18n
// (app.js renames them); the rest is drawn again from the state.
export function render() {
  if (!P.section) return;
  const n = $('#pk-notice');
  if (n && n.dataset[state.lang]) n.textContent = n.dataset[state.lang];
  renderRule();
  renderPreview();
  renderList();
  if (P.detail) renderDetail();
  if (P.map) P.map.getCanvas().setAttribute('aria-label', t('pvMapLabel'));
}

export function reset() {
  if (P.map) P.map.remove();
  if (P.section) P.section.textContent = '';
  Object.assign(P, { section: null, list: [], rules: [], preview: null, previewBody: null, busy: '', detail: null, downloads: null, errors: {}, ok: {}, dirty: false, map: null, mapLoaded: null });
  if (window.phusong) delete window.phusong.previewMap;
}
