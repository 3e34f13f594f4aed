use anyhow::Context;
use clap::Parser;
use domain::access::ProvinceRole;
use server::admin::Over;
use server::backup::{self, Backups, Target};
use server::config::{Cli, Command, Config, LogFormat, Nightly};
use server::embedded_pg::EmbeddedPostgres;
use server::serving::Listeners;
use server::{AppState, demo};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colours for a terminal only: journald and log files would keep the escape codes.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match cli.config.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config).await,
        Command::Database => database(cli.config).await,
        Command::CreateAdmin {
            ward,
            province,
            viewer,
            phone,
            name,
        } => {
            let over = match (ward, province) {
                (Some(ward), _) => Over::Ward(ward),
                (None, Some(province)) if viewer => {
                    Over::Province(province, ProvinceRole::ProvinceViewer)
                }
                (None, Some(province)) => Over::Province(province, ProvinceRole::ProvinceAdmin),
                (None, None) => anyhow::bail!("create-admin needs --ward or --province"),
            };
            create_admin(cli.config, over, &phone, &name).await
        }
        Command::Backup { to } => backup(cli.config, to).await,
        Command::Restore { file, force } => restore(cli.config, &file, force).await,
    }
}

/// The database to back up or restore into, as its owner: an existing server's, or the
/// embedded cluster (started if no server runs it, and handed back to be stopped).
async fn backup_target(
    config: &Config,
    serving: impl FnOnce(&std::path::Path) -> anyhow::Result<()>,
) -> anyhow::Result<(Target, Option<EmbeddedPostgres>)> {
    if let Some(owner) = config.external_owner()? {
        return Ok((owner, None));
    }
    let dir = config.data_dir.join("postgres");
    if let Some(target) = EmbeddedPostgres::serving(&dir)? {
        serving(&dir)?;
        return Ok((target, None));
    }
    let pg = EmbeddedPostgres::start(&dir).await?;
    Ok((pg.target()?, Some(pg)))
}

/// `ngo-so backup`: one backup, into the server's folder (then pruned as the server prunes
/// it) or into `--to`.
async fn backup(config: Config, to: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let now = server::clock::Clock::from_env()?.now();
    let (target, embedded) = backup_target(&config, |_| Ok(())).await?;
    let result = match to {
        Some(dir) => backup::dump(&target, &dir, now).await,
        None => config.backups(target).take(now, "asked for").await,
    };
    if let Some(pg) = embedded {
        pg.stop().await;
    }
    let backup = result?;
    println!("{} ({} bytes)", backup.path.display(), backup.bytes);
    Ok(())
}

/// `ngo-so restore FILE`: never under a running server, whose pool would go on writing.
async fn restore(config: Config, file: &std::path::Path, force: bool) -> anyhow::Result<()> {
    let (target, embedded) = backup_target(&config, |dir| {
        anyhow::bail!(
            "a Ngõ Số server is running on {}: stop it first (e.g. `systemctl stop ngo-so`)",
            dir.display()
        )
    })
    .await?;
    let result = backup::restore(&target, file, force).await;
    if let Some(pg) = embedded {
        pg.stop().await;
    }
    result?;
    println!(
        "restored {}; the server brings its schema up to date when it starts",
        file.display()
    );
    Ok(())
}

/// The database the configuration names (the embedded one is started), backed up if a new
/// version's migrations are due, and brought up to date by its owner; the pool serves as the
/// server's own role.
async fn open_database(
    config: &Config,
) -> anyhow::Result<(Option<EmbeddedPostgres>, PgPool, Backups)> {
    let (embedded, owner, app) = match &config.database_url {
        Some(url) => {
            let app: PgConnectOptions = url
                .parse()
                .context("DATABASE_URL is not a PostgreSQL URL")?;
            let owner: Option<PgConnectOptions> = config
                .owner_database_url
                .as_deref()
                .map(str::parse)
                .transpose()
                .context("NGOSO_OWNER_DATABASE_URL is not a PostgreSQL URL")?;
            (None, owner, app)
        }
        None => {
            let pg = EmbeddedPostgres::start(&config.data_dir.join("postgres")).await?;
            let (owner, app) = (pg.owner_options(), pg.app_options());
            (Some(pg), Some(owner), app)
        }
    };
    let pool = |options: PgConnectOptions| async {
        PgPoolOptions::new()
            .max_connections(16)
            // While PostgreSQL restarts, a request gives up after 5 s with a 503 and when to
            // try again, rather than hanging for sqlx's default 30 s.
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect_with(options)
            .await
            .context("cannot connect to PostgreSQL")
    };
    let target = match &embedded {
        Some(pg) => pg.target()?,
        None => config
            .external_owner()?
            .expect("without the embedded cluster, a URL"),
    };
    let backups = config.backups(target);
    let migrate = async |db: &PgPool| -> anyhow::Result<()> {
        if let Some((from, to)) = server::upgrade_pending(db).await? {
            let why = format!("before migrating from {from} to {to}");
            let now = server::clock::Clock::from_env()?.now();
            backups.take(now, &why).await.with_context(|| {
                format!("could not back the database up {why}, so it was not migrated")
            })?;
        }
        server::prepare_database(db).await
    };
    match owner {
        Some(owner) => {
            let role = app.get_username().to_owned();
            let owner = pool(owner).await?;
            migrate(&owner).await?;
            server::roles::grant(&owner, &role).await?;
            owner.close().await;
            Ok((embedded, pool(app).await?, backups))
        }
        None => {
            let db = pool(app).await?;
            migrate(&db).await?;
            Ok((embedded, db, backups))
        }
    }
}

/// A listener on `bind:port`, or an error naming it.
async fn listen(bind: std::net::IpAddr, port: u16) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind((bind, port))
        .await
        .with_context(|| format!("cannot listen on {bind}:{port}"))
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let stop = shutdown_signal()?;
    let mut settings = config.settings()?;
    // Every file and port is checked before the database starts, so a mistake in them is
    // reported at once.
    let tls = match config.tls() {
        Some(files) => Some((files.load().await?, files)),
        None => None,
    };
    let listener = listen(config.bind, config.port).await?;
    let redirect = match config.redirect_port {
        Some(port) => Some(listen(config.bind, port).await?),
        None => None,
    };
    let metrics = match config.metrics_addr {
        Some(addr) => Some(listen(addr.ip(), addr.port()).await?),
        None => None,
    };
    let address = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    if settings.public_url.is_none() {
        // Links and QR codes never follow a request's Host header, which whoever sends the
        // request chooses; without --public-url they name the address served on.
        if address.ip().is_unspecified() {
            tracing::warn!(
                "serving on {address} without --public-url: links and QR codes will name \
                 {address}, which phones cannot open"
            );
        }
        settings.public_url = Some(format!("{scheme}://{address}"));
    }
    let public_url = settings.public_url.clone().unwrap_or_default();
    let recorder = metrics
        .as_ref()
        .map(|_| server::metrics::install())
        .transpose()?;
    let (embedded, db, backups) = open_database(&config).await?;
    if let Nightly(Some(at)) = config.backup_at {
        tokio::spawn(backups.nightly(settings.clock.clone(), at));
    }
    if config.demo
        && let Some(counts) = demo::load_if_empty(&db, settings.clock.now()).await?
    {
        tracing::info!(?counts, "loaded the demo ward Phường Phú Diễn (619)");
    }

    let changed = demo::demo_accounts_only_in_demo(&db, config.demo).await?;
    if changed > 0 {
        let now = if config.demo { "enabled" } else { "disabled" };
        tracing::info!(changed, "demo accounts {now}: their password is published");
    }

    let state = AppState::new(db.clone(), config.dist.clone(), settings);
    tokio::spawn(server::housekeeping(state.clone()));
    tokio::spawn(server::limits::housekeeping(state.limits.clone()));
    state.load_tile_origins().await?;
    let scrape = recorder.map(|handle| server::metrics::Scrape {
        handle,
        db: db.clone(),
        backup_dir: state.config.backup_dir.clone(),
        clock: state.config.clock.clone(),
    });
    let app = server::router(state);

    let listeners = Listeners::default();
    let mut serving = tokio::task::JoinSet::new();
    let rustls = tls.map(|(rustls, files)| {
        tokio::spawn(files.reload_on_change(rustls.clone(), CERTIFICATE_CHECK));
        rustls
    });
    serving.spawn(listeners.clone().serve(listener, rustls, app));
    if let Some(listener) = redirect {
        let app = server::serving::redirect_to(&public_url);
        serving.spawn(listeners.clone().serve(listener, None, app));
    }
    if let (Some(listener), Some(scrape)) = (metrics, scrape) {
        let app = server::metrics::router(scrape);
        serving.spawn(listeners.clone().serve(listener, None, app));
    }
    tracing::info!("Ngõ Số is serving {scheme}://{address}");
    let mut stopped = tokio::select! {
        () = stop => Ok(()),
        Some(ended) = serving.join_next() => match ended {
            Ok(Ok(())) => Err(anyhow::anyhow!("a listener stopped by itself")),
            Ok(Err(e)) => Err(e),
            Err(e) => Err(e.into()),
        },
    };
    listeners.drain(std::time::Duration::from_secs(config.drain_seconds.into()));
    // Whatever a listener ends with, PostgreSQL is stopped cleanly below; the first error is
    // what the process reports.
    while let Some(ended) = serving.join_next().await {
        if let Err(e) = ended.map_err(anyhow::Error::from).and_then(|served| served) {
            stopped = stopped.and(Err(e));
        }
    }
    tracing::info!("requests in flight are done");
    db.close().await;
    if let Some(pg) = embedded {
        pg.stop().await;
    }
    stopped
}

/// How often the TLS certificate's files are looked at for a renewal: two `stat`s.
const CERTIFICATE_CHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// `ngo-so create-admin`: the first account of a fresh install.
async fn create_admin(config: Config, over: Over, phone: &str, name: &str) -> anyhow::Result<()> {
    let password = match std::env::var("NGOSO_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password("Mật khẩu / password: ")?,
    };
    let (embedded, db, _) = open_database(&config).await?;
    let result = server::admin::create(&db, over, phone, name, password).await;
    db.close().await;
    if let Some(pg) = embedded {
        pg.stop().await;
    }
    let account = result?;
    println!("{account}");
    Ok(())
}

async fn database(config: Config) -> anyhow::Result<()> {
    let stop = shutdown_signal()?;
    let pg = EmbeddedPostgres::start(&config.data_dir.join("postgres")).await?;
    println!("{}", pg.url("postgres"));
    stop.await;
    pg.stop().await;
    Ok(())
}

/// Listens for Ctrl-C and SIGTERM from now on. Listening starts before the server does: a
/// signal that arrives while it starts would otherwise end the process at once and leave the
/// embedded PostgreSQL running, holding its cluster.
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = term.recv() => {},
        }
        tracing::info!("stopping");
    })
}
