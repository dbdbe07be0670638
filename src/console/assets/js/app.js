// The console's shell: sign-in, the menu for the caller's role, the language switch and a
// hash router that loads each page's module when it is first opened.

import { get, setToken, token, whenUnauthorized } from './api.js';
import { button, fill, h, errorBox } from './dom.js';
import { lang, setLang, t, register } from './i18n.js';

register({
  id: {
    'nav.forums': 'Forum', 'nav.firms': 'Firma', 'nav.import': 'Impor peserta', 'nav.status': 'Status server',
    'nav.profile': 'Profil saya', 'nav.matches': 'Rekomendasi mitra', 'nav.myforums': 'Forum saya',
    'signin.title': 'Masuk ke konsol', 'signin.token': 'Token akses',
    'signin.hint': 'Panitia memakai token panitia; pelaku usaha memakai token yang diterima saat pendaftaran.',
    'signin.submit': 'Masuk', 'signin.about': 'Konsol temu bisnis IKM Nusa Tenggara Barat dan Jawa Timur: profil firma, rekomendasi mitra, jadwal pertemuan dan hasil transaksi.',
    'signin.empty': 'Isi token terlebih dahulu.',
  },
  en: {
    'nav.forums': 'Forums', 'nav.firms': 'Firms', 'nav.import': 'Import participants', 'nav.status': 'Server status',
    'nav.profile': 'My profile', 'nav.matches': 'Recommended partners', 'nav.myforums': 'My forums',
    'signin.title': 'Sign in to the console', 'signin.token': 'Access token',
    'signin.hint': 'Organizers use an organizer token; firms use the token they received at registration.',
    'signin.submit': 'Sign in', 'signin.about': 'The business-meeting console of the IKM of Nusa Tenggara Barat and East Java: firm profiles, partner recommendations, meeting timetables and trade results.',
    'signin.empty': 'Enter a token first.',
  },
});

/** Who is signed in: {role: 'organizer'|'firm', firm_id?, name?}, or null. */
export const session = { me: null };

// Route patterns → page modules. `:name` captures a path segment.
const ROUTES = [
  ['/forum', 'forums', 'list', 'organizer'],
  ['/forum/:id', 'forum', 'render', 'organizer'],
  ['/forum/:id/:tab', 'forum', 'render', 'organizer'],
  ['/firma', 'firms', 'list', 'organizer'],
  ['/firma/:id', 'firms', 'detail', 'organizer'],
  ['/impor', 'import', 'render', 'organizer'],
  ['/status', 'status', 'render', 'organizer'],
  ['/saya', 'profile', 'render', 'firm'],
  ['/rekomendasi', 'firms', 'ownMatches', 'firm'],
  ['/forum-saya', 'myforums', 'list', 'firm'],
  ['/forum-saya/:id', 'myforums', 'detail', 'firm'],
];

const MENUS = {
  organizer: [['#/forum', 'nav.forums'], ['#/firma', 'nav.firms'], ['#/impor', 'nav.import'], ['#/status', 'nav.status']],
  firm: [['#/saya', 'nav.profile'], ['#/rekomendasi', 'nav.matches'], ['#/forum-saya', 'nav.myforums']],
};

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, module, fn, role] of ROUTES) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((w, i) => {
      if (w.startsWith(':')) {
        params[w.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return w === parts[i];
    });
    if (ok) return { module, fn, role, params };
  }
  return null;
}

const main = () => document.getElementById('main');

function currentPath() {
  return (location.hash || '#/').slice(1).split('?')[0] || '/';
}

/** The query part of the hash (#/firma?q=kopi), for pages that keep filters in the URL. */
export function hashQuery() {
  const q = (location.hash || '').split('?')[1] || '';
  return new URLSearchParams(q);
}

export function navigate(path) {
  if (location.hash === `#${path}`) route();
  else location.hash = `#${path}`;
}

function renderShell() {
  document.documentElement.lang = lang();
  document.title = `mitra — ${t('app.title')}`;
  document.querySelector('.skip').textContent = t('skip');
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav.label'));
  const items = session.me ? MENUS[session.me.role] : [];
  const here = currentPath();
  fill(nav, h('ul', {}, items.map(([href, key]) => {
    const current = here === href.slice(1) || here.startsWith(`${href.slice(1)}/`);
    return h('li', {}, h('a', { href, 'aria-current': current ? 'page' : null }, t(key)));
  })));
  const who = session.me
    ? h('span', { class: 'who' }, session.me.role === 'firm' ? (session.me.name || session.me.firm_id) : t('role.organizer'))
    : null;
  fill(document.getElementById('session'),
    who,
    button(t('lang.switch'), {
      class: 'link', lang: lang() === 'id' ? 'en' : 'id', id: 'lang-switch',
      onclick: () => { setLang(lang() === 'id' ? 'en' : 'id'); route(); },
    }),
    session.me ? button(t('signout'), { class: 'link', id: 'signout', onclick: signOut }) : null);
}

function signOut() {
  setToken(null);
  session.me = null;
  navigate('/');
}

function signInPage(root, message) {
  const tokenInput = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password', required: true, 'aria-describedby': 'token-hint' });
  const status = h('div', { id: 'signin-status', role: 'alert' }, message ? errorText(message) : null);
  const form = h('form', { class: 'card narrow', id: 'signin' },
    h('h1', {}, t('signin.title')),
    h('p', {}, t('signin.about')),
    h('div', { class: 'field' }, h('label', { for: 'token' }, t('signin.token')), tokenInput,
      h('small', { class: 'hint', id: 'token-hint' }, t('signin.hint'))),
    status,
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = tokenInput.value.trim();
    if (!value) {
      fill(status, errorText(t('signin.empty')));
      return;
    }
    try {
      const me = await get('/me', { tokenOverride: value });
      setToken(value);
      session.me = me;
      navigate(me.role === 'organizer' ? '/forum' : '/saya');
    } catch (e) {
      fill(status, errorBox(e));
    }
  });
  fill(root, form);
  tokenInput.focus();
}

function errorText(text) {
  return h('div', { class: 'form-errors' }, h('p', {}, text));
}

let generation = 0;

/** Shows the page for the current hash. */
export async function route() {
  const root = main();
  const mine = ++generation;
  if (token() && !session.me) {
    try {
      session.me = await get('/me');
    } catch {
      setToken(null);
    }
  }
  renderShell();
  if (!session.me) {
    signInPage(root);
    return;
  }
  const path = currentPath();
  if (path === '/') {
    navigate(session.me.role === 'organizer' ? '/forum' : '/saya');
    return;
  }
  const found = match(path);
  if (!found || found.role !== session.me.role) {
    fill(root, h('h1', {}, t('notfound.title')), h('p', {}, h('a', { href: '#/' }, t('notfound.back'))));
    return;
  }
  fill(root, h('p', { class: 'loading' }, t('loading')));
  try {
    const page = await import(`./views/${found.module}.js`);
    if (mine !== generation) return;
    await page[found.fn](root, found.params, session);
  } catch (e) {
    if (mine !== generation) return;
    console.warn(e);
    fill(root, errorBox(e));
  }
  if (mine === generation) root.querySelector('h1')?.setAttribute('tabindex', '-1');
}

whenUnauthorized(() => {
  setToken(null);
  session.me = null;
  renderShell();
  signInPage(main(), t('problem.unauthorized'));
});

window.addEventListener('hashchange', route);
setLang(lang());
route();
