// Firms: the organizer's directory with filters, one firm's profile with its recommended
// partners, and a firm's own recommendations.

import { get, post, query, seg } from '../api.js';
import { busy, button, errorBox, field, fill, h, input, select, toast } from '../dom.js';
import { lang, num, percent, register, t } from '../i18n.js';
import { CERTIFICATIONS, regencyNames, regencySelect } from '../reference.js';
import { hashQuery, navigate } from '../app.js';

register({
  id: {
    'firms.title': 'Firma terdaftar', 'firms.q': 'Cari nama, produk atau kebutuhan', 'firms.province': 'Provinsi',
    'firms.kbli': 'Awalan KBLI', 'firms.regency': 'Kabupaten/kota', 'firms.cert': 'Sertifikasi', 'firms.filter': 'Terapkan',
    'firms.name': 'Nama', 'firms.products': 'Produk', 'firms.needs': 'Kebutuhan', 'firms.none': 'Tidak ada firma yang cocok dengan filter.',
    'firms.count': '{n} firma ditampilkan', 'firm.kbli': 'KBLI', 'firm.size': 'Skala', 'firm.employees': 'Tenaga kerja',
    'firm.certs': 'Sertifikasi', 'firm.contact': 'Kontak', 'firm.hs': 'Kode HS', 'firm.capacity': 'Kapasitas',
    'firm.volume': 'Volume', 'firm.required': 'Sertifikasi yang disyaratkan', 'firm.token': 'Terbitkan token baru',
    'firm.token.confirm': 'Token lama firma ini akan berhenti berlaku. Lanjutkan?',
    'firm.token.new': 'Token baru (hanya ditampilkan sekali, serahkan kepada firma):',
    'size.micro': 'mikro', 'size.small': 'kecil', 'size.medium': 'menengah',
    'per.day': 'hari', 'per.week': 'minggu', 'per.month': 'bulan', 'per.year': 'tahun',
    'matches.title': 'Rekomendasi mitra', 'matches.direction': 'Arah', 'matches.both': 'Dua arah',
    'matches.supplies': 'Mitra memasok saya', 'matches.buys': 'Mitra membeli dari saya', 'matches.limit': 'Jumlah',
    'matches.scope': 'Asal mitra', 'scope.other': 'Provinsi mitra (NTB ↔ Jatim)', 'scope.all': 'Semua provinsi',
    'matches.show': 'Tampilkan', 'matches.none': 'Belum ada mitra yang cocok.', 'matches.score': 'Skor',
    'matches.dir.supplies': 'memasok Anda', 'matches.dir.buys': 'membeli dari Anda', 'matches.dir.both': 'dua arah',
    'comp.supply': 'kecocokan produk', 'comp.capacity': 'kapasitas', 'comp.certification': 'sertifikasi', 'comp.sector': 'keterkaitan sektor',
    'matches.reasons': 'Alasan', 'matches.own': 'Rekomendasi mitra untuk {name}',
  },
  en: {
    'firms.title': 'Registered firms', 'firms.q': 'Search name, product or need', 'firms.province': 'Province',
    'firms.kbli': 'KBLI prefix', 'firms.regency': 'Regency/city', 'firms.cert': 'Certification', 'firms.filter': 'Apply',
    'firms.name': 'Name', 'firms.products': 'Products', 'firms.needs': 'Needs', 'firms.none': 'No firm matches the filters.',
    'firms.count': '{n} firms shown', 'firm.kbli': 'KBLI', 'firm.size': 'Size', 'firm.employees': 'Employees',
    'firm.certs': 'Certifications', 'firm.contact': 'Contact', 'firm.hs': 'HS code', 'firm.capacity': 'Capacity',
    'firm.volume': 'Volume', 'firm.required': 'Required certifications', 'firm.token': 'Issue a new token',
    'firm.token.confirm': "The firm's current token will stop working. Continue?",
    'firm.token.new': 'New token (shown only once, hand it to the firm):',
    'size.micro': 'micro', 'size.small': 'small', 'size.medium': 'medium',
    'per.day': 'day', 'per.week': 'week', 'per.month': 'month', 'per.year': 'year',
    'matches.title': 'Recommended partners', 'matches.direction': 'Direction', 'matches.both': 'Both ways',
    'matches.supplies': 'Partner supplies me', 'matches.buys': 'Partner buys from me', 'matches.limit': 'How many',
    'matches.scope': 'Partners from', 'scope.other': 'The partner province (NTB ↔ Jatim)', 'scope.all': 'Any province',
    'matches.show': 'Show', 'matches.none': 'No matching partner yet.', 'matches.score': 'Score',
    'matches.dir.supplies': 'supplies you', 'matches.dir.buys': 'buys from you', 'matches.dir.both': 'both ways',
    'comp.supply': 'product fit', 'comp.capacity': 'capacity', 'comp.certification': 'certification', 'comp.sector': 'sector link',
    'matches.reasons': 'Reasons', 'matches.own': 'Recommended partners for {name}',
  },
});

/** 300 kg/bulan */
export function rate(r) {
  if (!r) return '–';
  return `${num(r.amount, 2)} ${r.unit}/${t(`per.${r.per}`)}`;
}

export function provinceBadge(p) {
  return h('span', { class: `badge ${String(p).toLowerCase()}` }, p === 'JATIM' ? 'Jatim' : p);
}

export async function list(root) {
  const params = hashQuery();
  const names = await regencyNames();
  const q = input({ name: 'q', value: params.get('q') || '', type: 'search' });
  const province = select([['', t('all')], ['NTB', t('province.NTB')], ['JATIM', t('province.JATIM')]], { name: 'province', value: params.get('province') || '' });
  const kbli = input({ name: 'kbli', value: params.get('kbli') || '', inputmode: 'numeric', size: 6 });
  const regency = await regencySelect(null, { name: 'regency', value: params.get('regency') || '' });
  const cert = select([['', t('all')], ...CERTIFICATIONS.map((c) => [c, c])], { name: 'certification', value: params.get('certification') || '' });
  const filters = h('form', { class: 'card', id: 'firm-filters', role: 'search' },
    h('div', { class: 'row' },
      field(t('firms.q'), q), field(t('firms.province'), province), field(t('firms.kbli'), kbli),
      field(t('firms.regency'), regency), field(t('firms.cert'), cert),
      h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary' }, t('firms.filter')))));
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const wanted = { q: q.value.trim(), province: province.value, kbli: kbli.value.trim(), regency: regency.value, certification: cert.value };
    navigate(`/firma${query(wanted)}`);
  });
  const body = h('tbody');
  const counter = h('p', { class: 'muted', 'aria-live': 'polite' });
  const more = button(t('more'), { id: 'firms-more', hidden: true });
  const tableEl = h('table', { class: 'data', id: 'firms-table' },
    h('thead', {}, h('tr', {}, [t('firms.name'), t('firms.province'), t('firms.regency'), t('firm.kbli'), t('firms.products'), t('firms.needs')]
      .map((x) => h('th', { scope: 'col' }, x)))), body);
  fill(root, h('h1', {}, t('firms.title')), filters, counter, tableEl, more);

  const filter = Object.fromEntries([...params.entries()].filter(([, v]) => v));
  let cursor = null;
  let shown = 0;
  async function page() {
    const answer = await get(`/firms${query({ ...filter, cursor, limit: 50 })}`);
    for (const f of answer.firms) {
      body.append(h('tr', {},
        h('td', {}, h('a', { href: `#/firma/${seg(f.id)}` }, f.name)),
        h('td', {}, provinceBadge(f.province)),
        h('td', {}, f.regency_name || names.get(f.regency) || f.regency),
        h('td', {}, f.kbli.join(', ')),
        h('td', {}, f.products.map((p) => p.name).join('; ')),
        h('td', {}, f.needs.map((n) => n.name).join('; '))));
    }
    shown += answer.firms.length;
    cursor = answer.next_cursor;
    more.hidden = !cursor;
    counter.textContent = shown ? t('firms.count', { n: num(shown) }) : t('firms.none');
  }
  more.addEventListener('click', () => busy(more, page).catch((e) => toast(e.message, 'bad')));
  await page();
}

/** A firm's profile as read-only sections. */
export function profileView(firm, names) {
  const facts = [
    [t('firms.province'), t(`province.${firm.province}`)],
    [t('firms.regency'), firm.regency_name || names.get(firm.regency) || firm.regency],
    [t('firm.kbli'), firm.kbli.join(', ')],
    [t('firm.size'), t(`size.${firm.size}`)],
    [t('firm.employees'), num(firm.employees, 0)],
    [t('firm.certs'), firm.certifications.length ? firm.certifications.join(', ') : t('none')],
  ];
  if (firm.contact) {
    facts.push([t('firm.contact'), [firm.contact.person, firm.contact.phone, firm.contact.email].filter(Boolean).join(' · ')]);
  }
  return h('div', { class: 'card' },
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h2', {}, t('firms.products')),
    firm.products.length
      ? h('table', { class: 'data' }, h('thead', {}, h('tr', {}, [t('firms.name'), t('firm.hs'), t('firm.capacity')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, firm.products.map((p) => h('tr', {}, h('td', {}, p.name), h('td', {}, p.hs_code || '–'), h('td', { class: 'num' }, rate(p.capacity))))))
      : h('p', { class: 'muted' }, t('none')),
    h('h2', {}, t('firms.needs')),
    firm.needs.length
      ? h('table', { class: 'data' }, h('thead', {}, h('tr', {}, [t('firms.name'), t('firm.hs'), t('firm.volume'), t('firm.required')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, firm.needs.map((n) => h('tr', {}, h('td', {}, n.name), h('td', {}, n.hs_code || '–'), h('td', { class: 'num' }, rate(n.volume)),
          h('td', {}, (n.required_certifications || []).join(', ') || '–')))))
      : h('p', { class: 'muted' }, t('none')));
}

/**
 * The recommended partners of a firm with a form for direction, scope and count. Used by
 * the organizer's firm page and by the firm's own page.
 */
export async function matchesSection(firmId, names, { heading = t('matches.title'), linkPartners = false } = {}) {
  const direction = select([['both', t('matches.both')], ['supplies', t('matches.supplies')], ['buys', t('matches.buys')]], { name: 'direction' });
  const scope = select([['other', t('scope.other')], ['both', t('scope.all')]], { name: 'scope' });
  const limit = select(['5', '10', '20', '50'], { name: 'limit', value: '10' });
  const out = h('div', { id: 'matches', 'aria-live': 'polite' });
  const form = h('form', { class: 'row no-print', id: 'matches-form' },
    field(t('matches.direction'), direction), field(t('matches.scope'), scope), field(t('matches.limit'), limit),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('matches.show'))));
  async function load() {
    try {
      const answer = await get(`/firms/${seg(firmId)}/matches${query({ limit: limit.value, direction: direction.value, scope: scope.value, lang: lang() })}`);
      fill(out, answer.matches.length ? answer.matches.map((m, i) => matchItem(m, i, names, linkPartners)) : h('p', { class: 'muted' }, t('matches.none')));
    } catch (e) {
      fill(out, errorBox(e));
    }
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  await load();
  const section = h('section', { class: 'card', 'aria-labelledby': 'matches-h' }, h('h2', { id: 'matches-h' }, heading), form, out);
  // Lets a page ask again with the same choices, e.g. after the firm saved its profile.
  section.refresh = load;
  return section;
}

function matchItem(m, i, names, linkPartners) {
  const p = m.partner;
  const title = linkPartners ? h('a', { href: `#/firma/${seg(p.id)}` }, p.name) : p.name;
  const comps = Object.entries(m.components).map(([k, v]) => `${t(`comp.${k}`)} ${percent(v)}`).join(' · ');
  return h('article', { class: 'match', dataset: { partner: p.id } },
    h('h3', {}, `${i + 1}. `, title, ' ', provinceBadge(p.province), h('span', { class: 'muted' }, ` ${names.get(p.regency) || p.regency}`)),
    h('p', {},
      h('span', { class: 'score' }, `${t('matches.score')} ${num(m.score * 100, 0)}`), ' ',
      h('span', { class: 'bar', style: null, 'aria-hidden': 'true', dataset: { w: Math.round(m.score * 100) } }),
      ` · ${t(`matches.dir.${m.direction}`)}`),
    h('p', { class: 'muted' }, comps),
    h('ul', { class: 'reasons', 'aria-label': t('matches.reasons') }, m.reasons.map((r) => h('li', {}, r))));
}

export async function detail(root, { id }) {
  const [firm, names] = await Promise.all([get(`/firms/${seg(id)}`), regencyNames()]);
  const tokenOut = h('div', { 'aria-live': 'polite' });
  const reissue = button(t('firm.token'), { id: 'reissue-token' });
  reissue.addEventListener('click', () => {
    if (!window.confirm(t('firm.token.confirm'))) return;
    busy(reissue, async () => {
      const issued = await post(`/firms/${seg(id)}/token`);
      fill(tokenOut, h('div', { class: 'notice' }, h('p', {}, t('firm.token.new')), h('code', { class: 'token' }, issued.token)));
    }).catch((e) => fill(tokenOut, errorBox(e)));
  });
  fill(root,
    h('p', { class: 'no-print' }, h('a', { href: '#/firma' }, `← ${t('firms.title')}`)),
    h('h1', {}, firm.name, ' ', provinceBadge(firm.province)),
    profileView(firm, names),
    h('div', { class: 'actions' }, reissue), tokenOut,
    await matchesSection(id, names, { linkPartners: true }));
  sizeBars(root);
}

/** The signed-in firm's own recommendations. */
export async function ownMatches(root, _params, session) {
  const names = await regencyNames();
  fill(root, h('h1', {}, t('matches.own', { name: session.me.name || session.me.firm_id })),
    await matchesSection(session.me.firm_id, names, { heading: t('matches.title') }));
  sizeBars(root);
}

/** Bars get their width from data (inline styles are refused by the page's policy). */
export function sizeBars(root) {
  const observer = () => root.querySelectorAll('.bar[data-w]').forEach((b) => {
    b.style.width = `${Number(b.dataset.w) * 0.8}px`;
  });
  observer();
  new MutationObserver(observer).observe(root, { childList: true, subtree: true });
}
