//! mitra: business matching for the NTB–Jatim IKM trade forums.
//!
//! Layers depend downward only: `api` → `store` → `domain`; the cores `matching` and
//! `schedule` are pure (no HTTP, no sled, no clock) and usable as a library.

pub mod domain;
pub mod schedule;
