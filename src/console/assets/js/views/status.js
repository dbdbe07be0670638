// The server's status for the organizer: version, data folder, what the store holds and how
// much disk it uses (from GET /v1/status), and where the Prometheus metrics are.

import { get } from '../api.js';
import { fill, h } from '../dom.js';
import { instant, num, percent, register, t } from '../i18n.js';

register({
  id: {
    'status.title': 'Status server', 'status.version': 'Versi', 'status.schema': 'Versi skema data',
    'status.data_dir': 'Folder data', 'status.started': 'Berjalan sejak', 'status.uptime': 'Lama berjalan',
    'status.counts': 'Isi penyimpanan', 'status.firms': 'Firma', 'status.ntb': 'Firma NTB', 'status.jatim': 'Firma Jatim',
    'status.events': 'Forum', 'status.participants': 'Pendaftaran peserta', 'status.requests': 'Permintaan pertemuan',
    'status.schedules': 'Jadwal', 'status.outcomes': 'Hasil pertemuan tercatat', 'status.disk': 'Pemakaian disk',
    'status.store': 'Ukuran penyimpanan (sled)', 'status.fs_total': 'Kapasitas disk', 'status.fs_free': 'Ruang kosong',
    'status.fs_used': 'Terpakai', 'status.metrics': 'Metrik Prometheus tersedia di /metrics (dengan token panitia).',
    'status.refresh': 'Muat ulang', 'status.days': '{d} hari {h} jam', 'status.hours': '{h} jam {m} menit',
  },
  en: {
    'status.title': 'Server status', 'status.version': 'Version', 'status.schema': 'Data schema version',
    'status.data_dir': 'Data folder', 'status.started': 'Running since', 'status.uptime': 'Uptime',
    'status.counts': 'What the store holds', 'status.firms': 'Firms', 'status.ntb': 'NTB firms', 'status.jatim': 'Jatim firms',
    'status.events': 'Forums', 'status.participants': 'Participant registrations', 'status.requests': 'Meeting requests',
    'status.schedules': 'Timetables', 'status.outcomes': 'Recorded meeting outcomes', 'status.disk': 'Disk use',
    'status.store': 'Store size (sled)', 'status.fs_total': 'Disk size', 'status.fs_free': 'Free space',
    'status.fs_used': 'Used', 'status.metrics': 'Prometheus metrics are at /metrics (with an organizer token).',
    'status.refresh': 'Refresh', 'status.days': '{d} days {h} h', 'status.hours': '{h} h {m} min',
  },
});

/** 45,3 MB */
export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = n;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i += 1;
  }
  return `${num(x, i ? 1 : 0)} ${units[i]}`;
}

function uptime(seconds) {
  const d = Math.floor(seconds / 86400);
  const hrs = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? t('status.days', { d: num(d), h: num(hrs) }) : t('status.hours', { h: num(hrs), m: num(m) });
}

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.map(([k, v, id]) => [h('dt', {}, k), h('dd', { id }, v)]));
}

export async function render(root) {
  const s = await get('/status');
  const c = s.counts;
  const d = s.disk;
  const total = d.filesystem_total_bytes;
  const free = d.filesystem_available_bytes;
  const refresh = h('button', { type: 'button', id: 'status-refresh', onclick: () => render(root) }, t('status.refresh'));
  fill(root,
    h('h1', {}, t('status.title')),
    h('section', { class: 'card', 'aria-labelledby': 'status-server' },
      h('h2', { id: 'status-server' }, 'mitra'),
      facts([
        [t('status.version'), s.version, 'status-version'],
        [t('status.schema'), String(s.schema_version)],
        [t('status.data_dir'), h('code', {}, s.data_dir), 'status-data-dir'],
        [t('status.started'), instant(s.started_at)],
        [t('status.uptime'), uptime(s.uptime_seconds)],
      ])),
    h('section', { class: 'card', 'aria-labelledby': 'status-counts' },
      h('h2', { id: 'status-counts' }, t('status.counts')),
      facts([
        [t('status.firms'), num(c.firms), 'status-firms'],
        [t('status.ntb'), num(c.firms_by_province.NTB), 'status-ntb'],
        [t('status.jatim'), num(c.firms_by_province.JATIM), 'status-jatim'],
        [t('status.events'), num(c.events), 'status-events'],
        [t('status.participants'), num(c.participants)],
        [t('status.requests'), num(c.meeting_requests)],
        [t('status.schedules'), num(c.schedules)],
        [t('status.outcomes'), num(c.outcomes)],
      ])),
    h('section', { class: 'card', 'aria-labelledby': 'status-disk' },
      h('h2', { id: 'status-disk' }, t('status.disk')),
      facts([
        [t('status.store'), bytes(d.store_bytes), 'status-store-bytes'],
        [t('status.fs_total'), bytes(total)],
        [t('status.fs_free'), bytes(free)],
        [t('status.fs_used'), total ? percent((total - free) / total) : '–'],
      ])),
    h('p', { class: 'muted' }, t('status.metrics')),
    h('div', { class: 'actions' }, refresh));
}
