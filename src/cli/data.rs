//! `mitra demo`, `mitra export`, `mitra import`: demo data as an import sheet, and the
//! whole store as JSON Lines.

use super::write_or_print;
use crate::app::{backup, csv_format, demo as demo_data};
use crate::gen::{GenConfig, NoiseProfile};
use crate::store::Store;
use std::path::Path;

pub fn demo(
    firms: usize,
    seed: u64,
    profile: NoiseProfile,
    format: &str,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let inputs = crate::gen::firms(&GenConfig::for_profile(profile, seed, firms));
    let body = if format == "json" {
        serde_json::to_vec_pretty(&inputs)?
    } else {
        let firms = demo_data::firms_of(inputs, chrono::Utc::now())?;
        csv_format::write_firms(&firms)?
    };
    write_or_print(out, &body)?;
    eprintln!("wrote {firms} demo firms (seed {seed}, profile {profile})");
    Ok(())
}

pub fn export(data_dir: &Path, out: Option<&Path>) -> anyhow::Result<()> {
    let store = Store::open(data_dir)?;
    let count = backup::export(&store, out, std::io::stdout().lock())?;
    eprintln!("exported {count} records");
    Ok(())
}

pub fn import(data_dir: &Path, file: &Path) -> anyhow::Result<()> {
    let count = backup::restore_into(data_dir, file)?;
    eprintln!("imported {count} records into {}", data_dir.display());
    Ok(())
}
