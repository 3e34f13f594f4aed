//! The server's configuration: command-line flags, each also settable by environment variable.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "ngo-so",
    version,
    about = "Ngõ Số: the ward's tool for Bình dân học vụ số"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Serve the app and the API (what runs without a subcommand).
    Serve,
    /// Run only the embedded PostgreSQL, print its connection URL, and stop on Ctrl-C or
    /// SIGTERM: for the test suite and for looking into the data with psql.
    Database,
    /// Create a ward's or a province's first admin account (or give an existing account the
    /// role). Asks for the password, or reads it from NGOSO_ADMIN_PASSWORD.
    #[command(group(clap::ArgGroup::new("over").required(true).args(["ward", "province"])))]
    CreateAdmin {
        /// The ward's official code, e.g. 619 for Phường Phú Diễn: its ward admin.
        #[arg(long)]
        ward: Option<i32>,
        /// The province's official code, e.g. 1 for Hà Nội: its province admin, who onboards
        /// its wards from the app.
        #[arg(long)]
        province: Option<i32>,
        /// With --province: a province viewer instead, who sees every ward's figures and
        /// never a name.
        #[arg(long, requires = "province")]
        viewer: bool,
        /// A Vietnamese mobile number: the account signs in with it.
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: String,
    },
    /// Write a backup of the database (pg_dump's custom format, compressed) into the backup
    /// folder, where the server keeps its own, or into --to. Safe while the server runs.
    Backup {
        /// A folder to write it into instead, e.g. a mounted USB disk. Nothing is deleted
        /// there.
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Replace the database with a backup. Stop the server first; it brings the schema up to
    /// date when it starts. A database that holds data is refused unless --force is given.
    Restore {
        /// A file made by `ngo-so backup`.
        file: PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// For people reading a terminal or `journalctl`.
    Text,
    /// One JSON object per line, for log collectors (Loki, Elasticsearch, journald's JSON).
    Json,
}

/// When the nightly backup runs: a time of day, or never.
#[derive(Debug, Clone, Copy)]
pub struct Nightly(pub Option<chrono::NaiveTime>);

fn nightly(text: &str) -> Result<Nightly, String> {
    if text == "off" {
        return Ok(Nightly(None));
    }
    chrono::NaiveTime::parse_from_str(text, "%H:%M")
        .map(|t| Nightly(Some(t)))
        .map_err(|_| "a time of day as HH:MM, e.g. 02:00, or `off`".into())
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// TCP port to listen on.
    #[arg(long, env = "PORT", default_value_t = 3000)]
    pub port: u16,

    /// Address to listen on. The default serves this machine only; use 0.0.0.0 behind a
    /// reverse proxy that terminates TLS.
    #[arg(long, env = "NGOSO_BIND", default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// Where the embedded PostgreSQL keeps its cluster (in `<data-dir>/postgres`). Unused when
    /// `--database-url` is given.
    #[arg(long, env = "NGOSO_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// An existing PostgreSQL database to use instead of the embedded one, e.g.
    /// `postgres://user:password@localhost/ngoso`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// With `--database-url`: the schema's owner, who runs the migrations at start, e.g.
    /// `postgres://ngoso_owner:password@localhost/ngoso`. The server then serves as the
    /// `--database-url` role, granted rows only (it cannot alter a table, nor change or delete
    /// the audit log). Without it, the one role does both.
    #[arg(long, env = "NGOSO_OWNER_DATABASE_URL", requires = "database_url")]
    pub owner_database_url: Option<String>,

    /// Load the demo ward (Phường Phú Diễn, Hà Nội) when the database holds no TDP yet.
    #[arg(long, env = "NGOSO_DEMO")]
    pub demo: bool,

    /// Serve HTTPS with this certificate chain (PEM), e.g. certbot's `fullchain.pem`. When the
    /// file changes (a renewal), the server loads it again without a restart.
    #[arg(long, env = "NGOSO_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The certificate's private key (PEM), e.g. certbot's `privkey.pem`.
    #[arg(long, env = "NGOSO_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// With `--tls-cert`: also listen for plain HTTP on this port (e.g. 80), and send every
    /// request there on to the https address.
    #[arg(long, env = "NGOSO_REDIRECT_PORT", requires = "tls_cert")]
    pub redirect_port: Option<u16>,

    /// Serve Prometheus metrics at `/metrics` on this address, e.g. `127.0.0.1:9187`. Off
    /// unless given; keep it off the public network.
    #[arg(long, env = "NGOSO_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// On SIGTERM, how many seconds the requests already in flight (a phone's sync, an
    /// import) may take to finish before their connections are closed and PostgreSQL stops.
    #[arg(long, env = "NGOSO_DRAIN_SECONDS", default_value_t = 20)]
    pub drain_seconds: u16,

    /// The address people open, e.g. `https://ngoso.phudien.gov.vn`. When it is https, cookies
    /// are Secure with the `__Host-` prefix and responses carry HSTS.
    #[arg(long, env = "NGOSO_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Behind a reverse proxy: take the client's address (for sign-in throttling) from the
    /// last `X-Forwarded-For` entry, which the proxy must set.
    #[arg(long, env = "NGOSO_BEHIND_PROXY")]
    pub behind_proxy: bool,

    /// Requests each client address may make per minute to each endpoint open without
    /// signing in (sign-in, invitation links, check-in, the briefing); a check-in or an
    /// invitation also allows five times this across all addresses.
    #[arg(long, env = "NGOSO_ANONYMOUS_PER_MINUTE", default_value = "60")]
    pub anonymous_per_minute: std::num::NonZeroU32,

    /// Days an audit entry keeps the values it recorded (an address, a name, a flag); after
    /// them it keeps who changed which record, when, and the names of the fields changed.
    #[arg(long, env = "NGOSO_AUDIT_RETENTION_DAYS", default_value_t = 90,
        value_parser = clap::value_parser!(u16).range(7..))]
    pub audit_retention_days: u16,

    /// Where the server keeps its backups: `<data-dir>/backups` unless given. They hold
    /// residents' personal data: copy them off the machine encrypted (see docs/deploy.md).
    #[arg(long, env = "NGOSO_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,

    /// When the server backs the database up every night, on Vietnam's clock (HH:MM), or
    /// `off`. It also backs up before it migrates a database to a new version's schema.
    #[arg(long, env = "NGOSO_BACKUP_AT", default_value = "02:00", value_parser = nightly)]
    pub backup_at: Nightly,

    /// How many days' backups the server keeps: the newest of each of the last N days.
    #[arg(long, env = "NGOSO_BACKUP_KEEP_DAILY", default_value_t = 7,
        value_parser = clap::value_parser!(u16).range(1..))]
    pub backup_keep_daily: u16,

    /// How many weeks' backups it keeps besides: the newest of each of the last N weeks.
    #[arg(long, env = "NGOSO_BACKUP_KEEP_WEEKLY", default_value_t = 4)]
    pub backup_keep_weekly: u16,

    /// How log lines are written to standard error: `text`, or `json` for a log collector.
    /// `RUST_LOG` filters them (default `info,sqlx=warn`).
    #[arg(long, env = "NGOSO_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// The built web app (`app/build.sh`'s output) to serve at `/`.
    #[arg(long, env = "NGOSO_DIST", default_value = "dist")]
    pub dist: PathBuf,
}

impl Config {
    /// `--tls-cert` and `--tls-key`, given together.
    pub fn tls(&self) -> Option<crate::serving::Tls> {
        Some(crate::serving::Tls {
            cert: self.tls_cert.clone()?,
            key: self.tls_key.clone()?,
        })
    }

    /// The folder of the server's backups.
    pub fn backup_dir(&self) -> PathBuf {
        self.backup_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("backups"))
    }

    /// The server's backups of `target`: in its folder, kept as configured.
    pub fn backups(&self, target: crate::backup::Target) -> crate::backup::Backups {
        crate::backup::Backups {
            dir: self.backup_dir(),
            target,
            keep: crate::backup::Keep {
                daily: self.backup_keep_daily.into(),
                weekly: self.backup_keep_weekly.into(),
            },
        }
    }

    /// With `--database-url`: the database as its owner, who migrates, backs up and restores
    /// (the one role, without `--owner-database-url`).
    pub fn external_owner(&self) -> anyhow::Result<Option<crate::backup::Target>> {
        self.database_url
            .as_deref()
            .map(|url| {
                crate::backup::Target::from_url(self.owner_database_url.as_deref().unwrap_or(url))
            })
            .transpose()
    }

    pub fn settings(&self) -> anyhow::Result<crate::Settings> {
        Ok(crate::Settings {
            secure_cookies: self.tls_cert.is_some()
                || self
                    .public_url
                    .as_deref()
                    .is_some_and(|u| u.starts_with("https://")),
            public_url: self.public_url.clone(),
            behind_proxy: self.behind_proxy,
            demo: self.demo,
            sessions: crate::auth::SessionPolicy::default(),
            clock: crate::clock::Clock::from_env()?,
            audit_retention: chrono::TimeDelta::days(self.audit_retention_days.into()),
            backup_dir: Some(self.backup_dir()),
            limits: crate::limits::Quotas {
                per_minute: self.anonymous_per_minute,
            },
        })
    }
}
