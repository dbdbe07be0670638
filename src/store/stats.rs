//! What the store holds, counted for the operations endpoints (`/v1/status`, `/metrics`).
//! Counting walks keys only (index trees have empty values), so it stays cheap next to a
//! request that reads the records themselves.

use super::codec::index_prefix;
use super::{Store, StoreError};
use crate::domain::Province;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCounts {
    pub firms_ntb: u64,
    pub firms_jatim: u64,
    pub events: u64,
    pub participants: u64,
    pub meeting_requests: u64,
    /// Forums with a stored timetable.
    pub schedules: u64,
    pub outcomes: u64,
}

impl StoreCounts {
    pub fn firms(&self) -> u64 {
        self.firms_ntb + self.firms_jatim
    }

    pub fn firms_in(&self, province: Province) -> u64 {
        match province {
            Province::Ntb => self.firms_ntb,
            Province::Jatim => self.firms_jatim,
        }
    }
}

fn count(mut keys: impl Iterator<Item = sled::Result<sled::IVec>>) -> Result<u64, StoreError> {
    keys.try_fold(0, |n, key| key.map(|_| n + 1))
        .map_err(StoreError::from)
}

impl Store {
    /// Records of each kind. Not a snapshot: a write between two trees may show in one count
    /// and not yet in the other.
    pub fn counts(&self) -> Result<StoreCounts, StoreError> {
        let firms_in = |p: Province| {
            count(
                self.firms_by_province
                    .scan_prefix(index_prefix(p.as_str()))
                    .keys(),
            )
        };
        Ok(StoreCounts {
            firms_ntb: firms_in(Province::Ntb)?,
            firms_jatim: firms_in(Province::Jatim)?,
            events: count(self.events.iter().keys())?,
            participants: count(self.participants.iter().keys())?,
            meeting_requests: count(self.requests.iter().keys())?,
            schedules: count(self.schedules.iter().keys())?,
            outcomes: count(self.outcomes.iter().keys())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_store_counts_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.counts().unwrap(), StoreCounts::default());
    }
}
