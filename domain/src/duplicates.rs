//! Likely duplicates: one person or one household entered twice. One rule, used by the forms
//! (against the server's answer, or offline the phone's copy) and by the server when a change
//! arrives, so that what a form warns of is what a team leader later sees.

use crate::text::fold;

/// Whether two residents are likely one person: the same name once diacritics, case and
/// spacing are set aside, and the same year of birth.
pub fn same_person(name: &str, birth_year: i32, other_name: &str, other_year: i32) -> bool {
    birth_year == other_year && fold(name) == fold(other_name)
}

/// An address as addresses are compared: folded, with punctuation read as spaces.
pub fn address_key(address: &str) -> String {
    let spaced: String = fold(address)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether two households of one TDP are likely one: the same address.
pub fn same_address(address: &str, other: &str) -> bool {
    let key = address_key(address);
    !key.is_empty() && key == address_key(other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_name_without_diacritics_and_the_same_year_is_likely_one_person() {
        assert!(same_person("Nguyen Van An", 1956, "Nguyễn Văn An", 1956));
        assert!(same_person(
            "  nguyễn  văn AN ",
            1956,
            "Nguyễn Văn An",
            1956
        ));
        assert!(!same_person("Nguyễn Văn An", 1957, "Nguyễn Văn An", 1956));
        assert!(!same_person("Nguyễn Văn Anh", 1956, "Nguyễn Văn An", 1956));
    }

    #[test]
    fn addresses_are_compared_without_diacritics_case_or_punctuation() {
        assert!(same_address(
            "Số 7, ngõ 12 Hàng Bạc",
            "so 7 ngo 12 hang bac"
        ));
        assert!(same_address("12/3 Phú Diễn", "12 3 phu dien"));
        assert!(!same_address("Số 7 ngõ 12", "Số 17 ngõ 12"));
        assert!(!same_address(" , ", " , "));
    }
}
