// The signed-in firm's own profile (#/saya): one form for every field of the profile, with
// KBLI codes, products and needs as rows the firm adds and removes. It is saved whole with
// PUT and If-Match (a change made meanwhile elsewhere is refused, never overwritten), the
// API's field errors appear next to their inputs, and the recommended partners below are
// asked again after each save so the firm sees what its changes did.

import { api, seg } from '../api.js';
import { busy, button, clearErrors, field, fill, h, input, select, showErrors, toast } from '../dom.js';
import { register, t } from '../i18n.js';
import { CERTIFICATIONS, PERIODS, UNITS, codePicker, regencyNames, regencySelect } from '../reference.js';
import { matchesSection, sizeBars } from './firms.js';

register({
  id: {
    'profile.title': 'Profil usaha saya',
    'profile.intro': 'Perbarui data usaha Anda. Produk dan kebutuhan yang lengkap (kode HS, kapasitas, volume) membuat rekomendasi mitra lebih tepat.',
    'profile.general': 'Data usaha', 'profile.name': 'Nama usaha', 'profile.province': 'Provinsi',
    'profile.regency': 'Kabupaten/kota', 'profile.size': 'Skala usaha', 'profile.employees': 'Jumlah tenaga kerja',
    'profile.kbli': 'Kode KBLI 2020', 'profile.kbli.n': 'KBLI {n}', 'profile.kbli.hint': 'Ketik angka atau kata (mis. “kopi”) untuk melihat saran. KBLI pertama adalah kegiatan utama.',
    'profile.kbli.add': 'Tambah kode KBLI', 'profile.kbli.remove': 'Hapus KBLI {n}',
    'profile.certs': 'Sertifikasi yang dimiliki',
    'profile.products': 'Produk yang dibuat', 'profile.products.none': 'Belum ada produk.',
    'profile.product.n': 'Produk {n}', 'profile.product.name': 'Nama produk', 'profile.product.add': 'Tambah produk',
    'profile.product.remove': 'Hapus produk {n}', 'profile.capacity': 'Kapasitas',
    'profile.needs': 'Bahan atau barang yang dibutuhkan', 'profile.needs.none': 'Belum ada kebutuhan.',
    'profile.need.n': 'Kebutuhan {n}', 'profile.need.name': 'Nama kebutuhan', 'profile.need.add': 'Tambah kebutuhan',
    'profile.need.remove': 'Hapus kebutuhan {n}', 'profile.volume': 'Volume', 'profile.need.certs': 'Sertifikasi yang disyaratkan dari pemasok',
    'profile.hs': 'Kode HS (tidak wajib)', 'profile.hs.hint': 'Ketik angka atau kata untuk melihat saran.',
    'profile.unit': 'Satuan', 'profile.per': 'Per',
    'profile.contact': 'Narahubung', 'profile.contact.person': 'Nama narahubung', 'profile.contact.phone': 'Telepon/HP',
    'profile.contact.phone.hint': 'Mis. 0812-3456-7890', 'profile.contact.email': 'Email',
    'profile.save': 'Simpan profil', 'profile.saved': 'Profil tersimpan. Rekomendasi mitra diperbarui.',
    'profile.stale': 'Profil ini sudah diubah di tempat lain sejak halaman dibuka. Perubahan Anda belum disimpan.',
    'profile.reload': 'Muat ulang profil terbaru',
    'profile.matches': 'Rekomendasi mitra untuk profil ini',
    'cert.organic': 'organik',
  },
  en: {
    'profile.title': 'My business profile',
    'profile.intro': 'Keep your business data up to date. Complete products and needs (HS code, capacity, volume) make the partner recommendations more precise.',
    'profile.general': 'Business data', 'profile.name': 'Business name', 'profile.province': 'Province',
    'profile.regency': 'Regency/city', 'profile.size': 'Business size', 'profile.employees': 'Number of employees',
    'profile.kbli': 'KBLI 2020 codes', 'profile.kbli.n': 'KBLI {n}', 'profile.kbli.hint': 'Type digits or a word (e.g. “coffee”) to see suggestions. The first KBLI is the main activity.',
    'profile.kbli.add': 'Add a KBLI code', 'profile.kbli.remove': 'Remove KBLI {n}',
    'profile.certs': 'Certifications held',
    'profile.products': 'Products made', 'profile.products.none': 'No product yet.',
    'profile.product.n': 'Product {n}', 'profile.product.name': 'Product name', 'profile.product.add': 'Add a product',
    'profile.product.remove': 'Remove product {n}', 'profile.capacity': 'Capacity',
    'profile.needs': 'Inputs or goods needed', 'profile.needs.none': 'No need yet.',
    'profile.need.n': 'Need {n}', 'profile.need.name': 'Name of the need', 'profile.need.add': 'Add a need',
    'profile.need.remove': 'Remove need {n}', 'profile.volume': 'Volume', 'profile.need.certs': 'Certifications required from the supplier',
    'profile.hs': 'HS code (optional)', 'profile.hs.hint': 'Type digits or a word to see suggestions.',
    'profile.unit': 'Unit', 'profile.per': 'Per',
    'profile.contact': 'Contact person', 'profile.contact.person': 'Name of the contact', 'profile.contact.phone': 'Phone/mobile',
    'profile.contact.phone.hint': 'E.g. 0812-3456-7890', 'profile.contact.email': 'Email',
    'profile.save': 'Save profile', 'profile.saved': 'Profile saved. Partner recommendations updated.',
    'profile.stale': 'This profile was changed elsewhere since the page was opened. Your changes are not saved yet.',
    'profile.reload': 'Load the latest profile',
    'profile.matches': 'Recommended partners for this profile',
    'cert.organic': 'organic',
  },
});

const CERT_LABELS = {
  halal: 'Halal', pirt: 'P-IRT', bpom: 'BPOM', sni: 'SNI', iso9001: 'ISO 9001', iso22000: 'ISO 22000',
  haccp: 'HACCP', gmp: 'GMP', svlk: 'SVLK',
};
const certLabel = (c) => CERT_LABELS[c] || t(`cert.${c}`);

/** Checkboxes for certifications, in a fieldset whose legend names the group. */
function certBoxes(legend, chosen, attrs = {}) {
  const set = h('fieldset', { class: 'checks', ...attrs }, h('legend', {}, legend));
  const boxes = h('div', { class: 'check-row' });
  for (const c of CERTIFICATIONS) {
    boxes.append(h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: c, checked: chosen.includes(c) }), ' ', certLabel(c)));
  }
  set.append(boxes);
  if (set.id) set.append(h('p', { class: 'field-error', id: `${set.id}-error`, hidden: true }));
  return set;
}

const checked = (set) => [...set.querySelectorAll('input[type=checkbox]:checked')].map((b) => b.value);

/** An HS or KBLI picker in a labelled field, with its suggestion list beside it. */
function pickerField(label, table, attrs, hint) {
  const el = codePicker(table, attrs);
  const wrap = field(label, el, { hint });
  wrap.append(el.withList);
  return wrap;
}

/** Amount, unit and period of a capacity or volume, each with its own label. */
function rateFields(rate, heading) {
  const amount = input({ type: 'number', min: '0', step: 'any', inputmode: 'decimal', value: rate?.amount ?? '', dataset: { part: 'amount' } });
  const unit = select(UNITS, { value: rate?.unit || 'kg', dataset: { part: 'unit' } });
  const per = select(PERIODS.map((p) => [p, t(`per.${p}`)]), { value: rate?.per || 'month', dataset: { part: 'per' } });
  return h('div', { class: 'row' },
    field(heading, amount), field(t('profile.unit'), unit), field(t('profile.per'), per));
}

function productRow(p = {}) {
  return h('fieldset', { class: 'item', dataset: { kind: 'product' } },
    h('legend', {}),
    h('div', { class: 'row' },
      field(t('profile.product.name'), input({ value: p.name || '', required: true, autocomplete: 'off', dataset: { part: 'name' } })),
      pickerField(t('profile.hs'), 'hs', { value: p.hs_code || '', dataset: { part: 'hs_code' } }, t('profile.hs.hint'))),
    h('div', { dataset: { rate: 'capacity' } }, rateFields(p.capacity, t('profile.capacity'))),
    button('', { class: 'danger remove' }));
}

function needRow(n = {}) {
  return h('fieldset', { class: 'item', dataset: { kind: 'need' } },
    h('legend', {}),
    h('div', { class: 'row' },
      field(t('profile.need.name'), input({ value: n.name || '', required: true, autocomplete: 'off', dataset: { part: 'name' } })),
      pickerField(t('profile.hs'), 'hs', { value: n.hs_code || '', dataset: { part: 'hs_code' } }, t('profile.hs.hint'))),
    h('div', { dataset: { rate: 'volume' } }, rateFields(n.volume, t('profile.volume'))),
    certBoxes(t('profile.need.certs'), n.required_certifications || [], { dataset: { part: 'required_certifications' } }),
    button('', { class: 'danger remove' }));
}

function kbliRow(code = '') {
  return h('div', { class: 'row item-line', dataset: { kind: 'kbli' } },
    pickerField('', 'kbli', { value: code, inputmode: 'text', required: true, dataset: { part: 'code' } }),
    h('div', { class: 'field' }, button('', { class: 'danger remove' })));
}

/**
 * Gives every row its number: legends, labels of the remove buttons and the API field paths
 * (`products[1].capacity.unit`), so errors land at the row the firm sees, whatever it removed.
 */
function renumber(form) {
  form.querySelectorAll('[data-kind="kbli"]').forEach((row, i) => {
    row.querySelector('label').textContent = t('profile.kbli.n', { n: i + 1 });
    row.querySelector('[data-part="code"]').dataset.field = `kbli[${i}]`;
    row.querySelector('.remove').textContent = t('profile.kbli.remove', { n: i + 1 });
  });
  for (const [kind, list, rate] of [['product', 'products', 'capacity'], ['need', 'needs', 'volume']]) {
    const rows = form.querySelectorAll(`[data-kind="${kind}"]`);
    rows.forEach((row, i) => {
      row.querySelector('legend').textContent = t(`profile.${kind}.n`, { n: i + 1 });
      row.querySelector('.remove').textContent = t(`profile.${kind}.remove`, { n: i + 1 });
      row.querySelector('[data-part="name"]').dataset.field = `${list}[${i}].name`;
      row.querySelector('[data-part="hs_code"]').dataset.field = `${list}[${i}].hs_code`;
      row.querySelectorAll(`[data-rate="${rate}"] [data-part]`).forEach((el) => {
        el.dataset.field = `${list}[${i}].${rate}.${el.dataset.part}`;
      });
      const certs = row.querySelector('[data-part="required_certifications"]');
      if (certs) certs.dataset.field = `${list}[${i}].required_certifications`;
    });
    form.querySelector(`#${list}-none`).hidden = rows.length > 0;
  }
}

const text = (el) => el.value.trim();
const numberOrNull = (el) => (el.value.trim() === '' ? null : Number(el.value));
const orNull = (s) => (s === '' ? null : s);

function rateOf(row, rate) {
  const part = (p) => row.querySelector(`[data-rate="${rate}"] [data-part="${p}"]`);
  return { amount: numberOrNull(part('amount')), unit: part('unit').value, per: part('per').value };
}

/** The form as a FirmInput for PUT: the whole profile, every list in the order shown. */
function collect(form, firm) {
  const q = (sel) => form.querySelector(sel);
  const person = text(q('#contact-person'));
  const phone = text(q('#contact-phone'));
  const email = text(q('#contact-email'));
  return {
    name: text(q('#profile-name')),
    province: firm.province,
    regency: q('#profile-regency').value,
    kbli: [...form.querySelectorAll('[data-kind="kbli"] [data-part="code"]')].map(text),
    size: q('#profile-size').value,
    employees: numberOrNull(q('#profile-employees')),
    certifications: checked(q('#profile-certs')),
    products: [...form.querySelectorAll('[data-kind="product"]')].map((row) => ({
      name: text(row.querySelector('[data-part="name"]')),
      hs_code: orNull(text(row.querySelector('[data-part="hs_code"]'))),
      capacity: rateOf(row, 'capacity'),
    })),
    needs: [...form.querySelectorAll('[data-kind="need"]')].map((row) => ({
      name: text(row.querySelector('[data-part="name"]')),
      hs_code: orNull(text(row.querySelector('[data-part="hs_code"]'))),
      volume: rateOf(row, 'volume'),
      required_certifications: checked(row.querySelector('[data-part="required_certifications"]')),
    })),
    // No contact at all is allowed; a phone or email without a person is reported by the API.
    contact: person || phone || email ? { person, phone: orNull(phone), email: orNull(email) } : null,
  };
}

/**
 * Puts the stored values back into the inputs the API normalises (HS "0901.21" → "090121",
 * phone "0812…" → "+62812…", names trimmed), so the form shows what was saved.
 */
function showStored(form, firm) {
  form.querySelector('#profile-name').value = firm.name;
  form.querySelectorAll('[data-kind="kbli"] [data-part="code"]').forEach((el, i) => {
    if (firm.kbli[i] !== undefined) el.value = firm.kbli[i];
  });
  for (const [kind, list] of [['product', firm.products], ['need', firm.needs]]) {
    form.querySelectorAll(`[data-kind="${kind}"]`).forEach((row, i) => {
      if (!list[i]) return;
      row.querySelector('[data-part="name"]').value = list[i].name;
      row.querySelector('[data-part="hs_code"]').value = list[i].hs_code || '';
    });
  }
  const contact = firm.contact || {};
  form.querySelector('#contact-person').value = contact.person || '';
  form.querySelector('#contact-phone').value = contact.phone || '';
  form.querySelector('#contact-email').value = contact.email || '';
}

/** A list of rows (KBLI, products, needs) with its add button and list-level error. */
function rowList(id, legend, rows, addLabel, makeRow, { none } = {}) {
  const list = h('div', { class: 'rows' }, rows);
  const add = button(addLabel, { id: `${id}-add` });
  const set = h('fieldset', { class: 'group', id: `${id}-set`, dataset: { field: id } },
    h('legend', {}, legend),
    none ? h('p', { class: 'muted', id: `${id}-none` }, none) : null,
    h('p', { class: 'field-error', id: `${id}-set-error`, hidden: true }),
    list, h('div', { class: 'actions' }, add));
  add.addEventListener('click', () => {
    const row = makeRow();
    list.append(row);
    renumber(set.closest('form'));
    row.querySelector('input')?.focus();
  });
  return set;
}

async function load(id) {
  const res = await api('GET', `/firms/${seg(id)}`, { raw: true });
  return { firm: await res.json(), etag: res.headers.get('ETag') };
}

export async function render(root, params, session) {
  const id = session.me.firm_id;
  const [{ firm, etag: firstEtag }, names] = await Promise.all([load(id), regencyNames()]);
  let etag = firstEtag;

  const regency = await regencySelect(firm.province, { id: 'profile-regency', value: firm.regency, required: true });
  const size = select(['micro', 'small', 'medium'].map((s) => [s, t(`size.${s}`)]), { id: 'profile-size', value: firm.size });
  const contact = firm.contact || {};
  const status = h('div', { id: 'profile-status', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'primary', id: 'profile-save' }, t('profile.save'));

  const form = h('form', { class: 'card', id: 'profile-form', novalidate: true },
    h('fieldset', { class: 'group' }, h('legend', {}, t('profile.general')),
      h('div', { class: 'row' },
        field(t('profile.name'), input({ id: 'profile-name', value: firm.name, required: true, autocomplete: 'organization' }), { name: 'name' }),
        h('div', { class: 'field' }, h('span', { class: 'label' }, t('profile.province')), h('span', { id: 'profile-province' }, t(`province.${firm.province}`))),
        field(t('profile.regency'), regency, { name: 'regency' })),
      h('div', { class: 'row' },
        field(t('profile.size'), size, { name: 'size' }),
        field(t('profile.employees'), input({ id: 'profile-employees', type: 'number', min: '0', step: '1', inputmode: 'numeric', value: firm.employees }), { name: 'employees' }))),
    rowList('kbli', t('profile.kbli'), firm.kbli.map((k) => kbliRow(k)), t('profile.kbli.add'), () => kbliRow()),
    certBoxes(t('profile.certs'), firm.certifications, { id: 'profile-certs', dataset: { field: 'certifications' } }),
    rowList('products', t('profile.products'), firm.products.map(productRow), t('profile.product.add'), () => productRow(),
      { none: t('profile.products.none') }),
    rowList('needs', t('profile.needs'), firm.needs.map(needRow), t('profile.need.add'), () => needRow(),
      { none: t('profile.needs.none') }),
    h('fieldset', { class: 'group' }, h('legend', {}, t('profile.contact')),
      h('div', { class: 'row' },
        field(t('profile.contact.person'), input({ id: 'contact-person', value: contact.person || '', autocomplete: 'name' }), { name: 'contact.person' }),
        field(t('profile.contact.phone'), input({ id: 'contact-phone', type: 'tel', value: contact.phone || '', autocomplete: 'tel' }),
          { name: 'contact.phone', hint: t('profile.contact.phone.hint') }),
        field(t('profile.contact.email'), input({ id: 'contact-email', type: 'email', value: contact.email || '', autocomplete: 'email' }), { name: 'contact.email' }))),
    status,
    h('div', { class: 'actions' }, save));
  // The KBLI hint once, under the group's legend.
  form.querySelector('#kbli-set legend').after(h('p', { class: 'hint' }, t('profile.kbli.hint')));

  form.addEventListener('click', (ev) => {
    const remove = ev.target.closest('.remove');
    if (!remove) return;
    const row = remove.closest('[data-kind]');
    const set = row.closest('fieldset.group');
    row.remove();
    renumber(form);
    // Keep the keyboard where the row was: the add button of its list.
    set.querySelector(`#${set.id.replace(/-set$/, '')}-add`)?.focus();
  });
  renumber(form);

  const matches = await matchesSection(id, names, { heading: t('profile.matches') });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    fill(status);
    busy(save, async () => {
      try {
        const res = await api('PUT', `/firms/${seg(id)}`, { body: collect(form, firm), headers: { 'If-Match': etag }, raw: true });
        const stored = await res.json();
        etag = res.headers.get('ETag') || `"${stored.version}"`;
        Object.assign(firm, stored);
        session.me.name = stored.name;
        showStored(form, stored);
        toast(t('profile.saved'));
        await matches.refresh();
      } catch (e) {
        if (e.status === 412) {
          const reload = button(t('profile.reload'), { id: 'profile-reload', onclick: () => render(root, params, session) });
          fill(status, h('div', { class: 'form-errors', role: 'alert' }, h('p', {}, t('profile.stale')), reload));
          reload.focus();
        } else {
          showErrors(form, e);
        }
      }
    });
  });

  fill(root,
    h('h1', {}, t('profile.title')),
    h('p', { class: 'muted' }, t('profile.intro')),
    form,
    matches);
  sizeBars(root);
}
