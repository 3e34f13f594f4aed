//! Addresses of the web app's pages that the server also writes into links (an invitation,
//! the projector's and check-in QR codes): spelt once, for both. The words are Vietnamese because addresses
//! are read aloud and shared by Vietnamese users.

pub const WARD: &str = "phuong";
/// A province's (tỉnh/thành phố) wards side by side.
pub const PROVINCE: &str = "tinh";
/// An invitation link, opened by someone not signed in yet.
pub const INVITATION: &str = "moi";
/// An activity's check-in page, opened from its QR code by attendees who are not signed in.
pub const CHECK_IN: &str = "diem-danh";
/// The check-in code, as a query parameter of the check-in page.
pub const CHECK_IN_CODE: &str = "ma";
/// A ward's briefing, full screen: the projector's deck and the ward's public progress page.
pub const PROJECTOR: &str = "trinh-chieu";

pub fn invitation(token: &str) -> String {
    format!("/{INVITATION}/{token}")
}

pub fn check_in(activity: uuid::Uuid, code: &str) -> String {
    format!("/{CHECK_IN}/{activity}?{CHECK_IN_CODE}={code}")
}

pub fn projector(ward: i32) -> String {
    format!("/{WARD}/{ward}/{PROJECTOR}")
}

/// A province's deck for the city's meetings: its wards' figures, for its roles only.
pub fn province_projector(province: i32) -> String {
    format!("/{PROVINCE}/{province}/{PROJECTOR}")
}

/// A ward's projector page.
pub fn is_projector(path: &str) -> bool {
    is_deck_of(WARD, path)
}

/// A deck, a ward's or a province's: shown without the app's menus.
pub fn is_deck(path: &str) -> bool {
    is_projector(path) || is_deck_of(PROVINCE, path)
}

fn is_deck_of(place: &str, path: &str) -> bool {
    path.strip_prefix(&format!("/{place}/"))
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(code, page)| code.parse::<i32>().is_ok() && page == PROJECTOR)
}

/// Pages that open without signing in.
pub fn is_public(path: &str) -> bool {
    path.starts_with(&format!("/{INVITATION}/"))
        || path.starts_with(&format!("/{CHECK_IN}/"))
        || is_projector(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_invitations_check_ins_and_projectors_are_public() {
        assert!(is_public(&invitation("abc")));
        assert!(is_public(&projector(619)));
        assert!(is_public(
            check_in(uuid::Uuid::nil(), "abc")
                .split('?')
                .next()
                .unwrap()
        ));
        assert!(!is_public("/phuong/619"));
        assert!(!is_public("/phuong/619/ban-do"));
        assert!(!is_public("/phuong/x/trinh-chieu"));
        assert!(!is_public("/phuong/619/trinh-chieu/more"));
        assert!(!is_public("/moi"));
        // A province's deck is its roles' alone, though drawn as a deck.
        assert!(!is_public(&province_projector(1)));
        assert!(is_deck(&province_projector(1)) && is_deck(&projector(619)));
        assert!(!is_deck("/tinh/1"));
    }
}
