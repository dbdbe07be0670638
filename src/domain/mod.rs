//! The nouns of mitra: provinces, firms, products, needs, quantities, and the reference
//! tables (KBLI, HS, kabupaten/kota) they are checked against. Pure: no I/O beyond the
//! tables compiled into the binary.

pub mod event;
mod field_error;
pub mod firm;
mod formats;
pub mod id;
pub mod outcome;
mod participant;
pub mod province;
pub mod quantity;
pub mod reference;
pub mod whole;

pub use firm::{
    Certification, Contact, FieldError, Firm, FirmId, FirmInput, FirmProfile, FirmSize, Need,
    Product,
};
pub use id::{EventId, RequestId};
pub use province::Province;
pub use quantity::{Dimension, Period, Rate, Unit};
pub use reference::Reference;
