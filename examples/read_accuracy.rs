//! How often the reader reads a benchmark item as its true concept's subheading, per noise
//! profile, with the most frequent misreadings: where matching quality is lost before any
//! scoring.
//!
//!     cargo run --release --example read_accuracy -- [firms] [seed]

use mitra::gen::catalog::CONCEPTS;
use mitra::gen::{generate, GenConfig, NoiseProfile};
use mitra::matching::concept::{dotted, Reader};
use std::collections::HashMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let firms: usize = args.first().map_or(2000, |a| a.parse().expect("a number"));
    let seed: u64 = args.get(1).map_or(101, |a| a.parse().expect("a number"));
    let reader = Reader::shared();
    for profile in NoiseProfile::ALL {
        let mut config = GenConfig::for_profile(profile, seed, firms);
        config.negatives_per_firm = 0;
        let bench = generate(&config);
        let (mut right, mut unread, mut all) = (0usize, 0usize, 0usize);
        let mut wrong: HashMap<(String, String), (usize, String)> = HashMap::new();
        for (input, latent) in bench.firms.iter().zip(&bench.latent) {
            let products = input.products.as_deref().unwrap_or(&[]);
            let needs = input.needs.as_deref().unwrap_or(&[]);
            let items = products
                .iter()
                .map(|p| (p.name.clone(), p.hs_code.clone()))
                .zip(&latent.makes)
                .chain(
                    needs
                        .iter()
                        .map(|n| (n.name.clone(), n.hs_code.clone()))
                        .zip(&latent.needs),
                );
            for ((name, code), item) in items {
                let name = name.unwrap_or_default();
                let code = code.map(|c| c.replace('.', ""));
                let truth: u32 = CONCEPTS[item.concept].hs.parse().expect("hs");
                all += 1;
                match reader.read(&name, code.as_deref()).best() {
                    Some(c) if c.hs == truth => right += 1,
                    Some(c) => {
                        let e = wrong
                            .entry((CONCEPTS[item.concept].key.to_string(), dotted(c.hs)))
                            .or_insert((0, name.clone()));
                        e.0 += 1;
                    }
                    None => unread += 1,
                }
            }
        }
        println!(
            "{profile}: {all} items, read right {:.1}%, misread {:.1}%, unread {:.1}%",
            100.0 * right as f64 / all as f64,
            100.0 * (all - right - unread) as f64 / all as f64,
            100.0 * unread as f64 / all as f64
        );
        let mut wrong: Vec<_> = wrong.into_iter().collect();
        wrong.sort_by_key(|w| std::cmp::Reverse(w.1 .0));
        for ((concept, read), (n, example)) in wrong.iter().take(25) {
            println!("  {n:5}  {concept} read as {read}  e.g. '{example}'");
        }
    }
}
