use super::*;

fn read(name: &str) -> Option<String> {
    Reader::shared()
        .read(name, None)
        .best()
        .map(|c| dotted(c.hs))
}

#[test]
fn the_head_decides_what_a_thing_is() {
    assert_eq!(
        read("Kopi bubuk kemasan sachet").as_deref(),
        Some("0901.21")
    );
    assert_eq!(
        read("Air minum dalam kemasan").as_deref(),
        read("air mineral").as_deref()
    );
    assert_ne!(read("Air minum dalam kemasan"), read("Dus kemasan"));
    assert_eq!(read("Standing pouch"), read("kemasan standing pouch"));
}

#[test]
fn processing_stages_are_different_subheadings() {
    assert_eq!(read("Kopi arabika sangrai").as_deref(), Some("0901.21"));
    assert_eq!(read("Roasted arabica coffee").as_deref(), Some("0901.21"));
    assert_eq!(read("Kopi beras arabika").as_deref(), Some("0901.11"));
    assert_eq!(
        read("green arabica coffee beans").as_deref(),
        Some("0901.11")
    );
    assert_ne!(read("Mete gelondong"), read("Kacang mete kupas"));
}

#[test]
fn typos_merged_and_split_words_still_read() {
    assert_eq!(read("gula aen"), read("gula aren"));
    assert_eq!(read("tepunggandum"), read("tepung gandum"));
    assert_eq!(read("biji ete"), read("biji mete"));
    assert_eq!(read("rumput lautt kerring"), read("rumput laut kering"));
    assert!(read("wood lacuer").is_some());
}

#[test]
fn a_code_wins_and_the_text_stays_beside_it() {
    let r = Reader::shared().read("Kopi arabika sangrai", Some("090111"));
    assert_eq!(
        r.best().map(|c| (c.hs, c.source)),
        Some((90111, Source::Code))
    );
    assert_eq!(r.text_beside_code().map(|c| c.hs), Some(90121));
    let r = Reader::shared().read("Pqxzt Wvbjk", None);
    assert!(!r.is_read());
    assert!(!r.grams.is_empty());
}
