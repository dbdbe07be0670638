//! The organizer's flows: sign in, import the participant sheet, browse firms and their
//! recommended partners.

use crate::harness::{Console, ORGANIZER};

#[test]
#[ignore = "drives Debian's chromium: cargo test --test console -- --ignored (CI runs it)"]
fn an_organizer_signs_in_and_imports_a_sheet_with_errors_shown_per_row() {
    let c = Console::start("import");
    c.sign_in(ORGANIZER);
    // Indonesian by default.
    assert_eq!(c.eval("document.documentElement.lang"), "id");
    c.assert_accessible("forum list");

    c.click("#nav a[href='#/impor']");
    c.wait("#import-form");
    c.assert_accessible("import page");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("peserta-salah.csv");
    std::fs::write(
        &bad,
        "nama;provinsi;kabupaten;kbli;skala;tenaga_kerja\n\
         CV Kopi Rinjani;NTB;Lombok Timur;10761;kecil;12\n\
         UD Garam;NTB;Atlantis;10771;kecil;5\n\
         ;JATIM;Surabaya;10792;menengah;40\n",
    )
    .unwrap();
    c.upload("#import-file", &bad);
    c.click("#import-submit");
    c.wait("#import-errors");
    let errors = c.text("#import-errors");
    assert!(errors.contains("regency"), "{errors}");
    // The server's reasons, in the page's language.
    assert!(
        errors.contains("'Atlantis' bukan kabupaten/kota di"),
        "{errors}"
    );
    assert!(errors.contains("wajib diisi"), "{errors}");
    assert!(
        errors.contains('3') && errors.contains('4'),
        "rows 3 and 4 named: {errors}"
    );
    c.assert_accessible("import errors");
    c.screenshot("import-errors");
    // The 422 is expected: the page showed it.
    c.clear_console_errors();
    let stored = c.api_json(reqwest::Method::GET, "/v1/firms", None);
    assert_eq!(
        stored["firms"].as_array().unwrap().len(),
        0,
        "nothing stored"
    );

    let good = dir.path().join("peserta.csv");
    std::fs::write(
        &good,
        "nama;provinsi;kabupaten;kbli;skala;tenaga_kerja;produk;kebutuhan\n\
         CV Kopi Rinjani;NTB;Lombok Timur;10761;kecil;12;Kopi arabika sangrai | 0901.21 | 300 kg/bulan;\n\
         Kafe Nusantara;JATIM;Surabaya;56303;kecil;20;;roasted arabica coffee | | 200 kg/bulan\n",
    )
    .unwrap();
    c.upload("#import-file", &good);
    c.click("#import-submit");
    c.wait("#import-result .notice");
    assert!(c.text("#import-result").contains('2'));
    c.click("#import-tokens");
    let tokens = String::from_utf8(c.downloaded("token-firma.csv")).unwrap();
    assert_eq!(tokens.lines().count(), 3, "{tokens}");
    assert!(tokens.contains("mitra_firm_"));
    // The same tokens as a workbook: one row per new firm, with its name.
    c.click("#import-tokens-xlsx");
    {
        use calamine::{Data, Reader};
        let bytes = c.downloaded("token-firma.xlsx");
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("the .xlsx opens");
        assert_eq!(book.sheet_names(), ["Token"]);
        let range = book.worksheet_range("Token").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows[0], ["firm_id", "nama", "token"]);
        assert_eq!(rows.len(), 3, "{rows:?}");
        let mut names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
        names.sort();
        assert_eq!(names, ["CV Kopi Rinjani", "Kafe Nusantara"]);
        for row in &rows[1..] {
            assert!(row[2].starts_with("mitra_firm_"), "{row:?}");
            // Each token is the firm's own: it signs in as that firm.
            let me = c.api_as(&row[2], "/v1/me");
            assert_eq!(me["firm_id"], row[0].as_str(), "{me}");
        }
        assert!(range
            .used_cells()
            .all(|(_, _, cell)| matches!(cell, Data::String(_))));
    }

    // The firm list shows them; a firm's page shows its partner with reasons.
    c.click("#import-result a[href='#/firma']");
    c.wait("#firms-table tbody tr");
    assert_eq!(
        c.eval("document.querySelectorAll('#firms-table tbody tr').length"),
        2
    );
    c.click("#firms-table a");
    c.wait("#matches .match");
    let matches = c.text("#matches");
    assert!(matches.contains("Kafe Nusantara"), "{matches}");
    assert!(
        matches.contains("roasted arabica coffee"),
        "reasons shown: {matches}"
    );
    c.assert_accessible("firm page");
    c.screenshot("firm-matches");
    c.assert_no_console_errors();
}

#[test]
#[ignore = "drives Debian's chromium: cargo test --test console -- --ignored (CI runs it)"]
fn the_console_switches_to_english_and_back() {
    let c = Console::start("language");
    c.sign_in(ORGANIZER);
    let indonesian = c.text("#nav");
    assert!(indonesian.contains("Firma"), "{indonesian}");
    c.click("#lang-switch");
    c.wait_for("document.documentElement.lang === 'en'");
    assert!(c.text("#nav").contains("Firms"));
    // Remembered across a reload.
    c.open("/firma");
    c.wait_for("document.documentElement.lang === 'en'");
    c.click("#lang-switch");
    c.wait_for("document.documentElement.lang === 'id'");
    c.assert_no_console_errors();
}

#[test]
#[ignore = "drives Debian's chromium: cargo test --test console -- --ignored (CI runs it)"]
fn a_wrong_token_is_refused_with_a_message() {
    let c = Console::start("wrong-token");
    c.open("/");
    c.wait("#signin #token");
    c.tab.type_str("not-a-token").unwrap();
    c.tab.press_key("Enter").unwrap();
    c.wait("#signin-status .form-errors");
    assert!(c.text("#signin-status").contains("Token"));
    c.assert_accessible("sign-in with error");
    // The 401 the page handled shows in the network log; nothing else may.
    c.clear_console_errors();
}

#[test]
#[ignore = "drives Debian's chromium: cargo test --test console -- --ignored (CI runs it)"]
fn the_console_works_from_the_keyboard() {
    let c = Console::start("keyboard");
    c.sign_in(ORGANIZER);
    c.open("/firma");
    c.wait("#firm-filters");
    // The first Tab reaches the skip link; Enter on it moves the focus into the page.
    c.tab.press_key("Tab").unwrap();
    assert_eq!(c.eval("document.activeElement.className"), "skip");
    c.tab.press_key("Enter").unwrap();
    c.wait_for("document.activeElement.id === 'main' || document.activeElement.closest('#main')");
    // Tabbing from the top walks the menu in order, and Enter follows a link.
    c.eval("document.activeElement.blur(); window.scrollTo(0, 0)");
    let mut reached = Vec::new();
    for _ in 0..8 {
        c.tab.press_key("Tab").unwrap();
        let here =
            c.eval("document.activeElement.getAttribute('href') || document.activeElement.id");
        reached.push(here.as_str().unwrap_or_default().to_string());
        if reached.last().map(String::as_str) == Some("#/impor") {
            break;
        }
    }
    assert!(reached.contains(&"#/forum".to_string()), "{reached:?}");
    assert_eq!(
        reached.last().map(String::as_str),
        Some("#/impor"),
        "{reached:?}"
    );
    c.tab.press_key("Enter").unwrap();
    c.wait("#import-form");
    // Every control the page offers can take the focus (nothing clickable is a bare div).
    let unfocusable = c.eval(
        "[...document.querySelectorAll('[onclick], .tabs a, button, a, input, select')]
           .filter(e => !e.hidden && e.tabIndex < 0).length",
    );
    assert_eq!(unfocusable, 0);
    c.assert_no_console_errors();
}

#[test]
#[ignore = "drives Debian's chromium: cargo test --test console -- --ignored (CI runs it)"]
fn the_status_page_shows_what_the_store_holds() {
    let c = Console::start("status");
    c.seed_demo(3, 40);
    c.sign_in(ORGANIZER);
    c.click("#nav a[href='#/status']");
    c.wait("#status-firms");
    assert_eq!(c.text("#status-firms"), "40");
    let ntb: u64 = c.text("#status-ntb").parse().unwrap();
    let jatim: u64 = c.text("#status-jatim").parse().unwrap();
    assert_eq!(ntb + jatim, 40);
    assert_eq!(c.text("#status-version"), env!("CARGO_PKG_VERSION"));
    assert!(!c.text("#status-data-dir").is_empty());
    // Sizes in Indonesian notation: a decimal comma.
    let size = c.text("#status-store-bytes");
    assert!(size.ends_with("MB") || size.ends_with("KB"), "{size}");
    c.assert_accessible("status page");
    c.screenshot("status");
    c.assert_no_console_errors();
}

/// A workbook with one sheet "Peserta" of the given rows (first row the header).
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Peserta").unwrap();
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if i > 0 && j == 5 => sheet.write_number(i as u32, j as u16, n).unwrap(),
                _ => sheet.write_string(i as u32, j as u16, *cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
#[ignore = "drives Debian's chromium: cargo test --test console -- --ignored (CI runs it)"]
fn an_organizer_imports_an_excel_sheet_and_downloads_the_firms_as_excel() {
    use calamine::Reader;
    let c = Console::start("xlsx");
    c.sign_in(ORGANIZER);
    c.click("#nav a[href='#/impor']");
    c.wait("#import-form");
    let dir = tempfile::tempdir().unwrap();
    let header: &[&str] = &[
        "nama",
        "provinsi",
        "kabupaten",
        "kbli",
        "skala",
        "tenaga_kerja",
    ];
    let bad = dir.path().join("peserta-salah.xlsx");
    std::fs::write(
        &bad,
        workbook(&[
            header,
            &[
                "CV Kopi Rinjani",
                "NTB",
                "Lombok Timur",
                "10761",
                "kecil",
                "12",
            ],
            &["UD Garam", "NTB", "Atlantis", "10771", "kecil", "5"],
        ]),
    )
    .unwrap();
    c.upload("#import-file", &bad);
    c.click("#import-submit");
    c.wait("#import-errors");
    // Sheet, row and column letter, as the spreadsheet shows them.
    assert!(c.text("#import-result").contains("Sheet “Peserta”"));
    let errors = c.text("#import-errors");
    assert!(
        errors.contains("C · regency") && errors.contains('3'),
        "{errors}"
    );
    c.assert_accessible("import errors of a workbook");
    c.clear_console_errors();

    let good = dir.path().join("peserta.xlsx");
    std::fs::write(
        &good,
        workbook(&[
            header,
            &[
                "CV Kopi Rinjani",
                "NTB",
                "Lombok Timur",
                "10761",
                "kecil",
                "12",
            ],
            &[
                "=HYPERLINK(\"x\")",
                "JATIM",
                "Surabaya",
                "56303",
                "kecil",
                "20",
            ],
        ]),
    )
    .unwrap();
    c.upload("#import-file", &good);
    c.click("#import-submit");
    c.wait("#import-result .notice");
    assert!(c.text("#import-result").contains('2'));

    // The firms as a workbook: it opens, with the import's columns and both firms.
    c.click("#export-xlsx");
    let bytes = c.downloaded("firma.xlsx");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("the .xlsx opens");
    let range = book.worksheet_range("Peserta").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0], mitra::app::csv_format::COLUMNS);
    assert_eq!(rows.len(), 3);
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(names.contains(&"CV Kopi Rinjani"), "{names:?}");
    assert!(names.contains(&"=HYPERLINK(\"x\")"), "{names:?}");
    let formulas = book.worksheet_formula("Peserta").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    c.assert_no_console_errors();
}
