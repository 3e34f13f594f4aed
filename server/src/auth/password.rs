//! Password hashing (argon2id with the RustCrypto defaults) and the strength check.

use std::num::NonZeroUsize;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{Error, Result};
use crate::workers;

/// Argon2's own threads, one per core, for as long as the server runs, below the request
/// threads (`workers`): each run holds 19 MiB and a core for tens of milliseconds, so running
/// more at once would not finish them sooner, and memory stays bounded however many sign-ins
/// arrive together (unbounded, three hundred took 5.7 GiB).
static RUNS: LazyLock<rayon::ThreadPool> = LazyLock::new(|| workers::pool("argon2", cores()));

/// Requests that may wait for a run, per core. Beyond them a sign-in is answered 429 at once:
/// a person in the queue waits well under a second, and a flood costs only its answers.
const QUEUE_PER_CORE: usize = 16;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// The requests waiting for a password check: one queue per server (`AppState::passwords`), so
/// that servers in one process (the tests' apps) never fill each other's.
#[derive(Clone)]
pub struct Queue(Arc<Semaphore>);

impl Default for Queue {
    fn default() -> Self {
        Self(Arc::new(Semaphore::new(cores() * QUEUE_PER_CORE)))
    }
}

impl Queue {
    /// A place in the queue, held for the whole request. Taken before anything else a sign-in
    /// does, so that a full queue answers 429 without counting a failed attempt.
    pub fn turn(&self) -> Result<Turn> {
        self.0
            .clone()
            .try_acquire_owned()
            .map(Turn)
            .map_err(|_| Error::TooManyRequests(Duration::from_secs(1)))
    }
}

/// A place in the queue for password checks ([`Queue::turn`]).
pub struct Turn(#[expect(dead_code, reason = "held, not read")] OwnedSemaphorePermit);

/// Runs argon2 on its own threads, in turn, off the async runtime.
async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    workers::run(&RUNS, work).await
}

/// Hashes off the async runtime: argon2 is deliberately slow.
pub async fn hash(password: String) -> Result<String> {
    run(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let params = Params::default();
    let output = argon2id(
        password,
        Version::default(),
        &params,
        salt.as_salt(),
        Params::DEFAULT_OUTPUT_LEN,
    )?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("params: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Checks `password` against `hash`, or against a hash of nothing anyone knows when there is
/// no account: a wrong phone number then costs the same time as a wrong password.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool> {
    run(move || {
        let stored = hash.as_deref().unwrap_or(&NO_ACCOUNT);
        let ok = verify_now(&password, stored)?;
        Ok::<_, Error>(ok && hash.is_some())
    })
    .await?
}

fn verify_now(password: &str, stored: &str) -> Result<bool> {
    let bad = |e: argon2::password_hash::Error| anyhow::anyhow!("stored hash: {e}");
    let parsed = PasswordHash::new(stored).map_err(bad)?;
    if Algorithm::try_from(parsed.algorithm).map_err(bad)? != Algorithm::Argon2id {
        return Err(anyhow::anyhow!("stored hash: not argon2id").into());
    }
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| anyhow::anyhow!("stored hash: {e}"))?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(bad)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(anyhow::anyhow!("stored hash: no salt or output").into());
    };
    let output = argon2id(password, version, &params, salt, expected.len())?;
    // `Output`'s equality takes the same time wherever the first difference is.
    Ok(output == expected)
}

/// Argon2id over this thread's own memory, kept from one run to the next. Each run allocating
/// its 19 MiB afresh made the allocator raise its threshold for giving memory back to the
/// system, so the server kept what every run had used: 152 MiB idle after start-up's checks,
/// 373 MiB after thirty-two sign-ins. With the memory kept, it is 38 MiB for the two threads.
fn argon2id(
    password: &str,
    version: Version,
    params: &Params,
    salt: Salt<'_>,
    output_len: usize,
) -> Result<Output> {
    thread_local! {
        static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
    }
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let salt = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let mut out = vec![0u8; output_len];
    MEMORY
        .with_borrow_mut(|memory| {
            memory.resize(params.block_count(), Block::default());
            Argon2::new(Algorithm::Argon2id, version, params.clone())
                .hash_password_into_with_memory(
                    password.as_bytes(),
                    salt,
                    &mut out,
                    memory.as_mut_slice(),
                )
        })
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(Output::new(&out).map_err(|e| anyhow::anyhow!("argon2 output: {e}"))?)
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
