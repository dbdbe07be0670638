//! mitra: business matching for the NTB–Jatim IKM trade forums.
//!
//! Layers depend downward only: `cli` and `api` → `app` → `store` → `domain`; the cores
//! `matching` and `schedule` are pure (no HTTP, no sled, no clock) and usable as a library.

/// mimalloc instead of the system allocator: ranking every firm's partners builds millions of
/// small strings and vectors (reasons, partner names); at 200 000 firms glibc's allocator took
/// about 8 % of the ranking's time in a profile, mimalloc about half of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
