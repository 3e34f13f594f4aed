use anyhow::Context;
use clap::Parser;
use server::config::{Cli, Command, Config};
use server::embedded_pg::EmbeddedPostgres;
use server::{AppState, demo};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config).await,
        Command::Database => database(cli.config).await,
        Command::CreateAdmin { ward, phone, name } => {
            create_admin(cli.config, ward, &phone, &name).await
        }
    }
}

/// The database the configuration names (the embedded one is started), brought up to date by
/// its owner; the pool serves as the server's own role.
async fn open_database(config: &Config) -> anyhow::Result<(Option<EmbeddedPostgres>, PgPool)> {
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
            .connect_with(options)
            .await
            .context("cannot connect to PostgreSQL")
    };
    match owner {
        Some(owner) => {
            let role = app.get_username().to_owned();
            let owner = pool(owner).await?;
            server::prepare_database(&owner).await?;
            server::roles::grant(&owner, &role).await?;
            owner.close().await;
            Ok((embedded, pool(app).await?))
        }
        None => {
            let db = pool(app).await?;
            server::prepare_database(&db).await?;
            Ok((embedded, db))
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let mut settings = config.settings()?;
    let listener = tokio::net::TcpListener::bind((config.bind, config.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", config.bind, config.port))?;
    let address = listener.local_addr()?;
    if settings.public_url.is_none() {
        // Links and QR codes never follow a request's Host header, which whoever sends the
        // request chooses; without --public-url they name the address served on.
        if address.ip().is_unspecified() {
            tracing::warn!(
                "serving on {address} without --public-url: links and QR codes will name \
                 {address}, which phones cannot open"
            );
        }
        settings.public_url = Some(format!("http://{address}"));
    }
    let (embedded, db) = open_database(&config).await?;
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
    let app = server::router(state);
    tracing::info!("Ngõ Số is serving http://{address}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;

    db.close().await;
    if let Some(pg) = embedded {
        pg.stop().await;
    }
    Ok(())
}

/// `ngo-so create-admin`: the first account of a fresh install.
async fn create_admin(config: Config, ward: i32, phone: &str, name: &str) -> anyhow::Result<()> {
    let password = match std::env::var("NGOSO_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password("Mật khẩu / password: ")?,
    };
    let (embedded, db) = open_database(&config).await?;
    let result = server::admin::create(&db, ward, phone, name, password).await;
    db.close().await;
    if let Some(pg) = embedded {
        pg.stop().await;
    }
    let account = result?;
    println!("{account}");
    Ok(())
}

async fn database(config: Config) -> anyhow::Result<()> {
    let pg = EmbeddedPostgres::start(&config.data_dir.join("postgres")).await?;
    println!("{}", pg.url("postgres"));
    shutdown_signal().await;
    pg.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("can listen for SIGTERM");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
    tracing::info!("stopping");
}
