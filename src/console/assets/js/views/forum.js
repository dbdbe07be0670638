// One forum, run from five tabs: participants (peserta), meeting requests (permintaan),
// the timetable with its grid, per-firm agendas, print and repair (jadwal), the outcome of
// each meeting (hasil) and the trade report with charts (laporan). Everything goes through
// the /v1 API; this module owns only how the forum is shown and edited.

import { ApiError, del, download, get, post, put, query, seg } from '../api.js';
import {
  busy, button, errorBox, field, fill, h, input, select, showErrors, table, toast,
} from '../dom.js';
import {
  clock, dateLong, dateShort, instant, lang, num, percent, register, rupiah, t, zoneName,
} from '../i18n.js';
import { PERIODS, UNITS } from '../reference.js';
import { forumDates } from './forums.js';
import { provinceBadge } from './firms.js';

register({
  id: {
    'forum.back': '← Semua forum', 'forum.facts': '{dates} · {zone} · {tables} meja · {slots} slot pertemuan',
    'forum.tabs': 'Bagian forum', 'forum.notab': 'Bagian forum ini tidak ada.',
    'tab.peserta': 'Peserta', 'tab.permintaan': 'Permintaan', 'tab.jadwal': 'Jadwal', 'tab.hasil': 'Hasil', 'tab.laporan': 'Laporan',
    'col.name': 'Nama', 'col.province': 'Provinsi', 'col.regency': 'Kabupaten/kota', 'col.kbli': 'KBLI',
    'col.max': 'Maks. pertemuan', 'col.host': 'Tuan rumah meja', 'col.actions': 'Tindakan',
    // peserta
    'p.add': 'Tambah peserta', 'p.search': 'Cari firma (nama, produk atau kebutuhan)', 'p.search.go': 'Cari',
    'p.found': '{n} firma ditemukan', 'p.notfound': 'Tidak ada firma yang cocok.', 'p.already': 'sudah terdaftar',
    'p.add.one': 'Tambah', 'p.paste': 'Tempel id firma (satu per baris)', 'p.paste.go': 'Daftarkan semua',
    'p.paste.empty': 'Tempel setidaknya satu id firma.',
    'p.defaults': 'Untuk peserta yang ditambahkan', 'p.max.hint': 'Kosongkan bila tanpa batas.',
    'p.added': '{n} peserta didaftarkan.', 'p.list': 'Daftar peserta', 'p.count': '{n} peserta: {ntb} dari NTB, {jatim} dari Jawa Timur.',
    'p.none': 'Belum ada peserta.', 'p.save': 'Simpan', 'p.saved': 'Pendaftaran {name} disimpan.',
    'p.withdraw': 'Mundurkan', 'p.withdraw.confirm': 'Mundurkan {name} dari forum? Pertemuannya di jadwal perlu diperbaiki sesudahnya.',
    'p.withdrawn': '{name} dimundurkan. Perbaiki jadwal di bagian Jadwal.',
    // permintaan
    'r.new': 'Permintaan bertemu baru', 'r.from': 'Dari', 'r.to': 'Kepada', 'r.priority': 'Prioritas', 'r.message': 'Pesan (opsional)',
    'r.choose': '— pilih peserta —', 'r.create': 'Kirim permintaan', 'r.created': 'Permintaan dicatat.',
    'r.prio.1': '1 — bila sempat', 'r.prio.2': '2 — penting', 'r.prio.3': '3 — wajib bertemu',
    'r.list': 'Daftar permintaan', 'r.none': 'Belum ada permintaan.', 'r.status': 'Status', 'r.msg': 'Pesan',
    'r.status.pending': 'menunggu', 'r.status.accepted': 'diterima', 'r.status.declined': 'ditolak',
    'r.accept': 'Terima', 'r.decline': 'Tolak', 'r.answered': 'Permintaan {status}.', 'r.needtwo': 'Daftarkan setidaknya dua peserta dulu.',
    // jadwal
    'j.generate': 'Buat jadwal', 'j.regenerate': 'Buat ulang jadwal', 'j.objective': 'Tujuan',
    'j.obj.max_value': 'Nilai pertemuan sebesar mungkin', 'j.obj.min_idle': 'Semua permintaan timbal balik, waktu tunggu sesingkat mungkin',
    'j.limit': 'Batas waktu pencarian (milidetik)', 'j.limit.hint': '1 sampai 60.000; 2.000 biasanya cukup.',
    'j.replace': 'Jadwal yang ada akan diganti, termasuk perbaikan sebelumnya. Lanjutkan?',
    'j.none': 'Jadwal belum dibuat. Daftarkan peserta, catat permintaan, lalu buat jadwal.',
    'j.status.optimal': 'Jadwal optimal: tidak ada susunan yang lebih baik untuk tujuan ini.',
    'j.status.feasible': 'Jadwal layak: semua aturan terpenuhi, tetapi belum terbukti yang terbaik.',
    'j.status.infeasible': 'Tidak ada jadwal yang memenuhi semua permintaan.',
    'j.stats': '{scheduled} pertemuan terjadwal. {with} peserta mendapat pertemuan, {without} tanpa pertemuan; {idle} slot kosong di antara pertemuan ({span} slot menunggu di tempat, termasuk saat berhalangan); {changes} kali pindah meja.',
    'j.gap.value': 'Nilai jadwal ini paling banyak {gap} di bawah susunan terbaik (batas atas {bound}).',
    'j.gap.idle': 'Paling banyak {n} slot kosong lebih banyak daripada susunan terbaik.',
    'j.made': 'Versi {version}, dibuat {when}.', 'j.generated': 'Jadwal dibuat: {n} pertemuan.',
    'j.unscheduled': 'Permintaan yang tidak terjadwal ({n})', 'j.reasons': 'Alasan',
    'j.grid': 'Jadwal per meja', 'j.grid.caption': 'Pertemuan per slot dan meja; waktu {zone}.', 'j.time': 'Waktu',
    'j.table': 'Meja {n}', 'j.tablecol': 'Meja', 'j.kind.mutual': 'saling minta', 'j.kind.requested': 'diminta', 'j.kind.recommended': 'rekomendasi',
    'j.empty': 'kosong',
    'j.print': 'Cetak jadwal', 'j.csv': 'Unduh jadwal (CSV)', 'j.repair': 'Perbaiki jadwal',
    'j.repair.hint': 'Sesudah peserta mundur: pertemuan lain tetap di tempatnya, slot yang kosong diisi lagi.',
    'j.repaired': 'Jadwal diperbaiki: {kept} pertemuan tetap di slotnya, {moved} dipindah, {added} ditambahkan, {dropped} dibatalkan.',
    'j.firm': 'Agenda per peserta', 'j.firm.choose': 'Peserta', 'j.firm.pick': '— pilih peserta —',
    'j.firm.none': 'Peserta ini belum mendapat pertemuan.', 'j.partner': 'Mitra', 'j.origin': 'Asal', 'j.kind': 'Jenis',
    'j.ics': 'Unduh kalender (.ics)', 'j.agenda.csv': 'Unduh agenda (.csv)',
    'j.printed': 'Dicetak {date}',
    // hasil
    'o.none': 'Buat jadwal dulu; hasil dicatat per pertemuan di jadwal.',
    'o.list': 'Pertemuan dan hasilnya', 'o.count': '{recorded} dari {total} pertemuan sudah dicatat.',
    'o.meeting': 'Pertemuan', 'o.firm_a': 'Firma A', 'o.firm_b': 'Firma B', 'o.result': 'Hasil', 'o.record': 'Catat hasil', 'o.change': 'Ubah hasil',
    'o.unrecorded': 'belum dicatat', 'o.status': 'Status pertemuan',
    'o.status.held': 'berlangsung', 'o.status.no_show': 'tidak hadir', 'o.status.cancelled': 'dibatalkan',
    'o.noshow': 'Yang tidak hadir', 'o.noshow.both': 'keduanya', 'o.interest': 'Minat {name}',
    'o.interest.none': 'tidak berminat', 'o.interest.low': 'minat rendah', 'o.interest.high': 'minat tinggi',
    'o.notes': 'Catatan (opsional)', 'o.deals': 'Transaksi dan surat minat (LoI)', 'o.deal': 'Transaksi {n}',
    'o.kind': 'Jenis', 'o.kind.deal': 'transaksi', 'o.kind.letter_of_intent': 'surat minat (LoI)',
    'o.product': 'Produk', 'o.amount': 'Volume', 'o.unit': 'Satuan', 'o.per': 'Per', 'o.value': 'Nilai (Rp)',
    'o.value.hint': 'Rupiah, mis. 36.000.000', 'o.direction': 'Arah perdagangan',
    'dir.ntb_to_jatim': 'NTB → Jawa Timur', 'dir.jatim_to_ntb': 'Jawa Timur → NTB',
    'o.adddeal': 'Tambah transaksi', 'o.removedeal': 'Hapus transaksi {n}', 'o.save': 'Simpan hasil',
    'o.saved': 'Hasil pertemuan disimpan.', 'o.summary': '{deals} transaksi/LoI, {value}', 'o.editing': 'Hasil pertemuan {a} — {b}',
    'o.close': 'Tutup',
    // laporan
    'l.none': 'Laporan tersedia sesudah jadwal dibuat.', 'l.numbers': 'Angka utama',
    'l.planned': 'Pertemuan terjadwal', 'l.held': 'Berlangsung', 'l.noshow': 'Tidak hadir ({rate})', 'l.cancelled': 'Dibatalkan',
    'l.unrecorded': 'Belum dicatat', 'l.deals': 'Transaksi', 'l.loi': 'Surat minat (LoI)', 'l.value': 'Nilai transaksi',
    'l.firms': 'Firma dengan transaksi', 'l.firms.of': '{n} dari {total} ({share})',
    'l.bydir': 'Menurut arah perdagangan', 'l.bysector': 'Menurut golongan pokok KBLI pemasok', 'l.byregency': 'Menurut kabupaten/kota pemasok',
    'l.key': 'Kelompok', 'l.count.deals': 'Transaksi', 'l.count.loi': 'LoI', 'l.count.value': 'Nilai',
    'l.nodeals': 'Belum ada transaksi tercatat.',
    'l.chart.dir': 'Nilai transaksi menurut arah', 'l.chart.dir.desc': 'Batang sepanjang nilai transaksi dan LoI tiap arah perdagangan, dalam rupiah.',
    'l.chart.band': 'Tingkat transaksi menurut skor kecocokan', 'l.chart.band.desc': 'Bagian pertemuan yang berlangsung dan berakhir dengan transaksi atau LoI, per kelompok skor kecocokan.',
    'l.band': 'Skor kecocokan', 'l.band.requested': 'atas permintaan', 'l.band.held': 'Berlangsung', 'l.band.deal': 'Dengan transaksi', 'l.band.rate': 'Tingkat',
    'l.rate.text': '{rate} ({deal} dari {held})',
    'l.csv': 'Unduh laporan (CSV)', 'l.print': 'Cetak laporan', 'l.title': 'Laporan hasil temu bisnis',
  },
  en: {
    'forum.back': '← All forums', 'forum.facts': '{dates} · {zone} · {tables} tables · {slots} meeting slots',
    'forum.tabs': 'Forum sections', 'forum.notab': 'This forum section does not exist.',
    'tab.peserta': 'Participants', 'tab.permintaan': 'Requests', 'tab.jadwal': 'Timetable', 'tab.hasil': 'Outcomes', 'tab.laporan': 'Report',
    'col.name': 'Name', 'col.province': 'Province', 'col.regency': 'Regency/city', 'col.kbli': 'KBLI',
    'col.max': 'Max. meetings', 'col.host': 'Hosts a table', 'col.actions': 'Actions',
    'p.add': 'Add participants', 'p.search': 'Search firms (name, product or need)', 'p.search.go': 'Search',
    'p.found': '{n} firms found', 'p.notfound': 'No firm matches.', 'p.already': 'registered',
    'p.add.one': 'Add', 'p.paste': 'Paste firm ids (one per line)', 'p.paste.go': 'Register all',
    'p.paste.empty': 'Paste at least one firm id.',
    'p.defaults': 'For the participants added', 'p.max.hint': 'Leave empty for no limit.',
    'p.added': '{n} participants registered.', 'p.list': 'Participants', 'p.count': '{n} participants: {ntb} from NTB, {jatim} from East Java.',
    'p.none': 'No participant yet.', 'p.save': 'Save', 'p.saved': 'Registration of {name} saved.',
    'p.withdraw': 'Withdraw', 'p.withdraw.confirm': 'Withdraw {name} from the forum? Repair the timetable afterwards.',
    'p.withdrawn': '{name} withdrawn. Repair the timetable in the Timetable section.',
    'r.new': 'New meeting request', 'r.from': 'From', 'r.to': 'To', 'r.priority': 'Priority', 'r.message': 'Message (optional)',
    'r.choose': '— choose a participant —', 'r.create': 'Send request', 'r.created': 'Request recorded.',
    'r.prio.1': '1 — if there is time', 'r.prio.2': '2 — important', 'r.prio.3': '3 — must meet',
    'r.list': 'Requests', 'r.none': 'No request yet.', 'r.status': 'Status', 'r.msg': 'Message',
    'r.status.pending': 'pending', 'r.status.accepted': 'accepted', 'r.status.declined': 'declined',
    'r.accept': 'Accept', 'r.decline': 'Decline', 'r.answered': 'Request {status}.', 'r.needtwo': 'Register at least two participants first.',
    'j.generate': 'Generate timetable', 'j.regenerate': 'Generate again', 'j.objective': 'Objective',
    'j.obj.max_value': 'Most valuable meetings', 'j.obj.min_idle': 'Every mutual request, least waiting',
    'j.limit': 'Search time limit (milliseconds)', 'j.limit.hint': '1 to 60,000; 2,000 is usually enough.',
    'j.replace': 'The current timetable will be replaced, repairs included. Continue?',
    'j.none': 'No timetable yet. Register participants, record requests, then generate it.',
    'j.status.optimal': 'Optimal timetable: no better arrangement exists for this objective.',
    'j.status.feasible': 'Feasible timetable: every rule holds, not proven the best.',
    'j.status.infeasible': 'No timetable meets every request.',
    'j.stats': '{scheduled} meetings scheduled. {with} participants have meetings, {without} have none; {idle} idle slots between meetings ({span} slots waited on site, unavailable ones included); {changes} table changes.',
    'j.gap.value': "This plan's value is at most {gap} below the best arrangement (upper bound {bound}).",
    'j.gap.idle': 'At most {n} idle slots more than the best arrangement.',
    'j.made': 'Version {version}, generated {when}.', 'j.generated': 'Timetable generated: {n} meetings.',
    'j.unscheduled': 'Requests not scheduled ({n})', 'j.reasons': 'Reasons',
    'j.grid': 'Timetable by table', 'j.grid.caption': 'Meetings by slot and table; times in {zone}.', 'j.time': 'Time',
    'j.table': 'Table {n}', 'j.tablecol': 'Table', 'j.kind.mutual': 'mutual', 'j.kind.requested': 'requested', 'j.kind.recommended': 'recommended',
    'j.empty': 'free',
    'j.print': 'Print timetable', 'j.csv': 'Download timetable (CSV)', 'j.repair': 'Repair timetable',
    'j.repair.hint': 'After a withdrawal: other meetings stay where they are, freed slots are filled again.',
    'j.repaired': 'Timetable repaired: {kept} meetings kept their slot, {moved} moved, {added} added, {dropped} dropped.',
    'j.firm': 'Agenda per participant', 'j.firm.choose': 'Participant', 'j.firm.pick': '— choose a participant —',
    'j.firm.none': 'This participant has no meeting yet.', 'j.partner': 'Partner', 'j.origin': 'From', 'j.kind': 'Kind',
    'j.ics': 'Download calendar (.ics)', 'j.agenda.csv': 'Download agenda (.csv)',
    'j.printed': 'Printed {date}',
    'o.none': 'Generate the timetable first; outcomes are recorded per meeting of it.',
    'o.list': 'Meetings and their outcomes', 'o.count': '{recorded} of {total} meetings recorded.',
    'o.meeting': 'Meeting', 'o.firm_a': 'Firm A', 'o.firm_b': 'Firm B', 'o.result': 'Outcome', 'o.record': 'Record outcome', 'o.change': 'Change outcome',
    'o.unrecorded': 'not recorded', 'o.status': 'Meeting status',
    'o.status.held': 'held', 'o.status.no_show': 'no-show', 'o.status.cancelled': 'cancelled',
    'o.noshow': 'Who did not come', 'o.noshow.both': 'both', 'o.interest': 'Interest of {name}',
    'o.interest.none': 'not interested', 'o.interest.low': 'low interest', 'o.interest.high': 'high interest',
    'o.notes': 'Notes (optional)', 'o.deals': 'Deals and letters of intent (LoI)', 'o.deal': 'Deal {n}',
    'o.kind': 'Kind', 'o.kind.deal': 'deal', 'o.kind.letter_of_intent': 'letter of intent (LoI)',
    'o.product': 'Product', 'o.amount': 'Volume', 'o.unit': 'Unit', 'o.per': 'Per', 'o.value': 'Value (Rp)',
    'o.value.hint': 'Rupiah, e.g. 36000000', 'o.direction': 'Trade direction',
    'dir.ntb_to_jatim': 'NTB → East Java', 'dir.jatim_to_ntb': 'East Java → NTB',
    'o.adddeal': 'Add a deal', 'o.removedeal': 'Remove deal {n}', 'o.save': 'Save outcome',
    'o.saved': 'Meeting outcome saved.', 'o.summary': '{deals} deals/LoI, {value}', 'o.editing': 'Outcome of the meeting {a} — {b}',
    'o.close': 'Close',
    'l.none': 'The report is available once the timetable exists.', 'l.numbers': 'Key numbers',
    'l.planned': 'Meetings planned', 'l.held': 'Held', 'l.noshow': 'No-show ({rate})', 'l.cancelled': 'Cancelled',
    'l.unrecorded': 'Not recorded', 'l.deals': 'Deals', 'l.loi': 'Letters of intent', 'l.value': 'Trade value',
    'l.firms': 'Firms with a deal', 'l.firms.of': '{n} of {total} ({share})',
    'l.bydir': 'By trade direction', 'l.bysector': "By the supplier's KBLI division", 'l.byregency': "By the supplier's regency/city",
    'l.key': 'Group', 'l.count.deals': 'Deals', 'l.count.loi': 'LoI', 'l.count.value': 'Value',
    'l.nodeals': 'No deal recorded yet.',
    'l.chart.dir': 'Trade value by direction', 'l.chart.dir.desc': 'Bars as long as the value of deals and letters of intent per trade direction, in rupiah.',
    'l.chart.band': 'Deal rate by match score', 'l.chart.band.desc': 'Share of held meetings that ended with a deal or letter of intent, per match-score band.',
    'l.band': 'Match score', 'l.band.requested': 'on request', 'l.band.held': 'Held', 'l.band.deal': 'With a deal', 'l.band.rate': 'Rate',
    'l.rate.text': '{rate} ({deal} of {held})',
    'l.csv': 'Download report (CSV)', 'l.print': 'Print report', 'l.title': 'Business forum trade report',
  },
});

const TABS = [
  ['peserta', participantsTab],
  ['permintaan', requestsTab],
  ['jadwal', timetableTab],
  ['hasil', outcomesTab],
  ['laporan', reportTab],
];

// ---------------------------------------------------------------- shared pieces

/** Firm profiles by id, fetched once per page load (a few at a time). */
const firmCache = new Map();

async function firmsById(ids) {
  const missing = [...new Set(ids)].filter((id) => !firmCache.has(id));
  let next = 0;
  const worker = async () => {
    while (next < missing.length) {
      const id = missing[next++];
      try {
        firmCache.set(id, await get(`/firms/${seg(id)}`));
      } catch {
        // A firm deleted since it registered: show its id.
        firmCache.set(id, { id, name: id, province: '', regency_name: '' });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, missing.length) }, worker));
  return firmCache;
}

const firmName = (id) => firmCache.get(id)?.name || id;

/** The timetable, or null while none was generated. */
async function loadSchedule(forum) {
  if (!forum.has_schedule) return null;
  try {
    return await get(`/events/${seg(forum.id)}/schedule`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** "Kamis, 10 Des 2026 · pagi · 08.30–08.50 WITA" for a slot. */
function slotText(forum, index) {
  const s = forum.slots[index];
  if (!s) return `#${index}`;
  return `${dateShort(s.date)} · ${s.session} · ${clock(s.start)}–${clock(s.end)} ${zoneName(forum.time_zone)}`;
}

const tableName = (forum, i) => forum.table_names?.[i] || t('j.table', { n: i + 1 });

/** A label only screen readers see, for inputs inside table rows. */
function hiddenLabel(el, text) {
  return h('label', { for: el.id, class: 'visually-hidden' }, text);
}

let uid = 0;
const fid = (prefix) => `${prefix}-${++uid}`;

function th(text, attrs = {}) {
  return h('th', { scope: 'col', ...attrs }, text);
}

/** A notice that survives a reload of the tab (e.g. what a repair did). */
function flashBox(flash) {
  return flash ? h('div', { class: 'notice', role: 'status', id: flash.id || null, tabindex: '-1' }, h('p', {}, flash.text)) : null;
}

// ---------------------------------------------------------------- the page

export async function render(root, { id, tab }) {
  const slug = tab || 'peserta';
  const entry = TABS.find(([s]) => s === slug);
  const forum = await get(`/events/${seg(id)}`);
  const panel = h('section', { id: 'forum-panel', 'aria-labelledby': 'forum-tab-title' });
  const base = `#/forum/${encodeURIComponent(forum.id)}`;
  fill(root,
    h('p', { class: 'no-print' }, h('a', { href: '#/forum' }, t('forum.back'))),
    h('h1', { class: 'no-print' }, forum.name),
    h('p', { class: 'muted no-print' }, t('forum.facts', {
      dates: forumDates(forum), zone: zoneName(forum.time_zone), tables: num(forum.tables), slots: num(forum.slots.length),
    }), forum.venue ? ` · ${forum.venue}` : ''),
    h('nav', { 'aria-label': t('forum.tabs'), class: 'no-print' },
      h('ul', { class: 'tabs' }, TABS.map(([s]) => h('li', {},
        h('a', { href: `${base}/${s}`, id: `tab-${s}`, 'aria-current': s === slug ? 'page' : null }, t(`tab.${s}`)))))),
    panel);
  if (!entry) {
    fill(panel, h('p', { class: 'form-errors', role: 'alert' }, t('forum.notab')));
    return;
  }
  await showTab(panel, forum, entry[1]);
}

/** (Re)draws a tab; `flash` is a message to keep on top after an action. */
async function showTab(panel, forum, draw, flash) {
  const reload = (next) => showTab(panel, forum, draw, next).catch((e) => fill(panel, errorBox(e)));
  await draw(panel, forum, reload, flash);
  const notice = flash && panel.querySelector('.notice[tabindex]');
  if (notice) notice.focus();
}

function tabTitle(key) {
  return h('h2', { id: 'forum-tab-title' }, t(key));
}

// ---------------------------------------------------------------- peserta

// The last firm search, run again after a registration so the organizer can keep adding.
let lastSearch = null;

async function participantsTab(panel, forum, reload, flash) {
  const participants = await get(`/events/${seg(forum.id)}/participants`);
  await firmsById(participants.map((p) => p.firm_id));
  const registered = new Set(participants.map((p) => p.firm_id));

  // Settings given to every firm added below.
  const defMax = input({ id: 'p-default-max', type: 'number', inputmode: 'numeric' });
  const defHost = h('input', { type: 'checkbox', id: 'p-default-host' });
  const defaults = () => {
    const extra = {};
    if (defMax.value.trim() !== '') extra.max_meetings = toInteger(defMax.value);
    if (defHost.checked) extra.host = true;
    return extra;
  };

  const addBox = h('div', { id: 'p-add-result', 'aria-live': 'polite' });
  const enrol = async (entries) => {
    const body = entries.map((firm_id) => ({ firm_id, ...defaults() }));
    const stored = await post(`/events/${seg(forum.id)}/participants`, body);
    reload({ text: t('p.added', { n: num(stored.length) }) });
  };

  // Search over the firm directory.
  const q = input({ id: 'p-search', type: 'search', autocomplete: 'off' });
  const results = h('div', { id: 'p-results', 'aria-live': 'polite' });
  const searchForm = h('form', { class: 'row', id: 'p-search-form', role: 'search' },
    field(t('p.search'), q),
    h('div', { class: 'field' }, h('button', { type: 'submit', id: 'p-search-go' }, t('p.search.go'))));
  searchForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    lastSearch = { forum: forum.id, q: q.value.trim() };
    try {
      const page = await get(`/firms${query({ q: q.value.trim(), limit: 20 })}`);
      if (!page.firms.length) {
        fill(results, h('p', {}, t('p.notfound')));
        return;
      }
      fill(results, h('p', { class: 'muted' }, t('p.found', { n: num(page.firms.length) })),
        h('table', { class: 'data', id: 'p-results-table' },
          h('thead', {}, h('tr', {}, th(t('col.name')), th(t('col.province')), th(t('col.regency')), th(t('col.kbli')), th(t('col.actions')))),
          h('tbody', {}, page.firms.map((f) => h('tr', {},
            h('td', {}, f.name), h('td', {}, provinceBadge(f.province)), h('td', {}, f.regency_name || f.regency),
            h('td', {}, (f.kbli || []).join(', ')),
            h('td', {}, registered.has(f.id)
              ? h('span', { class: 'muted' }, t('p.already'))
              : h('button', {
                type: 'button', class: 'p-add-one', 'data-firm': f.id,
                onclick: (e) => busy(e.currentTarget, () => enrol([f.id])).catch((err) => fill(addBox, errorBox(err))),
              }, t('p.add.one'), h('span', { class: 'visually-hidden' }, ` ${f.name}`))))))));
    } catch (e) {
      fill(results, errorBox(e));
    }
  });

  // Bulk registration by pasting ids.
  const paste = h('textarea', { id: 'p-paste', rows: 5, spellcheck: 'false' });
  const pasteGo = h('button', { type: 'submit', id: 'p-paste-go' }, t('p.paste.go'));
  const pasteForm = h('form', { id: 'p-paste-form' }, field(t('p.paste'), paste, { name: 'ids' }), h('div', { class: 'actions' }, pasteGo));
  pasteForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const lines = paste.value.split(/\r?\n/).map((x, i) => [x.trim(), i + 1]).filter(([x]) => x);
    if (!lines.length) {
      showErrors(pasteForm, { fields: [{ field: 'ids', message: t('p.paste.empty') }], problem: { code: 'validation_failed' } });
      return;
    }
    busy(pasteGo, () => enrol(lines.map(([x]) => x))).catch((e) => {
      // The API numbers the registrations from 1; the organizer reads lines of the box.
      for (const f of e.fields || []) if (f.line) f.line = lines[f.line - 1]?.[1] ?? f.line;
      showErrors(pasteForm, e);
    });
  });

  const addCard = h('div', { class: 'card', id: 'p-add' },
    h('h3', {}, t('p.add')),
    h('fieldset', { class: 'row' }, h('legend', {}, t('p.defaults')),
      field(t('col.max'), defMax, { hint: t('p.max.hint') }),
      h('div', { class: 'field inline' }, defHost, h('label', { for: 'p-default-host' }, t('col.host')))),
    searchForm, results, pasteForm, addBox);

  // The list, with each registration editable and withdrawable.
  participants.sort((a, b) => firmName(a.firm_id).localeCompare(firmName(b.firm_id)));
  const count = (p) => participants.filter((x) => firmCache.get(x.firm_id)?.province === p).length;
  const rows = participants.map((p) => participantRow(forum, p, reload));
  fill(panel,
    tabTitle('tab.peserta'),
    flashBox(flash),
    addCard,
    h('h3', {}, t('p.list')),
    participants.length
      ? [h('p', { id: 'p-count' }, t('p.count', { n: num(participants.length), ntb: num(count('NTB')), jatim: num(count('JATIM')) })),
        h('table', { class: 'data', id: 'participants-table' },
          h('thead', {}, h('tr', {}, th(t('col.name')), th(t('col.province')), th(t('col.regency')), th(t('col.max')), th(t('col.host')), th(t('col.actions')))),
          h('tbody', {}, rows))]
      : h('p', {}, t('p.none')));
  if (lastSearch?.forum === forum.id && lastSearch.q) {
    q.value = lastSearch.q;
    searchForm.requestSubmit();
  }
}

function participantRow(forum, p, reload) {
  const firm = firmCache.get(p.firm_id) || {};
  const name = firm.name || p.firm_id;
  const max = input({ id: fid('p-max'), type: 'number', inputmode: 'numeric', class: 'narrow-input', value: p.max_meetings ?? '' });
  max.dataset.field = 'max_meetings';
  const host = h('input', { type: 'checkbox', id: fid('p-host'), checked: p.host || null });
  const save = button(t('p.save'), { class: 'p-save' });
  const withdraw = button(t('p.withdraw'), { class: 'danger p-withdraw', 'data-firm': p.firm_id });
  const row = h('tr', { 'data-firm': p.firm_id },
    h('th', { scope: 'row' }, h('a', { href: `#/firma/${encodeURIComponent(p.firm_id)}` }, name)),
    h('td', {}, firm.province ? provinceBadge(firm.province) : '–'),
    h('td', {}, firm.regency_name || firm.regency || '–'),
    h('td', {}, hiddenLabel(max, `${t('col.max')}: ${name}`), max,
      h('p', { class: 'field-error', id: `${max.id}-error`, hidden: true })),
    h('td', {}, hiddenLabel(host, `${t('col.host')}: ${name}`), host),
    h('td', {}, h('div', { class: 'row' },
      h('span', {}, save, h('span', { class: 'visually-hidden' }, ` ${name}`)),
      h('span', {}, withdraw, h('span', { class: 'visually-hidden' }, ` ${name}`)))));
  save.addEventListener('click', () => busy(save, async () => {
    const body = { firm_id: p.firm_id, host: host.checked, unavailable_slots: p.unavailable_slots || [] };
    if (max.value.trim() !== '') body.max_meetings = toInteger(max.value);
    try {
      await post(`/events/${seg(forum.id)}/participants`, body);
      toast(t('p.saved', { name }));
    } catch (e) {
      showErrors(row.querySelector('td:nth-child(4)'), e);
    }
  }));
  withdraw.addEventListener('click', () => {
    if (!window.confirm(t('p.withdraw.confirm', { name }))) return;
    busy(withdraw, async () => {
      await del(`/events/${seg(forum.id)}/participants/${seg(p.firm_id)}`);
      reload({ text: t('p.withdrawn', { name }) });
    }).catch((e) => toast(e.message, 'bad'));
  });
  return row;
}

/** A whole number from a text field, or the text itself so the API's 422 names the field. */
function toInteger(text) {
  const v = text.trim();
  const n = Number(v);
  return v !== '' && Number.isInteger(n) ? n : v;
}

// ---------------------------------------------------------------- permintaan

async function requestsTab(panel, forum, reload, flash) {
  const [participants, requests] = await Promise.all([
    get(`/events/${seg(forum.id)}/participants`),
    get(`/events/${seg(forum.id)}/requests`),
  ]);
  await firmsById([...participants.map((p) => p.firm_id), ...requests.flatMap((r) => [r.from, r.to])]);
  const options = participants
    .map((p) => [p.firm_id, `${firmName(p.firm_id)} (${firmCache.get(p.firm_id)?.province || '?'})`])
    .sort((a, b) => a[1].localeCompare(b[1]));
  const from = select([['', t('r.choose')], ...options], { id: 'r-from' });
  const to = select([['', t('r.choose')], ...options], { id: 'r-to' });
  const priority = select([1, 2, 3].map((n) => [String(n), t(`r.prio.${n}`)]), { id: 'r-priority', value: '2' });
  const message = h('textarea', { id: 'r-message', rows: 2 });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'r-create' }, t('r.create'));
  const form = h('form', { class: 'card', id: 'request-form', novalidate: true },
    h('h3', {}, t('r.new')),
    participants.length < 2 ? h('p', { class: 'muted' }, t('r.needtwo')) : null,
    h('div', { class: 'row' },
      field(t('r.from'), from, { name: 'from' }), field(t('r.to'), to, { name: 'to' }),
      field(t('r.priority'), priority, { name: 'priority' })),
    field(t('r.message'), message, { name: 'message' }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { from: from.value || null, to: to.value || null, priority: Number(priority.value) };
    if (message.value.trim()) body.message = message.value.trim();
    busy(submit, async () => {
      try {
        await post(`/events/${seg(forum.id)}/requests`, body);
        reload({ text: t('r.created') });
      } catch (e) {
        showErrors(form, e);
      }
    });
  });

  requests.sort((a, b) => b.created_at.localeCompare(a.created_at));
  const answer = (r, verb, btn) => busy(btn, async () => {
    const done = await post(`/events/${seg(forum.id)}/requests/${seg(r.id)}/${verb}`);
    reload({ text: t('r.answered', { status: t(`r.status.${done.status}`) }) });
  }).catch((e) => toast(e.message, 'bad'));
  const rows = requests.map((r) => {
    const label = ` ${firmName(r.from)} → ${firmName(r.to)}`;
    const accept = r.status !== 'accepted'
      ? button([t('r.accept'), h('span', { class: 'visually-hidden' }, label)], { class: 'r-accept', 'data-request': r.id }) : null;
    const decline = r.status !== 'declined'
      ? button([t('r.decline'), h('span', { class: 'visually-hidden' }, label)], { class: 'danger r-decline', 'data-request': r.id }) : null;
    accept?.addEventListener('click', () => answer(r, 'accept', accept));
    decline?.addEventListener('click', () => answer(r, 'decline', decline));
    return h('tr', { 'data-request': r.id },
      h('td', {}, firmName(r.from)), h('td', {}, firmName(r.to)),
      h('td', { class: 'num' }, num(r.priority)), h('td', {}, r.message || ''),
      h('td', {}, h('span', { class: `badge status-${r.status}` }, t(`r.status.${r.status}`))),
      h('td', {}, h('div', { class: 'row' }, accept, decline)));
  });
  fill(panel,
    tabTitle('tab.permintaan'),
    flashBox(flash),
    form,
    h('h3', {}, t('r.list')),
    requests.length
      ? h('table', { class: 'data', id: 'requests-table' },
        h('thead', {}, h('tr', {}, th(t('r.from')), th(t('r.to')), th(t('r.priority'), { class: 'num' }), th(t('r.msg')), th(t('r.status')), th(t('col.actions')))),
        h('tbody', {}, rows))
      : h('p', {}, t('r.none')));
}

// ---------------------------------------------------------------- jadwal

async function timetableTab(panel, forum, reload, flash) {
  const [plan, participants] = await Promise.all([loadSchedule(forum), get(`/events/${seg(forum.id)}/participants`)]);
  await firmsById([...participants.map((p) => p.firm_id), ...(plan?.meetings || []).flatMap((m) => [m.a, m.b])]);

  const objective = select(['max_value', 'min_idle'].map((o) => [o, t(`j.obj.${o}`)]), { id: 'j-objective', value: plan?.stats?.objective || 'max_value' });
  const limit = input({ id: 'j-limit', type: 'number', inputmode: 'numeric', value: '2000' });
  const generate = h('button', { type: 'submit', class: 'primary', id: 'j-generate' }, t(plan ? 'j.regenerate' : 'j.generate'));
  const genForm = h('form', { class: 'card no-print', id: 'generate-form', novalidate: true },
    h('div', { class: 'row' },
      field(t('j.objective'), objective, { name: 'objective' }),
      field(t('j.limit'), limit, { name: 'time_limit_ms', hint: t('j.limit.hint') }),
      h('div', { class: 'field' }, generate)));
  genForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (plan && !window.confirm(t('j.replace'))) return;
    busy(generate, async () => {
      try {
        const made = await post(`/events/${seg(forum.id)}/schedule`, { objective: objective.value, time_limit_ms: toInteger(limit.value), lang: lang() });
        forum.has_schedule = true;
        reload({ text: t('j.generated', { n: num(made.meetings.length) }) });
      } catch (e) {
        showErrors(genForm, e);
      }
    });
  });

  const printHeader = h('div', { class: 'print-only print-header' },
    h('p', { class: 'print-title' }, forum.name),
    h('p', {}, forumDates(forum), ` · ${zoneName(forum.time_zone)}`, forum.venue ? ` · ${forum.venue}` : ''),
    h('p', { class: 'muted' }, t('j.printed', { date: dateLong(new Date().toISOString().slice(0, 10)) })));

  if (!plan) {
    fill(panel, tabTitle('tab.jadwal'), flashBox(flash), genForm, h('p', { class: 'notice', id: 'j-none' }, t('j.none')));
    return;
  }

  const repair = button(t('j.repair'), { id: 'j-repair', 'aria-describedby': 'j-repair-hint' });
  repair.addEventListener('click', () => busy(repair, async () => {
    const done = await post(`/events/${seg(forum.id)}/schedule/repair`, { lang: lang() });
    reload({
      id: 'repair-result',
      text: t('j.repaired', { kept: num(done.kept), moved: num(done.moved.length), added: num(done.added.length), dropped: num(done.dropped.length) }),
    });
  }).catch((e) => toast(e.message, 'bad')));
  const actions = h('div', { class: 'actions no-print' },
    button(t('j.print'), { id: 'j-print', onclick: () => window.print() }),
    button(t('j.csv'), {
      id: 'j-csv',
      onclick: (e) => busy(e.currentTarget, () => download(`/events/${seg(forum.id)}/schedule/grid?format=csv`, `jadwal-${forum.id}.csv`)).catch((err) => toast(err.message, 'bad')),
    }),
    repair);

  const s = plan.stats;
  const summary = h('div', { class: 'card', id: 'j-summary' },
    h('p', { class: 'j-status' }, h('strong', {}, t(`j.status.${plan.status}`))),
    h('p', {}, t('j.stats', {
      scheduled: num(s.scheduled), with: num(s.participants_with_meetings), without: num(s.participants_without_meeting),
      idle: num(s.idle_slots), span: num(s.span_slots ?? s.idle_slots), changes: num(s.table_changes),
    })),
    gapLine(plan),
    h('p', { class: 'muted' }, t('j.made', { version: num(plan.version), when: instant(plan.generated_at, forum.time_zone) })),
    plan.reasons?.length ? h('ul', {}, plan.reasons.map((r) => h('li', {}, r))) : null,
    h('p', { class: 'hint no-print', id: 'j-repair-hint' }, t('j.repair.hint')),
    plan.unscheduled.length ? h('details', { class: 'no-print' },
      h('summary', {}, t('j.unscheduled', { n: num(plan.unscheduled.length) })),
      h('ul', {}, plan.unscheduled.map((u) => h('li', {}, `${firmName(u.a)} — ${firmName(u.b)}: ${u.reason}`)))) : null);

  fill(panel,
    printHeader,
    tabTitle('tab.jadwal'),
    flashBox(flash),
    genForm,
    summary,
    actions,
    h('h3', { class: 'no-print' }, t('j.grid')),
    h('div', { class: 'grid-wrap' }, gridTable(forum, plan)),
    firmAgenda(forum, participants));
}

/** How far from the best the plan can be, in the terms of its proven bound (none when optimal). */
function gapLine(plan) {
  const s = plan.stats;
  if (plan.status !== 'feasible' || s.gap == null || s.gap <= 0) return null;
  const text = s.objective === 'min_idle'
    ? t('j.gap.idle', { n: num(Math.max(0, Math.round(s.idle_slots - s.bound))) })
    : t('j.gap.value', { gap: percent(Math.max(s.gap, 0.001), 1), bound: num(s.bound, 1) });
  return h('p', { id: 'j-gap' }, text);
}

/** The timetable as slots (rows) × tables (columns), each cell the meeting there. */
function gridTable(forum, plan) {
  const at = new Map(plan.meetings.map((m) => [`${m.slot}:${m.table}`, m]));
  const zone = zoneName(forum.time_zone);
  const tables = Array.from({ length: forum.tables }, (_, i) => i);
  let lastDay = null;
  const rows = forum.slots.map((slot) => {
    const newDay = slot.date !== lastDay;
    lastDay = slot.date;
    return h('tr', { class: newDay ? 'day-start' : null },
      h('th', { scope: 'row', class: 'slot' },
        h('span', { class: 'slot-day' }, dateShort(slot.date), ' · ', slot.session),
        h('span', { class: 'slot-time' }, `${clock(slot.start)}–${clock(slot.end)} ${zone}`)),
      tables.map((table) => {
        const m = at.get(`${slot.index}:${table}`);
        if (!m) return h('td', { class: 'empty' }, h('span', { class: 'visually-hidden' }, t('j.empty')));
        // The kind comes first so it can float beside the names and keep rows short.
        return h('td', { class: `meeting kind-${m.kind}`, 'data-meeting': m.id },
          h('span', { class: 'badge kind' }, t(`j.kind.${m.kind}`)),
          h('span', { class: 'firm' }, firmName(m.a)),
          h('span', { class: 'firm' }, firmName(m.b)));
      }));
  });
  return h('table', { class: 'grid', id: 'schedule-grid' },
    h('caption', {}, t('j.grid.caption', { zone })),
    h('thead', {}, h('tr', {}, th(t('j.time')), tables.map((i) => th(tableName(forum, i))))),
    h('tbody', {}, rows));
}

/** One participant's agenda, with its calendar and sheet to download. */
function firmAgenda(forum, participants) {
  const options = participants.map((p) => [p.firm_id, firmName(p.firm_id)]).sort((a, b) => a[1].localeCompare(b[1]));
  const pick = select([['', t('j.firm.pick')], ...options], { id: 'j-firm' });
  const out = h('div', { id: 'j-agenda', 'aria-live': 'polite' });
  pick.addEventListener('change', async () => {
    const firm = pick.value;
    if (!firm) {
      fill(out);
      return;
    }
    fill(out, h('p', { class: 'loading' }, t('loading')));
    try {
      const agenda = await get(`/events/${seg(forum.id)}/agenda/${seg(firm)}?format=json`);
      const base = `/events/${seg(forum.id)}/agenda/${seg(firm)}`;
      const file = `agenda-${forum.id}-${firm}`;
      const ics = button(t('j.ics'), { id: 'j-ics', onclick: (e) => busy(e.currentTarget, () => download(`${base}?format=ics`, `${file}.ics`)).catch((err) => toast(err.message, 'bad')) });
      const csv = button(t('j.agenda.csv'), { id: 'j-agenda-csv', onclick: (e) => busy(e.currentTarget, () => download(`${base}?format=csv`, `${file}.csv`)).catch((err) => toast(err.message, 'bad')) });
      const zone = zoneName(agenda.time_zone || forum.time_zone);
      fill(out,
        h('div', { class: 'actions' }, ics, csv),
        agenda.meetings.length
          ? h('table', { class: 'data', id: 'agenda-table' },
            h('caption', {}, agenda.firm.name),
            h('thead', {}, h('tr', {}, th(t('j.time')), th(t('j.tablecol')), th(t('j.partner')), th(t('j.origin')), th(t('j.kind')))),
            h('tbody', {}, agenda.meetings.map((m) => h('tr', {},
              h('td', {}, `${dateShort(m.start.slice(0, 10))} · ${m.session} · ${clock(m.start)}–${clock(m.end)} ${zone}`),
              h('td', {}, m.table_name || tableName(forum, m.table)),
              h('td', {}, m.partner.name),
              h('td', {}, provinceBadge(m.partner.province), ' ', m.partner.regency),
              h('td', {}, t(`j.kind.${m.kind}`))))))
          : h('p', {}, t('j.firm.none')));
    } catch (e) {
      fill(out, errorBox(e));
    }
  });
  return h('div', { class: 'card no-print', id: 'firm-agenda' },
    h('h3', {}, t('j.firm')),
    field(t('j.firm.choose'), pick),
    out);
}

// ---------------------------------------------------------------- hasil

async function outcomesTab(panel, forum, reload, flash) {
  const plan = await loadSchedule(forum);
  if (!plan) {
    fill(panel, tabTitle('tab.hasil'), h('p', { class: 'notice' }, t('o.none'), ' ',
      h('a', { href: `#/forum/${encodeURIComponent(forum.id)}/jadwal` }, t('tab.jadwal'))));
    return;
  }
  const outcomes = await get(`/events/${seg(forum.id)}/outcomes`);
  await firmsById(plan.meetings.flatMap((m) => [m.a, m.b]));
  const byMeeting = new Map(outcomes.map((o) => [o.meeting_id, o]));
  const editor = h('div', { id: 'outcome-editor' });
  const meetings = [...plan.meetings].sort((x, y) => x.slot - y.slot || x.table - y.table);
  const rows = meetings.map((m) => {
    const o = byMeeting.get(m.id);
    const label = ` ${firmName(m.a)} — ${firmName(m.b)}`;
    const open = button([t(o ? 'o.change' : 'o.record'), h('span', { class: 'visually-hidden' }, label)], { class: 'o-open', 'data-meeting': m.id });
    open.addEventListener('click', () => {
      fill(editor, outcomeForm(forum, m, byMeeting.get(m.id), reload, () => fill(editor)));
      editor.querySelector('h3').focus();
      editor.scrollIntoView({ block: 'start' });
    });
    return h('tr', { 'data-meeting': m.id },
      h('td', {}, slotText(forum, m.slot)), h('td', {}, tableName(forum, m.table)),
      h('td', {}, firmName(m.a)), h('td', {}, firmName(m.b)),
      h('td', { class: 'o-result' }, outcomeSummary(o)),
      h('td', {}, open));
  });
  fill(panel,
    tabTitle('tab.hasil'),
    flashBox(flash),
    editor,
    h('h3', {}, t('o.list')),
    h('p', { id: 'o-count' }, t('o.count', { recorded: num(outcomes.length), total: num(plan.meetings.length) })),
    h('table', { class: 'data', id: 'outcomes-table' },
      h('thead', {}, h('tr', {}, th(t('j.time')), th(t('j.tablecol')), th(t('o.firm_a')), th(t('o.firm_b')), th(t('o.result')), th(t('col.actions')))),
      h('tbody', {}, rows)));
}

function outcomeSummary(o) {
  if (!o) return h('span', { class: 'muted' }, t('o.unrecorded'));
  const deals = o.deals || [];
  const value = deals.reduce((sum, d) => sum + (d.value_idr || 0), 0);
  return [h('span', { class: `badge outcome-${o.status}` }, t(`o.status.${o.status}`)),
    deals.length ? ` ${t('o.summary', { deals: num(deals.length), value: rupiah(value) })}` : ''];
}

/** The form of one meeting's outcome: POST the first time, PUT with the version after. */
function outcomeForm(forum, m, existing, reload, close) {
  const [nameA, nameB] = [firmName(m.a), firmName(m.b)];
  const status = select(['held', 'no_show', 'cancelled'].map((s) => [s, t(`o.status.${s}`)]), { id: 'o-status', value: existing?.status || 'held' });
  const noShow = select([['a', nameA], ['b', nameB], ['both', t('o.noshow.both')]], { id: 'o-noshow', value: existing?.no_show || 'a' });
  const noShowField = field(t('o.noshow'), noShow, { name: 'no_show' });
  const interest = (id, value) => select(['none', 'low', 'high'].map((v) => [v, t(`o.interest.${v}`)]), { id, value: value || 'none' });
  const interestA = interest('o-interest-a', existing?.interest_a);
  const interestB = interest('o-interest-b', existing?.interest_b);
  const notes = h('textarea', { id: 'o-notes', rows: 2 }, existing?.notes || '');
  const deals = h('div', { id: 'o-deals' });
  const save = h('button', { type: 'submit', class: 'primary', id: 'o-save' }, t('o.save'));
  const form = h('form', { class: 'card', id: 'outcome-form', novalidate: true, 'data-meeting': m.id },
    h('h3', { tabindex: '-1' }, t('o.editing', { a: nameA, b: nameB })),
    h('p', { class: 'muted' }, `${slotText(forum, m.slot)} · ${tableName(forum, m.table)}`),
    h('div', { class: 'row' },
      field(t('o.status'), status, { name: 'status' }), noShowField,
      field(t('o.interest', { name: nameA }), interestA, { name: 'interest_a' }),
      field(t('o.interest', { name: nameB }), interestB, { name: 'interest_b' })),
    h('fieldset', {}, h('legend', {}, t('o.deals')), deals,
      h('div', { class: 'actions' }, button(t('o.adddeal'), { id: 'o-add-deal', onclick: () => { dealRow(deals, m); renumberDeals(deals); } }))),
    field(t('o.notes'), notes, { name: 'notes' }),
    h('div', { class: 'actions' }, save, button(t('o.close'), { onclick: close })));
  const showNoShow = () => { noShowField.hidden = status.value !== 'no_show'; };
  status.addEventListener('change', showNoShow);
  showNoShow();
  for (const d of existing?.deals || []) dealRow(deals, m, d);
  renumberDeals(deals);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {
      status: status.value,
      interest_a: interestA.value,
      interest_b: interestB.value,
      deals: [...deals.querySelectorAll('.deal')].map(readDeal),
    };
    if (status.value === 'no_show') body.no_show = noShow.value;
    if (notes.value.trim()) body.notes = notes.value.trim();
    const path = `/events/${seg(forum.id)}/meetings/${seg(m.id)}/outcome`;
    busy(save, async () => {
      try {
        if (existing) await put(path, { ...body, version: existing.version });
        else await post(path, body);
        reload({ text: t('o.saved') });
      } catch (e) {
        showErrors(form, e);
      }
    });
  });
  return form;
}

/** The trade direction a deal most likely has: from the NTB firm's side when there is one. */
function likelyDirection(m) {
  const a = firmCache.get(m.a)?.province;
  return a === 'JATIM' ? 'jatim_to_ntb' : 'ntb_to_jatim';
}

function dealRow(deals, m, deal = {}) {
  const kind = select(['deal', 'letter_of_intent'].map((k) => [k, t(`o.kind.${k}`)]), { class: 'd-kind', value: deal.kind || 'deal' });
  const product = input({ class: 'd-product', value: deal.product || '' });
  const amount = input({ class: 'd-amount', inputmode: 'decimal', value: deal.volume ? String(deal.volume.amount) : '' });
  const unit = select([['', '—'], ...UNITS.map((u) => [u, u])], { class: 'd-unit', value: deal.volume?.unit || '' });
  const per = select([['', '—'], ...PERIODS.map((p) => [p, t(`per.${p}`)])], { class: 'd-per', value: deal.volume?.per || '' });
  const value = input({ class: 'd-value', inputmode: 'numeric', value: deal.value_idr !== undefined ? String(deal.value_idr) : '' });
  const direction = select(['ntb_to_jatim', 'jatim_to_ntb'].map((d) => [d, t(`dir.${d}`)]), { class: 'd-direction', value: deal.direction || likelyDirection(m) });
  const remove = button('', { class: 'danger d-remove' });
  const row = h('fieldset', { class: 'deal' }, h('legend', {}),
    h('div', { class: 'row' },
      field(t('o.kind'), kind), field(t('o.product'), product), field(t('o.amount'), amount),
      field(t('o.unit'), unit), field(t('o.per'), per),
      field(t('o.value'), value, { hint: t('o.value.hint') }), field(t('o.direction'), direction),
      h('div', { class: 'field' }, remove)));
  remove.addEventListener('click', () => { row.remove(); renumberDeals(deals); });
  deals.append(row);
}

/** Legends and API paths (deals[0].value_idr) follow the rows' order. */
function renumberDeals(deals) {
  [...deals.querySelectorAll('.deal')].forEach((row, i) => {
    row.querySelector('legend').textContent = t('o.deal', { n: i + 1 });
    row.querySelector('.d-remove').textContent = t('o.removedeal', { n: i + 1 });
    const path = (name) => `deals[${i}].${name}`;
    row.querySelector('.d-kind').dataset.field = path('kind');
    row.querySelector('.d-product').dataset.field = path('product');
    row.querySelector('.d-amount').dataset.field = path('volume.amount');
    row.querySelector('.d-unit').dataset.field = path('volume.unit');
    row.querySelector('.d-per').dataset.field = path('volume.per');
    row.querySelector('.d-value').dataset.field = path('value_idr');
    row.querySelector('.d-direction').dataset.field = path('direction');
  });
}

function readDeal(row) {
  const val = (cls) => row.querySelector(cls).value.trim();
  const deal = { kind: val('.d-kind'), product: val('.d-product'), direction: val('.d-direction') };
  // "Rp 36.000.000" and "36000000" are the same rupiah; anything else goes to the API as typed.
  const raw = val('.d-value');
  const digits = raw.replace(/^rp\.?/i, '').replace(/[\s.]/g, '');
  deal.value_idr = raw === '' ? null : (/^\d+$/.test(digits) ? Number(digits) : raw);
  const amount = val('.d-amount');
  if (amount || val('.d-unit') || val('.d-per')) {
    const n = Number(amount.replace(',', '.'));
    deal.volume = { amount: amount === '' ? null : (Number.isFinite(n) ? n : amount), unit: val('.d-unit') || null, per: val('.d-per') || null };
  }
  return deal;
}

// ---------------------------------------------------------------- laporan

async function reportTab(panel, forum) {
  let report;
  try {
    report = await get(`/events/${seg(forum.id)}/report`);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
    fill(panel, tabTitle('tab.laporan'), h('p', { class: 'notice' }, t('l.none')));
    return;
  }
  const stat = (label, value, id) => h('div', { class: 'stat', id }, h('strong', {}, value), label);
  const numbers = h('div', { class: 'card', id: 'report-numbers' },
    h('h3', {}, t('l.numbers')),
    stat(t('l.planned'), num(report.meetings_planned), 'r-planned'),
    stat(t('l.held'), num(report.meetings_held), 'r-held'),
    stat(t('l.noshow', { rate: percent(report.no_show_rate) }), num(report.meetings_no_show), 'r-noshow'),
    stat(t('l.cancelled'), num(report.meetings_cancelled)),
    stat(t('l.unrecorded'), num(report.meetings_unrecorded)),
    stat(t('l.deals'), num(report.deals), 'r-deals'),
    stat(t('l.loi'), num(report.letters_of_intent), 'r-loi'),
    stat(t('l.value'), rupiah(report.trade_value_idr), 'r-value'),
    stat(t('l.firms'), t('l.firms.of', {
      n: num(report.firms_with_deal), total: num(report.firms_in_meetings), share: percent(report.share_of_firms_with_deal),
    })));
  const tally = (caption, list, labelOf, id) => (list.length
    ? h('table', { class: 'data', id },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, th(t('l.key')), th(t('l.count.deals'), { class: 'num' }), th(t('l.count.loi'), { class: 'num' }), th(t('l.count.value'), { class: 'num' }))),
      h('tbody', {}, list.map((x) => h('tr', {},
        h('th', { scope: 'row' }, labelOf(x)), h('td', { class: 'num' }, num(x.deals)),
        h('td', { class: 'num' }, num(x.letters_of_intent)), h('td', { class: 'num' }, rupiah(x.value_idr))))))
    : null);
  const dirLabel = (x) => t(`dir.${x.key}`, {}, x.label);
  // Bands arrive as "0.2–0.4"; Indonesian writes decimals with a comma.
  const bandLabel = (b) => (b.band === 'requested' ? t('l.band.requested') : (lang() === 'id' ? b.band.replace(/\./g, ',') : b.band));
  const csv = button(t('l.csv'), {
    id: 'l-csv',
    onclick: (e) => busy(e.currentTarget, () => download(`/events/${seg(forum.id)}/report?format=csv`, `laporan-${forum.id}.csv`)).catch((err) => toast(err.message, 'bad')),
  });
  const anyDeal = report.deals + report.letters_of_intent > 0;
  fill(panel,
    h('div', { class: 'print-only print-header' },
      h('p', { class: 'print-title' }, `${t('l.title')}: ${forum.name}`),
      h('p', {}, forumDates(forum), forum.venue ? ` · ${forum.venue}` : ''),
      h('p', { class: 'muted' }, t('j.printed', { date: dateLong(new Date().toISOString().slice(0, 10)) }))),
    tabTitle('tab.laporan'),
    h('div', { class: 'actions no-print' }, csv, button(t('l.print'), { id: 'l-print', onclick: () => window.print() })),
    numbers,
    anyDeal ? null : h('p', { class: 'notice' }, t('l.nodeals')),
    h('div', { class: 'report-charts' },
      report.by_direction.length ? barChart('chart-direction', t('l.chart.dir'), t('l.chart.dir.desc'),
        report.by_direction.map((x) => ({ label: dirLabel(x), value: x.value_idr, text: rupiah(x.value_idr) }))) : null,
      report.by_score_band.length ? barChart('chart-bands', t('l.chart.band'), t('l.chart.band.desc'),
        report.by_score_band.map((b) => ({
          label: bandLabel(b), value: b.deal_rate,
          text: t('l.rate.text', { rate: percent(b.deal_rate), deal: num(b.meetings_with_deal), held: num(b.meetings_held) }),
        })), 1) : null),
    tally(t('l.bydir'), report.by_direction, dirLabel, 'report-direction'),
    tally(t('l.bysector'), report.by_sector, (x) => `${x.key} — ${x.label}`, 'report-sector'),
    tally(t('l.byregency'), report.by_regency, (x) => x.label, 'report-regency'),
    report.by_score_band.length ? table(
      [t('l.band'), t('l.band.held'), t('l.band.deal'), t('l.band.rate')],
      report.by_score_band.map((b) => [bandLabel(b), num(b.meetings_held), num(b.meetings_with_deal), percent(b.deal_rate)]),
      { caption: t('l.chart.band') },
    ) : null);
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * A horizontal bar chart as inline SVG: a bar per row, its label on the left and its value
 * written at the end, so the chart reads without colour and prints in black and white.
 */
function barChart(id, title, desc, rows, max = Math.max(1, ...rows.map((r) => r.value))) {
  const width = 640;
  const labelWidth = 190;
  const valueWidth = 170;
  const rowHeight = 30;
  const height = rows.length * rowHeight + 12;
  const plot = width - labelWidth - valueWidth;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height),
    role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`,
  });
  chart.append(svg('title', { id: `${id}-title` }, title), svg('desc', { id: `${id}-desc` }, desc));
  rows.forEach((r, i) => {
    const y = 6 + i * rowHeight;
    const w = Math.max(r.value > 0 ? 2 : 0, Math.round((r.value / max) * plot));
    const g = svg('g', {});
    g.append(
      svg('text', { x: String(labelWidth - 8), y: String(y + 18), 'text-anchor': 'end', class: 'chart-label' }, r.label),
      svg('rect', { x: String(labelWidth), y: String(y + 4), width: String(w), height: String(rowHeight - 10), class: 'chart-bar', rx: '2' }),
      svg('text', { x: String(labelWidth + w + 6), y: String(y + 18), class: 'chart-value' }, r.text));
    chart.append(g);
  });
  return h('figure', { class: 'chart card', id }, h('figcaption', {}, title), chart);
}
