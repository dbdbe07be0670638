//! Forums, their participants and meeting requests. Participants and requests are keyed
//! `event\0firm` and `event\0request`, so one prefix scan lists a forum's; every change that
//! depends on another record (a participant needs its forum and firm) checks it inside the
//! same transaction.

use super::codec::{decode, encode, index_key, index_prefix};
use super::{Store, StoreError};
use crate::domain::event::{Event, MeetingRequest, Participant, RequestStatus};
use crate::domain::outcome::Outcome;
use crate::domain::{EventId, FirmId, RequestId};
use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Serialize};
use sled::transaction::ConflictableTransactionError;
use sled::Transactional;

type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

fn abort<T>(e: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

/// Who writes an outcome: an organizer, or the firm on side `a` or `b` of the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeWriter {
    Organizer,
    SideA,
    SideB,
}

fn not_found(what: &'static str, id: impl ToString) -> StoreError {
    StoreError::NotFound {
        what,
        id: id.to_string(),
    }
}

impl Store {
    pub fn create_event(&self, event: Event) -> Result<Event, StoreError> {
        let _gate = self.writing();
        let encoded = encode(&event);
        let inserted = self.events.compare_and_swap(
            event.id.as_str().as_bytes(),
            None as Option<&[u8]>,
            Some(encoded),
        )?;
        if inserted.is_err() {
            return Err(StoreError::AlreadyExists {
                what: "event",
                id: event.id.to_string(),
            });
        }
        self.flush()?;
        Ok(event)
    }

    pub fn get_event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        self.events
            .get(id.as_bytes())?
            .map(|b| decode(&b))
            .transpose()
    }

    pub fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.events.iter().map(|e| decode(&e?.1)).collect()
    }

    /// Deletes a forum with its participants, requests and schedule.
    pub fn delete_event(&self, id: &EventId) -> Result<(), StoreError> {
        let _gate = self.writing();
        // No participant, request or outcome can be added between the scan and the delete.
        let _guard = self.forum_guard();
        let prefix = index_prefix(id.as_str());
        let participant_keys = self.keys_with_prefix(&self.participants, &prefix)?;
        let request_keys = self.keys_with_prefix(&self.requests, &prefix)?;
        let outcome_keys = self.keys_with_prefix(&self.outcomes, &prefix)?;
        (
            &self.events,
            &self.participants,
            &self.requests,
            &self.schedules,
            &self.outcomes,
        )
            .transaction(|(events, participants, requests, schedules, outcomes)| {
                if events.remove(id.as_str().as_bytes())?.is_none() {
                    return abort(not_found("event", id));
                }
                for key in &participant_keys {
                    participants.remove(key.as_slice())?;
                }
                for key in &request_keys {
                    requests.remove(key.as_slice())?;
                }
                for key in &outcome_keys {
                    outcomes.remove(key.as_slice())?;
                }
                schedules.remove(id.as_str().as_bytes())?;
                Ok(())
            })?;
        self.flush()
    }

    fn keys_with_prefix(
        &self,
        tree: &sled::Tree,
        prefix: &[u8],
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        tree.scan_prefix(prefix)
            .keys()
            .map(|k| Ok(k?.to_vec()))
            .collect()
    }

    fn values_with_prefix<T: DeserializeOwned>(
        &self,
        tree: &sled::Tree,
        prefix: &[u8],
    ) -> Result<Vec<T>, StoreError> {
        tree.scan_prefix(prefix)
            .values()
            .map(|v| decode(&v?))
            .collect()
    }

    /// Adds or replaces a participant; the forum and the firm must exist.
    pub fn put_participant(
        &self,
        event: &EventId,
        participant: Participant,
    ) -> Result<Participant, StoreError> {
        let mut stored = self.put_participants(event, vec![participant])?;
        Ok(stored.remove(0))
    }

    /// Adds or replaces several participants at once: all are stored or none is.
    pub fn put_participants(
        &self,
        event: &EventId,
        list: Vec<Participant>,
    ) -> Result<Vec<Participant>, StoreError> {
        let _gate = self.writing();
        let encoded: Vec<(Vec<u8>, Vec<u8>)> = list
            .iter()
            .map(|p| (index_key(event.as_str(), p.firm_id.as_str()), encode(p)))
            .collect();
        let _guard = self.forum_guard();
        (&self.events, &self.firms, &self.participants).transaction(
            |(events, firms, participants)| {
                if events.get(event.as_str().as_bytes())?.is_none() {
                    return abort(not_found("event", event));
                }
                for (p, (key, value)) in list.iter().zip(&encoded) {
                    if firms.get(p.firm_id.as_str().as_bytes())?.is_none() {
                        return abort(not_found("firm", &p.firm_id));
                    }
                    participants.insert(key.as_slice(), value.as_slice())?;
                }
                Ok(())
            },
        )?;
        self.flush()?;
        Ok(list)
    }

    pub fn participant(
        &self,
        event: &EventId,
        firm: &FirmId,
    ) -> Result<Option<Participant>, StoreError> {
        self.participants
            .get(index_key(event.as_str(), firm.as_str()))?
            .map(|b| decode(&b))
            .transpose()
    }

    pub fn participants(&self, event: &EventId) -> Result<Vec<Participant>, StoreError> {
        self.values_with_prefix(&self.participants, &index_prefix(event.as_str()))
    }

    /// Removes a participant (a cancellation); its requests stay for the record.
    pub fn remove_participant(
        &self,
        event: &EventId,
        firm: &FirmId,
    ) -> Result<Participant, StoreError> {
        let _gate = self.writing();
        let removed = self
            .participants
            .remove(index_key(event.as_str(), firm.as_str()))?;
        let participant = removed.ok_or_else(|| not_found("participant", firm))?;
        self.flush()?;
        decode(&participant)
    }

    /// Records a request between two participants; a second open request for the same
    /// direction is refused.
    pub fn add_request(
        &self,
        event: &EventId,
        request: MeetingRequest,
    ) -> Result<MeetingRequest, StoreError> {
        let _gate = self.writing();
        // The scan for an open request of the same pair and the insert are one step.
        let _guard = self.forum_guard();
        let existing: Vec<MeetingRequest> = self.requests(event)?;
        if existing.iter().any(|r| {
            r.from == request.from && r.to == request.to && r.status != RequestStatus::Declined
        }) {
            return Err(StoreError::Refused(format!(
                "'{}' already asked to meet '{}' at this forum",
                request.from, request.to
            )));
        }
        let key = index_key(event.as_str(), request.id.as_str());
        let encoded = encode(&request);
        (&self.events, &self.participants, &self.requests).transaction(
            |(events, participants, requests)| {
                if events.get(event.as_str().as_bytes())?.is_none() {
                    return abort(not_found("event", event));
                }
                for firm in [&request.from, &request.to] {
                    if participants
                        .get(index_key(event.as_str(), firm.as_str()))?
                        .is_none()
                    {
                        return abort(not_found("participant", firm));
                    }
                }
                requests.insert(key.as_slice(), encoded.as_slice())?;
                Ok(())
            },
        )?;
        self.flush()?;
        Ok(request)
    }

    pub fn requests(&self, event: &EventId) -> Result<Vec<MeetingRequest>, StoreError> {
        self.values_with_prefix(&self.requests, &index_prefix(event.as_str()))
    }

    pub fn request(
        &self,
        event: &EventId,
        id: &RequestId,
    ) -> Result<Option<MeetingRequest>, StoreError> {
        self.requests
            .get(index_key(event.as_str(), id.as_str()))?
            .map(|b| decode(&b))
            .transpose()
    }

    /// Accepts or declines a request.
    pub fn answer_request(
        &self,
        event: &EventId,
        id: &RequestId,
        status: RequestStatus,
        now: DateTime<Utc>,
    ) -> Result<MeetingRequest, StoreError> {
        let _gate = self.writing();
        let key = index_key(event.as_str(), id.as_str());
        let answered = self.requests.transaction(|requests| {
            let Some(bytes) = requests.get(key.as_slice())? else {
                return abort(not_found("request", id));
            };
            let mut request: MeetingRequest = decode(&bytes).or_else(abort)?;
            // A request is answered once: an accepted meeting may already be planned, and
            // the other firm has been told.
            if request.status != RequestStatus::Pending {
                return abort(StoreError::Refused(format!(
                    "request '{id}' was already answered ({})",
                    match request.status {
                        RequestStatus::Accepted => "accepted",
                        RequestStatus::Declined => "declined",
                        RequestStatus::Pending => "pending",
                    }
                )));
            }
            request.status = status;
            request.updated_at = now;
            requests.insert(key.as_slice(), encode(&request))?;
            Ok(request)
        })?;
        self.flush()?;
        Ok(answered)
    }

    /// Records (or replaces) a meeting's outcome; with `expected_version`, only if the stored
    /// one is at that version (0: none yet). A firm (`writer` a side) cannot change a
    /// locked outcome, and keeps the other side's interest and the lock as stored.
    pub fn put_outcome(
        &self,
        event: &EventId,
        outcome: Outcome,
        expected_version: Option<u64>,
        writer: OutcomeWriter,
        lock: Option<bool>,
    ) -> Result<Outcome, StoreError> {
        let _gate = self.writing();
        let key = index_key(event.as_str(), &outcome.meeting_id);
        let _guard = self.forum_guard();
        let stored = (&self.events, &self.outcomes).transaction(|(events, outcomes)| {
            if events.get(event.as_str().as_bytes())?.is_none() {
                return abort(not_found("event", event));
            }
            let stored = match outcomes.get(key.as_slice())? {
                Some(bytes) => Some(decode::<Outcome>(&bytes).or_else(abort)?),
                None => None,
            };
            let current = stored.as_ref().map_or(0, |o| o.version);
            if let Some(expected) = expected_version.filter(|&e| e != current) {
                return abort(StoreError::VersionMismatch {
                    id: outcome.meeting_id.clone(),
                    expected,
                    current,
                });
            }
            let mut next = Outcome {
                version: current + 1,
                locked: lock.unwrap_or_else(|| stored.as_ref().is_some_and(|o| o.locked)),
                ..outcome.clone()
            };
            if writer != OutcomeWriter::Organizer {
                if stored.as_ref().is_some_and(|o| o.locked) {
                    return abort(StoreError::Refused(format!(
                        "the outcome of meeting '{}' is locked by the organizers",
                        outcome.meeting_id
                    )));
                }
                let kept = stored.as_ref().map(|o| (o.interest_a, o.interest_b));
                let (a, b) = kept.unwrap_or_default();
                match writer {
                    OutcomeWriter::SideA => next.interest_b = b,
                    OutcomeWriter::SideB => next.interest_a = a,
                    OutcomeWriter::Organizer => {}
                }
            }
            outcomes.insert(key.as_slice(), encode(&next))?;
            Ok(next)
        })?;
        self.flush()?;
        Ok(stored)
    }

    pub fn outcome(&self, event: &EventId, meeting: &str) -> Result<Option<Outcome>, StoreError> {
        self.outcomes
            .get(index_key(event.as_str(), meeting))?
            .map(|b| decode(&b))
            .transpose()
    }

    pub fn outcomes(&self, event: &EventId) -> Result<Vec<Outcome>, StoreError> {
        self.values_with_prefix(&self.outcomes, &index_prefix(event.as_str()))
    }

    /// Stores a forum's schedule (any serialisable plan), replacing the previous one.
    pub fn put_schedule<T: Serialize>(
        &self,
        event: &EventId,
        schedule: &T,
    ) -> Result<(), StoreError> {
        let _gate = self.writing();
        let encoded = encode(schedule);
        let _guard = self.forum_guard();
        (&self.events, &self.schedules).transaction(|(events, schedules)| {
            if events.get(event.as_str().as_bytes())?.is_none() {
                return abort(not_found("event", event));
            }
            schedules.insert(event.as_str().as_bytes(), encoded.as_slice())?;
            Ok(())
        })?;
        self.flush()
    }

    /// Whether the forum has a timetable, without reading it.
    pub fn has_schedule(&self, event: &EventId) -> Result<bool, StoreError> {
        Ok(self.schedules.contains_key(event.as_str().as_bytes())?)
    }

    pub fn schedule<T: DeserializeOwned>(&self, event: &EventId) -> Result<Option<T>, StoreError> {
        self.schedules
            .get(event.as_str().as_bytes())?
            .map(|b| decode(&b))
            .transpose()
    }
}
