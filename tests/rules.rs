//! The rule book and the code agree on rule ids. Every business rule has an id in
//! `docs/RULES.md` (written there in bold as the start of its entry: two asterisks, the
//! letter R, a dash, the family in capitals, a dash, the number). Tests and code cite the
//! rule they prove or implement by that id in a comment. These tests fail when a comment
//! cites an id the rule book does not define (a typo, or a rule renumbered or removed), and
//! when the rule book loses a rule of a known family.
//!
//! Plain std only: the ids are found by a small hand-written scanner, no regex.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The families the rule book defines, with how many rules each has at least.
const FAMILIES: [(&str, u32); 5] = [("TKT", 14), ("CMP", 19), ("ARC", 6), ("KEY", 5), ("HW", 7)];

/// Every rule id in `text` with its byte offset: `R`, `-`, one or more capitals, `-`, one
/// or more digits. Ranges such as "1..19" or "4/10" yield only the first id.
fn rule_ids(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'R' && bytes[i + 1] == b'-' {
            if let Some(end) = id_end(bytes, i + 2) {
                found.push((i, text[i..end].to_owned()));
                i = end;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// Where an id that has read `R-` and goes on at `start` ends, if it is one.
fn id_end(bytes: &[u8], start: usize) -> Option<usize> {
    let letters = run(bytes, start, |b| b.is_ascii_uppercase());
    if letters == start || bytes.get(letters) != Some(&b'-') {
        return None;
    }
    let digits = run(bytes, letters + 1, |b| b.is_ascii_digit());
    (digits > letters + 1).then_some(digits)
}

/// The end of the run of bytes from `start` that satisfy `pred`.
fn run(bytes: &[u8], start: usize, pred: impl Fn(u8) -> bool) -> usize {
    let mut end = start;
    while end < bytes.len() && pred(bytes[end]) {
        end += 1;
    }
    end
}

fn rule_book() -> String {
    let path = Path::new(ROOT).join("docs/RULES.md");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The ids the rule book defines (in bold), each with how often it is defined.
fn defined_ids(book: &str) -> BTreeMap<String, usize> {
    let mut defined = BTreeMap::new();
    for (at, id) in rule_ids(book) {
        if book[..at].ends_with("**") {
            *defined.entry(id).or_insert(0) += 1;
        }
    }
    defined
}

/// Every `.rs` file under `dir`, in a stable order.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Every id cited in `src/` and `tests/`, as (id, "file:line").
fn cited_ids() -> Vec<(String, String)> {
    let root = Path::new(ROOT);
    let mut files = Vec::new();
    for dir in ["src", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut cited = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let name = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (number, line) in text.lines().enumerate() {
            for (_, id) in rule_ids(line) {
                cited.push((id, format!("{name}:{}", number + 1)));
            }
        }
    }
    cited
}

#[test]
fn every_cited_rule_id_is_defined_in_the_rule_book() {
    let defined = defined_ids(&rule_book());
    let cited = cited_ids();
    assert!(
        !cited.is_empty(),
        "no rule ids found in src/ or tests/: is the scanner broken?"
    );
    let unknown: Vec<String> = cited
        .iter()
        .filter(|(id, _)| !defined.contains_key(id))
        .map(|(id, place)| format!("  {place}: {id}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "{} citation(s) of rule ids that docs/RULES.md does not define:\n{}",
        unknown.len(),
        unknown.join("\n")
    );
}

#[test]
fn the_rule_book_defines_every_rule_of_the_known_families_once() {
    let defined = defined_ids(&rule_book());
    let mut missing = Vec::new();
    for (family, count) in FAMILIES {
        for n in 1..=count {
            let id = format!("R-{family}-{n}");
            if !defined.contains_key(&id) {
                missing.push(id);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/RULES.md lacks the definitions of {}",
        missing.join(", ")
    );
    let twice: BTreeSet<&String> = defined
        .iter()
        .filter(|(_, times)| **times > 1)
        .map(|(id, _)| id)
        .collect();
    assert!(
        twice.is_empty(),
        "docs/RULES.md defines these ids more than once: {twice:?}"
    );
}

#[test]
fn the_scanner_finds_ids_and_only_ids() {
    let ids =
        |text: &str| -> Vec<String> { rule_ids(text).into_iter().map(|(_, id)| id).collect() };
    let rule = |family: &str, n: u32| format!("R-{family}-{n}");
    assert_eq!(ids(&format!("// {}", rule("TKT", 4))), [rule("TKT", 4)]);
    assert_eq!(ids(&format!("({}..19)", rule("CMP", 1))), [rule("CMP", 1)]);
    assert_eq!(
        ids(&format!("{}/10 and {},", rule("TKT", 4), rule("HW", 1))),
        [rule("TKT", 4), rule("HW", 1)]
    );
    for not_an_id in ["R-", "R-TKT", "R-TKT-", "R-tkt-4", "R--4", "R-T4-1"] {
        assert!(ids(not_an_id).is_empty(), "{not_an_id:?} is not an id");
    }
    let book = format!("- **{} Intake.** cites {}", rule("TKT", 1), rule("TKT", 4));
    let defined = defined_ids(&book);
    assert_eq!(defined.keys().collect::<Vec<_>>(), [&rule("TKT", 1)]);
}
