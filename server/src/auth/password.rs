//! Password hashing (argon2id with the RustCrypto defaults) and the strength check.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

use crate::error::{Error, Result};

/// Hashes off the async runtime: argon2 is deliberately slow.
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(anyhow::Error::from)?
}

fn hash_now(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
        .to_string())
}

/// Checks `password` against `hash`, or against a hash of nothing anyone knows when there is
/// no account: a wrong phone number then costs the same time as a wrong password.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let stored = hash.as_deref().unwrap_or(&NO_ACCOUNT);
        let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok::<_, Error>(ok && hash.is_some())
    })
    .await
    .map_err(anyhow::Error::from)?
}

static NO_ACCOUNT: LazyLock<String> = LazyLock::new(|| {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    hash_now(&format!("{secret:?}")).expect("argon2 hashes a fixed-size input")
});

/// True for passwords that zxcvbn guesses in under a million tries: its lists of common
/// passwords, names and words, plus Vietnamese favourites and what the person is called
/// (without diacritics, as people type them into passwords), and their variants with digits
/// and l33t.
pub fn is_weak(password: &str, about_the_person: &[&str]) -> bool {
    let mut words: Vec<String> = [
        "ngoso", "matkhau", "anhyeuem", "emyeuanh", "yeuem", "vietnam", "hanoi", "saigon",
        "binhdan", "hocvu", "congnghe", "phuong", "tdp",
    ]
    .map(str::to_owned)
    .to_vec();
    for about in about_the_person {
        let folded = domain::text::fold(about);
        words.extend(folded.split_whitespace().map(str::to_owned));
        words.push(folded.replace(' ', ""));
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    zxcvbn::zxcvbn(password, &words).score() < zxcvbn::Score::Two
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash("nha toi co ba cay cau".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify("nha toi co ba cay cau".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("nha toi co hai cay cau".into(), Some(h))
                .await
                .unwrap()
        );
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[test]
    fn common_and_personal_passwords_are_weak() {
        for weak in [
            "12345678",
            "password1",
            "matkhau123",
            "anhyeuem",
            "0912345678",
        ] {
            assert!(is_weak(weak, &["0912345678"]), "{weak}");
        }
        assert!(is_weak("nguyenthihoa", &["Nguyễn Thị Hoa"]));
        assert!(!is_weak("nha toi co ba cay cau", &["Nguyễn Thị Hoa"]));
    }
}
