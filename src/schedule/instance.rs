//! Request validation and the indexed problem the solver works on. Every invalid field is
//! reported at once with its path (`meetings[3].a`), so the API can answer one 422.

use super::types::*;
use crate::domain::FieldError;
use std::collections::{HashMap, HashSet};

pub(crate) type Mask = u128;

#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub avail: Mask,
    pub cap: usize,
    /// The table a host keeps.
    pub host_table: Option<usize>,
}

/// One placeable unit: a meeting, or the consecutive meetings of a pair (a block of `len`
/// slots at one table). A pair asked `count` times without `consecutive` gives `count` units.
#[derive(Debug, Clone)]
pub(crate) struct Meet {
    pub a: usize,
    pub b: usize,
    /// Index of the request's meeting this unit comes from.
    pub req: usize,
    /// Slots it takes from its start (1, or `count` when consecutive).
    pub len: u32,
    /// Start slots allowed by the session restriction and both participants' availability
    /// (for a block, every slot it takes must be allowed and in the start's session).
    pub allowed: Mask,
    /// Every slot some placement of it would take.
    pub covers: Mask,
    /// Allowed by the session restriction alone (for reasons).
    pub session: Option<usize>,
    pub value: f64,
    /// Meetings without a host compete for the shared tables; a host's meeting sits at the
    /// host's own table.
    pub shared: bool,
}

impl Meet {
    /// The slots it takes when it starts at `s`.
    pub fn span_at(&self, s: u32) -> Mask {
        range_mask(s as usize, s as usize + self.len as usize)
    }
}

/// Start slots of a block of `len` consecutive slots of one session, every one in `ok`.
pub(crate) fn block_starts(ok: Mask, len: u32, session_masks: &[Mask]) -> Mask {
    let mut starts = 0;
    for &sm in session_masks {
        let x = ok & sm;
        // Bit s survives when bits s, s + 1, …, s + len − 1 of x are all set.
        starts |= (1..len.min(128)).fold(x, |run, i| run & (x >> i));
    }
    starts
}

/// The slots covered by blocks of `len` starting anywhere in `starts`.
pub(crate) fn expand(starts: Mask, len: u32) -> Mask {
    (0..len).fold(0, |acc, i| acc | (starts << i))
}

#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub n_slots: usize,
    pub session_masks: Vec<Mask>,
    pub slot_session: Vec<usize>,
    pub tables: usize,
    /// Tables not held by a host.
    pub shared_tables: Vec<usize>,
    pub parts: Vec<Part>,
    pub meets: Vec<Meet>,
    pub objective: Objective,
    pub time_limit_ms: u64,
    pub seed: u64,
    /// Span before idle (see [`ScheduleRequest::span_first`]).
    pub span_first: bool,
}

pub(crate) fn range_mask(lo: usize, hi: usize) -> Mask {
    // bits lo..hi (exclusive)
    if hi <= lo {
        return 0;
    }
    let width = hi - lo;
    let ones = if width >= 128 {
        Mask::MAX
    } else {
        (1u128 << width) - 1
    };
    ones << lo
}

/// Checks the request and returns every invalid field.
pub fn validate(request: &ScheduleRequest) -> Result<(), Vec<FieldError>> {
    Instance::build(request).map(|_| ())
}

fn unordered(a: usize, b: usize) -> (usize, usize) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

impl Instance {
    pub(crate) fn build(r: &ScheduleRequest) -> Result<Instance, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut err = |e: FieldError| errs.push(e);

        // Sessions and slots.
        if r.sessions.is_empty() {
            err(FieldError::too_few("sessions", 1, "session"));
        }
        let mut session_index = HashMap::new();
        let mut session_masks = Vec::new();
        let mut slot_session = Vec::new();
        let mut total = 0usize;
        for (i, s) in r.sessions.iter().enumerate() {
            if s.name.trim().is_empty() {
                err(FieldError::empty(format!("sessions[{i}].name")));
            } else if let Some(first) = session_index.insert(s.name.clone(), i) {
                err(FieldError::coded(
                    format!("sessions[{i}].name"),
                    "duplicate",
                    format!("duplicate session '{}'", s.name),
                )
                .with("value", &s.name)
                .with("other", format!("sessions[{first}]")));
            }
            if s.slots == 0 {
                err(FieldError::too_small(format!("sessions[{i}].slots"), 1));
            }
            let lo = total.min(MAX_SLOTS);
            total += s.slots as usize;
            session_masks.push(range_mask(lo, total.min(MAX_SLOTS)));
            slot_session.extend(std::iter::repeat_n(
                i,
                s.slots.min(MAX_SLOTS as u32) as usize,
            ));
        }
        slot_session.truncate(MAX_SLOTS);
        if !r.sessions.is_empty() && total == 0 {
            err(FieldError::coded(
                "sessions",
                "no_slots",
                "no slots: sessions hold 0 slots in total",
            ));
        }
        if total > MAX_SLOTS {
            err(FieldError::coded(
                "sessions",
                "too_many_slots",
                format!("{total} slots in total; at most {MAX_SLOTS} are supported"),
            )
            .with("max", MAX_SLOTS)
            .with("count", total));
        }
        if r.tables == 0 {
            err(FieldError::too_small("tables", 1));
        } else if r.tables > MAX_TABLES {
            err(FieldError::too_large("tables", MAX_TABLES));
        }
        if let Some(t) = r.time_limit_ms {
            if !(1..=MAX_TIME_LIMIT_MS).contains(&t) {
                err(FieldError::coded(
                    "time_limit_ms",
                    "out_of_range",
                    format!("{t} is out of range 1..={MAX_TIME_LIMIT_MS}"),
                )
                .with("value", t)
                .with("min", 1)
                .with("max", MAX_TIME_LIMIT_MS));
            }
        }

        // Participants.
        if r.participants.len() > MAX_PARTICIPANTS {
            err(FieldError::too_many(
                "participants",
                MAX_PARTICIPANTS,
                "participants",
            ));
        }
        let all = range_mask(0, total.min(MAX_SLOTS));
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut parts = Vec::with_capacity(r.participants.len());
        let mut held: HashMap<u32, usize> = HashMap::new();
        for (i, p) in r.participants.iter().enumerate() {
            if p.id.trim().is_empty() {
                err(FieldError::empty(format!("participants[{i}].id")));
            } else if let Some(first) = index.insert(p.id.as_str(), i) {
                err(FieldError::coded(
                    format!("participants[{i}].id"),
                    "duplicate",
                    format!(
                        "duplicate participant '{}' (also participants[{first}])",
                        p.id
                    ),
                )
                .with("value", &p.id)
                .with("other", format!("participants[{first}]")));
            }
            let mut avail = all;
            for (j, &s) in p.unavailable_slots.iter().enumerate() {
                if (s as usize) >= total {
                    err(FieldError::coded(
                        format!("participants[{i}].unavailable_slots[{j}]"),
                        "out_of_range",
                        format!("slot {s} is out of range 0..{total}"),
                    )
                    .with("value", s)
                    .with("min", 0)
                    .with("max", total.saturating_sub(1)));
                } else if (s as usize) < MAX_SLOTS {
                    avail &= !(1u128 << s);
                }
            }
            if let Some(t) = p.table {
                if !p.host {
                    err(FieldError::coded(
                        format!("participants[{i}].table"),
                        "host_only",
                        "only a host keeps a table; set host: true or drop table",
                    ));
                } else if t >= r.tables {
                    err(FieldError::coded(
                        format!("participants[{i}].table"),
                        "out_of_range",
                        format!("table {t} is out of range 0..{}", r.tables),
                    )
                    .with("value", t)
                    .with("min", 0)
                    .with("max", r.tables.saturating_sub(1)));
                } else if let Some(other) = held.insert(t, i) {
                    err(FieldError::coded(
                        format!("participants[{i}].table"),
                        "duplicate",
                        format!("table {t} is already kept by participants[{other}]"),
                    )
                    .with("value", t)
                    .with("other", format!("participants[{other}]")));
                }
            }
            parts.push(Part {
                avail,
                cap: p.max_meetings.map_or(usize::MAX, |c| c as usize),
                host_table: None,
            });
        }
        let hosts = r.participants.iter().filter(|p| p.host).count();
        if hosts > r.tables as usize {
            err(FieldError::coded(
                "participants",
                "too_many_hosts",
                format!("{hosts} hosts but only {} tables", r.tables),
            )
            .with("count", hosts)
            .with("max", r.tables));
        }

        // Meetings.
        if r.meetings.len() > MAX_MEETINGS {
            err(FieldError::too_many("meetings", MAX_MEETINGS, "meetings"));
        }
        let mut pairs: HashMap<(usize, usize), usize> = HashMap::new();
        let mut meets = Vec::with_capacity(r.meetings.len());
        let mut units = 0usize;
        for (i, m) in r.meetings.iter().enumerate() {
            let count = m.count.unwrap_or(1);
            if count == 0 || count > MAX_COUNT {
                err(FieldError::coded(
                    format!("meetings[{i}].count"),
                    "out_of_range",
                    format!("{count} is out of range 1..={MAX_COUNT}"),
                )
                .with("value", count)
                .with("min", 1)
                .with("max", MAX_COUNT));
            }
            units += count.clamp(1, MAX_COUNT) as usize;
            let a = index.get(m.a.as_str()).copied();
            let b = index.get(m.b.as_str()).copied();
            if a.is_none() {
                err(FieldError::coded(
                    format!("meetings[{i}].a"),
                    "unknown_participant",
                    format!("unknown participant '{}'", m.a),
                )
                .with("value", &m.a));
            }
            if b.is_none() {
                err(FieldError::coded(
                    format!("meetings[{i}].b"),
                    "unknown_participant",
                    format!("unknown participant '{}'", m.b),
                )
                .with("value", &m.b));
            }
            let session = match &m.session {
                None => None,
                Some(name) => match session_index.get(name) {
                    Some(&s) => Some(s),
                    None => {
                        err(FieldError::coded(
                            format!("meetings[{i}].session"),
                            "unknown_session",
                            format!("unknown session '{name}'"),
                        )
                        .with("value", name));
                        None
                    }
                },
            };
            let value = m
                .value
                .unwrap_or_else(|| m.kind.map_or(1.0, MeetingKind::default_value));
            if !value.is_finite() {
                err(FieldError::not_finite(format!("meetings[{i}].value")));
            } else if value < 0.0 {
                err(FieldError::too_small(format!("meetings[{i}].value"), 0));
            }
            let (Some(a), Some(b)) = (a, b) else { continue };
            if a == b {
                err(FieldError::coded(
                    format!("meetings[{i}].b"),
                    "self_meeting",
                    format!("participant '{}' cannot meet itself", m.a),
                )
                .with("value", &m.a)
                .with("other", "a"));
                continue;
            }
            if let Some(first) = pairs.insert(unordered(a, b), i) {
                err(FieldError::coded(
                    format!("meetings[{i}]"),
                    "duplicate",
                    format!(
                        "duplicate pair '{}'–'{}' (also meetings[{first}]); list a pair once, \
                         with count when it should meet more than once",
                        m.a, m.b
                    ),
                )
                .with("value", format!("{}–{}", m.a, m.b))
                .with("other", format!("meetings[{first}]")));
                continue;
            }
            let smask = session.map_or(all, |s| session_masks[s]);
            let ok = parts[a].avail & parts[b].avail & smask;
            let shared = !(r.participants[a].host || r.participants[b].host);
            let count = count.clamp(1, MAX_COUNT);
            let (len, copies) = if m.consecutive {
                (count, 1)
            } else {
                (1, count)
            };
            let allowed = block_starts(ok, len, &session_masks);
            for _ in 0..copies {
                meets.push(Meet {
                    a,
                    b,
                    req: i,
                    len,
                    allowed,
                    covers: expand(allowed, len),
                    session,
                    value: value * len as f64,
                    shared,
                });
            }
        }
        if units > MAX_MEETINGS && r.meetings.len() <= MAX_MEETINGS {
            err(FieldError::coded(
                "meetings",
                "too_many_meetings",
                format!("{units} meetings with counts; at most {MAX_MEETINGS}"),
            )
            .with("count", units)
            .with("max", MAX_MEETINGS));
        }
        if !errs.is_empty() {
            return Err(errs);
        }

        // Hosts take their requested table, the rest the lowest tables still free.
        let mut taken: HashSet<usize> = held.keys().map(|&t| t as usize).collect();
        let mut next = 0usize;
        for (i, p) in r.participants.iter().enumerate() {
            if !p.host {
                continue;
            }
            let t = match p.table {
                Some(t) => t as usize,
                None => {
                    while taken.contains(&next) {
                        next += 1;
                    }
                    taken.insert(next);
                    next
                }
            };
            parts[i].host_table = Some(t);
        }
        let shared_tables = (0..r.tables as usize)
            .filter(|t| !taken.contains(t))
            .collect();

        Ok(Instance {
            n_slots: total,
            session_masks,
            slot_session,
            tables: r.tables as usize,
            shared_tables,
            parts,
            meets,
            objective: r.objective,
            time_limit_ms: r.time_limit_ms.unwrap_or(DEFAULT_TIME_LIMIT_MS),
            seed: r.seed.unwrap_or(0),
            span_first: r.span_first,
        })
    }

    /// Tables available to meetings without a host in each slot.
    pub fn shared_capacity(&self) -> usize {
        self.shared_tables.len()
    }

    /// Waiting of one participant given the slots it meets in: per session, the
    /// meeting-free slots between the first and the last meeting, as (available ones: idle,
    /// all of them: span).
    pub fn gaps_of(&self, p: usize, busy: Mask) -> (u32, u32) {
        let avail = self.parts[p].avail;
        let (mut idle, mut span) = (0, 0);
        for &sm in &self.session_masks {
            let m = busy & sm;
            if m == 0 {
                continue;
            }
            let lo = m.trailing_zeros() as usize;
            let hi = 127 - m.leading_zeros() as usize;
            let gaps = range_mask(lo, hi + 1) & !m;
            idle += (avail & gaps).count_ones();
            span += gaps.count_ones();
        }
        (idle, span)
    }
}
