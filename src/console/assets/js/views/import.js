// Importing the participant spreadsheet: all or nothing, with every bad row shown next to
// its line and column so the organizer can fix the sheet and try again.

import { ApiError, api, download, post, query } from '../api.js';
import { busy, errorBox, fieldMessage, fill, h, problemText } from '../dom.js';
import { num, register, t } from '../i18n.js';

register({
  id: {
    'import.title': 'Impor daftar peserta',
    'import.about': 'Unggah lembar CSV atau Excel (.xlsx, sheet pertama; satu firma per baris; kolom boleh berbahasa Indonesia, CSV dengan pemisah koma atau titik koma). Semua baris disimpan, atau tidak sama sekali bila ada baris yang salah.',
    'import.file': 'Berkas CSV atau Excel (.xlsx)', 'import.sheet': 'Sheet “{sheet}”', 'import.export': 'Unduh semua firma (Excel)', 'import.upsert': 'Perbarui firma yang id-nya sudah ada', 'import.submit': 'Impor',
    'import.template': 'Unduh contoh lembar', 'import.nofile': 'Pilih berkas CSV terlebih dahulu.',
    'import.rows': '{n} baris bermasalah. Tidak ada yang disimpan; perbaiki lembar lalu unggah lagi.',
    'import.line': 'Baris', 'import.column': 'Kolom', 'import.message': 'Masalah',
    'import.done': '{total} firma diimpor: {created} baru, {updated} diperbarui.',
    'import.tokens': 'Token firma baru (hanya ditampilkan sekali). Unduh dan serahkan kepada masing-masing firma.',
    'import.tokens.download': 'Unduh token (CSV)', 'import.tokens.xlsx': 'Unduh token (Excel)', 'import.firms': 'Lihat daftar firma',
  },
  en: {
    'import.title': 'Import the participant list',
    'import.about': 'Upload a CSV or Excel sheet (.xlsx, first sheet; one firm per row; Indonesian column names work; CSV comma or semicolon separated). Either every row is stored or, if any row is wrong, none.',
    'import.file': 'CSV or Excel (.xlsx) file', 'import.sheet': 'Sheet “{sheet}”', 'import.export': 'Download all firms (Excel)', 'import.upsert': 'Update firms whose id exists already', 'import.submit': 'Import',
    'import.template': 'Download a sample sheet', 'import.nofile': 'Choose a CSV file first.',
    'import.rows': '{n} rows have problems. Nothing was stored; fix the sheet and upload it again.',
    'import.line': 'Line', 'import.column': 'Column', 'import.message': 'Problem',
    'import.done': '{total} firms imported: {created} new, {updated} updated.',
    'import.tokens': 'Tokens of the new firms (shown only once). Download them and hand each firm its own.',
    'import.tokens.download': 'Download tokens (CSV)', 'import.tokens.xlsx': 'Download tokens (Excel)', 'import.firms': 'See the firm list',
  },
});

const SAMPLE = [
  'id,nama,provinsi,kabupaten,kbli,skala,tenaga_kerja,sertifikasi,produk,kebutuhan,kontak,telepon,email',
  'kopi-sembalun,CV Kopi Sembalun Rinjani,NTB,Lombok Timur,10761,kecil,14,halal;pirt,Kopi arabika sangrai | 0901.21 | 300 kg/bulan,Standing pouch | | 2000 pcs/bulan,Baiq Nurul Aini,0812-3456-7890,',
  '',
].join('\r\n');

function saveText(text, filename, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function render(root) {
  const file = h('input', { type: 'file', id: 'import-file', accept: `.csv,text/csv,.xlsx,${XLSX}`, 'aria-describedby': 'import-about' });
  const upsert = h('input', { type: 'checkbox', id: 'import-upsert' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'import-submit' }, t('import.submit'));
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'import-form' },
    h('p', { id: 'import-about' }, t('import.about')),
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, t('import.file')), file),
    h('div', { class: 'field inline' }, upsert, h('label', { for: 'import-upsert' }, t('import.upsert'))),
    h('div', { class: 'actions' }, submit,
      h('button', { type: 'button', id: 'import-template', onclick: () => saveText(SAMPLE, 'contoh-peserta.csv') }, t('import.template')),
      h('button', {
        type: 'button', id: 'export-xlsx',
        onclick: (e) => busy(e.currentTarget, () => download('/firms/export?format=xlsx', 'firma.xlsx')).catch((err) => fill(result, errorBox(err))),
      }, t('import.export'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const chosen = file.files[0];
    if (!chosen) {
      fill(result, h('div', { class: 'form-errors', role: 'alert' }, h('p', {}, t('import.nofile'))));
      return;
    }
    busy(submit, async () => {
      try {
        const excel = chosen.name.toLowerCase().endsWith('.xlsx') || chosen.type === XLSX;
        const body = excel ? await chosen.arrayBuffer() : await chosen.text();
        const report = await post(`/firms/import${query({ upsert: upsert.checked ? 'true' : '' })}`, body, { contentType: excel ? XLSX : 'text/csv' });
        showReport(result, report);
      } catch (e) {
        showFailure(result, e);
      }
    });
  });
  fill(root, h('h1', {}, t('import.title')), form, result);
}

/** The new tokens as a sheet, written by the server (which checks each token and adds the
 * firm's name), saved as a file; the tokens stay in this page and that answer only. */
async function saveTokens(tokens, format) {
  const res = await api('POST', `/firms/import/tokens?format=${format}`, { body: tokens, raw: true, headers: { Accept: '*/*' } });
  const type = format === 'xlsx' ? XLSX : 'text/csv';
  saveText(await res.blob(), `token-firma.${format}`, type);
}

function showReport(out, report) {
  const tokens = report.tokens || [];
  fill(out, h('div', { class: 'notice', role: 'status' },
    h('p', {}, t('import.done', { total: num(report.total), created: num(report.created), updated: num(report.updated) })),
    h('p', {}, h('a', { href: '#/firma' }, t('import.firms')))),
  tokens.length ? h('div', { class: 'card' },
    h('p', {}, t('import.tokens')),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button', id: 'import-tokens-xlsx',
        onclick: (e) => busy(e.currentTarget, () => saveTokens(tokens, 'xlsx')).catch((err) => out.append(errorBox(err))),
      }, t('import.tokens.xlsx')),
      h('button', {
        type: 'button', id: 'import-tokens',
        onclick: (e) => busy(e.currentTarget, () => saveTokens(tokens, 'csv')).catch((err) => out.append(errorBox(err))),
      }, t('import.tokens.download')))) : null);
}

function showFailure(out, e) {
  if (!(e instanceof ApiError) || !e.fields.length) {
    fill(out, errorBox(e));
    return;
  }
  // Rows in sheet order, so the organizer can walk down the spreadsheet.
  const rows = [...e.fields].sort((a, b) => (a.line || 0) - (b.line || 0));
  const sheet = rows.find((r) => r.params?.sheet)?.params.sheet;
  fill(out, h('div', { class: 'form-errors', role: 'alert' },
    h('p', {}, problemText(e)), h('p', {}, t('import.rows', { n: num(new Set(rows.map((r) => r.line)).size) }),
      sheet ? ` ${t('import.sheet', { sheet })}` : '')),
  h('table', { class: 'data', id: 'import-errors' },
    h('thead', {}, h('tr', {}, [t('import.line'), t('import.column'), t('import.message')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('td', { class: 'num' }, r.line ?? '–'), h('td', {}, r.params?.column ? `${r.params.column} · ` : '', h('code', {}, r.field || '')), h('td', {}, fieldMessage(r)))))));
}
