// The national dashboard: every province's progress, the ranking, and
// two Chart.js charts. The table carries every figure the charts draw, so
// nothing is only in a picture. The same view, read-only, is the public
// dashboard when the deployment turns it on.
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip } from 'chart.js';
import { addStrings, state, $, t, el, api, num, billions, percent, isProvince } from './core.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

addStrings({
  vi: {
    dashTitle: 'Tiến độ toàn quốc và xếp hạng các tỉnh',
    dashIntro: 'Số liệu tổng hợp theo tỉnh, cập nhật theo từng quyết định thẩm định. Không có toạ độ của các thôn.',
    publicTitle: 'Số liệu công khai: tiến độ xoá thôn lõm sóng',
    tPoints: 'Thôn đã nộp', tAccepted: 'Thôn được chấp nhận', tPending: 'Chờ thẩm định', tHouseholds: 'Hộ dân chưa có sóng',
    tAreas: 'Vùng lõm sóng', tSites: 'Trạm ước tính', tCost: 'Chi phí ước tính', tPackages: 'Gói thầu đã công bố',
    tShare: 'Tỷ lệ thôn còn lõm sóng',
    rankingTitle: 'Xếp hạng các tỉnh', rank: 'Hạng', notRanked: 'Chưa xếp hạng', colProvince: 'Tỉnh', colScore: 'Điểm',
    colPoints: 'Thôn đã nộp', colAccepted: 'Được chấp nhận', colPending: 'Chờ thẩm định', colReturned: 'Bị trả lại',
    colAreas: 'Vùng', colHouseholds: 'Hộ chưa có sóng', colSites: 'Trạm', colCost: 'Chi phí', colPackages: 'Gói thầu', colShare: 'Còn lõm sóng',
    chartPoints: 'Thôn đã nộp theo tỉnh', chartHouseholds: 'Hộ dân chưa có sóng theo tỉnh',
    chartPointsAlt: 'Biểu đồ cột: số thôn được chấp nhận, chờ thẩm định và bị trả lại của từng tỉnh; số liệu có trong bảng xếp hạng.',
    chartHouseholdsAlt: 'Biểu đồ cột: số hộ dân chưa có sóng của từng tỉnh; số liệu có trong bảng xếp hạng.',
    noData: 'Chưa có tỉnh nào nộp dữ liệu.', dHouseholds: 'Hộ dân', packagesTodo: 'Số gói thầu sẽ được tính khi có gói thầu công bố.',
    mine: 'Tỉnh của bạn',
  },
  en: {
    dashTitle: 'National progress and provincial ranking',
    dashIntro: 'Figures per province, updated with every review decision. No village coordinates.',
    publicTitle: 'Public figures: closing the mobile dead zones',
    tPoints: 'Villages submitted', tAccepted: 'Villages accepted', tPending: 'Awaiting review', tHouseholds: 'Households without coverage',
    tAreas: 'Dead-zone areas', tSites: 'Estimated sites', tCost: 'Estimated cost', tPackages: 'Bid packages published',
    tShare: 'Share of villages still without signal',
    rankingTitle: 'Provincial ranking', rank: 'Rank', notRanked: 'Not ranked', colProvince: 'Province', colScore: 'Score',
    colPoints: 'Submitted', colAccepted: 'Accepted', colPending: 'Awaiting', colReturned: 'Returned',
    colAreas: 'Areas', colHouseholds: 'Households uncovered', colSites: 'Sites', colCost: 'Cost', colPackages: 'Packages', colShare: 'Without signal',
    chartPoints: 'Villages submitted per province', chartHouseholds: 'Households without coverage per province',
    chartPointsAlt: 'Bar chart: villages accepted, awaiting review and returned in each province; the ranking table has the figures.',
    chartHouseholdsAlt: 'Bar chart: households without coverage in each province; the ranking table has the figures.',
    noData: 'No province has submitted data yet.', dHouseholds: 'Households', packagesTodo: 'Packages are counted once bid packages are published.',
    mine: 'Your province',
  },
});

const d = { section: null, data: null, charts: [], publicView: false };

function build(section) {
  section.append(
    el('h2', { id: 'dash-title' }),
    el('p', { class: 'hint', 'data-i18n': 'dashIntro' }, t('dashIntro')),
    el('div', { id: 'dash-totals', class: 'totals' }),
    el('div', { class: 'charts' },
      el('figure', null, el('figcaption', { 'data-i18n': 'chartPoints' }, t('chartPoints')),
        el('div', { class: 'chart-box' }, el('canvas', { id: 'chart-points', role: 'img' }))),
      el('figure', null, el('figcaption', { 'data-i18n': 'chartHouseholds' }, t('chartHouseholds')),
        el('div', { class: 'chart-box' }, el('canvas', { id: 'chart-households', role: 'img' })))),
    el('h3', { id: 'ranking-title', 'data-i18n': 'rankingTitle' }, t('rankingTitle')),
    el('p', { id: 'dash-formula', class: 'hint' }),
    el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': 'ranking-title', tabindex: '0' },
      el('table', { id: 'ranking', class: 'stack ranking' }, el('thead'), el('tbody'))),
    el('p', { id: 'dash-share', class: 'hint' }));
}

function cell(label, attrs, ...children) {
  const td = el('td', Object.assign({ 'data-label': t(label), role: 'cell' }, attrs));
  td.append(el('span', null, ...children));
  return td;
}

function renderTotals() {
  const box = $('#dash-totals');
  box.textContent = '';
  const x = d.data.totals;
  const items = [
    ['tPoints', num(x.points_submitted)], ['tAccepted', num(x.points_accepted)], ['tPending', num(x.points_pending)],
    ['tHouseholds', num(x.households_uncovered)], ['tAreas', num(x.areas)], ['tSites', num(x.sites)],
    ['tCost', billions(x.cost_vnd)], ['tPackages', num(x.packages_published)], ['tShare', percent(x.share_without_signal)],
  ];
  const dlist = el('dl');
  for (const [k, v] of items) dlist.append(el('div', { class: 'total', 'data-key': k }, el('dt', null, t(k)), el('dd', null, v)));
  box.append(dlist);
}

function renderTable() {
  const cols = [['rank', 'num'], ['colProvince', ''], ['colScore', 'num'], ['colPoints', 'num'], ['colAccepted', 'num'], ['colPending', 'num'],
    ['colReturned', 'num'], ['colAreas', 'num'], ['colHouseholds', 'num'], ['colSites', 'num'], ['colCost', 'num'], ['colPackages', 'num'], ['colShare', 'num']];
  const head = $('#ranking thead');
  head.textContent = '';
  head.append(el('tr', { role: 'row' }, ...cols.map(([k, c]) => el('th', { scope: 'col', role: 'columnheader', class: c || null }, t(k)))));
  const tb = $('#ranking tbody');
  tb.textContent = '';
  const mine = isProvince() ? state.me.province_code : '';
  for (const p of d.data.provinces) {
    tb.append(el('tr', { role: 'row', 'data-code': p.code, class: p.code === mine ? 'mine' : null, 'aria-current': p.code === mine ? 'true' : null },
      cell('rank', { class: 'num' }, p.rank ? String(p.rank) : t('notRanked')),
      cell('colProvince', { class: 'name', title: p.full_name }, p.name, p.code === mine ? el('span', { class: 'badge' }, ' ' + t('mine')) : null),
      cell('colScore', { class: 'num' }, p.rank ? num(p.score) : '—'),
      cell('colPoints', { class: 'num' }, num(p.points_submitted)), cell('colAccepted', { class: 'num' }, num(p.points_accepted)),
      cell('colPending', { class: 'num' }, num(p.points_pending)), cell('colReturned', { class: 'num' }, num(p.points_returned)),
      cell('colAreas', { class: 'num' }, num(p.areas)), cell('colHouseholds', { class: 'num' }, num(p.households_uncovered)),
      cell('colSites', { class: 'num' }, num(p.sites)), cell('colCost', { class: 'num' }, billions(p.cost_vnd)),
      cell('colPackages', { class: 'num' }, num(p.packages_published)), cell('colShare', { class: 'num' }, percent(p.share_without_signal))));
  }
  $('#dash-formula').textContent = d.data.score_formula[state.lang];
  $('#dash-share').textContent = d.data.share_formula[state.lang] + (d.data.packages_known ? '' : ' ' + t('packagesTodo'));
}

function renderCharts() {
  for (const c of d.charts) c.destroy();
  d.charts = [];
  const ps = d.data.provinces.filter((p) => p.points_submitted > 0).sort((a, b) => b.points_submitted - a.points_submitted);
  const boxes = d.section.querySelectorAll('.chart-box');
  for (const b of boxes) {
    b.style.height = Math.max(120, 60 + ps.length * 26) + 'px';
    b.dataset.empty = ps.length ? 'false' : 'true';
  }
  const cp = $('#chart-points');
  const ch = $('#chart-households');
  cp.setAttribute('aria-label', ps.length ? t('chartPointsAlt') : t('noData'));
  ch.setAttribute('aria-label', ps.length ? t('chartHouseholdsAlt') : t('noData'));
  if (!ps.length) return;
  const labels = ps.map((p) => p.name);
  const fmt = (v) => num(v);
  const base = {
    indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
    plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + fmt(c.parsed.x) } } },
    scales: { x: { stacked: true, beginAtZero: true, ticks: { callback: fmt, precision: 0 } }, y: { stacked: true } },
  };
  d.charts.push(new Chart(cp, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: t('colAccepted'), data: ps.map((p) => p.points_accepted), backgroundColor: '#0b5394' },
        { label: t('colPending'), data: ps.map((p) => p.points_pending), backgroundColor: '#f1c232' },
        { label: t('colReturned'), data: ps.map((p) => p.points_returned), backgroundColor: '#a50e0e' },
      ],
    },
    options: base,
  }));
  d.charts.push(new Chart(ch, {
    type: 'bar',
    data: { labels, datasets: [{ label: t('dHouseholds'), data: ps.map((p) => p.households_uncovered), backgroundColor: '#c62828' }] },
    options: Object.assign({}, base, { plugins: Object.assign({}, base.plugins, { legend: { display: false } }) }),
  }));
}

// ---- module interface ------------------------------------------------------------

// show loads the figures (again) and draws them. publicView: the
// anonymous, read-only variant.
export async function show(section, publicView) {
  d.publicView = !!publicView;
  if (d.section !== section) {
    d.section = section;
    build(section);
  }
  d.data = await api('GET', '/api/v1/dashboard');
  render();
}

export function render() {
  if (!d.section || !d.data) return;
  $('#dash-title').textContent = d.publicView ? t('publicTitle') : t('dashTitle');
  renderTotals();
  renderTable();
  renderCharts();
}

export function reset() {
  for (const c of d.charts) c.destroy();
  d.charts = [];
  if (d.section) d.section.textContent = '';
  d.section = null;
  d.data = null;
}
