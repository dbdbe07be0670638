//! What a reading is: an item's ranked HS-6 concepts, where each comes from, and the name's
//! trigrams; and an HS-6 code written as people write it.

/// An HS-6 subheading as a number (090121 → 90121).
pub type Hs6 = u32;

/// Where a concept of a reading comes from; the scorer weighs them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The item's own HS code.
    Code,
    /// A glossary product, its subheading chosen by the name's attributes.
    Glossary,
    /// The HS and BTKI wording of the subheading.
    Description,
    /// The text's own reading where a given code says something else.
    TextBesideCode,
}

/// One concept an item may be, with the reader's confidence in (0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Concept {
    pub hs: Hs6,
    pub confidence: f32,
    pub source: Source,
}

/// At most three concepts, best first, kept inline: scoring compares them for every
/// candidate pair, and a pointer to chase per item costs more than the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Concepts {
    items: [Option<Concept>; 3],
    len: u8,
}

impl Concepts {
    /// Adds a concept; past three, the rest are dropped.
    pub fn push(&mut self, c: Concept) {
        if (self.len as usize) < self.items.len() {
            self.items[self.len as usize] = Some(c);
            self.len += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn first(&self) -> Option<&Concept> {
        self.items[0].as_ref()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Concept> {
        self.into_iter()
    }
}

impl<'a> IntoIterator for &'a Concepts {
    type Item = &'a Concept;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Option<Concept>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items[..self.len as usize].iter().flatten()
    }
}

impl FromIterator<Concept> for Concepts {
    fn from_iter<I: IntoIterator<Item = Concept>>(iter: I) -> Self {
        let mut out = Concepts::default();
        for c in iter {
            out.push(c);
        }
        out
    }
}

/// How an item's name (and code) was read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reading {
    /// Best first; empty when the name reads as no concept.
    pub concepts: Concepts,
    /// Character trigrams of the name's content words.
    pub grams: Vec<u32>,
}

impl Reading {
    pub fn is_read(&self) -> bool {
        !self.concepts.is_empty()
    }

    pub fn best(&self) -> Option<Concept> {
        self.concepts.first().copied()
    }

    /// What the text alone reads as when a given code says otherwise.
    pub fn text_beside_code(&self) -> Option<Concept> {
        self.concepts
            .iter()
            .find(|c| c.source == Source::TextBesideCode)
            .copied()
    }
}

/// "0901.21" for 90121.
pub fn dotted(hs: Hs6) -> String {
    Dotted(hs).to_string()
}

/// An HS-6 code as people write it (0801.31), formatted in place.
#[derive(Debug, Clone, Copy)]
pub struct Dotted(pub Hs6);

impl std::fmt::Display for Dotted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}.{:02}", self.0 / 100, self.0 % 100)
    }
}
