// phusong page: login, who am I, reference data. Vietnamese by default.
(function () {
  'use strict';
  const T = {
    vi: { title: 'Phủ sóng — xóa thôn lõm sóng, trắng sóng', login: 'Đăng nhập', logout: 'Đăng xuất', username: 'Tên đăng nhập',
      password: 'Mật khẩu', welcome: 'Xin chào', provinces: '34 tỉnh, thành phố (từ 1/7/2025)', code: 'Mã', name: 'Tên',
      lang: 'English', role: { province: 'Cán bộ tỉnh', reviewer: 'Cán bộ thẩm định (Cục Viễn thông)', operator: 'Doanh nghiệp viễn thông', admin: 'Quản trị' } },
    en: { title: 'Phủ sóng — closing mobile dead zones', login: 'Log in', logout: 'Log out', username: 'Username',
      password: 'Password', welcome: 'Welcome', provinces: 'The 34 provinces (since 1 July 2025)', code: 'Code', name: 'Name',
      lang: 'Tiếng Việt', role: { province: 'Provincial officer', reviewer: 'Reviewer (telecom department)', operator: 'Mobile operator', admin: 'Administrator' } },
  };
  let lang = localStorage.getItem('lang') || 'vi';
  let me = null;
  let csrf = '';
  const $ = (s) => document.querySelector(s);

  function applyLang() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = T[lang][el.dataset.i18n]; });
    $('#lang').textContent = T[lang].lang;
    render();
  }

  async function api(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    const data = r.status === 204 ? null : await r.json();
    if (!r.ok) { const e = new Error((data && data.error && data.error['message_' + lang]) || r.statusText); e.status = r.status; throw e; }
    return data;
  }

  function render() {
    $('#login-panel').hidden = !!me;
    $('#home').hidden = !me;
    $('#logout').hidden = !me;
    $('#who').textContent = me ? me.username : '';
    if (me) {
      let line = T[lang].role[me.role] || me.role;
      if (me.province_name) line += ' — ' + me.province_name;
      if (me.operator) line += ' — ' + me.operator;
      $('#role-line').textContent = line;
    }
  }

  async function loadMe() {
    try { me = await api('GET', '/api/v1/auth/me'); csrf = me.csrf_token || ''; } catch (e) { me = null; }
    render();
  }

  async function loadProvinces() {
    const data = await api('GET', '/api/v1/provinces');
    const tb = $('#provinces tbody');
    tb.textContent = '';
    for (const p of data.provinces) {
      const tr = document.createElement('tr');
      for (const v of [p.code, p.full_name]) { const td = document.createElement('td'); td.textContent = v; tr.appendChild(td); }
      tb.appendChild(tr);
    }
  }

  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    $('#login-error').textContent = '';
    try {
      const r = await api('POST', '/api/v1/auth/login', { username: f.get('username'), password: f.get('password') });
      csrf = r.csrf_token;
      await loadMe();
    } catch (e) { $('#login-error').textContent = e.message; }
  });
  $('#logout').addEventListener('click', async () => { await api('POST', '/api/v1/auth/logout'); me = null; csrf = ''; render(); });
  $('#lang').addEventListener('click', () => { lang = lang === 'vi' ? 'en' : 'vi'; localStorage.setItem('lang', lang); applyLang(); });

  applyLang();
  loadMe();
  loadProvinces();
})();
