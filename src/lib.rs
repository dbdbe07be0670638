//! mitra: business matching for the NTB–Jatim IKM trade forums.
//!
//! Layers depend downward only: `cli` and `api` → `app` → `store` → `domain`; the cores
//! `matching` and `schedule` are pure (no HTTP, no sled, no clock) and usable as a library.

pub mod api;
pub mod app;
pub mod cli;
pub mod console;
pub mod csv_out;
pub mod domain;
pub mod gen;
pub mod matching;
pub mod planning;
pub mod report;
pub mod report_map;
pub mod schedule;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod tuning;
