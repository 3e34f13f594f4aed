//! Backups of the database, and restoring one.
//!
//! A backup is one file in pg_dump's custom format: compressed, taken from one consistent
//! snapshot while the server goes on serving, and readable by any later PostgreSQL. They are
//! made by `ngo-so backup`, and by the server itself every night and before it migrates a
//! database that holds data. They hold residents' personal data, so the folder and the files
//! are the server's user's alone. They are named by Vietnam's wall clock
//! (`ngoso-2026-12-06-020000.dump`), which is what the ward's IT officer reads, and the server
//! keeps the newest of each of the last days and weeks ([`Keep`]).
//!
//! A restore runs the whole backup in one transaction, after dropping what the database held:
//! either the database is the backup's, or, if anything fails, it is left as it was.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Datelike, NaiveDateTime, NaiveTime, SubsecRound, TimeDelta, Utc};
use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::clock::Clock;

/// A database for pg_dump, pg_restore and psql: a libpq URL without its password, which they
/// get in `PGPASSWORD`, so that no process listing shows it.
#[derive(Clone)]
pub struct Target {
    url: url::Url,
    password: Option<String>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("url", &self.url.as_str())
            .finish()
    }
}

impl Target {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        let mut url = url::Url::parse(url).context("not a PostgreSQL URL")?;
        let password = url.password().map(|p| {
            percent_encoding::percent_decode_str(p)
                .decode_utf8_lossy()
                .into_owned()
        });
        url.set_password(None)
            .map_err(|()| anyhow!("not a PostgreSQL URL"))?;
        Ok(Self { url, password })
    }

    /// The same database for sqlx.
    fn options(&self) -> anyhow::Result<PgConnectOptions> {
        let options = PgConnectOptions::from_url(&self.url)?;
        Ok(match &self.password {
            Some(p) => options.password(p),
            None => options,
        })
    }

    fn command(&self, tool: &str) -> anyhow::Result<Command> {
        let bin = crate::embedded_pg::find_tool(tool).ok_or_else(|| {
            anyhow!(
                "{tool} is not installed: install PostgreSQL's client programs \
                     (Debian/Ubuntu: `apt-get install postgresql-client`)"
            )
        })?;
        let mut cmd = Command::new(bin);
        if let Some(p) = &self.password {
            cmd.env("PGPASSWORD", p);
        }
        cmd.kill_on_drop(true);
        Ok(cmd)
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub path: PathBuf,
    /// When it was taken, on Vietnam's wall clock.
    pub taken: NaiveDateTime,
    pub bytes: u64,
}

impl Backup {
    pub fn taken_at(&self) -> DateTime<Utc> {
        (self.taken - domain::time::OFFSET).and_utc()
    }
}

const PREFIX: &str = "ngoso-";
const SUFFIX: &str = ".dump";
const NAME_TIME: &str = "%Y-%m-%d-%H%M%S";

fn file_name(taken: NaiveDateTime) -> String {
    format!("{PREFIX}{}{SUFFIX}", taken.format(NAME_TIME))
}

fn taken_from_name(name: &str) -> Option<NaiveDateTime> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    NaiveDateTime::parse_from_str(stamp, NAME_TIME).ok()
}

/// Writes a backup of `target` into `dir` (made if missing, the user's alone), named by the
/// instant `now`. The file appears whole or not at all.
pub async fn dump(target: &Target, dir: &Path, now: DateTime<Utc>) -> anyhow::Result<Backup> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the backup folder {}", dir.display()))?;
    let mut taken = domain::time::local(now.trunc_subsecs(0));
    // Two in the same second (a manual one beside the nightly one): the next free second.
    while dir.join(file_name(taken)).exists() {
        taken += TimeDelta::seconds(1);
    }
    let path = dir.join(file_name(taken));
    let partial = path.with_extension("partial");
    // Made here, the user's alone, before pg_dump writes a byte into it.
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)
        .and_then(|f| f.set_permissions(std::fs::Permissions::from_mode(0o600)))
        .with_context(|| format!("cannot write {}", partial.display()))?;
    let out = target
        .command("pg_dump")?
        .args(["--format=custom", "--compress=6", "--file"])
        .arg(&partial)
        .arg("--dbname")
        .arg(target.url.as_str())
        .stdin(Stdio::null())
        .output()
        .await
        .context("cannot run pg_dump")?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&partial);
        bail!(
            "pg_dump failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &path)?;
    std::fs::File::open(dir)?.sync_all()?;
    let bytes = std::fs::metadata(&path)?.len();
    Ok(Backup { path, taken, bytes })
}

/// The backups in `dir`, newest first; none when it does not exist.
pub fn list(dir: &Path) -> Vec<Backup> {
    let mut found: Vec<Backup> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let taken = taken_from_name(e.file_name().to_str()?)?;
            Some(Backup {
                path: e.path(),
                taken,
                bytes: e.metadata().ok()?.len(),
            })
        })
        .collect();
    found.sort_by_key(|b| std::cmp::Reverse(b.taken));
    found
}

/// How many backups the server keeps: the newest of each of the last `daily` days that have
/// one, and of each of the last `weekly` weeks (Monday to Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    pub daily: usize,
    pub weekly: usize,
}

impl Default for Keep {
    fn default() -> Self {
        Self {
            daily: 7,
            weekly: 4,
        }
    }
}

/// The backups, taken at `taken`, that `keep` lets go.
pub fn to_delete(taken: &[NaiveDateTime], keep: Keep) -> Vec<NaiveDateTime> {
    let mut newest_first = taken.to_vec();
    newest_first.sort_by_key(|t| std::cmp::Reverse(*t));
    let mut kept = HashSet::new();
    let mut days = HashSet::new();
    let mut weeks = HashSet::new();
    for t in &newest_first {
        if days.len() < keep.daily && days.insert(t.date()) {
            kept.insert(*t);
        }
        let week = t.iso_week();
        if weeks.len() < keep.weekly && weeks.insert((week.year(), week.week())) {
            kept.insert(*t);
        }
    }
    newest_first.retain(|t| !kept.contains(t));
    newest_first
}

/// Deletes the backups in `dir` that `keep` lets go; says how many.
pub fn prune(dir: &Path, keep: Keep) -> anyhow::Result<usize> {
    let backups = list(dir);
    let times: Vec<_> = backups.iter().map(|b| b.taken).collect();
    let gone: HashSet<_> = to_delete(&times, keep).into_iter().collect();
    let mut deleted = 0;
    for b in backups.iter().filter(|b| gone.contains(&b.taken)) {
        std::fs::remove_file(&b.path)
            .with_context(|| format!("cannot delete {}", b.path.display()))?;
        deleted += 1;
    }
    Ok(deleted)
}

/// The server's own backups: where they go, of what, and how many are kept.
#[derive(Debug, Clone)]
pub struct Backups {
    pub dir: PathBuf,
    pub target: Target,
    pub keep: Keep,
}

impl Backups {
    /// Takes one now, then lets go of those `keep` no longer holds.
    pub async fn take(&self, now: DateTime<Utc>, why: &str) -> anyhow::Result<Backup> {
        let started = std::time::Instant::now();
        let backup = dump(&self.target, &self.dir, now).await?;
        let deleted = prune(&self.dir, self.keep)?;
        tracing::info!(
            why,
            file = %backup.path.display(),
            bytes = backup.bytes,
            seconds = started.elapsed().as_secs_f64(),
            deleted,
            "backup taken"
        );
        Ok(backup)
    }

    /// Every night at `at` (Vietnam's wall clock), for as long as the server runs. A failure
    /// is logged and tried again the next night; the audit page shows the last backup's age.
    pub async fn nightly(self, clock: Clock, at: NaiveTime) {
        loop {
            let now = clock.now();
            let wait = next_run(now, at) - now;
            tokio::time::sleep(wait.to_std().unwrap_or(Duration::ZERO)).await;
            if let Err(e) = self.take(clock.now(), "nightly").await {
                tracing::error!(error = %e, "the nightly backup failed");
            }
        }
    }
}

/// The next instant after `now` at which Vietnam's wall clock shows `at`.
pub fn next_run(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = domain::time::day(now);
    let candidate = domain::time::instant(today, at);
    if candidate > now {
        candidate
    } else {
        domain::time::instant(today + TimeDelta::days(1), at)
    }
}

/// What the database to restore into holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holds {
    pub wards: i64,
    pub households: i64,
    pub residents: i64,
}

impl Holds {
    fn anything(self) -> bool {
        self.wards + self.households + self.residents > 0
    }
}

async fn holds(target: &Target) -> anyhow::Result<Holds> {
    let mut conn = target
        .options()?
        .connect()
        .await
        .context("cannot connect to the database to restore into")?;
    let schema: bool = sqlx::query_scalar("select to_regclass('public.wards') is not null")
        .fetch_one(&mut conn)
        .await?;
    if !schema {
        return Ok(Holds {
            wards: 0,
            households: 0,
            residents: 0,
        });
    }
    let (wards, households, residents) = sqlx::query_as(
        "select (select count(*) from wards), (select count(*) from households),
                (select count(*) from residents)",
    )
    .fetch_one(&mut conn)
    .await?;
    Ok(Holds {
        wards,
        households,
        residents,
    })
}

/// Replaces what `target` holds with the backup in `file`. A database that holds a ward, a
/// household or a resident is refused unless `force`.
pub async fn restore(target: &Target, file: &Path, force: bool) -> anyhow::Result<()> {
    let listed = target
        .command("pg_restore")?
        .arg("--list")
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .await
        .context("cannot run pg_restore")?;
    if !listed.status.success() {
        bail!(
            "{} is not a backup made by `ngo-so backup`: {}",
            file.display(),
            String::from_utf8_lossy(&listed.stderr).trim()
        );
    }
    let held = holds(target).await?;
    if held.anything() && !force {
        bail!(
            "the database already holds data ({} wards, {} households, {} residents): a \
             restore would replace it. Take a backup of it first (`ngo-so backup`), then give \
             --force to replace it.",
            held.wards,
            held.households,
            held.residents
        );
    }

    // pg_restore writes the backup as SQL, and psql runs it in one transaction after the
    // statements that empty the schema. Objects and grants belong to whoever restores; the
    // server grants its own role the rows again when it starts.
    let mut script = target
        .command("pg_restore")?
        .args(["--no-owner", "--no-acl", "--file=-"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run pg_restore")?;
    let mut psql = target
        .command("psql")?
        .args(["--no-psqlrc", "--quiet", "--single-transaction"])
        .args(["--set=ON_ERROR_STOP=1", "--file=-", "--dbname"])
        .arg(target.url.as_str())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run psql")?;
    let mut sql = script.stdout.take().expect("piped");
    let mut into = psql.stdin.take().expect("piped");
    let feed = async move {
        into.write_all(b"drop schema if exists public cascade;\ncreate schema public;\n")
            .await?;
        tokio::io::copy(&mut sql, &mut into).await?;
        into.shutdown().await
    };
    let (fed, written, ran) =
        tokio::join!(feed, script.wait_with_output(), psql.wait_with_output());
    let (written, ran) = (written?, ran?);
    if !ran.status.success() {
        bail!(
            "the restore failed, and the database is as it was: {}",
            String::from_utf8_lossy(&ran.stderr).trim()
        );
    }
    if !written.status.success() {
        bail!(
            "pg_restore could not read {}: {}",
            file.display(),
            String::from_utf8_lossy(&written.stderr).trim()
        );
    }
    fed.context("could not hand the backup to psql")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    #[test]
    fn keeps_the_newest_of_each_recent_day_and_week() {
        // Nightly at 02:00 from 1 to 31 December 2026, and a manual one at 15:00 on the 31st.
        let mut taken: Vec<_> = (1..=31).map(|d| at(d, 2)).collect();
        taken.push(at(31, 15));
        let gone = to_delete(&taken, Keep::default());
        let kept: Vec<_> = taken.iter().filter(|t| !gone.contains(t)).collect();
        // Days 25 to 31 (the 31st's newest), and the newest of the weeks ending on the 27th,
        // 20th and 13th. The week of the 31st is already kept by its day.
        let mut expected = vec![at(13, 2), at(20, 2)];
        expected.extend((25..=30).map(|d| at(d, 2)));
        expected.push(at(31, 15));
        assert_eq!(kept, expected.iter().collect::<Vec<_>>());
        assert!(gone.contains(&at(31, 2)));
        assert_eq!(gone.len(), taken.len() - expected.len());
    }

    #[test]
    fn a_gap_in_the_nights_keeps_older_days() {
        // The server was off for a week: the last seven days that have a backup are kept.
        let taken: Vec<_> = [1, 2, 3, 4, 12, 13, 14].map(|d| at(d, 2)).to_vec();
        assert!(to_delete(&taken, Keep::default()).is_empty());
        let taken: Vec<_> = [1, 2, 3, 4, 12, 13, 14, 15].map(|d| at(d, 2)).to_vec();
        // One more: the 1st falls out of the days, and the 4th is its week's newest (Monday
        // 30 November to Sunday 6 December).
        assert_eq!(to_delete(&taken, Keep::default()), vec![at(1, 2)]);
    }

    #[test]
    fn names_carry_vietnams_wall_clock_and_read_back() {
        let now = "2026-12-05T19:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let name = file_name(domain::time::local(now));
        assert_eq!(name, "ngoso-2026-12-06-020000.dump");
        assert_eq!(taken_from_name(&name), Some(at(6, 2)));
        assert_eq!(taken_from_name("ngoso-2026-12-06-020000.partial"), None);
        assert_eq!(taken_from_name("notes.txt"), None);
    }

    #[test]
    fn the_next_run_is_tonight_or_tomorrow_night() {
        let two = NaiveTime::from_hms_opt(2, 0, 0).unwrap();
        // 01:00 in Vietnam: tonight at 02:00.
        let now = "2026-12-05T18:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            next_run(now, two),
            "2026-12-05T19:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        // 02:00 exactly: the next night.
        let now = "2026-12-05T19:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            next_run(now, two),
            "2026-12-06T19:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
