//! A firm's agenda as a short text message, for WhatsApp (the channel IKM owners read):
//! greeting, forum, and each meeting with day, time and zone, table, partner and one reason.
//!
//! Names and reasons come from firms and organizers, so they are made inert before they
//! enter the message: control characters, line breaks and bidirectional overrides become
//! spaces (a name cannot add lines that look like another meeting, or reorder the text),
//! WhatsApp's styling marks (`*`, `_`, `~`, `` ` ``) are left out (a name cannot restyle the
//! message), runs of spaces collapse, and long reasons are cut. Pure.

use super::forum::Agenda;
use crate::domain::event::Event;
use chrono::{Datelike, NaiveDateTime, Weekday};

/// The languages a message can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Indonesian,
    English,
}

impl Language {
    /// `id` or `en`.
    pub fn parse(code: &str) -> Option<Language> {
        match code {
            "id" => Some(Language::Indonesian),
            "en" => Some(Language::English),
            _ => None,
        }
    }
}

/// The longest reason a message carries, in characters.
pub const MAX_REASON_CHARS: usize = 140;

/// `text` as one inert line: see the module notes.
pub fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let blank = c.is_whitespace()
            || c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
        if blank {
            space = !out.is_empty();
            continue;
        }
        if matches!(c, '*' | '_' | '~' | '`') {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

fn cut(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short = short.trim_end().to_string();
    short.push('…');
    short
}

/// The zone's everyday name: WITA, WIB, WIT, else the IANA name.
pub fn zone_name(time_zone: &str) -> &str {
    match time_zone {
        "Asia/Makassar" => "WITA",
        "Asia/Jakarta" | "Asia/Pontianak" => "WIB",
        "Asia/Jayapura" => "WIT",
        other => other,
    }
}

fn day(date: NaiveDateTime, language: Language) -> String {
    let (days, months): ([&str; 7], [&str; 12]) = match language {
        Language::Indonesian => (
            [
                "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
            ],
            [
                "Januari",
                "Februari",
                "Maret",
                "April",
                "Mei",
                "Juni",
                "Juli",
                "Agustus",
                "September",
                "Oktober",
                "November",
                "Desember",
            ],
        ),
        Language::English => (
            [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
        ),
    };
    let weekday = match date.weekday() {
        Weekday::Mon => 0,
        Weekday::Tue => 1,
        Weekday::Wed => 2,
        Weekday::Thu => 3,
        Weekday::Fri => 4,
        Weekday::Sat => 5,
        Weekday::Sun => 6,
    };
    format!(
        "{}, {} {} {}",
        days[weekday],
        date.day(),
        months[date.month0() as usize],
        date.year()
    )
}

/// The agenda as a message in `language`.
pub fn agenda_text(event: &Event, agenda: &Agenda, language: Language) -> String {
    let id = language == Language::Indonesian;
    let zone = zone_name(&event.time_zone);
    let forum = inert(&event.name);
    let venue = event.venue.as_deref().map(inert).filter(|v| !v.is_empty());
    let mut text = String::new();
    text.push_str(&if id {
        format!("Yth. {},\n\n", inert(&agenda.firm.name))
    } else {
        format!("Dear {},\n\n", inert(&agenda.firm.name))
    });
    let place = venue.map(|v| format!(" ({v})")).unwrap_or_default();
    if agenda.meetings.is_empty() {
        text.push_str(&if id {
            format!("Jadwal {forum}{place} sudah terbit, tetapi belum ada pertemuan untuk Anda. Panitia akan menghubungi Anda bila ada perubahan.\n")
        } else {
            format!("The timetable of {forum}{place} is out, but it holds no meeting for you yet. The organizers will contact you if that changes.\n")
        });
        return text;
    }
    let n = agenda.meetings.len();
    text.push_str(&if id {
        format!("Berikut jadwal {n} pertemuan Anda di {forum}{place}:\n")
    } else {
        format!(
            "Here {} your {n} meeting{} at {forum}{place}:\n",
            if n == 1 { "is" } else { "are" },
            if n == 1 { "" } else { "s" }
        )
    });
    let mut last_day = None;
    for (i, m) in agenda.meetings.iter().enumerate() {
        let date = m.start.date();
        if last_day != Some(date) {
            text.push_str(&format!("\n{}\n", day(m.start, language)));
            last_day = Some(date);
        }
        let partner = inert(&m.partner.name);
        let place: Vec<String> = [&m.partner.regency, &m.partner.province]
            .into_iter()
            .map(|s| inert(s))
            .filter(|s| !s.is_empty())
            .collect();
        let from = if place.is_empty() {
            String::new()
        } else {
            format!(" ({})", place.join(", "))
        };
        text.push_str(&format!(
            "{}. {}–{} {zone}, {}\n   {}: {partner}{from}\n",
            i + 1,
            m.start.format("%H:%M"),
            m.end.format("%H:%M"),
            inert(&m.table_name),
            if id { "Mitra" } else { "Partner" },
        ));
        if let Some(reason) = m.reasons.iter().map(|r| inert(r)).find(|r| !r.is_empty()) {
            text.push_str(&format!(
                "   {}: {}\n",
                if id { "Alasan" } else { "Why" },
                cut(reason, MAX_REASON_CHARS)
            ));
        }
    }
    text.push_str(if id {
        "\nMohon hadir 10 menit sebelum pertemuan pertama. Terima kasih.\n"
    } else {
        "\nPlease arrive 10 minutes before your first meeting. Thank you.\n"
    });
    text
}

/// The digits of a stored `+62…` number, for `https://wa.me/<digits>`; `None` when the
/// number is not an international one.
pub fn wa_digits(phone: &str) -> Option<String> {
    let digits = phone.strip_prefix('+')?;
    (digits.len() >= 8 && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_string())
}

/// `https://wa.me/<digits>?text=<message>`, the message percent-encoded (RFC 3986
/// unreserved characters kept, spaces as `%20`).
pub fn wa_link(digits: &str, message: &str) -> String {
    let mut url = format!("https://wa.me/{digits}?text=");
    for b in message.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests;
