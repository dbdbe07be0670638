// The report tab (laporan): the forum's trade result with its charts.

import { ApiError, api, download, get, seg } from '../../api.js';
import { busy, button, fill, h, table, toast } from '../../dom.js';
import { dateLong, lang, num, percent, rupiah, t } from '../../i18n.js';
import { forumDates } from '../forums.js';
import { tabTitle, th } from './shared.js';

export async function reportTab(panel, forum) {
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
  const xlsx = button(t('l.xlsx'), {
    id: 'l-xlsx',
    onclick: (e) => busy(e.currentTarget, () => download(`/events/${seg(forum.id)}/report?format=xlsx`, `laporan-${forum.id}.xlsx`)).catch((err) => toast(err.message, 'bad')),
  });
  const anyDeal = report.deals + report.letters_of_intent > 0;
  const mapSvg = button(t('l.map.svg'), {
    id: 'l-map-svg',
    onclick: (e) => busy(e.currentTarget, () => download(`/events/${seg(forum.id)}/report?format=svg`, `peta-${forum.id}.svg`)).catch((err) => toast(err.message, 'bad')),
  });
  const flow = (key) => rupiah((report.by_direction.find((x) => x.key === key) || { value_idr: 0 }).value_idr);
  const map = h('img', {
    id: 'report-map-img',
    alt: t('l.map.alt', { ntb: flow('ntb_to_jatim'), jatim: flow('jatim_to_ntb') }),
    width: '1000', height: '491',
  });
  // The map is drawn by the server (the same SVG as in the HTML report); the token travels
  // in a header, so it arrives as a blob.
  api('GET', `/events/${seg(forum.id)}/report?format=svg`, { raw: true, headers: { Accept: 'image/svg+xml' } })
    .then((res) => res.blob())
    .then((blob) => { map.src = URL.createObjectURL(blob); })
    .catch((err) => toast(err.message, 'bad'));
  const firmsTable = report.firms_by_regency.length
    ? h('table', { class: 'data', id: 'report-regency-firms' },
      h('caption', {}, t('l.byregency.firms')),
      h('thead', {}, h('tr', {}, th(t('l.key')), th(t('l.count.firms'), { class: 'num' }), th(t('l.count.firms.deal'), { class: 'num' }))),
      h('tbody', {}, report.firms_by_regency.map((x) => h('tr', {},
        h('th', { scope: 'row' }, x.label), h('td', { class: 'num' }, num(x.firms)), h('td', { class: 'num' }, num(x.firms_with_deal))))))
    : null;
  fill(panel,
    h('div', { class: 'print-only print-header' },
      h('p', { class: 'print-title' }, `${t('l.title')}: ${forum.name}`),
      h('p', {}, forumDates(forum), forum.venue ? ` · ${forum.venue}` : ''),
      h('p', { class: 'muted' }, t('j.printed', { date: dateLong(new Date().toISOString().slice(0, 10)) }))),
    tabTitle('tab.laporan'),
    h('div', { class: 'actions no-print' }, csv, xlsx, mapSvg, button(t('l.print'), { id: 'l-print', onclick: () => window.print() })),
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
    h('figure', { class: 'card report-map', id: 'report-map' }, h('figcaption', {}, t('l.map')), map),
    tally(t('l.bydir'), report.by_direction, dirLabel, 'report-direction'),
    tally(t('l.bysector'), report.by_sector, (x) => `${x.key} — ${x.label}`, 'report-sector'),
    tally(t('l.byregency'), report.by_regency, (x) => x.label, 'report-regency'),
    firmsTable,
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
