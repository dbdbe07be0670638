//! How the matcher reads product and need names: each name (an argument, or one per line
//! on standard input, optionally `name|hs code`) with the HS-6 concepts it reads as.
//!
//!     cargo run --release --example read_names -- "biji ete" "Kopi bubuk sachet|0901"

use mitra::matching::concept::{dotted, Reader};
use std::io::BufRead;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines: Vec<String> = if args.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect()
    } else {
        args
    };
    let reader = Reader::shared();
    for line in lines {
        let (name, code) = match line.split_once('|') {
            Some((n, c)) => (n.trim(), Some(c.trim().replace('.', ""))),
            None => (line.trim(), None),
        };
        let reading = reader.read(name, code.as_deref());
        let concepts: Vec<String> = reading
            .concepts
            .iter()
            .map(|c| {
                format!(
                    "{} {:?} {:.2} ({})",
                    dotted(c.hs),
                    c.source,
                    c.confidence,
                    reader.label(c.hs, true).unwrap_or("")
                )
            })
            .collect();
        if concepts.is_empty() {
            println!("{name}\t-> (no concept; {} trigrams)", reading.grams.len());
        } else {
            println!("{name}\t-> {}", concepts.join(" | "));
        }
    }
}
