// A firm's forums (#/forum-saya): the forums it can see, registering or withdrawing itself;
// and one forum (#/forum-saya/:id) from the firm's side — its days and sessions in the
// forum's local time, recommended partners among the participants, meeting requests sent
// and received (accept/decline), and its own agenda with .ics and CSV downloads once the
// organizers have made the timetable.

import { del, download, get, post, query, seg } from '../api.js';
import { busy, button, clearErrors, errorBox, field, fill, h, input, select, showErrors, table, toast } from '../dom.js';
import { clock, dateLong, dateShort, lang, num, percent, register, t, zoneName } from '../i18n.js';
import { regencyNames } from '../reference.js';
import { provinceBadge } from './firms.js';

register({
  id: {
    'mf.title': 'Forum temu bisnis', 'mf.intro': 'Forum yang dibuka panitia. Daftarkan usaha Anda, lalu buka forum untuk mengajukan pertemuan dan melihat agenda.',
    'mf.none': 'Belum ada forum yang dibuka.',
    'mf.when': 'Tanggal', 'mf.where': 'Tempat', 'mf.zone': 'Zona waktu', 'mf.participants': 'Peserta',
    'mf.slots': '{n} slot pertemuan @ {m} menit, {tables} meja',
    'mf.registered': 'Anda terdaftar', 'mf.not_registered': 'Anda belum terdaftar',
    'mf.registered.max': 'Anda terdaftar, paling banyak {n} pertemuan',
    'mf.max': 'Paling banyak pertemuan', 'mf.max.hint': 'Kosongkan bila tidak dibatasi.',
    'mf.register': 'Daftarkan usaha saya', 'mf.update': 'Simpan pendaftaran', 'mf.withdraw': 'Batalkan pendaftaran',
    'mf.registered.toast': 'Pendaftaran tersimpan.', 'mf.withdrawn.toast': 'Pendaftaran dibatalkan.',
    'mf.back': 'Semua forum',
    'mf.days': 'Hari dan sesi', 'mf.session': 'Sesi {name}: {from}–{to} {zone} ({n} slot)',
    'mf.register.first': 'Daftarkan usaha Anda pada forum ini untuk mengajukan pertemuan dan mendapat agenda.',
    'mf.recommended': 'Mitra yang direkomendasikan di forum ini',
    'mf.recommended.none': 'Belum ada peserta lain yang cocok dengan profil Anda.',
    'mf.recommended.ask': 'Ajukan pertemuan dengan {name}', 'mf.recommended.asked': 'Sudah diajukan',
    'mf.request': 'Ajukan permintaan pertemuan', 'mf.request.to': 'Firma yang ingin ditemui',
    'mf.request.priority': 'Prioritas', 'mf.request.message': 'Pesan (tidak wajib)',
    'mf.request.message.hint': 'Mis. produk yang ingin dibicarakan. Paling banyak 1000 karakter.',
    'mf.request.send': 'Kirim permintaan', 'mf.request.sent': 'Permintaan terkirim kepada {name}.',
    'mf.request.choose': '— pilih peserta —', 'mf.request.already': '{name} (sudah diajukan)',
    'mf.request.nobody': 'Belum ada peserta lain.',
    'prio.1': 'Boleh juga', 'prio.2': 'Penting', 'prio.3': 'Wajib bertemu',
    'mf.received': 'Permintaan masuk', 'mf.received.none': 'Belum ada permintaan masuk.',
    'mf.sent': 'Permintaan terkirim', 'mf.sent.none': 'Anda belum mengajukan permintaan.',
    'mf.col.from': 'Dari', 'mf.col.to': 'Kepada', 'mf.col.priority': 'Prioritas', 'mf.col.message': 'Pesan',
    'mf.col.status': 'Status', 'mf.col.answer': 'Jawaban', 'mf.col.when': 'Waktu',
    'mf.col.table': 'Meja', 'mf.col.partner': 'Mitra', 'mf.col.kind': 'Jenis', 'mf.col.reasons': 'Alasan bertemu',
    'status.pending': 'Menunggu jawaban', 'status.accepted': 'Diterima', 'status.declined': 'Ditolak',
    'mf.accept': 'Terima', 'mf.decline': 'Tolak', 'mf.accept.from': 'Terima permintaan {name}',
    'mf.decline.from': 'Tolak permintaan {name}', 'mf.answered': 'Jawaban terkirim: {status}.',
    'mf.agenda': 'Agenda saya', 'mf.agenda.none': 'Jadwal pertemuan belum dibuat panitia. Agenda Anda muncul di sini setelah jadwal dibuat.',
    'mf.agenda.empty': 'Jadwal sudah dibuat, tetapi Anda belum mendapat pertemuan.',
    'mf.agenda.count': '{n} pertemuan, waktu setempat ({zone}).',
    'mf.agenda.ics': 'Unduh agenda (.ics, untuk kalender)', 'mf.agenda.csv': 'Unduh agenda (CSV)',
    'kind.mutual': 'Saling meminta', 'kind.requested': 'Diminta', 'kind.recommended': 'Rekomendasi',
  },
  en: {
    'mf.title': 'Business forums', 'mf.intro': 'Forums opened by the organizers. Register your business, then open a forum to request meetings and see your agenda.',
    'mf.none': 'No forum is open yet.',
    'mf.when': 'Dates', 'mf.where': 'Venue', 'mf.zone': 'Time zone', 'mf.participants': 'Participants',
    'mf.slots': '{n} meeting slots of {m} minutes, {tables} tables',
    'mf.registered': 'You are registered', 'mf.not_registered': 'You are not registered',
    'mf.registered.max': 'You are registered, at most {n} meetings',
    'mf.max': 'At most this many meetings', 'mf.max.hint': 'Leave empty for no limit.',
    'mf.register': 'Register my business', 'mf.update': 'Save registration', 'mf.withdraw': 'Withdraw',
    'mf.registered.toast': 'Registration saved.', 'mf.withdrawn.toast': 'Registration withdrawn.',
    'mf.back': 'All forums',
    'mf.days': 'Days and sessions', 'mf.session': 'Session {name}: {from}–{to} {zone} ({n} slots)',
    'mf.register.first': 'Register your business for this forum to request meetings and get an agenda.',
    'mf.recommended': 'Recommended partners at this forum',
    'mf.recommended.none': 'No other participant matches your profile yet.',
    'mf.recommended.ask': 'Request a meeting with {name}', 'mf.recommended.asked': 'Already requested',
    'mf.request': 'Request a meeting', 'mf.request.to': 'Firm to meet',
    'mf.request.priority': 'Priority', 'mf.request.message': 'Message (optional)',
    'mf.request.message.hint': 'E.g. the products to talk about. At most 1000 characters.',
    'mf.request.send': 'Send request', 'mf.request.sent': 'Request sent to {name}.',
    'mf.request.choose': '— choose a participant —', 'mf.request.already': '{name} (already requested)',
    'mf.request.nobody': 'No other participant yet.',
    'prio.1': 'Nice to have', 'prio.2': 'Important', 'prio.3': 'Must meet',
    'mf.received': 'Requests received', 'mf.received.none': 'No request received yet.',
    'mf.sent': 'Requests sent', 'mf.sent.none': 'You have not requested any meeting yet.',
    'mf.col.from': 'From', 'mf.col.to': 'To', 'mf.col.priority': 'Priority', 'mf.col.message': 'Message',
    'mf.col.status': 'Status', 'mf.col.answer': 'Answer', 'mf.col.when': 'Time',
    'mf.col.table': 'Table', 'mf.col.partner': 'Partner', 'mf.col.kind': 'Kind', 'mf.col.reasons': 'Reasons to meet',
    'status.pending': 'Awaiting an answer', 'status.accepted': 'Accepted', 'status.declined': 'Declined',
    'mf.accept': 'Accept', 'mf.decline': 'Decline', 'mf.accept.from': 'Accept the request of {name}',
    'mf.decline.from': 'Decline the request of {name}', 'mf.answered': 'Answer sent: {status}.',
    'mf.agenda': 'My agenda', 'mf.agenda.none': 'The organizers have not made the timetable yet. Your agenda appears here once they have.',
    'mf.agenda.empty': 'The timetable is made, but you have no meeting in it.',
    'mf.agenda.count': '{n} meetings, local time ({zone}).',
    'mf.agenda.ics': 'Download agenda (.ics, for calendars)', 'mf.agenda.csv': 'Download agenda (CSV)',
    'kind.mutual': 'Both asked', 'kind.requested': 'Requested', 'kind.recommended': 'Recommended',
  },
});

/** "Kamis, 10 Desember 2026" or "10 Des 2026 – 11 Des 2026" for a forum's days. */
function forumDates(event) {
  const days = event.days.map((d) => d.date);
  if (days.length === 1) return dateLong(days[0]);
  return `${dateShort(days[0])} – ${dateShort(days[days.length - 1])}`;
}

/**
 * The firm's registration for one forum: its state, the meeting cap, and the buttons to
 * register (again) or withdraw. `done` runs after a change.
 */
function registrationForm(event, me, participant, done) {
  const key = event.id;
  const max = input({
    type: 'number', min: '0', max: String(event.slots.length), step: '1', inputmode: 'numeric',
    id: `max-${key}`, value: participant?.max_meetings ?? '',
  });
  const state = participant
    ? (participant.max_meetings != null ? t('mf.registered.max', { n: num(participant.max_meetings, 0) }) : t('mf.registered'))
    : t('mf.not_registered');
  const submit = h('button', { type: 'submit', class: 'primary', id: `register-${key}` }, participant ? t('mf.update') : t('mf.register'));
  const withdraw = participant ? button(t('mf.withdraw'), { class: 'danger', id: `withdraw-${key}` }) : null;
  const form = h('form', { class: 'registration', dataset: { event: key }, novalidate: true },
    h('p', { class: participant ? 'state yes' : 'state no' }, h('strong', {}, state)),
    h('div', { class: 'row' },
      field(t('mf.max'), max, { name: 'max_meetings', hint: t('mf.max.hint') }),
      h('div', { class: 'field' }, h('div', { class: 'actions' }, submit, withdraw))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = { firm_id: me };
    if (max.value.trim() !== '') body.max_meetings = Number(max.value);
    // A new registration replaces the old one: keep what the organizers set.
    if (participant) {
      body.unavailable_slots = participant.unavailable_slots;
      body.host = participant.host;
    }
    busy(submit, async () => {
      try {
        await post(`/events/${seg(key)}/participants`, body);
        toast(t('mf.registered.toast'));
        await done();
      } catch (e) {
        showErrors(form, e);
      }
    });
  });
  withdraw?.addEventListener('click', () => busy(withdraw, async () => {
    try {
      await del(`/events/${seg(key)}/participants/${seg(me)}`);
      toast(t('mf.withdrawn.toast'));
      await done();
    } catch (e) {
      showErrors(form, e);
    }
  }));
  return form;
}

/** A forum's roster, or null where the firm is not registered (the roster is for the
 * forum's participants; the forum says whether the firm is one). */
function rosterOf(event) {
  return event.registered === false ? null : get(`/events/${seg(event.id)}/participants`);
}

export async function list(root, params, session) {
  const me = session.me.firm_id;
  const events = await get('/events');
  const rosters = await Promise.all(events.map(rosterOf));
  const again = () => list(root, params, session);
  const cards = events.map((event, i) => {
    const roster = rosters[i];
    const mine = roster?.find((p) => p.firm_id === me);
    const headingId = `forum-${event.id}-h`;
    return h('article', { class: 'card forum', dataset: { event: event.id }, 'aria-labelledby': headingId },
      h('h2', { id: headingId }, h('a', { href: `#/forum-saya/${seg(event.id)}` }, event.name)),
      h('dl', { class: 'facts' },
        h('dt', {}, t('mf.when')), h('dd', {}, forumDates(event)),
        event.venue ? [h('dt', {}, t('mf.where')), h('dd', {}, event.venue)] : null,
        h('dt', {}, t('mf.zone')), h('dd', {}, `${zoneName(event.time_zone)} (${event.time_zone})`),
        roster ? [h('dt', {}, t('mf.participants')), h('dd', {}, num(roster.length, 0))] : null),
      registrationForm(event, me, mine, again));
  });
  fill(root,
    h('h1', {}, t('mf.title')),
    h('p', { class: 'muted' }, t('mf.intro')),
    cards.length ? cards : h('p', { class: 'muted', id: 'forums-none' }, t('mf.none')));
}

/** Names and places of firms by id: from the matches first, the rest asked a few at a time. */
async function firmCards(ids, known) {
  const missing = ids.filter((id) => !known.has(id));
  let next = 0;
  async function worker() {
    while (next < missing.length) {
      const id = missing[next++];
      try {
        const f = await get(`/firms/${seg(id)}`);
        known.set(id, { id, name: f.name, province: f.province, regency: f.regency });
      } catch {
        known.set(id, { id, name: id });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(6, missing.length) }, worker));
  return known;
}

/** The forum's days, each session with its local times and number of slots. */
function daysSection(event) {
  const zone = zoneName(event.time_zone);
  const slotsOf = (date, session) => event.slots.filter((s) => s.date === date && s.session === session).length;
  return h('section', { class: 'card', 'aria-labelledby': 'days-h' },
    h('h2', { id: 'days-h' }, t('mf.days')),
    h('p', { class: 'muted' }, t('mf.slots', { n: num(event.slots.length, 0), m: num(event.slot_minutes, 0), tables: num(event.tables, 0) })),
    event.days.map((day) => [
      h('h3', {}, dateLong(day.date)),
      h('ul', { class: 'sessions' }, day.sessions.map((s) => h('li', {}, t('mf.session', {
        name: s.name,
        from: clock(`${day.date}T${s.start}`),
        to: clock(`${day.date}T${s.end}`),
        zone,
        n: num(slotsOf(day.date, s.name), 0),
      })))),
    ]));
}

const nameOf = (cards, id) => cards.get(id)?.name || id;

function partnerLabel(card, names) {
  if (!card.province) return card.name;
  return `${card.name} (${card.province === 'JATIM' ? 'Jatim' : card.province}, ${names.get(card.regency) || card.regency || ''})`;
}

export async function detail(root, { id }, session) {
  const me = session.me.firm_id;
  const [event, names] = await Promise.all([get(`/events/${seg(id)}`), regencyNames()]);
  const roster = await rosterOf(event);
  const again = () => detail(root, { id }, session);
  const mine = roster?.find((p) => p.firm_id === me);
  const head = [
    h('p', { class: 'no-print' }, h('a', { href: '#/forum-saya' }, `← ${t('mf.back')}`)),
    h('h1', {}, event.name),
    h('div', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', {}, t('mf.when')), h('dd', {}, forumDates(event)),
        event.venue ? [h('dt', {}, t('mf.where')), h('dd', {}, event.venue)] : null,
        h('dt', {}, t('mf.zone')), h('dd', {}, `${zoneName(event.time_zone)} (${event.time_zone})`),
        roster ? [h('dt', {}, t('mf.participants')), h('dd', {}, num(roster.length, 0))] : null),
      registrationForm(event, me, mine, again)),
  ];
  if (!mine) {
    fill(root, head, h('p', { class: 'notice', id: 'register-first' }, t('mf.register.first')), daysSection(event));
    return;
  }

  const others = roster.map((p) => p.firm_id).filter((x) => x !== me);
  const [requests, matches] = await Promise.all([
    get(`/events/${seg(id)}/requests`),
    others.length ? get(`/firms/${seg(me)}/matches${query({ limit: 100, scope: 'both', direction: 'both', lang: lang() })}`) : { matches: [] },
  ]);
  const cards = new Map(matches.matches.map((m) => [m.partner.id, m.partner]));
  const ids = new Set(others);
  requests.forEach((r) => { ids.add(r.from); ids.add(r.to); });
  ids.delete(me);
  await firmCards([...ids], cards);

  const agendaBox = h('section', { class: 'card', id: 'agenda', 'aria-labelledby': 'agenda-h' },
    h('h2', { id: 'agenda-h' }, t('mf.agenda')), h('p', { class: 'loading' }, t('loading')));
  const requestsBox = h('div', { id: 'requests' });
  const recommendedBox = h('section', { class: 'card', id: 'recommended', 'aria-labelledby': 'recommended-h' });
  const form = requestForm(id, me, others, cards, names, async (name) => {
    toast(t('mf.request.sent', { name }));
    await refreshRequests();
  });

  let current = requests;
  async function refreshRequests(fresh) {
    current = fresh || await get(`/events/${seg(id)}/requests`);
    const asked = new Set(current.filter((r) => r.from === me).map((r) => r.to));
    fill(requestsBox, requestTables(id, me, current, cards, refreshRequests));
    fill(recommendedBox, recommendedList(matches.matches, new Set(others), asked, names, form));
    form.markAsked(asked);
  }
  await refreshRequests(current);

  // Once the timetable exists the agenda is what the firm comes for, so it comes first.
  fill(root, head, daysSection(event), agendaBox, requestsBox, recommendedBox, form);
  await showAgenda(agendaBox, event, me);
}

/** The best-scoring participants for this firm, each with a shortcut to the request form. */
function recommendedList(all, participants, asked, names, form) {
  const here = all.filter((m) => participants.has(m.partner.id)).slice(0, 10);
  return [
    h('h2', { id: 'recommended-h' }, t('mf.recommended')),
    here.length
      ? h('ol', { class: 'recommended' }, here.map((m) => {
        const p = m.partner;
        const ask = asked.has(p.id)
          ? h('span', { class: 'badge' }, t('mf.recommended.asked'))
          : button(t('mf.recommended.ask', { name: p.name }), { class: 'ask', dataset: { partner: p.id }, onclick: () => form.choose(p.id) });
        return h('li', { class: 'match', dataset: { partner: p.id } },
          h('h3', {}, p.name, ' ', provinceBadge(p.province), h('span', { class: 'muted' }, ` ${names.get(p.regency) || p.regency}`)),
          h('p', {}, h('span', { class: 'score' }, `${t('matches.score')} ${num(m.score * 100, 0)}`),
            ' · ', t(`matches.dir.${m.direction}`), ' · ',
            h('span', { class: 'muted' }, Object.entries(m.components).map(([k, v]) => `${t(`comp.${k}`)} ${percent(v)}`).join(' · '))),
          h('ul', { class: 'reasons', 'aria-label': t('matches.reasons') }, m.reasons.map((r) => h('li', {}, r))),
          ask);
      }))
      : h('p', { class: 'muted' }, t('mf.recommended.none')),
  ];
}

/** The form to ask another participant for a meeting. */
function requestForm(id, me, others, cards, names, sent) {
  const sorted = [...others].sort((a, b) => nameOf(cards, a).localeCompare(nameOf(cards, b)));
  const to = select([['', t('mf.request.choose')], ...sorted.map((x) => [x, partnerLabel(cards.get(x) || { name: x }, names)])],
    { id: 'request-to', required: true });
  const priority = select([3, 2, 1].map((p) => [String(p), `${p} — ${t(`prio.${p}`)}`]), { id: 'request-priority', value: '2' });
  const message = h('textarea', { id: 'request-message', maxlength: '1000', rows: '3' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'request-send' }, t('mf.request.send'));
  const form = h('form', { class: 'card', id: 'request-form', novalidate: true, 'aria-labelledby': 'request-h' },
    h('h2', { id: 'request-h' }, t('mf.request')),
    others.length ? null : h('p', { class: 'muted' }, t('mf.request.nobody')),
    h('div', { class: 'row' },
      field(t('mf.request.to'), to, { name: 'to' }),
      field(t('mf.request.priority'), priority, { name: 'priority' })),
    field(t('mf.request.message'), message, { name: 'message', hint: t('mf.request.message.hint') }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = { from: me, to: to.value || null, priority: Number(priority.value) };
    if (message.value.trim()) body.message = message.value.trim();
    busy(submit, async () => {
      try {
        await post(`/events/${seg(id)}/requests`, body);
        const name = nameOf(cards, to.value);
        to.value = '';
        message.value = '';
        priority.value = '2';
        await sent(name);
      } catch (e) {
        showErrors(form, e);
      }
    });
  });
  /** Picks a participant (from a recommendation) and moves the keyboard to the form. */
  form.choose = (firm) => {
    to.value = firm;
    form.scrollIntoView({ block: 'start' });
    priority.focus();
  };
  /** Firms already asked cannot be asked twice (the API answers 409). */
  form.markAsked = (asked) => {
    for (const option of to.options) {
      if (!option.value) continue;
      option.disabled = asked.has(option.value);
      const label = partnerLabel(cards.get(option.value) || { name: option.value }, names);
      option.textContent = option.disabled ? t('mf.request.already', { name: label }) : label;
    }
  };
  return form;
}

function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, t(`status.${status}`));
}

/** Requests received (with accept/decline) and requests sent (with their status). */
function requestTables(id, me, requests, cards, refresh) {
  const received = requests.filter((r) => r.to === me);
  const sent = requests.filter((r) => r.from === me);
  const answer = (r, verb) => {
    const name = nameOf(cards, r.from);
    const b = button(t(`mf.${verb}`), {
      class: verb === 'accept' ? 'primary' : 'danger',
      'aria-label': t(`mf.${verb}.from`, { name }),
      dataset: { request: r.id, answer: verb },
    });
    b.addEventListener('click', () => busy(b, async () => {
      try {
        const answered = await post(`/events/${seg(id)}/requests/${seg(r.id)}/${verb}`);
        toast(t('mf.answered', { status: t(`status.${answered.status}`) }));
        await refresh();
      } catch (e) {
        toast(e.message, 'bad');
      }
    }));
    return b;
  };
  return [
    h('section', { class: 'card', id: 'received', 'aria-labelledby': 'received-h' },
      h('h2', { id: 'received-h' }, t('mf.received')),
      received.length
        ? table([t('mf.col.from'), t('mf.col.priority'), t('mf.col.message'), t('mf.col.status'), t('mf.col.answer')],
          received.map((r) => [
            nameOf(cards, r.from), t(`prio.${r.priority}`), r.message || '–', statusBadge(r.status),
            h('div', { class: 'actions tight' },
              r.status !== 'accepted' ? answer(r, 'accept') : null,
              r.status !== 'declined' ? answer(r, 'decline') : null),
          ]))
        : h('p', { class: 'muted' }, t('mf.received.none'))),
    h('section', { class: 'card', id: 'sent', 'aria-labelledby': 'sent-h' },
      h('h2', { id: 'sent-h' }, t('mf.sent')),
      sent.length
        ? table([t('mf.col.to'), t('mf.col.priority'), t('mf.col.message'), t('mf.col.status')],
          sent.map((r) => [nameOf(cards, r.to), t(`prio.${r.priority}`), r.message || '–', statusBadge(r.status)]))
        : h('p', { class: 'muted' }, t('mf.sent.none'))),
  ];
}

/** The firm's meetings once a timetable exists; before that, a word saying it will come. */
async function showAgenda(box, event, me) {
  const heading = h('h2', { id: 'agenda-h' }, t('mf.agenda'));
  if (!event.has_schedule) {
    fill(box, heading, h('p', { class: 'muted', id: 'agenda-none' }, t('mf.agenda.none')));
    return;
  }
  let agenda;
  try {
    agenda = await get(`/events/${seg(event.id)}/agenda/${seg(me)}${query({ format: 'json' })}`);
  } catch (e) {
    fill(box, heading, e.status === 404
      ? h('p', { class: 'muted', id: 'agenda-none' }, t('mf.agenda.none'))
      : errorBox(e));
    return;
  }
  const zone = zoneName(agenda.time_zone);
  const file = `agenda-${event.id}-${me}`;
  const ics = button(t('mf.agenda.ics'), { id: 'agenda-ics' });
  const csv = button(t('mf.agenda.csv'), { id: 'agenda-csv' });
  ics.addEventListener('click', () => busy(ics, () => download(`/events/${seg(event.id)}/agenda/${seg(me)}?format=ics`, `${file}.ics`))
    .catch((e) => toast(e.message, 'bad')));
  csv.addEventListener('click', () => busy(csv, () => download(`/events/${seg(event.id)}/agenda/${seg(me)}?format=csv`, `${file}.csv`))
    .catch((e) => toast(e.message, 'bad')));
  if (!agenda.meetings.length) {
    fill(box, heading, h('p', { class: 'muted', id: 'agenda-empty' }, t('mf.agenda.empty')));
    return;
  }
  fill(box, heading,
    h('p', {}, t('mf.agenda.count', { n: num(agenda.meetings.length, 0), zone: `${zone}, ${agenda.time_zone}` })),
    h('table', { class: 'data', id: 'agenda-table' },
      h('caption', { class: 'visually-hidden' }, t('mf.agenda')),
      h('thead', {}, h('tr', {}, [t('mf.col.when'), t('mf.col.table'), t('mf.col.partner'), t('mf.col.kind'), t('mf.col.reasons')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, agenda.meetings.map((m) => h('tr', { dataset: { partner: m.partner.id } },
        h('th', { scope: 'row' }, `${dateShort(m.start.slice(0, 10))}, ${clock(m.start)}–${clock(m.end)} ${zone}`),
        h('td', {}, m.table_name),
        h('td', {}, m.partner.name, ' ', m.partner.province ? provinceBadge(m.partner.province) : null,
          m.partner.regency ? h('span', { class: 'muted' }, ` ${m.partner.regency}`) : null),
        h('td', {}, t(`kind.${m.kind}`)),
        h('td', {}, m.reasons.length ? h('ul', { class: 'reasons' }, m.reasons.map((r) => h('li', {}, r))) : '–'))))),
    h('div', { class: 'actions no-print' }, ics, csv));
}
