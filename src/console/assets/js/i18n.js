// Language and local conventions. Bahasa Indonesia is the default; English can be chosen
// and is remembered in this browser. Pages add their own strings with `register`, so each
// page keeps its words next to its code.

const LANG_KEY = 'mitra.lang';
const strings = { id: {}, en: {} };

export function register(table) {
  for (const lang of Object.keys(strings)) Object.assign(strings[lang], table[lang] || {});
}

export function lang() {
  const chosen = localStorage.getItem(LANG_KEY);
  return chosen === 'en' ? 'en' : 'id';
}

export function setLang(value) {
  localStorage.setItem(LANG_KEY, value === 'en' ? 'en' : 'id');
  document.documentElement.lang = lang();
}

/**
 * The string for `key` in the current language with `{name}` placeholders filled in;
 * falls back to Indonesian, then to `fallback` (the key itself unless given).
 */
export function t(key, vars = {}, fallback = key) {
  const s = strings[lang()][key] ?? strings.id[key];
  if (s === undefined) return fallback;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? `{${k}}`));
}

const locale = () => (lang() === 'id' ? 'id-ID' : 'en-GB');

/** A number the local way: 1.234,5 in Indonesian. */
export function num(x, maxFraction = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: maxFraction }).format(x);
}

/** A share as a percentage: 0.25 → 25%. */
export function percent(x, maxFraction = 0) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: maxFraction }).format(x);
}

/** Rupiah without cents: Rp 1.500.000. */
export function rupiah(x) {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 }).format(x || 0);
}

/** A calendar date (YYYY-MM-DD, a forum day): Kamis, 10 Desember 2026. */
export function dateLong(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** Short date: 10 Des 2026. */
export function dateShort(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * A forum's local clock time (the slot times are local to the forum, e.g.
 * 2026-12-10T08:30:00): 08.30 in Indonesian, 08:30 in English.
 */
export function clock(localDateTime) {
  const hhmm = localDateTime.slice(11, 16);
  return lang() === 'id' ? hhmm.replace(':', '.') : hhmm;
}

/** WIB/WITA/WIT for the three Indonesian zones, else the zone name. */
export function zoneName(tz) {
  return { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }[tz] || tz;
}

/** An instant (UTC timestamp from the API) in a time zone: 28 Nov 2026 08.15 WITA. */
export function instant(iso, tz = 'Asia/Makassar') {
  const when = new Date(iso);
  const text = new Intl.DateTimeFormat(locale(), {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: tz,
  }).format(when);
  return `${text} ${zoneName(tz)}`;
}

register({
  id: {
    'app.title': 'Konsol Temu Bisnis NTB–Jatim',
    'busy': 'Memproses…',
    'loading': 'Memuat…',
    'save': 'Simpan',
    'cancel': 'Batal',
    'delete': 'Hapus',
    'add': 'Tambah',
    'remove': 'Hapus',
    'search': 'Cari',
    'more': 'Muat lebih banyak',
    'download': 'Unduh',
    'print': 'Cetak',
    'open': 'Buka',
    'yes': 'Ya',
    'no': 'Tidak',
    'none': 'Tidak ada',
    'all': 'Semua',
    'saved': 'Tersimpan.',
    'skip': 'Langsung ke isi',
    'lang.switch': 'English',
    'lang.label': 'Bahasa',
    'signout': 'Keluar',
    'role.organizer': 'Panitia',
    'role.firm': 'Pelaku usaha',
    'nav.label': 'Menu utama',
    'province.NTB': 'Nusa Tenggara Barat',
    'province.JATIM': 'Jawa Timur',
    'error.line': 'Baris',
    'notfound.title': 'Halaman tidak ditemukan',
    'notfound.back': 'Kembali ke beranda',
    'problem.network': 'Server tidak dapat dihubungi. Periksa sambungan lalu coba lagi.',
    'problem.unknown': 'Terjadi kesalahan.',
    'problem.unauthorized': 'Token tidak dikenal atau sudah tidak berlaku. Silakan masuk lagi.',
    'problem.forbidden': 'Anda tidak berhak melakukan ini.',
    'problem.not_found': 'Data tidak ditemukan.',
    'problem.conflict': 'Data sudah diubah atau sudah ada.',
    'problem.import_conflict': 'Beberapa id sudah terdaftar. Centang “perbarui yang sudah ada” untuk menggantinya.',
    'problem.precondition_failed': 'Data sudah diubah orang lain. Muat ulang lalu coba lagi.',
    'problem.validation_failed': 'Ada isian yang belum benar.',
    'problem.malformed_csv': 'Berkas CSV tidak dapat dibaca.',
    'problem.malformed_json': 'Data tidak dapat dibaca.',
    'problem.payload_too_large': 'Berkas terlalu besar.',
    'problem.unavailable': 'Server sedang sibuk. Coba lagi sebentar lagi.',
    'problem.storage_unavailable': 'Penyimpanan tidak dapat ditulis. Hubungi pengelola server.',
  },
  en: {
    'app.title': 'NTB–Jatim Business Forum Console',
    'busy': 'Working…',
    'loading': 'Loading…',
    'save': 'Save',
    'cancel': 'Cancel',
    'delete': 'Delete',
    'add': 'Add',
    'remove': 'Remove',
    'search': 'Search',
    'more': 'Load more',
    'download': 'Download',
    'print': 'Print',
    'open': 'Open',
    'yes': 'Yes',
    'no': 'No',
    'none': 'None',
    'all': 'All',
    'saved': 'Saved.',
    'skip': 'Skip to content',
    'lang.switch': 'Bahasa Indonesia',
    'lang.label': 'Language',
    'signout': 'Sign out',
    'role.organizer': 'Organizer',
    'role.firm': 'Firm',
    'nav.label': 'Main menu',
    'province.NTB': 'Nusa Tenggara Barat',
    'province.JATIM': 'East Java',
    'error.line': 'Line',
    'notfound.title': 'Page not found',
    'notfound.back': 'Back to the start',
    'problem.network': 'The server cannot be reached. Check the connection and try again.',
    'problem.unknown': 'Something went wrong.',
    'problem.unauthorized': 'The token is unknown or no longer valid. Please sign in again.',
    'problem.forbidden': 'You may not do this.',
    'problem.not_found': 'Not found.',
    'problem.conflict': 'The data was changed meanwhile or exists already.',
    'problem.import_conflict': 'Some ids exist already. Tick “update existing firms” to replace them.',
    'problem.precondition_failed': 'Someone else changed this meanwhile. Reload and try again.',
    'problem.validation_failed': 'Some fields are not right yet.',
    'problem.malformed_csv': 'The CSV file cannot be read.',
    'problem.malformed_json': 'The data cannot be read.',
    'problem.payload_too_large': 'The file is too large.',
    'problem.unavailable': 'The server is busy. Try again in a moment.',
    'problem.storage_unavailable': 'Storage cannot be written. Contact the server operator.',
  },
});
