//! mitra: business matching for the NTB–Jatim IKM trade forums.

pub mod domain;
