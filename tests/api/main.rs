mod auth;
mod errors;
mod firms;
mod helpers;
mod import;
mod reference;
mod restart;
