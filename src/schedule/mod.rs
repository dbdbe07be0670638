//! Forum timetable: which meetings happen, in which slot, at which table.
//!
//! Pure and deterministic for a seed (the time limit only cuts the search short):
//! - [`types`]: the request/response contract used by the HTTP layer.
//! - [`instance`]: validation (every invalid field named) and the indexed problem.
//! - `bound`: proven bounds (the value LP as a min-cost flow, forced gaps for idle).
//! - `engine`: the search state and its moves (insert with ejection, Kempe chains), in two
//!   phases: which meetings and where, then compact days with the same meetings.
//! - [`solve()`]: bounds, infeasibility proofs, search, table assignment, response.
//! - [`repair()`]: re-plan after a change, keeping untouched meetings where they are.
//! - [`check()`]: an independent validator of a response against its request.
//! - [`generate`]: seeded realistic instances for tests, benches and the scale example.

mod bound;
pub mod check;
mod engine;
pub mod forum;
pub mod generate;
pub mod instance;
pub mod message;
pub mod repair;
pub mod solve;
pub mod types;

#[cfg(test)]
mod tests;

pub use check::check;
pub use instance::validate;
pub use repair::repair;
pub use solve::solve;
pub use types::*;
