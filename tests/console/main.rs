//! Browser tests of the console: real pages in a real headless Chromium against a real
//! server, walking the flows organizers and firms depend on.

mod firm;
mod forum;
mod harness;
mod organizer;
#[path = "../support/smtp.rs"]
mod smtp;
