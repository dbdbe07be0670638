// The organizer's list of forums and the form that creates one: name, id, time zone, slot
// length, break, tables (optionally named) and the days with their sessions. The API checks
// everything; its 422 answer is shown next to each field.

import { get, post } from '../api.js';
import { busy, button, field, fill, h, input, select, showErrors, table, toast } from '../dom.js';
import { dateShort, num, register, t, zoneName } from '../i18n.js';
import { navigate } from '../app.js';

register({
  id: {
    'steps.title': 'Langkah menjalankan forum',
    'steps.1': 'Impor daftar peserta (CSV) di menu Impor peserta, atau periksa firma yang sudah terdaftar di menu Firma.',
    'steps.2': 'Buat forum dengan formulir di bawah: hari, sesi, lama slot dan jumlah meja.',
    'steps.3': 'Buka forum, tambahkan peserta (tab Peserta) dan permintaan pertemuan (tab Permintaan).',
    'steps.4': 'Buat jadwal di tab Jadwal, cetak tabelnya, dan unduh agenda tiap peserta (.ics). Bila ada yang mundur, perbaiki jadwal.',
    'steps.5': 'Sesudah forum, catat hasil tiap pertemuan di tab Hasil, lalu lihat Laporan.',
    'forums.title': 'Forum temu bisnis', 'forums.none': 'Belum ada forum. Buat forum pertama dengan formulir di bawah.',
    'forums.name': 'Nama forum', 'forums.dates': 'Tanggal', 'forums.zone': 'Zona waktu', 'forums.tables': 'Meja',
    'forums.slots': 'Slot pertemuan', 'forums.venue': 'Tempat',
    'forums.new': 'Buat forum baru', 'forums.id': 'Id forum (opsional)',
    'forums.id.hint': 'Huruf kecil, angka dan tanda hubung, mis. temu-bisnis-mataram-2026. Kosongkan agar dibuat otomatis.',
    'forums.zone.WITA': 'WITA — Waktu Indonesia Tengah (NTB)', 'forums.zone.WIB': 'WIB — Waktu Indonesia Barat (Jawa Timur)',
    'forums.slot': 'Lama satu pertemuan (menit)', 'forums.break': 'Jeda antarpertemuan (menit)',
    'forums.tablecount': 'Jumlah meja', 'forums.tablenames': 'Nama meja (opsional)',
    'forums.tablenames.hint': 'Satu nama per baris, sebanyak jumlah meja. Kosongkan untuk “Meja 1”, “Meja 2”, …',
    'forums.days': 'Hari dan sesi', 'forums.day': 'Hari {n}', 'forums.date': 'Tanggal hari {n}',
    'forums.session': 'Sesi {n}', 'forums.session.name': 'Nama sesi {n}', 'forums.session.start': 'Mulai sesi {n}',
    'forums.session.end': 'Selesai sesi {n}', 'forums.addday': 'Tambah hari', 'forums.removeday': 'Hapus hari {n}',
    'forums.addsession': 'Tambah sesi', 'forums.removesession': 'Hapus sesi {n}',
    'forums.create': 'Buat forum', 'forums.created': 'Forum “{name}” dibuat.',
    'forums.morning': 'pagi', 'forums.afternoon': 'siang',
  },
  en: {
    'steps.title': 'Running a forum, step by step',
    'steps.1': 'Import the participant list (CSV) under Import participants, or check the registered firms under Firms.',
    'steps.2': 'Create the forum with the form below: days, sessions, slot length and tables.',
    'steps.3': 'Open the forum, add participants (Participants tab) and meeting requests (Requests tab).',
    'steps.4': 'Generate the timetable in the Timetable tab, print its grid and download each participant\'s agenda (.ics). If someone withdraws, repair it.',
    'steps.5': 'After the forum, record each meeting\'s outcome in the Outcomes tab, then read the Report.',
    'forums.title': 'Business-meeting forums', 'forums.none': 'No forum yet. Create the first one with the form below.',
    'forums.name': 'Forum name', 'forums.dates': 'Dates', 'forums.zone': 'Time zone', 'forums.tables': 'Tables',
    'forums.slots': 'Meeting slots', 'forums.venue': 'Venue',
    'forums.new': 'Create a forum', 'forums.id': 'Forum id (optional)',
    'forums.id.hint': 'Lower-case letters, digits and hyphens, e.g. temu-bisnis-mataram-2026. Leave empty to have one made.',
    'forums.zone.WITA': 'WITA — Central Indonesia Time (NTB)', 'forums.zone.WIB': 'WIB — Western Indonesia Time (East Java)',
    'forums.slot': 'Length of a meeting (minutes)', 'forums.break': 'Break between meetings (minutes)',
    'forums.tablecount': 'Number of tables', 'forums.tablenames': 'Table names (optional)',
    'forums.tablenames.hint': 'One name per line, as many as tables. Leave empty for “Meja 1”, “Meja 2”, …',
    'forums.days': 'Days and sessions', 'forums.day': 'Day {n}', 'forums.date': 'Date of day {n}',
    'forums.session': 'Session {n}', 'forums.session.name': 'Name of session {n}', 'forums.session.start': 'Start of session {n}',
    'forums.session.end': 'End of session {n}', 'forums.addday': 'Add a day', 'forums.removeday': 'Remove day {n}',
    'forums.addsession': 'Add a session', 'forums.removesession': 'Remove session {n}',
    'forums.create': 'Create forum', 'forums.created': 'Forum “{name}” created.',
    'forums.morning': 'morning', 'forums.afternoon': 'afternoon',
  },
});

const ZONES = [['Asia/Makassar', 'WITA'], ['Asia/Jakarta', 'WIB']];

/** "10–11 Des 2026" style: the first and last day of a forum. */
export function forumDates(forum) {
  const days = forum.days.map((d) => d.date);
  if (!days.length) return '–';
  const first = dateShort(days[0]);
  return days.length === 1 ? first : `${first} – ${dateShort(days[days.length - 1])}`;
}

export async function list(root) {
  const forums = await get('/events');
  forums.sort((a, b) => (a.days[0]?.date || '').localeCompare(b.days[0]?.date || '') || a.name.localeCompare(b.name));
  const rows = forums.map((f) => [
    h('a', { href: `#/forum/${encodeURIComponent(f.id)}` }, f.name),
    forumDates(f),
    zoneName(f.time_zone),
    num(f.tables),
    num(f.slots.length),
  ]);
  fill(root,
    h('h1', {}, t('forums.title')),
    forums.length
      ? table([t('forums.name'), t('forums.dates'), t('forums.zone'), t('forums.tables'), t('forums.slots')], rows, { className: 'data', caption: null })
      : h('p', { class: 'notice' }, t('forums.none')),
    h('details', { class: 'card steps', open: forums.length === 0 },
      h('summary', {}, t('steps.title')),
      h('ol', {}, [1, 2, 3, 4, 5].map((i) => h('li', {}, t(`steps.${i}`))))),
    createForm());
  root.querySelector('table.data')?.setAttribute('id', 'forums-table');
}

/** A date about a month ahead, so the form starts with a plausible forum day. */
function defaultDate() {
  const d = new Date();
  d.setDate(d.getDate() + 30);
  return d.toISOString().slice(0, 10);
}

function createForm() {
  const name = input({ id: 'forum-name', autocomplete: 'off' });
  const id = input({ id: 'forum-id', autocomplete: 'off', spellcheck: 'false' });
  const zone = select(ZONES.map(([value, label]) => [value, t(`forums.zone.${label}`)]), { id: 'forum-zone' });
  const slot = input({ id: 'forum-slot', type: 'number', inputmode: 'numeric', value: '20' });
  const pause = input({ id: 'forum-break', type: 'number', inputmode: 'numeric', value: '5' });
  const tables = input({ id: 'forum-tables', type: 'number', inputmode: 'numeric', value: '10' });
  const tableNames = h('textarea', { id: 'forum-table-names', rows: 3 });
  const days = h('div', { id: 'forum-days' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'forum-create' }, t('forums.create'));
  // The API is the one judge of the values (novalidate), so its messages are the ones shown.
  const form = h('form', { class: 'card', id: 'forum-form', novalidate: true, 'aria-labelledby': 'forum-form-title' },
    h('h2', { id: 'forum-form-title' }, t('forums.new')),
    h('div', { class: 'row' },
      field(t('forums.name'), name, { name: 'name' }),
      field(t('forums.id'), id, { name: 'id', hint: t('forums.id.hint') })),
    h('div', { class: 'row' },
      field(t('forums.zone'), zone, { name: 'time_zone' }),
      field(t('forums.slot'), slot, { name: 'slot_minutes' }),
      field(t('forums.break'), pause, { name: 'break_minutes' }),
      field(t('forums.tablecount'), tables, { name: 'tables' })),
    field(t('forums.tablenames'), tableNames, { name: 'table_names', hint: t('forums.tablenames.hint') }),
    h('h3', {}, t('forums.days')),
    days,
    h('div', { class: 'actions' },
      button(t('forums.addday'), { id: 'forum-add-day', onclick: () => { addDay(days); renumber(days); } })),
    h('div', { class: 'actions' }, submit));
  addDay(days, defaultDate());
  renumber(days);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {
      name: name.value.trim(),
      time_zone: zone.value,
      slot_minutes: integer(slot.value),
      break_minutes: integer(pause.value),
      tables: integer(tables.value),
      days: [...days.querySelectorAll('.forum-day')].map((day) => ({
        date: day.querySelector('.day-date').value,
        sessions: [...day.querySelectorAll('.forum-session')].map((s) => ({
          name: s.querySelector('.session-name').value.trim(),
          start: s.querySelector('.session-start').value,
          end: s.querySelector('.session-end').value,
        })),
      })),
    };
    if (id.value.trim()) body.id = id.value.trim();
    const names = tableNames.value.split('\n').map((x) => x.trim()).filter(Boolean);
    if (names.length) body.table_names = names;
    busy(submit, async () => {
      try {
        const created = await post('/events', body);
        toast(t('forums.created', { name: created.name }));
        navigate(`/forum/${encodeURIComponent(created.id)}/peserta`);
      } catch (e) {
        showErrors(form, e);
      }
    });
  });
  return form;
}

/** A number field's value for the API: an integer, or the text itself so the API names it. */
function integer(text) {
  const v = text.trim();
  if (v === '') return null;
  const n = Number(v);
  return Number.isInteger(n) ? n : v;
}

function addDay(days, date = '') {
  const sessions = h('div', { class: 'day-sessions' });
  const day = h('fieldset', { class: 'forum-day card' },
    h('legend', {}),
    h('div', { class: 'row' },
      field('', input({ type: 'date', class: 'day-date', value: date }))),
    sessions,
    h('div', { class: 'actions' },
      button(t('forums.addsession'), { class: 'add-session', onclick: () => { addSession(sessions); renumber(days); } }),
      button('', { class: 'danger remove-day', onclick: () => { day.remove(); renumber(days); } })));
  const first = !days.querySelector('.forum-day');
  days.append(day);
  addSession(sessions, t('forums.morning'), '08:30', '12:00');
  if (first) addSession(sessions, t('forums.afternoon'), '13:30', '16:00');
}

function addSession(sessions, name = '', start = '', end = '') {
  const row = h('div', { class: 'forum-session row' },
    field('', input({ class: 'session-name', value: name })),
    field('', input({ type: 'time', class: 'session-start', value: start })),
    field('', input({ type: 'time', class: 'session-end', value: end })),
    h('div', { class: 'field' },
      button('', { class: 'danger remove-session', onclick: () => { const days = row.closest('#forum-days'); row.remove(); renumber(days); } })));
  sessions.append(row);
}

/**
 * Gives every day and session its position: the legend and labels the organizer reads,
 * and the `data-field` paths (days[1].sessions[0].start) the API's errors point to.
 */
function renumber(days) {
  const all = [...days.querySelectorAll('.forum-day')];
  all.forEach((day, d) => {
    const n = d + 1;
    day.querySelector('legend').textContent = t('forums.day', { n });
    setField(day.querySelector('.day-date'), `days[${d}].date`, t('forums.date', { n }));
    const remove = day.querySelector('.remove-day');
    remove.textContent = t('forums.removeday', { n });
    remove.hidden = all.length === 1;
    const sessions = [...day.querySelectorAll('.forum-session')];
    sessions.forEach((s, i) => {
      const m = i + 1;
      const path = `days[${d}].sessions[${i}]`;
      setField(s.querySelector('.session-name'), `${path}.name`, t('forums.session.name', { n: m }));
      setField(s.querySelector('.session-start'), `${path}.start`, t('forums.session.start', { n: m }));
      setField(s.querySelector('.session-end'), `${path}.end`, t('forums.session.end', { n: m }));
      const drop = s.querySelector('.remove-session');
      drop.textContent = t('forums.removesession', { n: m });
      drop.hidden = sessions.length === 1;
    });
  });
}

function setField(el, path, label) {
  el.dataset.field = path;
  const lab = el.closest('.field').querySelector('label');
  lab.textContent = label;
}
