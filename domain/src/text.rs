//! Vietnamese text rules: search that ignores diacritics, and the order of names.
//!
//! Volunteers type "nguyen van" on phones without a Vietnamese keyboard and must still find
//! "Nguyễn Văn"; lists of people are read the Vietnamese way, by given name (the last word)
//! first, with the Vietnamese alphabet (a < ă < â < b … d < đ …) and tones as a tie-break.

/// Each row: a base letter with its modifier, then its six tone forms (none, huyền, sắc, hỏi,
/// ngã, nặng).
const VOWELS: [(char, Modifier, &str); 12] = [
    ('a', Modifier::None, "aàáảãạ"),
    ('a', Modifier::Breve, "ăằắẳẵặ"),
    ('a', Modifier::Circumflex, "âầấẩẫậ"),
    ('e', Modifier::None, "eèéẻẽẹ"),
    ('e', Modifier::Circumflex, "êềếểễệ"),
    ('i', Modifier::None, "iìíỉĩị"),
    ('o', Modifier::None, "oòóỏõọ"),
    ('o', Modifier::Circumflex, "ôồốổỗộ"),
    ('o', Modifier::Horn, "ơờớởỡợ"),
    ('u', Modifier::None, "uùúủũụ"),
    ('u', Modifier::Horn, "ưừứửữự"),
    ('y', Modifier::None, "yỳýỷỹỵ"),
];

/// The Vietnamese alphabet in its order, followed by the letters used only in foreign words.
const ALPHABET: [(char, Modifier); 33] = [
    ('a', Modifier::None),
    ('a', Modifier::Breve),
    ('a', Modifier::Circumflex),
    ('b', Modifier::None),
    ('c', Modifier::None),
    ('d', Modifier::None),
    ('d', Modifier::Stroke),
    ('e', Modifier::None),
    ('e', Modifier::Circumflex),
    ('f', Modifier::None),
    ('g', Modifier::None),
    ('h', Modifier::None),
    ('i', Modifier::None),
    ('j', Modifier::None),
    ('k', Modifier::None),
    ('l', Modifier::None),
    ('m', Modifier::None),
    ('n', Modifier::None),
    ('o', Modifier::None),
    ('o', Modifier::Circumflex),
    ('o', Modifier::Horn),
    ('p', Modifier::None),
    ('q', Modifier::None),
    ('r', Modifier::None),
    ('s', Modifier::None),
    ('t', Modifier::None),
    ('u', Modifier::None),
    ('u', Modifier::Horn),
    ('v', Modifier::None),
    ('w', Modifier::None),
    ('x', Modifier::None),
    ('y', Modifier::None),
    ('z', Modifier::None),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modifier {
    None,
    Breve,
    Circumflex,
    Horn,
    Stroke,
}

/// A letter split into its parts; `tone` is 0 (none) to 5 (nặng).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Letter {
    base: char,
    modifier: Modifier,
    tone: u8,
}

fn split(c: char) -> Option<Letter> {
    if c == 'đ' {
        return Some(Letter {
            base: 'd',
            modifier: Modifier::Stroke,
            tone: 0,
        });
    }
    if c.is_ascii_lowercase() {
        return Some(Letter {
            base: c,
            modifier: Modifier::None,
            tone: 0,
        });
    }
    VOWELS.iter().find_map(|(base, modifier, forms)| {
        forms.chars().position(|f| f == c).map(|tone| Letter {
            base: *base,
            modifier: *modifier,
            tone: tone as u8,
        })
    })
}

/// Letters of `s`, lowercased; combining marks (text typed in decomposed form) are folded into
/// the letter before them. Anything that is not a letter is returned as `Err(char)`.
fn letters(s: &str) -> Vec<Result<Letter, char>> {
    let mut out: Vec<Result<Letter, char>> = Vec::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let mark = match c {
            '\u{0300}' => Some((None, Some(1))),
            '\u{0301}' => Some((None, Some(2))),
            '\u{0309}' => Some((None, Some(3))),
            '\u{0303}' => Some((None, Some(4))),
            '\u{0323}' => Some((None, Some(5))),
            '\u{0306}' => Some((Some(Modifier::Breve), None)),
            '\u{0302}' => Some((Some(Modifier::Circumflex), None)),
            '\u{031B}' => Some((Some(Modifier::Horn), None)),
            _ => None,
        };
        match (mark, out.last_mut()) {
            (Some((modifier, tone)), Some(Ok(letter))) => {
                if let Some(m) = modifier {
                    letter.modifier = m;
                }
                if let Some(t) = tone {
                    letter.tone = t;
                }
            }
            (Some(_), _) => {}
            (None, _) => out.push(split(c).ok_or(c)),
        }
    }
    out
}

/// Whether `s` holds a control character other than the line breaks and tabs a text area
/// types: NUL (which PostgreSQL refuses in text) and the other C0/C1 codes, which no keyboard
/// types and no screen shows.
pub fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// A name as it is stored: words separated by one space, none around them.
pub fn tidy_name(full_name: &str) -> String {
    full_name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a household is found by in search: its address and its head's name, folded.
pub fn household_search(address: &str, head_name: &str) -> String {
    fold(&format!("{address} {head_name}"))
}

/// Lowercase, without diacritics, `đ` as `d`, runs of white space as one space: the form both
/// stored names and search queries are compared in.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for item in letters(s) {
        let c = match item {
            Ok(letter) => letter.base,
            Err(c) if c.is_whitespace() => ' ',
            Err(c) => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out
}

/// The code a skill added to a catalogue gets from its Vietnamese name: folded (`fold`),
/// letters and digits kept, everything else one `_`, at most `SKILL_CODE_MAX` bytes; empty
/// for a name of no letter or digit.
pub fn skill_code(name_vi: &str) -> String {
    let mut code = String::new();
    for c in fold(name_vi).chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.is_empty() && !code.ends_with('_') {
            code.push('_');
        }
    }
    code.truncate(SKILL_CODE_MAX);
    code.trim_end_matches('_').to_owned()
}

pub const SKILL_CODE_MAX: usize = 40;

/// A key whose byte order (PostgreSQL `COLLATE "C"`) is the Vietnamese order of full names:
/// given name first, then family and middle names; letters by the Vietnamese alphabet, and
/// tones only to break ties.
pub fn name_sort_key(full_name: &str) -> String {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    let reordered: Vec<&str> = match words.split_last() {
        Some((given, rest)) => std::iter::once(*given)
            .chain(rest.iter().copied())
            .collect(),
        None => Vec::new(),
    };
    let mut primary = String::new();
    let mut tones = String::new();
    for (i, word) in reordered.iter().enumerate() {
        if i > 0 {
            primary.push(' ');
        }
        for item in letters(word) {
            match item {
                Ok(letter) => {
                    let rank = ALPHABET
                        .iter()
                        .position(|&(b, m)| b == letter.base && m == letter.modifier)
                        .unwrap_or(ALPHABET.len());
                    // Ranks start above the space, so "An" sorts before "Anh".
                    primary.push(char::from(b'0' + rank as u8));
                    tones.push(char::from(b'0' + letter.tone));
                }
                Err(c) if c.is_ascii_digit() => primary.push(c),
                Err(_) => {}
            }
        }
    }
    // The separator sorts below every primary character, so tones only decide between names
    // whose letters are all equal.
    primary.push('\u{1f}');
    primary.push_str(&tones);
    primary
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_skill_code_is_its_name_folded() {
        assert_eq!(
            super::skill_code("Thương mại điện tử"),
            "thuong_mai_dien_tu"
        );
        assert_eq!(
            super::skill_code("  Khám bệnh từ xa (y tế số)! "),
            "kham_benh_tu_xa_y_te_so"
        );
        assert_eq!(super::skill_code("— !"), "");
        assert!(super::skill_code(&"Đ".repeat(100)).len() <= super::SKILL_CODE_MAX);
    }

    use super::*;

    #[test]
    fn a_name_is_stored_with_single_spaces() {
        assert_eq!(tidy_name("  Trần   Thị\tBình "), "Trần Thị Bình");
    }

    #[test]
    fn fold_removes_tones_and_modifiers() {
        assert_eq!(fold("Nguyễn Văn Đức"), "nguyen van duc");
        assert_eq!(fold("  TRẦN   thị  Ánh "), "tran thi anh");
        assert_eq!(fold("Phường Phú Diễn"), "phuong phu dien");
    }

    #[test]
    fn fold_handles_decomposed_input() {
        // "Hồ" typed as H + o + combining circumflex + combining grave.
        assert_eq!(fold("Ho\u{0302}\u{0300}"), "ho");
        assert_eq!(fold("Ho\u{0302}\u{0300}"), fold("Hồ"));
    }

    #[test]
    fn names_sort_by_given_name_first() {
        let mut names = vec!["Trần Văn Bình", "Nguyễn Thị An", "Lê Anh", "Phạm Văn An"];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(
            names,
            ["Nguyễn Thị An", "Phạm Văn An", "Lê Anh", "Trần Văn Bình"]
        );
    }

    #[test]
    fn vietnamese_alphabet_order() {
        // a < ă < â, d < đ < e, o < ô < ơ, u < ư < v
        let mut names = vec![
            "Ơn", "Âu", "Đạt", "Ân", "An", "Dũng", "Ôn", "Ân", "Ưng", "Vy", "Ăn",
        ];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(
            names,
            [
                "An", "Ăn", "Ân", "Ân", "Âu", "Dũng", "Đạt", "Ôn", "Ơn", "Ưng", "Vy"
            ]
        );
    }

    #[test]
    fn tones_break_ties_only() {
        let mut names = vec!["Mạnh", "Mãnh", "Manh", "Mành", "Ma"];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(names, ["Ma", "Manh", "Mành", "Mãnh", "Mạnh"]);
    }

    #[test]
    fn empty_name_has_a_key() {
        assert_eq!(name_sort_key("   "), "\u{1f}");
    }

    #[test]
    fn control_characters_are_caught_but_line_breaks_are_text() {
        assert!(has_control("ng\u{0}uyen"));
        assert!(has_control("Lê\u{1b}[31m"));
        assert!(has_control("\u{85}"));
        assert!(!has_control("Số 12, ngõ 3\nTổ 5\tcạnh chợ\r\n"));
        assert!(!has_control("Nguyễn Thị Ánh"));
    }

    #[test]
    fn a_household_is_found_by_its_address_and_head() {
        assert_eq!(
            household_search("Số 5, ngõ 12", "Đỗ Văn Hùng"),
            "so 5, ngo 12 do van hung"
        );
    }
}
