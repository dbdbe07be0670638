// The send tab (kirim): every participant's agenda as a WhatsApp message, one link per
// firm that opens WhatsApp (on the organizer's phone or WhatsApp Web) with the message
// typed, to the firm's stored +62 number. Firms without a number are listed to call.

import { get, seg } from '../../api.js';
import { fill, h } from '../../dom.js';
import { lang, num, t } from '../../i18n.js';
import { loadSchedule, tabTitle } from './shared.js';

/** A "Kirim via WhatsApp" link for one message, or a note when the firm has no number. */
export function whatsappLink(message, id) {
  if (!message.whatsapp_url) return h('span', { class: 'muted', id }, t('k.nophone'));
  return h('a', {
    class: 'button whatsapp', href: message.whatsapp_url, target: '_blank', rel: 'noopener noreferrer', id,
    'aria-label': t('k.send.to', { name: message.name }),
  }, t('k.send'));
}

export async function sendTab(panel, forum) {
  const plan = await loadSchedule(forum);
  if (!plan) {
    fill(panel, tabTitle('tab.kirim'), h('p', { class: 'notice', id: 'k-none' }, t('k.none')));
    return;
  }
  const messages = await get(`/events/${seg(forum.id)}/agenda-messages?lang=${lang() === 'en' ? 'en' : 'id'}`);
  const withPhone = messages.filter((m) => m.whatsapp_url).length;
  fill(panel,
    tabTitle('tab.kirim'),
    h('p', { id: 'k-summary' }, t('k.summary', { n: num(withPhone), total: num(messages.length) })),
    h('ul', { class: 'send-list', id: 'send-list' }, messages.map((m, i) => h('li', { class: 'card', 'data-firm': m.firm_id },
      h('h3', {}, m.name),
      h('p', { class: 'muted' }, m.phone || t('k.nophone.short'), ' · ', t('k.meetings', { n: num(m.meetings) })),
      whatsappLink(m, `k-send-${i}`),
      h('details', {}, h('summary', {}, t('k.preview')), h('pre', { class: 'message' }, m.text))))));
}
