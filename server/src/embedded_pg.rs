//! A private PostgreSQL cluster, started as a child process of the server.
//!
//! A ward official should not have to install and configure a database server to try Ngõ Số:
//! with no `DATABASE_URL`, the server makes a cluster in its data directory on first start
//! (`initdb`), runs `postgres` on a unix socket inside that directory (no TCP port at all), and
//! stops it when the server stops. PostgreSQL refuses to run as root, so when the server is
//! root the cluster belongs to, and runs as, the `postgres` system user.
//!
//! Every connection gives a password (scram-sha-256), even on the private socket: the owner's,
//! for migrations, and the server's own role's ([`APP_ROLE`], see `roles`). Both are made on
//! first start and kept beside the cluster, readable by the server's user only.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{Pid, User, chown};
use sqlx::postgres::PgConnectOptions;
use tokio::process::{Child, Command};

/// The database the server uses inside its cluster.
const DATABASE: &str = "ngoso";
const SUPERUSER: &str = "postgres";
/// The role the server runs as: rows only (`roles::grant`).
pub const APP_ROLE: &str = "ngoso_app";
const MISSING: &str = "PostgreSQL is not installed. Install its server programs \
    (Debian/Ubuntu: `apt-get install postgresql`), or give --database-url / DATABASE_URL \
    for an existing PostgreSQL server.";

pub struct EmbeddedPostgres {
    dir: PathBuf,
    passwords: Passwords,
    /// Asks [`supervise`] to stop PostgreSQL, and is done when it has.
    supervisor: (
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ),
}

/// The cluster's two passwords, in `<cluster>.passwords` (mode 0600), one `role:password` per
/// line.
struct Passwords {
    owner: String,
    app: String,
}

impl Passwords {
    fn file(dir: &Path) -> PathBuf {
        dir.with_extension("passwords")
    }

    fn load_or_create(dir: &Path) -> anyhow::Result<Self> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;

        let path = Self::file(dir);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let of = |role: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(role)?.strip_prefix(':'))
                    .map(str::to_owned)
                    .ok_or_else(|| anyhow!("{} has no password for {role}", path.display()))
            };
            return Ok(Self {
                owner: of(SUPERUSER)?,
                app: of(APP_ROLE)?,
            });
        }
        // URL-safe base64 of 256 random bits: nothing to quote in SQL or in a URL.
        let passwords = Self {
            owner: crate::auth::new_token().0,
            app: crate::auth::new_token().0,
        };
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut f| {
                writeln!(
                    f,
                    "{SUPERUSER}:{}\n{APP_ROLE}:{}",
                    passwords.owner, passwords.app
                )
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(passwords)
    }
}

impl EmbeddedPostgres {
    /// Creates the cluster in `dir` if it does not exist yet, starts it and waits until it
    /// accepts connections.
    pub async fn start(dir: &Path) -> anyhow::Result<Self> {
        let bin = find_bin_dir().ok_or_else(|| anyhow!(MISSING))?;
        let owner = ClusterOwner::for_current_user()?;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let dir = dir.canonicalize()?;
        owner.take(&dir)?;
        let passwords = Passwords::load_or_create(&dir)?;

        if !dir.join("PG_VERSION").exists() {
            tracing::info!(dir = %dir.display(), "creating the embedded PostgreSQL cluster");
            // initdb reads the owner's password from a file, as the cluster's user, and wants
            // the cluster's directory empty: the file goes beside it for as long as it runs.
            let pwfile = dir.with_extension("initdb");
            std::fs::write(&pwfile, &passwords.owner)?;
            owner.take(&pwfile)?;
            let out = owner
                .command(bin.join("initdb"))
                .args([
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--username",
                    SUPERUSER,
                ])
                .arg(format!("--pwfile={}", pwfile.display()))
                .arg("--pgdata")
                .arg(&dir)
                .output()
                .await;
            let _ = std::fs::remove_file(&pwfile);
            let out = out.context("cannot run initdb")?;
            if !out.status.success() {
                bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
        stop_leftover(&bin, &dir, &owner).await;
        remove_stale_lock(&dir);

        let _ = std::fs::remove_file(dir.join("server.log"));
        let mut child = spawn_postgres(&bin, &dir, owner)?;

        let options = superuser_options(&dir, &passwords).database("postgres");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait()? {
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                bail!("PostgreSQL stopped at start ({status}):\n{log}");
            }
            match sqlx::ConnectOptions::connect(&options).await {
                Ok(mut conn) => {
                    require_passwords(&mut conn, &dir, &passwords).await?;
                    create_database(&mut conn).await?;
                    create_app_role(&mut conn, &passwords).await?;
                    sqlx::Connection::close(conn).await?;
                    break;
                }
                Err(e) if tokio::time::Instant::now() > deadline => {
                    return Err(e).context("PostgreSQL did not accept connections within 60 s");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        tracing::info!(dir = %dir.display(), "embedded PostgreSQL is ready");
        let (stop, stopping) = tokio::sync::oneshot::channel();
        let supervisor = tokio::spawn(supervise(child, bin, dir.clone(), owner, stopping));
        Ok(Self {
            dir,
            passwords,
            supervisor: (stop, supervisor),
        })
    }

    /// Connection options for the server's database as its owner: for migrations.
    pub fn owner_options(&self) -> PgConnectOptions {
        superuser_options(&self.dir, &self.passwords).database(DATABASE)
    }

    /// Connection options for the server's database as the role the server runs as.
    pub fn app_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.dir)
            .username(APP_ROLE)
            .password(&self.passwords.app)
            .database(DATABASE)
    }

    /// A connection URL, as the cluster's owner, for tools (tests, psql) that take one.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@localhost/{database}?host={}",
            self.passwords.owner,
            self.dir.display()
        )
    }

    /// The server's database as its owner, for pg_dump and pg_restore.
    pub fn target(&self) -> anyhow::Result<crate::backup::Target> {
        crate::backup::Target::from_url(&self.url(DATABASE))
    }

    /// The server's database as its owner when a running server holds the cluster in `dir`:
    /// `ngo-so backup` then dumps it as it is, and `ngo-so restore` is refused. A `postgres`
    /// whose server was killed is no one's: [`EmbeddedPostgres::start`] stops it.
    pub fn serving(dir: &Path) -> anyhow::Result<Option<crate::backup::Target>> {
        let Some(pid) = postmaster_pid(dir) else {
            return Ok(None);
        };
        let parent = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                // `pid (command) state ppid …`: the command may hold spaces and parentheses.
                let after = stat.rsplit_once(')')?.1;
                after.split_whitespace().nth(1)?.parse::<i32>().ok()
            });
        let by_a_server = parent.is_some_and(|ppid| {
            std::fs::read_to_string(format!("/proc/{ppid}/comm"))
                .is_ok_and(|comm| comm.trim() == "ngo-so")
        });
        if !by_a_server {
            return Ok(None);
        }
        let dir = dir.canonicalize()?;
        let passwords = Passwords::load_or_create(&dir)?;
        Ok(Some(crate::backup::Target::from_url(&format!(
            "postgres://{SUPERUSER}:{}@localhost/{DATABASE}?host={}",
            passwords.owner,
            dir.display()
        ))?))
    }

    /// Fast shutdown: open transactions are rolled back, nothing committed is lost.
    pub async fn stop(self) {
        let (stop, supervisor) = self.supervisor;
        let _ = stop.send(());
        let _ = supervisor.await;
    }
}

/// Runs `postgres` on the cluster, its output appended to `server.log` inside it.
fn spawn_postgres(bin: &Path, dir: &Path, owner: ClusterOwner) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))?;
    owner.take(&dir.join("server.log"))?;
    owner
        .command(bin.join("postgres"))
        .arg("-D")
        .arg(dir)
        .args(["-c", "listen_addresses="])
        .arg("-c")
        .arg(format!("unix_socket_directories={}", dir.display()))
        // Its own process group: a Ctrl-C in the terminal reaches the server, which then
        // finishes its requests before it stops PostgreSQL.
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .context("cannot start postgres")
}

/// Keeps PostgreSQL running until told to stop: if it dies (killed, or crashed), it is started
/// again, after 1 s, and after twice as long each time it dies within a minute, up to 30 s.
/// Meanwhile the server answers 503 (`error::unavailable`), and the connection pool opens new
/// connections once it is back. PostgreSQL's own crash recovery replays its WAL: no committed
/// write is lost.
async fn supervise(
    mut child: Child,
    bin: PathBuf,
    dir: PathBuf,
    owner: ClusterOwner,
    mut stopping: tokio::sync::oneshot::Receiver<()>,
) {
    let mut delay = Duration::from_secs(1);
    loop {
        let started = tokio::time::Instant::now();
        tokio::select! {
            _ = &mut stopping => break,
            status = child.wait() => {
                tracing::error!(?status, "the embedded PostgreSQL stopped; starting it again");
            }
        }
        delay = if started.elapsed() > Duration::from_secs(60) {
            Duration::from_secs(1)
        } else {
            (delay * 2).min(Duration::from_secs(30))
        };
        loop {
            tokio::select! {
                _ = &mut stopping => return,
                () = tokio::time::sleep(delay) => {}
            }
            match spawn_postgres(&bin, &dir, owner) {
                Ok(c) => {
                    child = c;
                    break;
                }
                Err(e) => tracing::error!(error = %e, "could not start the embedded PostgreSQL"),
            }
        }
    }
    if let Some(pid) = child.id() {
        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGINT);
    }
    match tokio::time::timeout(Duration::from_secs(30), child.wait()).await {
        Ok(_) => tracing::info!("embedded PostgreSQL stopped"),
        Err(_) => {
            tracing::warn!("embedded PostgreSQL did not stop within 30 s; killing it");
            let _ = child.kill().await;
        }
    }
}

fn superuser_options(dir: &Path, passwords: &Passwords) -> PgConnectOptions {
    PgConnectOptions::new()
        .socket(dir)
        .username(SUPERUSER)
        .password(&passwords.owner)
}

/// A cluster made before passwords were asked (`trust`, where any password passes) gets the
/// owner's password and asks for passwords from now on.
async fn require_passwords(
    conn: &mut sqlx::PgConnection,
    dir: &Path,
    passwords: &Passwords,
) -> anyhow::Result<()> {
    let hba = dir.join("pg_hba.conf");
    let text = std::fs::read_to_string(&hba)?;
    let trusting = |l: &str| !l.trim_start().starts_with('#') && l.trim_end().ends_with("trust");
    if !text.lines().any(trusting) {
        return Ok(());
    }
    sqlx::query(&format!(
        "alter role {SUPERUSER} password '{}'",
        passwords.owner
    ))
    .execute(&mut *conn)
    .await?;
    let scram: Vec<String> = text
        .lines()
        .map(|l| match l.trim_end().strip_suffix("trust") {
            Some(rest) if trusting(l) => format!("{rest}scram-sha-256"),
            _ => l.to_owned(),
        })
        .collect();
    std::fs::write(&hba, scram.join("\n") + "\n")?;
    sqlx::query("select pg_reload_conf()")
        .execute(&mut *conn)
        .await?;
    tracing::info!("the embedded PostgreSQL now asks every connection for a password");
    Ok(())
}

/// The role the server runs as, with its password; `roles::grant` gives it the rows.
async fn create_app_role(
    conn: &mut sqlx::PgConnection,
    passwords: &Passwords,
) -> anyhow::Result<()> {
    let exists: bool =
        sqlx::query_scalar("select exists (select from pg_roles where rolname = $1)")
            .bind(APP_ROLE)
            .fetch_one(&mut *conn)
            .await?;
    let verb = if exists { "alter" } else { "create" };
    sqlx::query(&format!(
        "{verb} role {APP_ROLE} login password '{}'",
        passwords.app
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn create_database(conn: &mut sqlx::PgConnection) -> anyhow::Result<()> {
    let exists: bool =
        sqlx::query_scalar("select exists (select from pg_database where datname = $1)")
            .bind(DATABASE)
            .fetch_one(&mut *conn)
            .await?;
    if !exists {
        sqlx::query(&format!("create database {DATABASE}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A `postgres` left running by a server that was killed holds the cluster's lock: stop it,
/// so this start does not fail on "lock file already exists".
async fn stop_leftover(bin: &Path, dir: &Path, owner: &ClusterOwner) {
    let Some(pid) = postmaster_pid(dir) else {
        return;
    };
    tracing::warn!(
        pid,
        "stopping a PostgreSQL left running by an earlier start"
    );
    let _ = owner
        .command(bin.join("pg_ctl"))
        .args(["stop", "--mode=fast", "--pgdata"])
        .arg(dir)
        .output()
        .await;
}

/// The process of the `postgres` running on the cluster in `dir`, if one is.
fn postmaster_pid(dir: &Path) -> Option<i32> {
    let pid_file = std::fs::read_to_string(dir.join("postmaster.pid")).ok()?;
    let pid = pid_file.lines().next()?.trim().parse::<i32>().ok()?;
    let alive = kill(Pid::from_raw(pid), None).is_ok();
    let postgres = std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|comm| comm.trim() == "postgres");
    (alive && postgres).then_some(pid)
}

/// A `postmaster.pid` left by a crash names a process that is gone, which postgres sees
/// itself; but after a restart of the machine the number may belong to another process, and
/// postgres then refuses to start ("lock file already exists"). With no postgres of its own
/// running, the file is removed.
fn remove_stale_lock(dir: &Path) {
    let file = dir.join("postmaster.pid");
    if file.exists() && postmaster_pid(dir).is_none() {
        tracing::warn!("removing the postmaster.pid an earlier crash left behind");
        let _ = std::fs::remove_file(file);
    }
}

/// The directory holding `initdb` and `postgres`: `PATH` first, then Debian's layout with
/// the newest version.
fn find_bin_dir() -> Option<PathBuf> {
    path_dirs()
        .find(|d| d.join("initdb").is_file() && d.join("postgres").is_file())
        .or_else(|| debian_bin_dirs().into_iter().next())
}

/// One of PostgreSQL's programs (`pg_dump`, `psql`…): beside the `postgres` the cluster runs,
/// else from Debian's newest version, else on `PATH`. pg_dump must be as new as the server.
pub(crate) fn find_tool(tool: &str) -> Option<PathBuf> {
    find_bin_dir()
        .into_iter()
        .chain(debian_bin_dirs())
        .chain(path_dirs())
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

fn path_dirs() -> impl Iterator<Item = PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
}

/// `/usr/lib/postgresql/<version>/bin`, newest first.
fn debian_bin_dirs() -> Vec<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").is_file())
        .collect();
    versions.sort_by_key(|(v, _)| std::cmp::Reverse(*v));
    versions.into_iter().map(|(_, bin)| bin).collect()
}

/// Who owns and runs the cluster: the current user, or `postgres` when the server is root.
#[derive(Clone, Copy)]
enum ClusterOwner {
    Current,
    System { uid: u32, gid: u32 },
}

impl ClusterOwner {
    fn for_current_user() -> anyhow::Result<Self> {
        if !nix::unistd::geteuid().is_root() {
            return Ok(Self::Current);
        }
        let user = User::from_name("postgres")?.ok_or_else(|| {
            anyhow!("running as root, PostgreSQL must run as the `postgres` system user, which does not exist. {MISSING}")
        })?;
        Ok(Self::System {
            uid: user.uid.as_raw(),
            gid: user.gid.as_raw(),
        })
    }

    /// Gives `path` to the cluster's owner.
    fn take(&self, path: &Path) -> anyhow::Result<()> {
        if let Self::System { uid, gid } = self {
            chown(path, Some((*uid).into()), Some((*gid).into()))
                .with_context(|| format!("cannot give {} to the postgres user", path.display()))?;
        }
        Ok(())
    }

    fn command(&self, program: PathBuf) -> Command {
        let mut cmd = Command::new(program);
        if let Self::System { uid, gid } = self {
            cmd.uid(*uid).gid(*gid).env("HOME", "/var/lib/postgresql");
        }
        cmd
    }
}
