mod auth;
mod errors;
mod events;
mod firms;
mod helpers;
mod import;
mod reference;
mod restart;
