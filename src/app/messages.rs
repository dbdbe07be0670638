//! Agendas that reach people: every participant's agenda as a WhatsApp-ready message, with
//! a `wa.me` link from the stored +62 number, for the organizer to send one by one from a
//! phone.

use super::outcomes::meeting_firms;
use super::schedule::{current, event};
use super::{AppError, Mitra};
use crate::domain::event::Event;
use crate::domain::{EventId, Firm};
use crate::schedule::forum::{self, Agenda, FirmCard};
use crate::schedule::message::{agenda_text, wa_digits, wa_link, Language};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// One participant's message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgendaMessage {
    pub firm_id: String,
    pub name: String,
    /// The stored number (+62…), when the firm gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `https://wa.me/<digits>?text=<message>`; absent without a usable number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whatsapp_url: Option<String>,
    /// Meetings in the agenda.
    pub meetings: usize,
    /// The message (as `GET /v1/events/{id}/agenda/{firm_id}?format=txt`).
    pub text: String,
}

/// Every participant's agenda (and that of every firm of the timetable, should one have left
/// the list since), with its firm, ordered by firm name then id: what the WhatsApp
/// messages, the e-mails and the agendas workbook are made of.
pub fn forum_agendas(app: &Mitra, id: &EventId) -> Result<(Event, Vec<(Firm, Agenda)>), AppError> {
    let event = event(&app.store, id)?;
    let plan = current(&app.store, id)?;
    let mut firms = meeting_firms(&app.store, &plan)?;
    for participant in app.store.participants(id)? {
        if let std::collections::hash_map::Entry::Vacant(slot) =
            firms.entry(participant.firm_id.to_string())
        {
            if let Some(firm) = app.store.get_firm(slot.key())? {
                slot.insert(firm);
            }
        }
    }
    let cards: HashMap<String, FirmCard> = firms
        .iter()
        .map(|(id, f)| {
            let card = FirmCard {
                id: id.clone(),
                name: f.profile.name().to_string(),
                province: f.profile.province().to_string(),
                regency: f.profile.regency_name().to_string(),
            };
            (id.clone(), card)
        })
        .collect();
    let card = |id: &str| {
        cards.get(id).cloned().unwrap_or_else(|| FirmCard {
            id: id.to_string(),
            name: id.to_string(),
            province: String::new(),
            regency: String::new(),
        })
    };
    let mut out: Vec<(Firm, Agenda)> = firms
        .into_iter()
        .map(|(firm_id, firm)| {
            let agenda = forum::agenda(&event, &plan, &card(&firm_id), &card);
            (firm, agenda)
        })
        .collect();
    out.sort_by(|(a, _), (b, _)| a.profile.name().cmp(b.profile.name()).then(a.id.cmp(&b.id)));
    Ok((event, out))
}

/// Every participant's message (see [`forum_agendas`]), ordered by name.
pub fn agenda_messages(
    app: &Mitra,
    id: &EventId,
    language: Language,
) -> Result<Vec<AgendaMessage>, AppError> {
    let (event, agendas) = forum_agendas(app, id)?;
    Ok(agendas
        .into_iter()
        .map(|(firm, agenda)| {
            let text = agenda_text(&event, &agenda, language);
            let phone = firm.profile.contact().and_then(|c| c.phone.clone());
            let whatsapp_url = phone
                .as_deref()
                .and_then(wa_digits)
                .map(|digits| wa_link(&digits, &text));
            AgendaMessage {
                firm_id: firm.id.to_string(),
                name: firm.profile.name().to_string(),
                phone,
                whatsapp_url,
                meetings: agenda.meetings.len(),
                text,
            }
        })
        .collect())
}
