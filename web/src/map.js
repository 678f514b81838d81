// The review map: MapLibre GL JS over our own vector tiles
// (/tiles/{layer}/{z}/{x}/{y}.mvt: provinces, communes, areas, sites,
// points), drawn with no external style, sprite or glyphs so it works
// with no internet. Labels and details are HTML (popups, side panels):
// text layers would need glyph files we do not ship.
//
// Reviewers filter, open a point or an area, select points (Shift+click,
// Shift+drag a box, or "select" in the detail panel) or a whole
// submission, and accept or return them with a comment; then they update
// the areas (the accepted villages grouped again) from the side panel.
// Province officers see their province (the server filters the tiles) and
// a checklist of what to fix; operators see the boundaries and the
// published bid packages, and download their files from the package's
// panel (the packages page lists them too).
import {
  Map as MapLibre, NavigationControl, ScaleControl, AttributionControl, Popup, LngLatBounds, setWorkerUrl, prewarm,
} from 'maplibre-gl';
import {
  T, addStrings, state, $, t, el, api, both, msg, when, day, num, billions, provinceName, statusBadge,
  isReviewer, isProvince, isOperator, hooks, APIError, vnTime, vnDay, plural, operatorName,
} from './core.js';

// MapLibre starts its worker from this same-origin module (copied into
// dist by the bundler); bundled code cannot find it from import.meta.url.
setWorkerUrl(new URL('/static/maplibre-gl-worker.mjs', location.href).href);
// Start the worker (520 KB of script to fetch and compile) now, while the
// page still asks the API who is logged in, not once the map exists.
prewarm();

// POINT_ZOOM is the zoom from which the points layer holds single
// villages; below it, cells counting them (the tile server aggregates).
const POINT_ZOOM = 10;
const VIETNAM = [[102.1, 8.3], [109.6, 23.4]];
const IN_VIEW_MAX = 50;

const C = {
  trang: '#c62828', lom: '#e67700', accepted: '#0b5394', pending: '#1b1b1b', returned: '#8a8a8a',
  cluster: '#0b5394', clusterPending: '#b07d00', site: '#5e35b1', select: '#f1c232',
  land: '#f4f1ea', sea: '#d7e6f0', province: '#5b6b7a', commune: '#b9c2cb',
  published: '#1e6b30', draft: '#6a1b9a', withdrawn: '#8a8a8a',
};

addStrings({
  vi: {
    mapTitle: 'Bản đồ thẩm định', mapTitleProvince: 'Bản đồ khảo sát của tỉnh', mapTitleOperator: 'Bản đồ gói thầu', mapLabel: 'Bản đồ các thôn lõm sóng, vùng lõm sóng và trạm đề xuất. Dùng phím mũi tên để di chuyển, + và − để phóng to, thu nhỏ.',
    filters: 'Lọc dữ liệu', fProvince: 'Tỉnh', fAllProvinces: 'Tất cả các tỉnh', fStatus: 'Trạng thái thẩm định', fAll: 'Tất cả',
    fCategory: 'Loại', fSubmission: 'Lượt nộp', fAllSubmissions: 'Tất cả lượt nộp', fFrom: 'Nộp từ ngày', fTo: 'Đến ngày',
    fReset: 'Bỏ lọc', stSubmitted: 'Chờ thẩm định', stAccepted: 'Đã chấp nhận', stReturned: 'Bị trả lại',
    catTrang: 'Trắng sóng', catLom: 'Lõm sóng',
    filterHint: 'Ở mức thu phóng nhỏ hơn 10, điểm được gộp theo ô: bộ lọc tỉnh, lượt nộp và ngày áp dụng khi phóng to.',
    subOption: (s) => 'Số ' + s.id + ' — ' + provinceName(s.province_code) + ' (' + day(s.created_at) + ')',
    legend: 'Chú giải', lgTrang: 'Thôn trắng sóng', lgLom: 'Thôn lõm sóng', lgPending: 'viền đen: chờ thẩm định',
    lgAccepted: 'viền xanh: đã chấp nhận', lgReturned: 'mờ, viền xám: bị trả lại', lgCluster: 'Số thôn gộp theo ô (vàng: có thôn chờ thẩm định)',
    lgArea: 'Vùng lõm sóng, màu đậm = ưu tiên cao', lgSite: 'Trạm đề xuất', lgSelected: 'Đang chọn',
    zoomHint: (z) => 'Mức thu phóng ' + z + ': số thôn gộp theo ô. Phóng to tới mức 10 để xem và chọn từng thôn.',
    inViewCount: (n, more) => n + ' thôn trong khung nhìn' + (more ? ' (hiện ' + IN_VIEW_MAX + ')' : '') + '.',
    loading: 'Đang tải bản đồ…',
    mQueueTitle: 'Lượt nộp chờ thẩm định', mQueueEmpty: 'Không có lượt nộp nào đang chờ.',
    subLine: (s) => 'Số ' + s.id + ' — ' + provinceName(s.province_code),
    subMeta: (s) => s.points_now + ' điểm · ' + (s.submitted_by || '') + ' · ' + when(s.created_at),
    showSub: (s) => 'Xem và quyết định lượt nộp số ' + s.id,
    selTitle: 'Quyết định', selHint: 'Chọn thôn: Shift + nhấp vào điểm, hoặc Shift + kéo chuột để chọn theo khung (từ mức thu phóng 10); hoặc chọn cả một lượt nộp ở danh sách chờ thẩm định.',
    selCount: (n) => 'Đã chọn ' + n + ' thôn', selSub: (s) => 'Lượt nộp số ' + s.id + ' — ' + provinceName(s.province_code) + ' (' + s.points_now + ' điểm)',
    selClear: 'Bỏ chọn', selRemove: (v) => 'Bỏ chọn ' + v,
    comment: 'Nhận xét (bắt buộc khi trả lại)', accept: 'Chấp nhận', return: 'Trả lại',
    commentRequired: 'Khi trả lại, hãy ghi rõ tỉnh cần sửa gì.',
    decidedPoints: (n, s) => 'Đã ' + (s === 'accepted' ? 'chấp nhận ' : 'trả lại ') + n + ' thôn.',
    decidedSub: (s) => 'Lượt nộp số ' + s.id + ': ' + (s.status === 'accepted' ? 'đã chấp nhận' : 'đã trả lại') + '.',
    close: 'Đóng', detailEmpty: 'Nhấp vào một thôn hoặc một vùng trên bản đồ (hay chọn trong danh sách bên dưới) để xem chi tiết.',
    detailEmptyOperator: 'Nhấp vào một gói thầu trên bản đồ hoặc trong danh sách để xem và tải hồ sơ.',
    village: 'Thôn', commune: 'Xã, phường', province: 'Tỉnh', households: 'Số hộ', population: 'Số dân', categoryL: 'Loại',
    statusL: 'Trạng thái', gridPower: 'Điện lưới', terrain: 'Địa hình', road: 'Đường vào', facilities: 'Cơ sở', surveyed: 'Khảo sát',
    submitter: 'Người nộp', submission: 'Lượt nộp', comment2: 'Nhận xét thẩm định', coords: 'Toạ độ (WGS 84)', notes: 'Ghi chú',
    signalTitle: 'Sóng di động theo doanh nghiệp', operatorCol: 'Doanh nghiệp', signalCol: 'Sóng', rsrpCol: 'RSRP (dBm)',
    historyTitle: 'Lịch sử', noHistory: 'Chưa có.',
    signal: { none: 'Không có sóng', '2g': '2G', '3g': '3G', '4g': '4G', '5g': '5G', '': 'Chưa khảo sát' },
    grid: { yes: 'Có', no: 'Không', partial: 'Một phần' },
    terrainV: { flat: 'Đồng bằng', hilly: 'Đồi', mountainous: 'Núi', '': '—' },
    roadV: { all_year: 'Đi được quanh năm', seasonal: 'Theo mùa', none: 'Không có', '': '—' },
    facility: { school: 'Trường học', health: 'Trạm y tế', commune_office: 'Trụ sở xã', border_post: 'Đồn biên phòng', market: 'Chợ' },
    action: {
      'submission.create': 'Nộp tệp', 'submission.accept': 'Chấp nhận lượt nộp', 'submission.return': 'Trả lại lượt nộp', 'submission.supersede': 'Được thay bằng lượt nộp sau',
      'point.accept': 'Chấp nhận thôn', 'point.return': 'Trả lại thôn',
    },
    select: 'Chọn thôn này', unselect: 'Bỏ chọn thôn này',
    areaTitle: (a) => 'Vùng lõm sóng số ' + a.id, score: 'Điểm ưu tiên (0–100)', aPoints: 'Số thôn', sites: 'Trạm đề xuất', cost: 'Chi phí ước tính',
    areaVersion: (v) => 'Phiên bản ' + v.version + ' (' + (T.vi.changeV[v.change] || v.change) + ')',
    changeV: { kept: 'không đổi', grown: 'mở rộng', shrunk: 'thu hẹp', merged: 'gộp vùng', split: 'tách vùng', new: 'vùng mới', removed: 'bỏ', changed: 'thay đổi' },
    siteTitle: (s) => 'Trạm đề xuất ' + s.n + ' của vùng ' + s.area_id, siteHh: (s) => num(s.households) + ' hộ trong vùng phủ',
    inViewTitle: 'Thôn trong khung nhìn', inViewZoom: 'Phóng to tới mức 10 để liệt kê từng thôn.',
    checklistTitle: 'Việc cần sửa', checklistEmpty: 'Không có việc cần sửa. Các lượt nộp đều đã được chấp nhận hoặc đang chờ thẩm định.',
    ckReturnedSub: (s) => 'Lượt nộp số ' + s.id + ' (' + s.filename + ') bị trả lại: “' + s.review_comment + '”',
    ckDone: (id) => 'Đã nộp lại (lượt số ' + id + ').', ckTodo: 'Sửa theo nhận xét rồi nộp lại.',
    ckRejected: (s) => 'Tệp ' + s.filename + ' (lượt số ' + s.id + ') không hợp lệ: ' + s.error_count + ' lỗi, chưa lưu dòng nào.',
    ckProblems: 'Tải danh sách lỗi (CSV)',
    ckPoint: (p) => p.village_name + ': “' + p.review_comment + '”', showOnMap: (v) => 'Xem ' + v + ' trên bản đồ',
    mPackagesTitle: 'Gói thầu đã công bố',
    packagesEmpty: 'Chưa có gói thầu nào được công bố. Khi Cục Viễn thông công bố, các gói thầu hiện ở đây và trên bản đồ, mỗi gói kèm liên kết tải hồ sơ (GeoJSON, KML, Excel).',
    download: 'Tải về', lgPackage: 'Gói thầu (xanh: đã công bố, tím: bản nháp)',
    showPackage: (p) => 'Xem và tải hồ sơ: ' + p.name,
    packageMeta: (p) => provinceName(p.province_code) + (p.deadline ? ' · hạn nộp ' + vnDay(p.deadline) : '') + ' · ' + num(p.totals.households) + ' hộ',
    pkgStatus: { draft: 'Bản nháp', published: 'Đã công bố', withdrawn: 'Đã rút' },
    pkgVersion: 'Phiên bản', deadline: 'Hạn nộp hồ sơ', ceiling: 'Giá trần', areasL: 'Số vùng', technology: 'Công nghệ',
    filesTitle: 'Hồ sơ tải về', zipNote: 'Tệp ZIP chứa tất cả; mã SHA-256 để kiểm tra tệp tải về:', noFiles: 'Chưa công bố: chưa có tệp nào.',
    withdrawnWhy: 'Lý do rút',
    recomputeTitle: 'Vùng lõm sóng', recompute: 'Cập nhật vùng lõm sóng',
    recomputeScope: (p) => 'Gộp các thôn đã chấp nhận ' + (p ? 'của ' + provinceName(p) : 'của tất cả các tỉnh (chọn một tỉnh ở bộ lọc để chỉ cập nhật tỉnh đó)') + ' thành vùng lõm sóng, rồi tính lại trạm đề xuất và chi phí.',
    recomputing: (j) => 'Đang cập nhật vùng lõm sóng… ' + (j && j.total ? j.done + '/' + j.total + ' tỉnh' : ''),
    recomputed: (r, p) => 'Đã cập nhật vùng lõm sóng ' + (p ? 'của ' + provinceName(p) : 'của ' + r.provinces + ' tỉnh') + ': ' + num(r.points) + ' thôn, ' + num(r.areas) + ' vùng, ' + num(r.sites) + ' trạm đề xuất.',
    recomputeChanges: (cs) => (cs.length ? 'Thay đổi: ' + cs.map(([k, n]) => num(n) + ' ' + T.vi.changeV[k]).join(', ') + '.' : 'Không vùng nào thay đổi.'),
    recomputeNone: 'Chưa có thôn nào được chấp nhận: chưa có vùng nào để tính.',
    recomputeFailed: (j) => 'Không cập nhật được vùng lõm sóng (lượt tính số ' + j.id + '). Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.',
  },
  en: {
    mapTitle: 'Review map', mapTitleProvince: "The province's survey map", mapTitleOperator: 'Bid packages map', mapLabel: 'Map of villages without usable signal, dead-zone areas and proposed sites. Arrow keys pan, + and − zoom.',
    filters: 'Filters', fProvince: 'Province', fAllProvinces: 'All provinces', fStatus: 'Review status', fAll: 'All',
    fCategory: 'Category', fSubmission: 'Submission', fAllSubmissions: 'All submissions', fFrom: 'Submitted from', fTo: 'Until',
    fReset: 'Clear filters', stSubmitted: 'Awaiting review', stAccepted: 'Accepted', stReturned: 'Returned',
    catTrang: 'No signal', catLom: 'Weak signal',
    filterHint: 'Below zoom 10, points are counted per cell: the province, submission and date filters apply once you zoom in.',
    subOption: (s) => 'No. ' + s.id + ' — ' + provinceName(s.province_code) + ' (' + day(s.created_at) + ')',
    legend: 'Legend', lgTrang: 'Village with no signal', lgLom: 'Village with weak signal', lgPending: 'black ring: awaiting review',
    lgAccepted: 'blue ring: accepted', lgReturned: 'faded, grey ring: returned', lgCluster: 'Villages counted per cell (amber: some await review)',
    lgArea: 'Dead-zone area, darker = higher priority', lgSite: 'Proposed site', lgSelected: 'Selected',
    zoomHint: (z) => 'Zoom ' + z + ': villages counted per cell. Zoom to 10 to see and select single villages.',
    inViewCount: (n, more) => n + (n === 1 ? ' village' : ' villages') + ' in view' + (more ? ' (showing ' + IN_VIEW_MAX + ')' : '') + '.',
    loading: 'Loading the map…',
    mQueueTitle: 'Submissions awaiting review', mQueueEmpty: 'No submission is waiting.',
    subLine: (s) => 'No. ' + s.id + ' — ' + provinceName(s.province_code),
    subMeta: (s) => s.points_now + ' ' + plural(s.points_now, 'point', 'points') + ' · ' + (s.submitted_by || '') + ' · ' + when(s.created_at),
    showSub: (s) => 'Show and decide submission ' + s.id,
    selTitle: 'Decision', selHint: 'Select villages: Shift+click a point, or Shift+drag a box (from zoom 10); or pick a whole submission in the list of submissions awaiting review.',
    selCount: (n) => n + (n === 1 ? ' village' : ' villages') + ' selected', selSub: (s) => 'Submission ' + s.id + ' — ' + provinceName(s.province_code) + ' (' + s.points_now + (s.points_now === 1 ? ' point)' : ' points)'),
    selClear: 'Clear selection', selRemove: (v) => 'Unselect ' + v,
    comment: 'Comment (required to return)', accept: 'Accept', return: 'Return',
    commentRequired: 'When returning, say what the province must fix.',
    decidedPoints: (n, s) => (s === 'accepted' ? 'Accepted ' : 'Returned ') + n + (n === 1 ? ' village.' : ' villages.'),
    decidedSub: (s) => 'Submission ' + s.id + ': ' + (s.status === 'accepted' ? 'accepted' : 'returned') + '.',
    close: 'Close', detailEmpty: 'Click a village or an area on the map (or pick one in the list below) to see its details.',
    detailEmptyOperator: 'Click a bid package on the map or in the list to see it and download its files.',
    village: 'Village', commune: 'Commune', province: 'Province', households: 'Households', population: 'Population', categoryL: 'Category',
    statusL: 'Status', gridPower: 'Grid power', terrain: 'Terrain', road: 'Road access', facilities: 'Facilities', surveyed: 'Surveyed',
    submitter: 'Submitted by', submission: 'Submission', comment2: "Reviewer's comment", coords: 'Coordinates (WGS 84)', notes: 'Notes',
    signalTitle: 'Mobile signal per operator', operatorCol: 'Operator', signalCol: 'Signal', rsrpCol: 'RSRP (dBm)',
    historyTitle: 'History', noHistory: 'None yet.',
    signal: { none: 'No signal', '2g': '2G', '3g': '3G', '4g': '4G', '5g': '5G', '': 'Not surveyed' },
    grid: { yes: 'Yes', no: 'No', partial: 'Partly' },
    terrainV: { flat: 'Flat', hilly: 'Hilly', mountainous: 'Mountainous', '': '—' },
    roadV: { all_year: 'All year', seasonal: 'Seasonal', none: 'None', '': '—' },
    facility: { school: 'School', health: 'Health station', commune_office: 'Commune office', border_post: 'Border post', market: 'Market' },
    action: {
      'submission.create': 'File submitted', 'submission.accept': 'Submission accepted', 'submission.return': 'Submission returned', 'submission.supersede': 'Superseded by a later submission',
      'point.accept': 'Village accepted', 'point.return': 'Village returned',
    },
    select: 'Select this village', unselect: 'Unselect this village',
    areaTitle: (a) => 'Dead-zone area ' + a.id, score: 'Priority score (0–100)', aPoints: 'Villages', sites: 'Proposed sites', cost: 'Estimated cost',
    areaVersion: (v) => 'Version ' + v.version + ' (' + (T.en.changeV[v.change] || v.change) + ')',
    changeV: { kept: 'unchanged', grown: 'grown', shrunk: 'shrunk', merged: 'merged', split: 'split', new: 'new', removed: 'removed', changed: 'changed' },
    siteTitle: (s) => 'Proposed site ' + s.n + ' of area ' + s.area_id, siteHh: (s) => num(s.households) + ' ' + plural(s.households, 'household', 'households') + ' covered',
    inViewTitle: 'Villages in view', inViewZoom: 'Zoom to 10 to list single villages.',
    checklistTitle: 'To fix', checklistEmpty: 'Nothing to fix. Every submission is accepted or awaiting review.',
    ckReturnedSub: (s) => 'Submission ' + s.id + ' (' + s.filename + ') was returned: “' + s.review_comment + '”',
    ckDone: (id) => 'Submitted again (submission ' + id + ').', ckTodo: 'Fix what the comment says and submit again.',
    ckRejected: (s) => 'File ' + s.filename + ' (submission ' + s.id + ') is invalid: ' + s.error_count + ' ' + plural(s.error_count, 'error', 'errors') + ', nothing stored.',
    ckProblems: 'Download the problems (CSV)',
    ckPoint: (p) => p.village_name + ': “' + p.review_comment + '”', showOnMap: (v) => 'Show ' + v + ' on the map',
    mPackagesTitle: 'Published bid packages',
    packagesEmpty: 'No bid package is published yet. Once the Telecommunications Department publishes them, they appear here and on the map, each with a link to download its files (GeoJSON, KML, Excel).',
    download: 'Download', lgPackage: 'Bid package (green: published, purple: draft)',
    showPackage: (p) => 'Show and download: ' + p.name,
    packageMeta: (p) => provinceName(p.province_code) + (p.deadline ? ' · bids due ' + vnDay(p.deadline) : '') + ' · ' + num(p.totals.households) + ' ' + plural(p.totals.households, 'household', 'households'),
    pkgStatus: { draft: 'Draft', published: 'Published', withdrawn: 'Withdrawn' },
    pkgVersion: 'Version', deadline: 'Bids due', ceiling: 'Ceiling price', areasL: 'Areas', technology: 'Technology',
    filesTitle: 'Files to download', zipNote: 'The ZIP holds them all; SHA-256 to check what you downloaded:', noFiles: 'Not published: no files yet.',
    withdrawnWhy: 'Withdrawn because',
    recomputeTitle: 'Dead-zone areas', recompute: 'Update areas',
    recomputeScope: (p) => 'Groups the accepted villages of ' + (p ? provinceName(p) : 'every province (choose a province in the filters to update only that one)') + ' into dead-zone areas, then recomputes the proposed sites and costs.',
    recomputing: (j) => 'Updating the areas… ' + (j && j.total ? j.done + ' of ' + j.total + ' ' + plural(j.total, 'province', 'provinces') : ''),
    recomputed: (r, p) => 'Areas updated for ' + (p ? provinceName(p) : r.provinces + ' ' + plural(r.provinces, 'province', 'provinces')) + ': ' + num(r.points) + ' ' + plural(r.points, 'village', 'villages') + ', ' + num(r.areas) + ' ' + plural(r.areas, 'area', 'areas') + ', ' + num(r.sites) + ' proposed ' + plural(r.sites, 'site', 'sites') + '.',
    recomputeChanges: (cs) => (cs.length ? 'Changes: ' + cs.map(([k, n]) => num(n) + ' ' + T.en.changeV[k]).join(', ') + '.' : 'No area changed.'),
    recomputeNone: 'No village is accepted yet: there is no area to compute.',
    recomputeFailed: (j) => 'The areas could not be updated (job ' + j.id + '). Try again; if it fails again, tell the administrator.',
  },
});

const m = {
  map: null,
  section: null,
  loaded: false,
  filters: { province: '', status: '', category: '', submission: '', from: '', to: '' },
  submissions: [], // what the actor may see, newest first (filters, queue, checklist)
  returnedPoints: [],
  packages: [],
  selection: new Map(), // point id → tile properties
  focus: null, // a submission chosen for a whole decision
  detail: null, // {kind, data}
  decisionError: null, // {vi, en}
  busy: false,
  tilesVersion: 0,
  inView: [],
  inViewMore: false,
  hover: null,
  box: null,
  applied: {}, // layer → the filter last set, as JSON
  recompute: { busy: false, province: '', job: null, error: null }, // the last area recomputation
};

const tileURL = (layer) => location.origin + '/tiles/' + layer + '/{z}/{x}/{y}.mvt' + (m.tilesVersion ? '?v=' + m.tilesVersion : '');
const hasSurveyLayers = () => !isOperator();

// ---- style -------------------------------------------------------------

function style() {
  const sources = {
    provinces: { type: 'vector', tiles: [tileURL('provinces')], minzoom: 0, maxzoom: 12 },
    communes: { type: 'vector', tiles: [tileURL('communes')], minzoom: 8, maxzoom: 12 },
  };
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': C.sea } }];
  const basemap = state.config.basemap;
  if (basemap) {
    sources.basemap = { type: 'raster', tiles: [basemap.url], tileSize: 256, attribution: basemap.attribution || '' };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  layers.push(
    { id: 'provinces-fill', type: 'fill', source: 'provinces', 'source-layer': 'provinces', paint: { 'fill-color': C.land, 'fill-opacity': basemap ? 0.15 : 1 } },
    { id: 'communes-fill', type: 'fill', source: 'communes', 'source-layer': 'communes', minzoom: 8, paint: { 'fill-color': '#000', 'fill-opacity': 0 } },
    { id: 'communes-line', type: 'line', source: 'communes', 'source-layer': 'communes', minzoom: 8, paint: { 'line-color': C.commune, 'line-width': 0.6 } },
    { id: 'provinces-line', type: 'line', source: 'provinces', 'source-layer': 'provinces', paint: { 'line-color': C.province, 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.6, 10, 2] } },
    { id: 'province-focus', type: 'line', source: 'provinces', 'source-layer': 'provinces', filter: ['==', ['get', 'code'], ''], paint: { 'line-color': C.accepted, 'line-width': 3 } },
  );
  // Bid packages: published ones for everyone, drafts for reviewers and
  // the province (the server decides). Drawn over the areas they hold.
  sources.packages = { type: 'vector', tiles: [tileURL('packages')], minzoom: 0, maxzoom: 14 };
  const pkgColor = ['match', ['get', 'status'], 'published', C.published, 'withdrawn', C.withdrawn, C.draft];
  const packageLayers = [
    { id: 'packages-fill', type: 'fill', source: 'packages', 'source-layer': 'packages', paint: { 'fill-color': pkgColor, 'fill-opacity': 0.18 } },
    { id: 'packages-line', type: 'line', source: 'packages', 'source-layer': 'packages', paint: { 'line-color': pkgColor, 'line-width': 2.5, 'line-dasharray': ['case', ['==', ['get', 'status'], 'published'], ['literal', [1, 0]], ['literal', [2, 1.5]]] } },
  ];
  if (!hasSurveyLayers()) layers.push(...packageLayers);
  if (hasSurveyLayers()) {
    Object.assign(sources, {
      areas: { type: 'vector', tiles: [tileURL('areas')], minzoom: 0, maxzoom: 14 },
      sites: { type: 'vector', tiles: [tileURL('sites')], minzoom: 0, maxzoom: 14 },
      points: { type: 'vector', tiles: [tileURL('points')], minzoom: 0, maxzoom: 14 },
    });
    const single = ['!=', ['get', 'cluster'], 1];
    layers.push(
      { id: 'areas-fill', type: 'fill', source: 'areas', 'source-layer': 'areas',
        paint: { 'fill-color': ['interpolate', ['linear'], ['coalesce', ['get', 'score'], 0], 0, '#fee8c8', 50, '#fdbb84', 100, '#d7301f'], 'fill-opacity': 0.5 } },
      { id: 'areas-line', type: 'line', source: 'areas', 'source-layer': 'areas', paint: { 'line-color': '#b30000', 'line-width': 1 } },
      ...packageLayers,
      { id: 'sites', type: 'circle', source: 'sites', 'source-layer': 'sites', minzoom: 7,
        paint: { 'circle-radius': 7, 'circle-color': '#fff', 'circle-stroke-color': C.site, 'circle-stroke-width': 3 } },
      { id: 'points-cluster', type: 'circle', source: 'points', 'source-layer': 'points', maxzoom: POINT_ZOOM, filter: ['==', ['get', 'cluster'], 1],
        paint: {
          'circle-color': ['case', ['>', ['coalesce', ['get', 'pending'], 0], 0], C.clusterPending, C.cluster],
          'circle-opacity': 0.75, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1,
          'circle-radius': clusterRadius('count'),
        } },
      { id: 'points-submission', type: 'circle', source: 'points', 'source-layer': 'points', minzoom: POINT_ZOOM - 2, filter: ['==', ['get', 'submission_id'], -1],
        paint: { 'circle-radius': 11, 'circle-color': C.select, 'circle-opacity': 0.45 } },
      { id: 'points', type: 'circle', source: 'points', 'source-layer': 'points', filter: single,
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], POINT_ZOOM, 4, 14, 7],
          'circle-color': ['match', ['get', 'category'], 'trang_song', C.trang, C.lom],
          'circle-opacity': ['match', ['get', 'status'], 'returned', 0.35, 'submitted', 0.8, 1],
          'circle-stroke-color': ['match', ['get', 'status'], 'accepted', C.accepted, 'returned', C.returned, C.pending],
          'circle-stroke-width': ['match', ['get', 'status'], 'accepted', 2, 1.5],
        } },
      { id: 'points-selected', type: 'circle', source: 'points', 'source-layer': 'points', filter: ['in', ['get', 'id'], ['literal', []]],
        paint: { 'circle-radius': 9, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': C.select, 'circle-stroke-width': 3 } },
      { id: 'points-focus', type: 'circle', source: 'points', 'source-layer': 'points', filter: ['==', ['get', 'id'], -1],
        paint: { 'circle-radius': 12, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': C.pending, 'circle-stroke-width': 2.5 } },
    );
  }
  return { version: 8, sources, layers };
}

// clusterRadius grows with the square root of a cell's count (the
// circle's area with the villages it holds) up to ten villages, then more
// slowly, so a cell of 100,000 is still a circle and not the province.
function clusterRadius(prop) {
  return ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', prop], 0]], 0, 0, 1, 4, 3.2, 8, 10, 12, 100, 20, 1000, 28];
}

// ---- filters -----------------------------------------------------------

function submissionIDsInDates() {
  const f = m.filters;
  const from = f.from ? new Date(f.from + 'T00:00:00') : null;
  const to = f.to ? new Date(f.to + 'T23:59:59.999') : null;
  return m.submissions.filter((s) => {
    const d = new Date(s.created_at);
    return (!from || d >= from) && (!to || d <= to);
  }).map((s) => s.id);
}

// applyFilters sets the layers' filters from the form: single points are
// filtered on their tile properties; cells (below POINT_ZOOM) can only be
// sized by the count that matches the status or category chosen.
function applyFilters() {
  const map = m.map;
  if (!map || !m.loaded) return;
  const f = m.filters;
  setFilter('province-focus', ['==', ['get', 'code'], f.province || '']);
  if (!hasSurveyLayers()) return;
  const c = ['all', ['!=', ['get', 'cluster'], 1]];
  if (f.province) c.push(['==', ['get', 'province'], f.province]);
  if (f.status) c.push(['==', ['get', 'status'], f.status]);
  if (f.category) c.push(['==', ['get', 'category'], f.category]);
  if (f.submission) c.push(['==', ['get', 'submission_id'], Number(f.submission)]);
  if (f.from || f.to) c.push(['in', ['get', 'submission_id'], ['literal', submissionIDsInDates()]]);
  setFilter('points', c);
  let prop = 'count';
  if (f.status === 'accepted') prop = 'accepted';
  else if (f.status === 'submitted') prop = 'pending';
  else if (f.category === 'trang_song') prop = 'trang_song';
  if (m.applied.clusterProp !== prop) {
    m.applied.clusterProp = prop;
    map.setPaintProperty('points-cluster', 'circle-radius', clusterRadius(prop));
  }
  setFilter('points-cluster', ['all', ['==', ['get', 'cluster'], 1], ['>', ['coalesce', ['get', prop], 0], 0]]);
  setFilter('areas-fill', f.province ? ['==', ['get', 'province'], f.province] : null);
  setFilter('areas-line', f.province ? ['==', ['get', 'province'], f.province] : null);
}

function fitProvince(code) {
  const p = state.provinces.get(code);
  if (p && p.bbox && m.map) m.map.fitBounds([[p.bbox[0], p.bbox[1]], [p.bbox[2], p.bbox[3]]], { padding: 20, duration: 0 });
}

// ---- the section ---------------------------------------------------------

function option(value, key, extra) {
  return el('option', Object.assign({ value, 'data-i18n': key }, extra), t(key));
}

function field(id, key, control) {
  control.id = id;
  return el('div', { class: 'field' }, el('label', { for: id, 'data-i18n': key }, t(key)), control);
}

function build(section) {
  const filters = el('form', { id: 'map-filters', class: 'filters' },
    el('fieldset', null, el('legend', { 'data-i18n': 'filters' }, t('filters')),
      field('f-province', 'fProvince', el('select', { name: 'province' })),
      field('f-status', 'fStatus', el('select', { name: 'status' }, option('', 'fAll'), option('submitted', 'stSubmitted'), option('accepted', 'stAccepted'), option('returned', 'stReturned'))),
      field('f-category', 'fCategory', el('select', { name: 'category' }, option('', 'fAll'), option('trang_song', 'catTrang'), option('lom_song', 'catLom'))),
      field('f-submission', 'fSubmission', el('select', { name: 'submission' })),
      el('div', { class: 'dates' },
        field('f-from', 'fFrom', el('input', { type: 'date', name: 'from' })),
        field('f-to', 'fTo', el('input', { type: 'date', name: 'to' }))),
      el('button', { type: 'reset', id: 'f-reset', 'data-i18n': 'fReset' }, t('fReset')),
      el('p', { class: 'hint', 'data-i18n': 'filterHint' }, t('filterHint'))));
  const legend = el('details', { id: 'legend', class: 'legend', open: true },
    el('summary', { 'data-i18n': 'legend' }, t('legend')),
    el('ul', null,
      el('li', null, el('span', { class: 'sw dot', style: 'background:' + C.trang }), el('span', { 'data-i18n': 'lgTrang' }, t('lgTrang'))),
      el('li', null, el('span', { class: 'sw dot', style: 'background:' + C.lom }), el('span', { 'data-i18n': 'lgLom' }, t('lgLom'))),
      el('li', null, el('span', { class: 'sw dot ring', style: 'border-color:' + C.pending }), el('span', { 'data-i18n': 'lgPending' }, t('lgPending'))),
      el('li', null, el('span', { class: 'sw dot ring', style: 'border-color:' + C.accepted }), el('span', { 'data-i18n': 'lgAccepted' }, t('lgAccepted'))),
      el('li', null, el('span', { class: 'sw dot ring faded', style: 'border-color:' + C.returned }), el('span', { 'data-i18n': 'lgReturned' }, t('lgReturned'))),
      el('li', null, el('span', { class: 'sw dot big', style: 'background:' + C.cluster }), el('span', { 'data-i18n': 'lgCluster' }, t('lgCluster'))),
      el('li', null, el('span', { class: 'sw area' }), el('span', { 'data-i18n': 'lgArea' }, t('lgArea'))),
      el('li', null, el('span', { class: 'sw dot ring', style: 'border-color:' + C.site }), el('span', { 'data-i18n': 'lgSite' }, t('lgSite'))),
      el('li', null, el('span', { class: 'sw pkg' }), el('span', { 'data-i18n': 'lgPackage' }, t('lgPackage'))),
      el('li', null, el('span', { class: 'sw dot ring', style: 'border-color:' + C.select }), el('span', { 'data-i18n': 'lgSelected' }, t('lgSelected')))));
  const side = el('div', { class: 'map-side' },
    hasSurveyLayers() ? filters : null,
    el('section', { id: 'map-queue', class: 'panel', 'aria-labelledby': 'map-queue-title', hidden: !isReviewer() },
      el('h3', { id: 'map-queue-title', 'data-i18n': 'mQueueTitle' }, t('mQueueTitle')), el('ul', { class: 'plain' })),
    el('section', { id: 'map-areas', class: 'panel', 'aria-labelledby': 'map-areas-title', hidden: !isReviewer() },
      el('h3', { id: 'map-areas-title', 'data-i18n': 'recomputeTitle' }, t('recomputeTitle')),
      el('p', { id: 'recompute-scope', class: 'hint' }),
      el('button', { type: 'button', id: 'recompute', 'aria-describedby': 'recompute-scope', 'data-i18n': 'recompute' }, t('recompute')),
      el('p', { id: 'recompute-status', role: 'status' })),
    el('section', { id: 'map-checklist', class: 'panel', 'aria-labelledby': 'map-checklist-title', hidden: !isProvince() },
      el('h3', { id: 'map-checklist-title', 'data-i18n': 'checklistTitle' }, t('checklistTitle')), el('ol', { class: 'checklist' })),
    el('section', { id: 'map-packages', class: 'panel', 'aria-labelledby': 'map-packages-title', hidden: !isOperator() },
      el('h3', { id: 'map-packages-title', 'data-i18n': 'mPackagesTitle' }, t('mPackagesTitle')), el('ul', { class: 'plain' })),
    hasSurveyLayers() ? legend : null);
  const main = el('div', { class: 'map-main' },
    el('div', { id: 'map', class: 'map' }),
    el('p', { id: 'map-status', class: 'map-status', role: 'status' }, t('loading')));
  const detail = el('div', { class: 'map-detail' },
    el('section', { id: 'decision', class: 'panel', 'aria-labelledby': 'decision-title', hidden: !isReviewer() },
      el('h3', { id: 'decision-title', 'data-i18n': 'selTitle' }, t('selTitle')), el('div', { class: 'body' })),
    el('section', { id: 'detail', class: 'panel', 'aria-live': 'polite', tabindex: '-1' }, el('div', { class: 'body' })),
    hasSurveyLayers() ? el('section', { id: 'in-view', class: 'panel', 'aria-labelledby': 'in-view-title' },
      el('h3', { id: 'in-view-title', 'data-i18n': 'inViewTitle' }, t('inViewTitle')), el('p', { class: 'hint' }), el('ul', { class: 'plain' })) : null);
  // Only reviewers review on it: the others' map is named for what it shows them.
  const title = isOperator() ? 'mapTitleOperator' : isProvince() ? 'mapTitleProvince' : 'mapTitle';
  section.append(el('h2', { id: 'map-title', class: 'visually-hidden', 'data-i18n': title }, t(title)),
    el('div', { class: 'map-layout' }, side, main, detail));

  if (hasSurveyLayers()) {
    filters.addEventListener('change', onFilterChange);
    filters.addEventListener('reset', () => setTimeout(() => { readFilters(); applyFilters(); renderRecompute(); }, 0));
    filters.addEventListener('submit', (ev) => ev.preventDefault());
  }
  section.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName)) return;
    if (m.detail) { m.detail = null; renderDetail(); $('#map').querySelector('canvas')?.focus(); return; }
    if (m.selection.size || m.focus) { clearSelection(); }
  });
  $('#decision').addEventListener('click', onDecisionClick);
  $('#map-queue').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-sub]');
    if (b) focusSubmission(Number(b.dataset.sub));
  });
  $('#detail').addEventListener('click', onDetailClick);
  if (hasSurveyLayers()) {
    $('#in-view').addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-point]');
      if (b) openPoint(Number(b.dataset.point), true);
    });
  }
  $('#recompute').addEventListener('click', recompute);
  $('#map-packages').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-package]');
    if (b) openPackage(Number(b.dataset.package), true);
  });
  $('#map-checklist').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-point]');
    if (b) openPoint(Number(b.dataset.point), true);
  });
}

function readFilters() {
  const form = $('#map-filters');
  if (!form) return;
  for (const k of Object.keys(m.filters)) m.filters[k] = form.elements[k].value;
}

function onFilterChange(ev) {
  const before = m.filters.province;
  readFilters();
  applyFilters();
  if (ev.target.name === 'province') {
    if (m.filters.province && m.filters.province !== before) fitProvince(m.filters.province);
    else if (!m.filters.province) m.map.fitBounds(VIETNAM, { duration: 0 });
  }
  if (ev.target.name === 'submission' && m.filters.submission) fitSubmission(Number(m.filters.submission));
  renderRecompute();
}

// ---- the map -----------------------------------------------------------------

function createMap() {
  const map = new MapLibre({
    container: 'map',
    style: style(),
    bounds: VIETNAM,
    maxBounds: [[96, 4], [116, 27]],
    minZoom: 4,
    maxZoom: 18,
    attributionControl: false,
    // Shift+drag selects points; zooming to a box stays on the scroll
    // wheel and the buttons.
    boxZoom: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    locale: mapLocale(),
  });
  m.map = map;
  // For the browser tests (and whoever debugs from the console).
  window.phusong = Object.assign(window.phusong || {}, { map });
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  if (state.config.basemap) map.addControl(new AttributionControl({ compact: true }), 'bottom-right');
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.getCanvas().setAttribute('aria-label', t('mapLabel'));
  map.on('load', () => {
    m.loaded = true;
    applyFilters();
    if (isProvince() && state.me.province_code) fitProvince(state.me.province_code);
    updateStatus();
  });
  map.once('idle', () => {
    // The page is usable: tiles drawn, every handler bound.
    performance.mark('phusong-map-interactive');
  });
  map.on('idle', () => { updateInView(); updateStatus(); });
  map.on('zoomend', updateStatus);
  map.on('click', onMapClick);
  // A tile refused with 401 means the session ended (the tiles come
  // with the session cookie): log out like any other request would.
  // Any other error stays on the console, as MapLibre prints it without
  // a listener.
  map.on('error', (e) => {
    if (e.error && e.error.status === 401) {
      hooks.sessionEnded();
      return;
    }
    console.error(e.error || e);
  });
  map.on('mousemove', onMapHover);
  map.on('mouseout', () => { if (m.hover) { m.hover.remove(); m.hover = null; } });
  setupBoxSelect(map);
}

function mapLocale() {
  return state.lang === 'vi'
    ? { 'NavigationControl.ZoomIn': 'Phóng to', 'NavigationControl.ZoomOut': 'Thu nhỏ', 'Popup.Close': 'Đóng', 'Map.Title': 'Bản đồ' }
    : { 'NavigationControl.ZoomIn': 'Zoom in', 'NavigationControl.ZoomOut': 'Zoom out', 'Popup.Close': 'Close', 'Map.Title': 'Map' };
}

const pickLayers = () => (hasSurveyLayers() ? ['points', 'points-cluster', 'sites', 'areas-fill', 'packages-fill'] : ['packages-fill']);

function featuresNear(point, layers) {
  const r = 5;
  return m.map.queryRenderedFeatures([[point.x - r, point.y - r], [point.x + r, point.y + r]], { layers });
}

function onMapClick(e) {
  const fs = featuresNear(e.point, pickLayers());
  const by = (id) => fs.find((f) => f.layer.id === id);
  const pt = by('points');
  if (pt) {
    if (e.originalEvent.shiftKey && isReviewer()) toggleSelect(pt.properties);
    else openPoint(pt.properties.id, false);
    return;
  }
  const cl = by('points-cluster');
  if (cl) {
    m.map.easeTo({ center: e.lngLat, zoom: Math.min(m.map.getZoom() + 2, POINT_ZOOM) });
    return;
  }
  const site = by('sites');
  if (site) {
    sitePopup(site.properties, e.lngLat);
    return;
  }
  const area = by('areas-fill');
  if (area) {
    openArea(area.properties.id);
    return;
  }
  const pkg = by('packages-fill');
  if (pkg) openPackage(pkg.properties.package_id, false);
}

// onMapHover names the commune (or province) under the pointer in a small
// HTML label: the map has no text layers.
function onMapHover(e) {
  const map = m.map;
  if (m.box) return;
  const over = pickLayers().length ? featuresNear(e.point, pickLayers()) : [];
  map.getCanvas().style.cursor = over.length ? 'pointer' : '';
  const admin = map.queryRenderedFeatures(e.point, { layers: ['communes-fill', 'provinces-fill'] });
  const cm = admin.find((f) => f.layer.id === 'communes-fill');
  const pv = admin.find((f) => f.layer.id === 'provinces-fill');
  let text = '';
  if (over[0] && over[0].layer.id === 'points') text = over[0].properties.village + ' — ' + num(over[0].properties.households) + (state.lang === 'vi' ? ' hộ' : ' ' + plural(over[0].properties.households, 'household', 'households'));
  else if (over[0] && over[0].layer.id === 'points-cluster') text = num(over[0].properties.count) + (state.lang === 'vi' ? ' thôn, ' : ' ' + plural(over[0].properties.count, 'village', 'villages') + ', ') + num(over[0].properties.households) + (state.lang === 'vi' ? ' hộ' : ' ' + plural(over[0].properties.households, 'household', 'households'));
  else if (over[0] && over[0].layer.id === 'packages-fill') text = over[0].properties.name + ' — ' + (t('pkgStatus')[over[0].properties.status] || over[0].properties.status);
  else if (cm) text = cm.properties.name + (pv ? ', ' + pv.properties.name : '');
  else if (pv) text = pv.properties.name;
  if (!text) {
    if (m.hover) { m.hover.remove(); m.hover = null; }
    return;
  }
  if (!m.hover) m.hover = new Popup({ closeButton: false, closeOnClick: false, className: 'hover-label', offset: 12, maxWidth: '260px' });
  m.hover.setLngLat(e.lngLat).setText(text);
  if (!m.hover.isOpen()) m.hover.addTo(map);
}

function sitePopup(p, at) {
  const content = el('div', null, el('strong', null, t('siteTitle')(p)), el('br'), t('siteHh')(p), p.terrain ? ' · ' + (t('terrainV')[p.terrain] || p.terrain) : '');
  new Popup({ closeButton: true, maxWidth: '260px' }).setLngLat(at).setDOMContent(content).addTo(m.map);
}

// setupBoxSelect: Shift+drag draws a box; the single villages inside it
// join the selection (reviewers).
function setupBoxSelect(map) {
  const canvas = map.getCanvasContainer();
  let start = null;
  const pos = (e) => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left - canvas.clientLeft, y: e.clientY - r.top - canvas.clientTop };
  };
  const onMove = (e) => {
    const p = pos(e);
    if (!m.box) {
      m.box = el('div', { class: 'select-box' });
      canvas.append(m.box);
    }
    const minX = Math.min(start.x, p.x), minY = Math.min(start.y, p.y);
    m.box.style.transform = `translate(${minX}px, ${minY}px)`;
    m.box.style.width = Math.abs(start.x - p.x) + 'px';
    m.box.style.height = Math.abs(start.y - p.y) + 'px';
  };
  const onUp = (e) => {
    document.removeEventListener('mousemove', onMove);
    document.removeEventListener('mouseup', onUp);
    map.dragPan.enable();
    const p = pos(e);
    if (m.box) {
      m.box.remove();
      m.box = null;
      const fs = map.queryRenderedFeatures([[Math.min(start.x, p.x), Math.min(start.y, p.y)], [Math.max(start.x, p.x), Math.max(start.y, p.y)]], { layers: ['points'] });
      for (const f of fs) m.selection.set(f.properties.id, f.properties);
      m.focus = null;
      renderSelection();
    }
    start = null;
  };
  canvas.addEventListener('mousedown', (e) => {
    if (!(e.shiftKey && e.button === 0 && isReviewer() && hasSurveyLayers())) return;
    map.dragPan.disable();
    start = pos(e);
    document.addEventListener('mousemove', onMove);
    document.addEventListener('mouseup', onUp);
  }, true);
}

function updateStatus() {
  const s = $('#map-status');
  if (!s || !m.map) return;
  const z = Math.floor(m.map.getZoom());
  if (!m.loaded) s.textContent = t('loading');
  else if (hasSurveyLayers() && z < POINT_ZOOM) s.textContent = t('zoomHint')(z);
  else if (hasSurveyLayers()) s.textContent = t('inViewCount')(m.inView.length, m.inViewMore);
  else s.textContent = '';
}

// villageOrder sorts names as people count: Cụm 2 before Cụm 10.
const villageOrder = new Intl.Collator('vi', { numeric: true });

// updateInView lists the villages drawn in the view, so every village
// on the screen is also a button a keyboard reaches.
function updateInView() {
  if (!hasSurveyLayers() || !m.loaded) return;
  const seen = new Map();
  if (m.map.getZoom() >= POINT_ZOOM) {
    for (const f of m.map.queryRenderedFeatures({ layers: ['points'] })) seen.set(f.properties.id, f.properties);
  }
  const all = [...seen.values()].sort((a, b) => villageOrder.compare(String(a.village), String(b.village)) || a.id - b.id);
  m.inViewMore = all.length > IN_VIEW_MAX;
  m.inView = all.slice(0, IN_VIEW_MAX);
  renderInView();
}

function renderInView() {
  const box = $('#in-view');
  if (!box) return;
  const list = box.querySelector('ul');
  const hint = box.querySelector('.hint');
  const zoomed = m.map && m.map.getZoom() >= POINT_ZOOM;
  hint.textContent = zoomed ? t('inViewCount')(m.inView.length, m.inViewMore) : t('inViewZoom');
  const key = m.inView.map((p) => p.id + ':' + p.status).join(',') + state.lang + [...m.selection.keys()].join(',');
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.textContent = '';
  for (const p of m.inView) {
    list.append(el('li', { 'data-id': p.id },
      el('button', { type: 'button', class: 'link', 'data-point': p.id, 'aria-pressed': m.selection.has(p.id) ? 'true' : null },
        p.village + ' — ' + (t('status')[p.status] || p.status))));
  }
}

// ---- details ---------------------------------------------------------------

async function openPoint(id, fly) {
  try {
    const p = await api('GET', '/api/v1/points/' + id);
    m.detail = { kind: 'point', data: p };
    renderDetail();
    if (fly) m.map.easeTo({ center: [p.lon, p.lat], zoom: Math.max(m.map.getZoom(), 13), duration: 0 });
    $('#detail').focus();
  } catch (e) {
    if (e.status !== 401) showError(e);
  }
}

async function openArea(id) {
  try {
    const a = await api('GET', '/api/v1/areas/' + id);
    m.detail = { kind: 'area', data: a.area };
    renderDetail();
    $('#detail').focus();
  } catch (e) {
    if (e.status !== 401) showError(e);
  }
}

function showError(e) {
  m.detail = { kind: 'error', data: e instanceof APIError ? e.both() : { vi: String(e), en: String(e) } };
  renderDetail();
}

function dl(rows) {
  const d = el('dl');
  for (const [k, v] of rows) {
    if (v === '' || v === null || v === undefined) continue;
    d.append(el('dt', null, t(k)), el('dd', null, v));
  }
  return d;
}

function renderDetail() {
  const body = $('#detail .body');
  if (!body) return;
  if (m.map && m.loaded && hasSurveyLayers()) {
    const id = m.detail && m.detail.kind === 'point' ? m.detail.data.id : -1;
    setFilter('points-focus', ['==', ['get', 'id'], id]);
  }
  body.textContent = '';
  const d = m.detail;
  if (!d) {
    body.append(el('p', { class: 'hint' }, t(isOperator() ? 'detailEmptyOperator' : 'detailEmpty')));
    return;
  }
  const close = el('button', { type: 'button', class: 'close', 'data-action': 'close', 'aria-label': t('close') }, '×');
  if (d.kind === 'error') {
    body.append(close, el('p', { class: 'error' }, d.data[state.lang]));
    return;
  }
  if (d.kind === 'point') {
    const p = d.data;
    const commune = p.commune_name || p.commune_code;
    body.append(close, el('h3', { id: 'detail-title' }, p.village_name),
      dl([
        ['province', provinceName(p.province_code)], ['commune', commune],
        ['statusL', statusBadge(p.status)], ['categoryL', t('category')[p.category] || p.category],
        ['households', num(p.households)], ['population', p.population ? num(p.population) : ''],
        ['gridPower', t('grid')[p.grid_power] || p.grid_power], ['terrain', t('terrainV')[p.terrain || '']],
        ['road', p.road_access ? t('roadV')[p.road_access] : ''],
        ['facilities', (p.facilities || []).map((f) => t('facility')[f] || f).join(', ')],
        ['surveyed', day(p.surveyed_on) + (p.surveyed_by ? ' — ' + p.surveyed_by : '')],
        ['submitter', p.submission.submitted_by],
        ['submission', '#' + p.submission.id + ' ' + (p.submission.filename || '') + ' (' + when(p.submission.created_at) + ')'],
        ['comment2', p.review_comment], ['notes', p.notes],
        ['coords', p.lat.toFixed(5) + ', ' + p.lon.toFixed(5)],
      ]));
    const sig = el('table', { class: 'signals' },
      el('caption', null, t('signalTitle')),
      el('thead', null, el('tr', null, el('th', { scope: 'col' }, t('operatorCol')), el('th', { scope: 'col' }, t('signalCol')), el('th', { scope: 'col', class: 'num' }, t('rsrpCol')))));
    const tb = el('tbody');
    for (const s of p.signals) {
      tb.append(el('tr', null, el('th', { scope: 'row' }, operatorName(s.operator)), el('td', null, t('signal')[s.signal] || s.signal),
        el('td', { class: 'num' }, s.rsrp_dbm ? String(s.rsrp_dbm) : '—')));
    }
    sig.append(tb);
    body.append(sig);
    if (isReviewer()) {
      const sel = m.selection.has(p.id);
      body.append(el('button', { type: 'button', 'data-action': 'toggle', 'data-id': p.id, 'aria-pressed': sel ? 'true' : 'false' }, sel ? t('unselect') : t('select')));
    }
    body.append(el('h4', null, t('historyTitle')), history(p.history));
    return;
  }
  if (d.kind === 'package') {
    body.append(close);
    packageDetail(body, d.data);
    return;
  }
  if (d.kind === 'area') {
    const a = d.data;
    body.append(close, el('h3', { id: 'detail-title' }, t('areaTitle')(a)),
      dl([
        ['province', provinceName(a.province_code)], ['score', num(Math.round(a.score * 10) / 10)],
        ['aPoints', num(a.points)], ['households', num(a.households)], ['population', a.population ? num(a.population) : ''],
        ['catTrang', num(a.trang_song)], ['catLom', num(a.lom_song)],
        ['sites', num(a.sites)], ['cost', billions(a.cost_vnd)],
      ]));
    const h = el('ul', { class: 'history' });
    for (const v of a.history || []) {
      // The reason is a phusong.Message: {message_vi, message_en}.
      const why = v.reason && typeof v.reason === 'object' ? msg(v.reason) : v.reason;
      h.append(el('li', null, when(v.created_at) + ' — ' + t('areaVersion')(v) + (why ? ': ' + why : '')));
    }
    body.append(el('h4', null, t('historyTitle')), (a.history || []).length ? h : el('p', null, t('noHistory')));
  }
}

function history(events) {
  if (!events || !events.length) return el('p', null, t('noHistory'));
  const ul = el('ul', { class: 'history' });
  for (const e of events) {
    ul.append(el('li', null, when(e.at) + ' — ' + (t('action')[e.action] || e.action) + ' — ' + e.actor + (e.comment ? ': “' + e.comment + '”' : '')));
  }
  return ul;
}

function onDetailClick(ev) {
  const b = ev.target.closest('button[data-action]');
  if (!b) return;
  if (b.dataset.action === 'close') {
    m.detail = null;
    renderDetail();
  } else if (b.dataset.action === 'toggle') {
    const p = m.detail.data;
    toggleSelect({ id: p.id, village: p.village_name, status: p.status, province: p.province_code, submission_id: p.submission.id });
    renderDetail();
    $('#detail button[data-action="toggle"]').focus();
  }
}

// ---- selection and decisions ---------------------------------------------------

function toggleSelect(props) {
  if (m.selection.has(props.id)) m.selection.delete(props.id);
  else m.selection.set(props.id, props);
  m.focus = null;
  renderSelection();
}

function clearSelection() {
  m.selection.clear();
  m.focus = null;
  m.decisionError = null;
  renderSelection();
}

async function fitSubmission(id) {
  try {
    const fc = await api('GET', '/api/v1/points?submission=' + id + '&limit=10000');
    if (!fc.features.length) return;
    const b = new LngLatBounds();
    for (const f of fc.features) b.extend(f.geometry.coordinates);
    m.map.fitBounds(b, { padding: 60, maxZoom: 13, duration: 0 });
  } catch (e) {
    if (e.status !== 401) showError(e);
  }
}

function focusSubmission(id) {
  const s = m.submissions.find((x) => x.id === id);
  if (!s) return;
  m.selection.clear();
  m.focus = s;
  m.decisionError = null;
  renderSelection();
  fitSubmission(id);
  const c = $('#decision textarea');
  if (c) c.focus();
}

function renderSelection() {
  if (m.map && m.loaded && hasSurveyLayers()) {
    setFilter('points-selected', ['in', ['get', 'id'], ['literal', [...m.selection.keys()]]]);
    setFilter('points-submission', ['==', ['get', 'submission_id'], m.focus ? m.focus.id : -1]);
  }
  renderInView();
  const box = $('#decision .body');
  if (!box || !isReviewer()) return;
  const typed = box.querySelector('textarea') ? box.querySelector('textarea').value : '';
  box.textContent = '';
  if (!m.focus && !m.selection.size) {
    box.append(el('p', { class: 'hint' }, t('selHint')));
    return;
  }
  if (m.focus) {
    box.append(el('p', { class: 'what' }, t('selSub')(m.focus)));
  } else {
    box.append(el('p', { class: 'what' }, t('selCount')(m.selection.size)));
    const ul = el('ul', { class: 'plain chosen' });
    for (const p of m.selection.values()) {
      ul.append(el('li', null, el('span', null, p.village + ' '),
        el('button', { type: 'button', class: 'small', 'data-action': 'unselect', 'data-id': p.id, 'aria-label': t('selRemove')(p.village) }, '×')));
    }
    box.append(ul);
  }
  const err = m.decisionError;
  const comment = el('textarea', { id: 'decision-comment', rows: 2, 'aria-describedby': 'decision-error', 'aria-invalid': err ? 'true' : null });
  comment.value = typed;
  box.append(el('label', { for: 'decision-comment' }, t('comment')), comment,
    el('div', { class: 'buttons' },
      el('button', { type: 'button', class: 'primary', 'data-action': 'accepted', disabled: m.busy }, t('accept')),
      el('button', { type: 'button', 'data-action': 'returned', disabled: m.busy }, t('return')),
      el('button', { type: 'button', 'data-action': 'clear' }, t('selClear'))),
    el('p', { id: 'decision-error', class: 'error', role: 'alert', tabindex: '-1' }, err ? err[state.lang] : ''));
}

async function onDecisionClick(ev) {
  const b = ev.target.closest('button[data-action]');
  if (!b) return;
  const action = b.dataset.action;
  if (action === 'clear') { clearSelection(); return; }
  if (action === 'unselect') {
    m.selection.delete(Number(b.dataset.id));
    renderSelection();
    return;
  }
  const comment = $('#decision-comment').value.trim();
  if (action === 'returned' && !comment) {
    m.decisionError = both('commentRequired');
    renderSelection();
    $('#decision-comment').focus();
    return;
  }
  m.decisionError = null;
  m.busy = true;
  renderSelection();
  try {
    let notice;
    if (m.focus) {
      // "from": the status shown, so a decision another reviewer made
      // meanwhile is reported (409 submission_changed), not overridden.
      const s = await api('POST', '/api/v1/submissions/' + m.focus.id + '/decision', { status: action, comment, from: m.focus.status });
      notice = both('decidedSub', s);
    } else {
      const ids = [...m.selection.keys()];
      const r = await api('POST', '/api/v1/points/decision', { point_ids: ids, status: action, comment });
      notice = both('decidedPoints', r.updated, action);
    }
    m.busy = false;
    m.selection.clear();
    m.focus = null;
    $('#decision .body').textContent = '';
    refreshTiles();
    await loadData();
    renderSelection();
    if (m.detail && m.detail.kind === 'point') openPoint(m.detail.data.id, false);
    hooks.notice(notice);
    hooks.dataChanged();
    // The panel that held the pressed button is gone: keyboard users go
    // on from the notice that says what was done.
    $('#notice')?.focus();
  } catch (e) {
    m.busy = false;
    if (e.status === 401) return;
    m.decisionError = e instanceof APIError ? e.both() : { vi: String(e), en: String(e) };
    renderSelection();
    // The buttons were redrawn: focus what went wrong, not the page body.
    $('#decision-error')?.focus();
  }
}

// ---- areas ---------------------------------------------------------------------

// recompute groups the accepted villages into areas again (reviewers): of
// the province chosen in the filters, or of every province. The server
// runs it as a job; the panel shows its progress, then what it made, and
// the map draws the new areas and sites.
async function recompute() {
  if (m.recompute.busy) return;
  const province = m.filters.province;
  const r = { busy: true, province, job: null, error: null };
  m.recompute = r;
  renderRecompute();
  try {
    let job = await api('POST', '/api/v1/areas/recompute', province ? { province } : {});
    while (job.status === 'running') {
      r.job = job;
      renderRecompute();
      await new Promise((resolve) => { setTimeout(resolve, 400); });
      if (m.recompute !== r) return; // logged out meanwhile
      job = await api('GET', '/api/v1/areas/jobs/' + job.id);
    }
    r.job = job;
  } catch (e) {
    if (e.status === 401) return;
    r.error = e instanceof APIError ? e.both() : { vi: String(e), en: String(e) };
  }
  r.busy = false;
  if (m.recompute !== r) return;
  renderRecompute();
  if (!r.job || r.job.status !== 'done') return;
  refreshTiles();
  // An area open in the details may have changed, or be gone.
  if (m.detail && m.detail.kind === 'area') {
    try {
      const a = await api('GET', '/api/v1/areas/' + m.detail.data.id);
      m.detail = { kind: 'area', data: a.area };
    } catch (e) {
      if (e.status === 401) return;
      m.detail = null;
    }
    renderDetail();
  }
  hooks.dataChanged();
}

// jobSummary adds up a job's provinces: villages, areas, sites, and how
// many areas changed each way ("kept" is no change).
function jobSummary(job) {
  const s = { provinces: 0, points: 0, areas: 0, sites: 0, changes: {} };
  for (const p of job.results || []) {
    s.provinces++;
    s.points += p.points;
    s.areas += p.areas;
    s.sites += p.sites;
    for (const [k, n] of Object.entries(p.changes || {})) s.changes[k] = (s.changes[k] || 0) + n;
  }
  return s;
}

function renderRecompute() {
  const box = $('#map-areas');
  if (!box || !isReviewer()) return;
  const r = m.recompute;
  $('#recompute-scope').textContent = t('recomputeScope')(m.filters.province);
  const b = $('#recompute');
  // aria-disabled, not disabled: a disabled button loses keyboard focus
  // (to the page body); recompute() ignores presses while busy.
  b.setAttribute('aria-disabled', r.busy ? 'true' : 'false');
  box.setAttribute('aria-busy', r.busy ? 'true' : 'false');
  const out = $('#recompute-status');
  out.className = '';
  out.removeAttribute('data-state');
  if (r.busy) {
    out.textContent = t('recomputing')(r.job);
    out.dataset.state = 'running';
  } else if (r.error) {
    out.textContent = r.error[state.lang];
    out.className = 'error';
    out.dataset.state = 'failed';
  } else if (r.job && r.job.status === 'failed') {
    out.textContent = t('recomputeFailed')(r.job);
    out.className = 'error';
    out.dataset.state = 'failed';
  } else if (r.job) {
    const sum = jobSummary(r.job);
    out.dataset.state = 'done';
    if (!sum.provinces) {
      out.textContent = t('recomputeNone');
    } else {
      const order = ['new', 'grown', 'shrunk', 'merged', 'split', 'changed', 'removed'];
      const cs = order.filter((k) => sum.changes[k]).map((k) => [k, sum.changes[k]]);
      out.textContent = t('recomputed')(sum, r.province) + ' ' + t('recomputeChanges')(cs);
    }
  } else {
    out.textContent = '';
  }
}

// refreshTiles asks for the survey layers again after a decision. The
// sources are made anew with a new query string (so no cached tile of the
// old state is reused), their layers put back as they were, filters
// included. setTiles would be lighter, but MapLibre drops the reload it
// asks for when a layer filter of the source changed in the same frame,
// and the map then keeps drawing the old tiles. The packages are drawn
// among the survey layers and change with the packages page (drafts,
// publication), so they are fetched again with them.
const SURVEY_SOURCES = ['areas', 'packages', 'sites', 'points'];
function refreshTiles() {
  if (!m.map || !m.loaded || !hasSurveyLayers()) return;
  m.tilesVersion = Date.now();
  const map = m.map;
  const st = map.getStyle();
  const layers = st.layers.filter((l) => SURVEY_SOURCES.includes(l.source));
  for (const l of layers) map.removeLayer(l.id);
  for (const id of SURVEY_SOURCES) {
    map.removeSource(id);
    map.addSource(id, Object.assign({}, st.sources[id], { tiles: [tileURL(id)] }));
  }
  // The survey layers are the top of the style: appending keeps the order.
  for (const l of layers) map.addLayer(l);
}

// setFilter changes a layer's filter only when it differs: every call
// makes MapLibre re-lay out the source's tiles.
function setFilter(layer, filter) {
  const json = JSON.stringify(filter);
  if (m.applied[layer] === json) return;
  m.applied[layer] = json;
  m.map.setFilter(layer, filter);
}

// ---- side panels -------------------------------------------------------------

async function loadData() {
  try {
    if (hasSurveyLayers()) {
      m.submissions = (await api('GET', '/api/v1/submissions?limit=500')).submissions;
    }
    if (isProvince()) {
      m.returnedPoints = (await api('GET', '/api/v1/points?status=returned&limit=200')).features.map((f) => f.properties);
    }
    if (isOperator()) {
      // Operators get the published packages (and the withdrawn ones, with why).
      m.packages = (await api('GET', '/api/v1/packages')).packages || [];
    }
  } catch (e) {
    if (e.status !== 401) showError(e);
  }
  renderPanels();
}

function renderPanels() {
  renderFilterOptions();
  renderQueue();
  renderRecompute();
  renderChecklist();
  renderPackages();
}

function renderFilterOptions() {
  const ps = $('#f-province');
  if (!ps) return;
  const keep = ps.value;
  ps.textContent = '';
  if (isProvince()) {
    ps.append(el('option', { value: state.me.province_code }, provinceName(state.me.province_code)));
  } else {
    ps.append(option('', 'fAllProvinces'));
    for (const p of state.provinces.values()) ps.append(el('option', { value: p.code }, p.full_name));
  }
  ps.value = keep || ps.options[0].value;
  const ss = $('#f-submission');
  const keepSub = ss.value;
  ss.textContent = '';
  ss.append(option('', 'fAllSubmissions'));
  for (const s of m.submissions) {
    // Rejected and superseded submissions own no point: nothing to filter.
    if (s.status === 'rejected' || s.status === 'superseded') continue;
    ss.append(el('option', { value: s.id }, t('subOption')(s)));
  }
  ss.value = keepSub;
  if (ss.value !== keepSub) ss.value = '';
}

function renderQueue() {
  const list = $('#map-queue ul');
  if (!list || !isReviewer()) return;
  list.textContent = '';
  const waiting = m.submissions.filter((s) => s.status === 'submitted').reverse();
  if (!waiting.length) {
    list.append(el('li', { class: 'hint' }, t('mQueueEmpty')));
    return;
  }
  for (const s of waiting) {
    list.append(el('li', { 'data-id': s.id, class: m.focus && m.focus.id === s.id ? 'current' : null },
      el('button', { type: 'button', class: 'link', 'data-sub': s.id, title: t('showSub')(s) }, t('subLine')(s)),
      el('div', { class: 'meta' }, t('subMeta')(s))));
  }
}

function renderChecklist() {
  const list = $('#map-checklist ol');
  if (!list || !isProvince()) return;
  list.textContent = '';
  const subs = m.submissions;
  const items = [];
  for (const s of subs) {
    if (s.status === 'returned') {
      const later = subs.find((x) => x.id > s.id && (x.status === 'submitted' || x.status === 'accepted'));
      items.push(el('li', { 'data-done': later ? 'true' : 'false', 'data-sub': s.id },
        el('span', { class: 'what' }, t('ckReturnedSub')(s)), ' ',
        el('span', { class: 'state' }, later ? t('ckDone')(later.id) : t('ckTodo'))));
    }
  }
  const latestStored = subs.find((s) => s.status !== 'rejected');
  const rejected = subs.find((s) => s.status === 'rejected');
  if (rejected && (!latestStored || rejected.id > latestStored.id)) {
    items.push(el('li', { 'data-done': 'false', 'data-sub': rejected.id }, el('span', { class: 'what' }, t('ckRejected')(rejected)), ' ',
      el('a', { href: '/api/v1/submissions/' + rejected.id + '/problems.csv', download: true }, t('ckProblems'))));
  }
  const returnedSubs = new Set(subs.filter((s) => s.status === 'returned').map((s) => s.id));
  for (const p of m.returnedPoints) {
    if (returnedSubs.has(p.submission_id)) continue; // the submission's item says it
    items.push(el('li', { 'data-done': 'false', 'data-point': p.id }, el('span', { class: 'what' }, t('ckPoint')(p)), ' ',
      el('button', { type: 'button', class: 'link', 'data-point': p.id }, t('showOnMap')(p.village_name))));
  }
  if (!items.length) list.append(el('li', { class: 'hint', 'data-done': 'true' }, t('checklistEmpty')));
  list.append(...items);
}

function renderPackages() {
  const list = $('#map-packages ul');
  if (!list || !isOperator()) return;
  list.textContent = '';
  if (!m.packages.length) {
    list.append(el('li', { class: 'hint' }, t('packagesEmpty')));
    return;
  }
  for (const p of m.packages) {
    list.append(el('li', { 'data-id': p.id, 'data-status': p.status },
      el('button', { type: 'button', class: 'link', 'data-package': p.id, title: t('showPackage')(p) }, p.name),
      el('div', { class: 'meta' }, (t('pkgStatus')[p.status] || p.status) + ' · ' + t('packageMeta')(p))));
  }
}

// openPackage shows a package's figures and the files of its latest
// published version, to download; fly: frame its sites on the map.
async function openPackage(id, fly) {
  try {
    const p = await api('GET', '/api/v1/packages/' + id);
    m.detail = { kind: 'package', data: p };
    renderDetail();
    if (fly) {
      const b = new LngLatBounds();
      for (const a of p.areas || []) for (const s of a.site_list || []) b.extend(s.location);
      if (!b.isEmpty()) m.map.fitBounds(b, { padding: 80, maxZoom: 11, duration: 0 });
      else fitProvince(p.province_code);
    }
    $('#detail').focus();
  } catch (e) {
    if (e.status !== 401) showError(e);
  }
}

function packageDetail(body, p) {
  body.append(el('h3', { id: 'detail-title' }, p.name),
    dl([
      ['province', provinceName(p.province_code)], ['statusL', t('pkgStatus')[p.status] || p.status],
      ['pkgVersion', p.version || p.published_version || ''], ['deadline', p.deadline ? vnTime(p.deadline) : ''],
      ['ceiling', p.ceiling_vnd ? billions(p.ceiling_vnd) : ''], ['technology', p.technology],
      ['areasL', num(p.totals.areas)], ['aPoints', num(p.totals.points)], ['households', num(p.totals.households)],
      ['sites', num(p.totals.sites)], ['cost', billions(p.totals.cost_vnd)], ['withdrawnWhy', p.withdrawn_reason],
    ]));
  const versions = p.versions || [];
  const latest = versions.find((v) => v.version === (p.version || p.published_version)) || versions[versions.length - 1];
  body.append(el('h4', null, t('filesTitle')));
  if (!latest || !(latest.files || []).length) {
    body.append(el('p', { class: 'hint' }, t('noFiles')));
    return;
  }
  const href = (name) => '/api/v1/packages/' + p.id + '/versions/' + latest.version + '/files/' + encodeURIComponent(name);
  // The ZIP first: it holds every other file.
  const files = latest.files.slice().sort((a, b) => (b.name === latest.zip_name) - (a.name === latest.zip_name) || a.name.localeCompare(b.name));
  const ul = el('ul', { class: 'files' });
  for (const f of files) {
    ul.append(el('li', null, el('a', { href: href(f.name), download: true, 'data-file': f.name }, f.name), ' (' + num(Math.ceil(f.size / 1024)) + ' KB)'));
  }
  body.append(ul, el('p', { class: 'hint' }, t('zipNote'), ' ', el('code', { class: 'sha' }, latest.zip_sha256)));
}

// ---- module interface ------------------------------------------------------------

// show builds the map the first time the section is shown.
export async function show(section) {
  if (!m.section) {
    m.section = section;
    build(section);
    createMap();
    renderSelection();
    renderDetail();
    await loadData();
  } else if (m.map) {
    m.map.resize();
  }
}

// render redraws the texts after a language switch.
export function render() {
  if (!m.section) return;
  if (m.map) {
    m.map.getCanvas().setAttribute('aria-label', t('mapLabel'));
    // MapLibre reads its locale when a control is made: rename the
    // buttons in place.
    const loc = mapLocale();
    for (const [cls, key] of [['zoom-in', 'NavigationControl.ZoomIn'], ['zoom-out', 'NavigationControl.ZoomOut']]) {
      const b = m.section.querySelector('.maplibregl-ctrl-' + cls);
      if (b) { b.title = loc[key]; b.setAttribute('aria-label', loc[key]); }
    }
  }
  updateStatus();
  renderPanels();
  renderSelection();
  renderDetail();
  renderInView();
}

// refresh reloads the panels and tiles after a decision made elsewhere.
export async function refresh() {
  if (!m.section) return;
  refreshTiles();
  await loadData();
}

// reset forgets everything on logout.
export function reset() {
  if (m.map) m.map.remove();
  if (m.section) m.section.textContent = '';
  Object.assign(m, { map: null, section: null, loaded: false, applied: {}, submissions: [], returnedPoints: [], detail: null, focus: null, hover: null, box: null, tilesVersion: 0, inView: [],
    recompute: { busy: false, province: '', job: null, error: null } });
  m.selection.clear();
  for (const k of Object.keys(m.filters)) m.filters[k] = '';
  if (window.phusong) delete window.phusong.map;
}
