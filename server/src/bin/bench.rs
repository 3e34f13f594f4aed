//! `./x bench`: prints the figures the project's budgets are about.
//!
//! - the web app's size (brotli), from the precompressed files in `dist/`: what every page
//!   loads, and what each split-off chunk (a group of pages, the offline engine) adds when it
//!   is first needed (the browser part of `./x bench` measures the first screens themselves);
//! - ward dashboard API latency (p50/p95) under concurrent load, over real HTTP on loopback,
//!   first with the demo ward alone, then with all of Hà Nội (126 wards, 2.5 million
//!   households, 8.7 million residents), with how long that took to generate and its size on
//!   disk; at that size, the province page too, alone, 16 at once, and while phones sync
//!   (`--province-only` runs just the city);
//! - what a phone pulls to work offline, visits synced per second, and the import of a
//!   register of 10,000 residents into the demo ward;
//! - how fast `/health` answers, alone, while issue 23's crafted inputs are sent (a workbook
//!   laid out as 17 billion cells, a 100,000-point boundary, NUL in text, a 2,600-byte Host),
//!   and during a flood of sign-ins, 300 at a time.
//!
//! - how long a backup and a restore take, and the backup's size, for the demo ward and for
//!   the large dataset.
//!
//! It runs its own embedded PostgreSQL in `target/bench-data`, made fresh each run.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use server::demo::{self, Size};
use server::embedded_pg::EmbeddedPostgres;
use sqlx::postgres::PgPoolOptions;

#[derive(Parser)]
struct Args {
    /// The built web app, with its `.br` files.
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Wards in the large dataset, the demo ward included: by default all 126 of Hà Nội.
    #[arg(long, default_value_t = 126)]
    wards: usize,
    /// Households per generated ward (about 3.5 residents each): by default, with the demo
    /// ward's 10,000, Hà Nội's 2.5 million households and 8.7 million residents.
    #[arg(long, default_value_t = 19_920)]
    households: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Requests per measurement.
    #[arg(long, default_value_t = 2_000)]
    requests: usize,
    /// Only the busy day on the demo ward: a quick loop while working on the dashboard or
    /// the sync path.
    #[arg(long)]
    busy_day_only: bool,
    /// Only the large dataset's province page beside its ward's dashboard: a quick loop while
    /// working on the province page (with `--wards 126` for all of Hà Nội).
    #[arg(long)]
    province_only: bool,
}

/// What Chromium asks for: the server compresses what it sends.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

/// How long each part of the busy day runs.
const BUSY_FOR: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    app_size(&args.dist)?;

    let dir = PathBuf::from("target/bench-data");
    let _ = std::fs::remove_dir_all(&dir);
    let pg = EmbeddedPostgres::start(&dir.join("postgres")).await?;
    let db = PgPoolOptions::new()
        .max_connections(16)
        .connect_with(pg.owner_options())
        .await?;
    server::prepare_database(&db).await?;
    let now = chrono::Utc::now();

    let started = Instant::now();
    let counts = demo::generate_ward(&db, demo::DEMO_WARD, 1, demo::WARD, now).await?;
    println!(
        "demo ward generated in {:.1} s: {counts:?}",
        started.elapsed().as_secs_f64()
    );
    sqlx::query("analyze").execute(&db).await?;

    // Behind a proxy, so that the attack's sign-ins come from addresses of their own (as a
    // botnet's would) and reach the password checks rather than the per-address limit.
    let app = server::router(server::AppState::new(
        db.clone(),
        args.dist.clone(),
        server::Settings {
            behind_proxy: true,
            ..Default::default()
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let url = format!("http://{addr}/api/v1/wards/{}/dashboard", demo::DEMO_WARD);
    // The dashboard is read by a signed-in viewer, session lookup included in the timings.
    let client = signed_in(&format!("http://{addr}")).await?;
    let base = format!("http://{addr}");
    let phones = phones(&db, &base, 25).await?;
    let viewers = Readers::dashboard(&client, &url);
    if args.busy_day_only {
        busy_day(viewers, &base, &db, &phones, "demo ward").await?;
        db.close().await;
        pg.stop().await;
        return Ok(());
    }
    if args.province_only {
        let label = large_dataset(&db, &args, now).await?;
        latency(&client, &label, &url, args.concurrency, &args).await?;
        province_page(&base, &label, &args, &db, &phones).await?;
        db.close().await;
        pg.stop().await;
        return Ok(());
    }

    latency(&client, "demo ward", &url, 1, &args).await?;
    latency(&client, "demo ward", &url, args.concurrency, &args).await?;
    offline_pull(&base).await?;
    sync_throughput(&db, &base).await?;
    mixed_outbox(&db, &base, None).await?;
    // The same while the dashboard is read: a ward's officials watch it as phones sync.
    mixed_outbox(&db, &base, Some((&client, &url, 4))).await?;
    register_import(&base, 10_000).await?;
    health_under_attack(&base).await?;
    backup_and_restore(&pg, &db, "demo ward").await?;
    busy_day(viewers, &base, &db, &phones, "demo ward").await?;

    let label = large_dataset(&db, &args, now).await?;
    latency(&client, &label, &url, 1, &args).await?;
    latency(&client, &label, &url, args.concurrency, &args).await?;
    province_page(&base, &label, &args, &db, &phones).await?;
    // Every read after a change counts again: a change to the whole ward, all of it; a
    // phone's sync, the TDPs it touched.
    recomputed(&client, &label, &db, &url, Change::Ward).await?;
    recomputed(&client, &label, &db, &url, Change::OneTdp).await?;
    busy_day(viewers, &base, &db, &phones, &label).await?;
    backup_and_restore(&pg, &db, &label).await?;

    db.close().await;
    pg.stop().await;
    Ok(())
}

/// The demo ward's province filled up to `args.wards` wards of `args.households` households
/// each, by the demo's generator (the path the API tests' wards take too), two wards at a time:
/// the database's triggers and indexes do most of the work, and one ward keeps one core busy.
/// Answers the dataset's label.
async fn large_dataset(
    db: &sqlx::PgPool,
    args: &Args,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<String> {
    const AT_ONCE: usize = 2;
    let started = Instant::now();
    let mut total = demo::Counts::default();
    let others: Vec<i32> = sqlx::query_scalar(
        "select code from wards where province_code = 1 and code <> $1 order by code limit $2",
    )
    .bind(demo::DEMO_WARD)
    .bind(args.wards as i64 - 1)
    .fetch_all(db)
    .await?;
    let size = Size {
        households: args.households,
        ..demo::WARD
    };
    let mut generating = tokio::task::JoinSet::new();
    for code in others {
        if generating.len() == AT_ONCE
            && let Some(done) = generating.join_next().await
        {
            total += done??;
        }
        let db = db.clone();
        generating.spawn(async move { demo::generate_ward(&db, code, 1, size, now).await });
    }
    for done in generating.join_all().await {
        total += done?;
    }
    let generated = started.elapsed();
    sqlx::query("analyze").execute(db).await?;
    let (residents, households, bytes): (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from residents), (select count(*) from households),
                pg_database_size(current_database())",
    )
    .fetch_one(db)
    .await?;
    println!(
        "large dataset generated in {:.1} s (and analysed in {:.1} s): {} wards, {households} households, \
         {residents} residents, {} visits in the added wards; the database takes {:.1} GB on disk",
        generated.as_secs_f64(),
        (started.elapsed() - generated).as_secs_f64(),
        args.wards,
        total.visits,
        bytes as f64 / 1e9,
    );
    Ok(format!("{residents} residents in {} wards", args.wards))
}

/// The province page (`GET /provinces/1`: every ward of Hà Nội, the onboarded ones with their
/// dashboards' totals) read by the province's viewer, alone and with `args.concurrency`
/// others; then by as many while the demo ward's phones sync, each sync changing what the
/// page counts.
async fn province_page(
    base: &str,
    label: &str,
    args: &Args,
    db: &sqlx::PgPool,
    phones: &[Phone],
) -> anyhow::Result<()> {
    let client = signed_in_with(
        base,
        &demo::demo_province_phone(1, domain::access::ProvinceRole::ProvinceViewer),
    )
    .await?;
    let url = format!("{base}/api/v1/provinces/1");
    let what = format!("province page, {label}");
    timed(&client, &what, &url, 1, args, 50).await?;
    timed(&client, &what, &url, args.concurrency, args, 50).await?;
    let readers = Readers {
        client: &client,
        url: &url,
        what: "the province page",
        count: args.concurrency,
    };
    busy_day(readers, base, db, phones, label).await
}

/// `ngo-so backup` and `ngo-so restore`'s work: a backup of the whole database, and its
/// restore into a database of its own in the same cluster.
async fn backup_and_restore(
    pg: &EmbeddedPostgres,
    db: &sqlx::PgPool,
    label: &str,
) -> anyhow::Result<()> {
    let dir = PathBuf::from("target/bench-data/backups");
    let started = Instant::now();
    let backup = server::backup::dump(&pg.target()?, &dir, chrono::Utc::now()).await?;
    let took = started.elapsed();
    sqlx::query("drop database if exists bench_restore")
        .execute(db)
        .await?;
    sqlx::query("create database bench_restore")
        .execute(db)
        .await?;
    let into = server::backup::Target::from_url(&pg.url("bench_restore"))?;
    let started = Instant::now();
    server::backup::restore(&into, &backup.path, false).await?;
    println!(
        "backup of {label}: {:.1} s, {:.1} MB; its restore: {:.1} s",
        took.as_secs_f64(),
        backup.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    sqlx::query("drop database bench_restore")
        .execute(db)
        .await?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// What a volunteer's phone downloads to work offline the first time: their TDP whole.
async fn offline_pull(base: &str) -> anyhow::Result<()> {
    let client = signed_in_as(base, domain::access::Role::Volunteer).await?;
    let url = format!("{base}/api/v1/wards/{}/sync/changes", demo::DEMO_WARD);
    let started = Instant::now();
    let raw = client
        .get(&url)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let elapsed = started.elapsed();
    let changes: domain::api::SyncChanges = serde_json::from_slice(&raw)?;
    let compressed = client
        .get(&url)
        .header("accept-encoding", "br")
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    println!(
        "offline pull, a volunteer's whole TDP: {} households, {} residents, {} visits in {:.0} ms; \
         {:.1} KB JSON, {:.1} KB brotli as sent",
        changes.households.len(),
        changes
            .households
            .iter()
            .map(|h| h.residents.len())
            .sum::<usize>(),
        changes
            .households
            .iter()
            .map(|h| h.visits.len())
            .sum::<usize>(),
        elapsed.as_secs_f64() * 1000.0,
        raw.len() as f64 / 1024.0,
        compressed.len() as f64 / 1024.0,
    );
    Ok(())
}

/// The web app's files as served (brotli): the shell every page loads (the HTML, the
/// stylesheet and the main module with its JS), each chunk split off by `app/build.sh` (the
/// groups of pages, and the offline engine that comes with a sign-in), and the chunks those
/// share, fetched with the first that needs them. The service worker keeps all of it for
/// offline use.
fn app_size(dist: &std::path::Path) -> anyhow::Result<()> {
    let brotli = |path: &std::path::Path| -> anyhow::Result<u64> {
        let br = std::path::PathBuf::from(format!("{}.br", path.display()));
        Ok(std::fs::metadata(if br.exists() { &br } else { path })?.len())
    };
    let served = |name: &str| {
        [".html", ".js", ".wasm", ".css", ".svg"]
            .iter()
            .any(|ext| name.ends_with(ext))
    };
    let mut shell = Vec::new();
    let mut groups = Vec::new();
    let (mut shared, mut shared_files) = (0u64, 0usize);
    let mut dirs = vec![dist.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)?.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                dirs.push(path);
            } else if !served(&name) || name == "sw.js" {
                continue;
            } else if let Some(group) = name.strip_prefix("split_") {
                groups.push((group.trim_end_matches(".wasm").to_owned(), brotli(&path)?));
            } else if name.starts_with("chunk_") {
                shared += brotli(&path)?;
                shared_files += 1;
            } else if dir == dist || dir.parent() == Some(dist) {
                shell.push((name, brotli(&path)?));
            }
        }
    }
    shell.sort();
    groups.sort();
    let kb = |bytes: u64| bytes as f64 / 1024.0;
    let shell_total: u64 = shell.iter().map(|(_, b)| b).sum();
    println!("web app (brotli, as served):");
    for (name, bytes) in &shell {
        println!("  {name:<40} {:>7.1} KB", kb(*bytes));
    }
    println!(
        "  every page loads: {:.1} KB; budget 200 KB",
        kb(shell_total)
    );
    for (group, bytes) in &groups {
        println!(
            "  `{group}`, fetched when first needed: {:.1} KB",
            kb(*bytes)
        );
    }
    let groups_total: u64 = groups.iter().map(|(_, b)| b).sum();
    println!(
        "  shared by those, fetched with the first that needs them: {:.1} KB in {shared_files} files",
        kb(shared)
    );
    println!(
        "  everything the service worker keeps for offline use: {:.1} KB",
        kb(shell_total + groups_total + shared)
    );
    Ok(())
}

/// A volunteer's phone of the busy day: signed in, with the households of its own TDP (one
/// resident each) to record visits at.
#[derive(Clone)]
struct Phone {
    client: reqwest::Client,
    member: uuid::Uuid,
    households: Vec<(uuid::Uuid, uuid::Uuid)>,
}

/// `n` phones, each a volunteer of a TDP of its own in the demo ward, signed in: their
/// accounts are added to the demo's (with its password), the first time only.
async fn phones(db: &sqlx::PgPool, base: &str, n: usize) -> anyhow::Result<Vec<Phone>> {
    let tdps: Vec<(uuid::Uuid,)> =
        sqlx::query_as("select id from tdps where ward_code = $1 order by code limit $2")
            .bind(demo::DEMO_WARD)
            .bind(n as i64)
            .fetch_all(db)
            .await?;
    let hash: (String,) = sqlx::query_as("select password_hash from users where phone = $1")
        .bind(demo::demo_phone(
            demo::DEMO_WARD,
            domain::access::Role::Volunteer,
        ))
        .fetch_one(db)
        .await?;
    let mut phones = Vec::with_capacity(n);
    for (i, (tdp,)) in tdps.into_iter().enumerate() {
        let phone = format!("09770{i:05}");
        let mut tx = db.begin().await?;
        let member: (uuid::Uuid,) = sqlx::query_as(
            "select id from team_members where tdp_id = $1 and user_id is null order by id limit 1",
        )
        .bind(tdp)
        .fetch_one(&mut *tx)
        .await?;
        let user = uuid::Uuid::now_v7();
        sqlx::query(
            "insert into users (id, phone, full_name, password_hash) values ($1, $2, $3, $4)",
        )
        .bind(user)
        .bind(&phone)
        .bind(format!("Tình nguyện viên {i}"))
        .bind(&hash.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into role_grants (user_id, ward_code, role, tdp_id) values ($1, $2, 'volunteer', $3)",
        )
        .bind(user)
        .bind(demo::DEMO_WARD)
        .bind(tdp)
        .execute(&mut *tx)
        .await?;
        sqlx::query("update team_members set user_id = $1, phone = $2 where id = $3")
            .bind(user)
            .bind(&phone)
            .bind(member.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let households: Vec<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
            "select distinct on (h.id) h.id, r.id from households h
             join residents r on r.household_id = h.id and r.counted
                 and r.consent_withdrawn_at is null and r.erased_at is null
             where h.tdp_id = $1 order by h.id, r.birth_year",
        )
        .bind(tdp)
        .fetch_all(db)
        .await?;
        phones.push(Phone {
            client: signed_in_with(base, &phone).await?,
            member: member.0,
            households,
        });
    }
    Ok(phones)
}

/// Who reads on a busy day: `count` clients signed in as `client` is, each reading `url` again
/// as soon as it is answered.
#[derive(Clone, Copy)]
struct Readers<'a> {
    client: &'a reqwest::Client,
    url: &'a str,
    what: &'a str,
    count: usize,
}

impl<'a> Readers<'a> {
    /// The ward's officials on its dashboard, 50 at once, signed in as its viewer.
    fn dashboard(client: &'a reqwest::Client, url: &'a str) -> Self {
        Self {
            client,
            url,
            what: "the dashboard",
            count: 50,
        }
    }
}

/// A campaign day in the demo ward: `readers` read while the teams' phones sync (each sending
/// its next batch of visits as soon as the last is stored). Measured for `FOR` each: the
/// readers alone, the phones alone, then both at once, with batches of 5 visits (a phone
/// syncing after each visit or two) and of 20.
async fn busy_day(
    readers: Readers<'_>,
    base: &str,
    db: &sqlx::PgPool,
    phones: &[Phone],
    label: &str,
) -> anyhow::Result<()> {
    let Readers {
        client: reader,
        url: dashboard,
        what,
        count: readers_count,
    } = readers;
    let skill: (uuid::Uuid,) =
        sqlx::query_as("select id from skills where ward_code = $1 order by position limit 1")
            .bind(demo::DEMO_WARD)
            .fetch_one(db)
            .await?;
    let sync = format!("{base}/api/v1/wards/{}/sync/visits", demo::DEMO_WARD);
    let run = |readers: usize, batch: usize| {
        let (reader, dashboard, sync) = (reader.clone(), dashboard.to_owned(), sync.clone());
        let phones = phones.to_vec();
        async move {
            let started = Instant::now();
            let until = started + BUSY_FOR;
            let mut reading = tokio::task::JoinSet::new();
            for _ in 0..readers {
                let (client, url) = (reader.clone(), dashboard.clone());
                reading.spawn(async move {
                    let mut times = Vec::new();
                    while Instant::now() < until {
                        let t = Instant::now();
                        client
                            .get(&url)
                            .header("accept-encoding", BROWSER_ENCODINGS)
                            .send()
                            .await?
                            .error_for_status()?
                            .bytes()
                            .await?;
                        times.push(t.elapsed());
                    }
                    anyhow::Ok(times)
                });
            }
            let mut syncing = tokio::task::JoinSet::new();
            for Phone {
                client,
                member,
                households,
            } in phones.into_iter().filter(|_| batch > 0)
            {
                let (url, skill) = (sync.clone(), skill.0);
                syncing.spawn(async move {
                    let today = domain::time::day(chrono::Utc::now());
                    let mut stored = 0;
                    let mut next = 0;
                    while Instant::now() < until {
                        let visits: Vec<serde_json::Value> = (next..next + batch)
                            .map(|i| {
                                kept_visit(households[i % households.len()], member, skill, today)
                            })
                            .collect();
                        next += batch;
                        let body =
                            serde_json::json!({ "sent_at": chrono::Utc::now(), "visits": visits });
                        let outcomes = send_batch(&client, &url, &body).await?;
                        anyhow::ensure!(
                            outcomes
                                .iter()
                                .all(|o| o.status == domain::api::SyncStatus::Stored),
                            "a visit was not stored: {outcomes:?}"
                        );
                        stored += outcomes.len();
                    }
                    anyhow::Ok(stored)
                });
            }
            let mut times: Vec<Duration> = Vec::new();
            for r in reading.join_all().await {
                times.extend(r?);
            }
            let mut stored = 0;
            for r in syncing.join_all().await {
                stored += r?;
            }
            let wall = started.elapsed().as_secs_f64();
            times.sort();
            anyhow::Ok((times, stored as f64 / wall, wall))
        }
    };
    let reads = |times: &[Duration], wall: f64| {
        format!(
            "{:.0} reads/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
            times.len() as f64 / wall,
            percentile_ms(times, 0.50),
            percentile_ms(times, 0.95),
            percentile_ms(times, 0.99),
        )
    };
    let n = phones.len();
    let (alone, _, wall) = run(readers_count, 0).await?;
    println!(
        "busy day, {label}: {readers_count} readers of {what} alone: {}",
        reads(&alone, wall)
    );
    for batch in [5, 20] {
        let (_, by_itself, _) = run(0, batch).await?;
        let (times, synced, wall) = run(readers_count, batch).await?;
        println!(
            "busy day, {label}: {n} phones syncing batches of {batch} visits: {by_itself:.0} visits/s alone, \
             {synced:.0} visits/s ({:.0}%) while {readers_count} readers read {what}: {} \
             (p95 {:.1}× alone; budget 2×, 50 ms; sync 2,000 visits/s, 80%)",
            100.0 * synced / by_itself,
            reads(&times, wall),
            percentile_ms(&times, 0.95) / percentile_ms(&alone, 0.95),
        );
    }
    Ok(())
}

/// A visit as a phone's outbox keeps it: by `member`, at a household, helping one of its
/// residents on `skill`.
fn kept_visit(
    (household, resident): (uuid::Uuid, uuid::Uuid),
    member: uuid::Uuid,
    skill: uuid::Uuid,
    today: chrono::NaiveDate,
) -> serde_json::Value {
    serde_json::json!({
        "recorded_at": chrono::Utc::now(),
        "visit": {
            "id": uuid::Uuid::now_v7(), "household_id": household, "visited_on": today,
            "volunteer_ids": [member], "satisfaction": 5, "note": "",
            "help": [{ "resident_id": resident, "skill_id": skill, "outcome": "in_progress" }],
        }
    })
}

/// A batch sent as a phone sends it; what the server says of each change.
async fn send_batch(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> anyhow::Result<Vec<domain::api::SyncOutcome>> {
    let answer = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    Ok(serde_json::from_slice(&answer)?)
}

/// A client holding the session cookie of the demo ward's viewer account.
async fn signed_in(base: &str) -> anyhow::Result<reqwest::Client> {
    signed_in_as(base, domain::access::Role::Viewer).await
}

/// How fast a phone's outbox goes in: visits per second in batches of 100 over HTTP, as a
/// volunteer, each visit checked, written with its help and skill statuses, and audited; next
/// to PostgreSQL's own rate for the bare visit rows, one bulk insert, in the same run.
async fn sync_throughput(db: &sqlx::PgPool, base: &str) -> anyhow::Result<()> {
    const VISITS: usize = 2_000;
    const BATCH: usize = 100;
    let client = signed_in_as(base, domain::access::Role::Volunteer).await?;
    let (tdp, member): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "select g.tdp_id, m.id from role_grants g join users u on u.id = g.user_id
         join team_members m on m.user_id = u.id where u.phone = $1",
    )
    .bind(demo::demo_phone(
        demo::DEMO_WARD,
        domain::access::Role::Volunteer,
    ))
    .fetch_one(db)
    .await?;
    let households: Vec<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
        "select distinct on (h.id) h.id, r.id from households h join residents r on r.household_id = h.id
         where h.tdp_id = $1 order by h.id, r.birth_year",
    )
    .bind(tdp)
    .fetch_all(db)
    .await?;
    let skill: (uuid::Uuid,) =
        sqlx::query_as("select id from skills where ward_code = $1 order by position limit 1")
            .bind(demo::DEMO_WARD)
            .fetch_one(db)
            .await?;
    // What a phone in Vietnam says today.
    let today = domain::time::day(chrono::Utc::now());
    let visits: Vec<serde_json::Value> = (0..VISITS)
        .map(|i| kept_visit(households[i % households.len()], member, skill.0, today))
        .collect();
    let url = format!("{base}/api/v1/wards/{}/sync/visits", demo::DEMO_WARD);
    let started = Instant::now();
    for chunk in visits.chunks(BATCH) {
        let body = serde_json::json!({ "sent_at": chrono::Utc::now(), "visits": chunk });
        send_batch(&client, &url, &body).await?;
    }
    let synced = VISITS as f64 / started.elapsed().as_secs_f64();

    // A temporary table lives on one connection: both statements use the same one.
    let mut conn = db.acquire().await?;
    sqlx::query("create temp table raw_visits (like visits including defaults)")
        .execute(&mut *conn)
        .await?;
    let ids: Vec<uuid::Uuid> = (0..VISITS).map(|_| uuid::Uuid::now_v7()).collect();
    let started = Instant::now();
    sqlx::query(
        "insert into raw_visits (id, ward_code, tdp_id, household_id, visited_on, satisfaction, note, request)
         select id, $2, $3, $4, $5, 5, '', '{}'::jsonb from unnest($1::uuid[]) id",
    )
    .bind(&ids)
    .bind(demo::DEMO_WARD)
    .bind(tdp)
    .bind(households[0].0)
    .bind(today)
    .execute(&mut *conn)
    .await?;
    let raw = VISITS as f64 / started.elapsed().as_secs_f64();
    println!(
        "sync: {VISITS} visits in batches of {BATCH} over HTTP: {synced:.0} visits/s \
         (aim 2,000); PostgreSQL's bulk insert of the bare rows: {raw:.0} rows/s"
    );
    Ok(())
}

/// How fast a phone's mixed outbox goes in, in changes per second: batches of 500 as a
/// volunteer back from a day in the field sends them (100 new households, 2 residents each, a
/// visit to 150 of them, and 50 visits voided from earlier), each change checked, written,
/// audited and checked for duplicates. With `readers` (a signed-in client, the dashboard's
/// address, how many read at once), half the voids are corrections instead, and the dashboard
/// is read all the while: its latency under the writes is printed too.
async fn mixed_outbox(
    db: &sqlx::PgPool,
    base: &str,
    readers: Option<(&reqwest::Client, &str, usize)>,
) -> anyhow::Result<()> {
    const BATCHES: usize = 4;
    let client = signed_in_as(base, domain::access::Role::Volunteer).await?;
    let phone = demo::demo_phone(demo::DEMO_WARD, domain::access::Role::Volunteer);
    let (tdp, member, user): (uuid::Uuid, uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "select g.tdp_id, m.id, u.id from role_grants g join users u on u.id = g.user_id
         join team_members m on m.user_id = u.id where u.phone = $1",
    )
    .bind(&phone)
    .fetch_one(db)
    .await?;
    let skill: (uuid::Uuid,) =
        sqlx::query_as("select id from skills where ward_code = $1 order by position limit 1")
            .bind(demo::DEMO_WARD)
            .fetch_one(db)
            .await?;
    // The volunteer's own visits of the day, from the runs before: theirs to void or correct.
    let voidable: Vec<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
        "select id, household_id from visits where recorded_by = $1 order by id limit $2",
    )
    .bind(user)
    .bind((BATCHES * 50) as i64)
    .fetch_all(db)
    .await?;
    anyhow::ensure!(
        voidable.len() == BATCHES * 50,
        "the visits-only run comes first"
    );
    let today = domain::time::day(chrono::Utc::now());
    let change = |kind: &str, mut body: serde_json::Value| {
        body["kind"] = kind.into();
        let id = uuid::Uuid::now_v7();
        let change = serde_json::json!({ "id": id, "made_at": chrono::Utc::now(), "change": body });
        (id, change)
    };
    let batches: Vec<Vec<serde_json::Value>> = (0..BATCHES)
        .map(|b| {
            let mut changes = Vec::with_capacity(500);
            for h in 0..100 {
                let (household, c) = change(
                    "household",
                    serde_json::json!({
                        "tdp_id": tdp, "address": format!("Số {h} ngõ bench {b}"),
                        "head_name": format!("Chủ hộ {b}-{h}"),
                        "priority": { "elderly_alone": false, "disability": false, "poverty": "none" },
                    }),
                );
                changes.push(c);
                let mut residents = Vec::new();
                for r in 0..2 {
                    let (resident, c) = change(
                        "resident",
                        serde_json::json!({
                            "household_id": household, "full_name": format!("Người {b} {h} {r}"),
                            "birth_year": 1950 + r, "gender": "female", "consent": true,
                        }),
                    );
                    changes.push(c);
                    residents.push(resident);
                }
                // Half the households are visited twice: 150 visits.
                for _ in 0..(if h < 50 { 2 } else { 1 }) {
                    let help: Vec<serde_json::Value> = residents
                        .iter()
                        .map(|r| serde_json::json!({ "resident_id": r, "skill_id": skill.0, "outcome": "achieved" }))
                        .collect();
                    let (_, c) = change(
                        "visit",
                        serde_json::json!({
                            "household_id": household, "visited_on": today,
                            "volunteer_ids": [member], "satisfaction": 5, "note": "", "help": help,
                        }),
                    );
                    changes.push(c);
                }
            }
            for (i, (visit, household)) in voidable[b * 50..(b + 1) * 50].iter().enumerate() {
                let (_, c) = if readers.is_some() && i % 2 == 0 {
                    change(
                        "correct_visit",
                        serde_json::json!({
                            "visit_id": visit, "reason": "Sai mức hài lòng",
                            "visit": {
                                "household_id": household, "visited_on": today,
                                "volunteer_ids": [member], "satisfaction": 4, "note": "",
                                "help": [],
                            },
                        }),
                    )
                } else {
                    change(
                        "void_visit",
                        serde_json::json!({ "visit_id": visit, "reason": "Ghi nhầm hộ" }),
                    )
                };
                changes.push(c);
            }
            changes
        })
        .collect();
    let sent: usize = batches.iter().map(Vec::len).sum();
    let url = format!("{base}/api/v1/wards/{}/sync/outbox", demo::DEMO_WARD);
    let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut reading = tokio::task::JoinSet::new();
    if let Some((client, dashboard, n)) = readers {
        for _ in 0..n {
            let (client, dashboard) = (client.clone(), dashboard.to_owned());
            let writing = writing.clone();
            reading.spawn(async move {
                let mut times = Vec::new();
                while writing.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let res = client.get(&dashboard).send().await?.error_for_status()?;
                    res.bytes().await?;
                    times.push(t.elapsed());
                }
                anyhow::Ok(times)
            });
        }
    }
    let started = Instant::now();
    let mut stored = 0;
    for changes in &batches {
        let body = serde_json::json!({ "sent_at": chrono::Utc::now(), "changes": changes });
        stored += send_batch(&client, &url, &body)
            .await?
            .iter()
            .filter(|o| o.status == domain::api::SyncStatus::Stored)
            .count();
    }
    let rate = sent as f64 / started.elapsed().as_secs_f64();
    writing.store(false, Ordering::Relaxed);
    let mut times: Vec<Duration> = Vec::new();
    for r in reading.join_all().await {
        times.extend(r?);
    }
    times.sort();
    anyhow::ensure!(stored == sent, "{stored} of {sent} changes stored");
    match readers {
        None => println!(
            "sync: mixed outbox, {sent} changes in batches of {} (100 households, 200 residents, \
             150 visits, 50 voids each) over HTTP: {rate:.0} changes/s",
            sent / BATCHES
        ),
        Some((_, _, n)) => println!(
            "sync: mixed outbox, {sent} changes in batches of {} (100 households, 200 residents, \
             150 visits, 25 voids, 25 corrections each) over HTTP while {n} readers read the \
             dashboard: {rate:.0} changes/s; dashboard {} reads, p50 {:.1} ms, p95 {:.1} ms",
            sent / BATCHES,
            times.len(),
            percentile_ms(&times, 0.5),
            percentile_ms(&times, 0.95),
        ),
    }
    Ok(())
}

/// A ward's register of `rows` residents as Excel saves it (CSV), two to a household, the head
/// first: read (the dry run), imported, then read again, when every row is in the register.
async fn register_import(base: &str, rows: usize) -> anyhow::Result<()> {
    let client = signed_in_as(base, domain::access::Role::WardAdmin).await?;
    let mut file =
        String::from("STT,Họ và tên,Năm sinh,Giới tính,Quan hệ với chủ hộ,Địa chỉ,Tổ dân phố\r\n");
    for i in 0..rows {
        let household = i / 2;
        let (relation, gender) = if i % 2 == 0 {
            ("Chủ hộ", "Nam")
        } else {
            ("Vợ", "Nữ")
        };
        file.push_str(&format!(
            "{},Nguyễn Văn Nhập {i},{},{gender},{relation},Số {household} ngõ Đo Thử,Tổ {}\r\n",
            i + 1,
            1950 + i % 50,
            household % 52 + 1
        ));
    }
    let url = format!("{base}/api/v1/wards/{}/register", demo::DEMO_WARD);
    for (label, query) in [
        ("dry run", "preview=true"),
        ("import", "preview=false"),
        ("dry run again, every row in the register", "preview=true"),
    ] {
        let started = Instant::now();
        let res = client
            .post(format!("{url}?{query}"))
            .header("content-type", "text/csv")
            .body(file.clone())
            .send()
            .await?
            .error_for_status()?;
        let report = res.bytes().await?;
        println!(
            "register import of {rows} rows ({} KB), {label}: {:.0} ms, report {} KB",
            file.len() / 1024,
            started.elapsed().as_secs_f64() * 1000.0,
            report.len() / 1024
        );
    }
    Ok(())
}

/// `/health` polled every 10 ms for 10 s: alone, while the crafted inputs are sent, and during
/// a flood of sign-ins. The attackers share the process and its two cores with the server,
/// as a busy ward's own tools would; a real flood's would not cost it their half.
async fn health_under_attack(base: &str) -> anyhow::Result<()> {
    const FOR: Duration = Duration::from_secs(10);
    let health = format!("{base}/api/v1/health");
    let poll = || async {
        let client = reqwest::Client::new();
        let mut times = Vec::new();
        let started = Instant::now();
        while started.elapsed() < FOR {
            let at = Instant::now();
            client.get(&health).send().await?.error_for_status()?;
            times.push(at.elapsed());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        times.sort();
        anyhow::Ok(times)
    };
    let report = |label: &str, times: &[Duration]| {
        println!(
            "/health {label}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} polls)",
            percentile_ms(times, 0.50),
            percentile_ms(times, 0.95),
            times.last().map_or(0.0, |t| t.as_secs_f64() * 1000.0),
            times.len()
        );
    };
    report("alone", &poll().await?);

    let admin = signed_in_as(base, domain::access::Role::WardAdmin).await?;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write(0, 0, "Họ và tên")?;
    sheet.write(1_048_575, 16_383, "x")?;
    let workbook = workbook.save_to_buffer()?;
    let ring: Vec<[f64; 2]> = (0..=100_000)
        .map(|i| {
            let a = f64::from(i) * std::f64::consts::TAU / 100_000.0;
            [105.76 + 0.01 * a.cos(), 21.05 + 0.01 * a.sin()]
        })
        .collect();
    let boundary = serde_json::json!({ "type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": { "code": "TDP-01" },
        "geometry": { "type": "Polygon", "coordinates": [ring] } }] })
    .to_string();
    let tdp: String = {
        let tdps: serde_json::Value = serde_json::from_slice(
            &admin
                .get(format!("{base}/api/v1/wards/{}/tdps", demo::DEMO_WARD))
                .send()
                .await?
                .bytes()
                .await?,
        )?;
        tdps[0]["id"].as_str().unwrap_or_default().to_owned()
    };
    let admin_posts = [
        (
            format!("{base}/api/v1/wards/{}/register?preview=true", demo::DEMO_WARD),
            "application/octet-stream",
            workbook,
        ),
        (
            format!("{base}/api/v1/wards/{}/boundaries?preview=true", demo::DEMO_WARD),
            "application/json",
            boundary.into_bytes(),
        ),
        (
            format!("{base}/api/v1/wards/{}/households", demo::DEMO_WARD),
            "application/json",
            serde_json::json!({ "id": null, "tdp_id": tdp, "address": "Số 1\u{0}", "head_name": "A\u{0}",
                "priority": { "elderly_alone": false, "disability": false, "poverty": "none" } })
            .to_string()
            .into_bytes(),
        ),
    ];

    // The inputs that took the server down or stalled it, two of each at a time, back to back.
    let sent = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + FOR;
    let mut attacks = tokio::task::JoinSet::new();
    for (url, kind, body) in admin_posts {
        for _ in 0..2 {
            let (admin, url, body, sent) = (admin.clone(), url.clone(), body.clone(), sent.clone());
            attacks.spawn(async move {
                while Instant::now() < until {
                    let _ = admin
                        .post(&url)
                        .header("content-type", kind)
                        .body(body.clone())
                        .send()
                        .await;
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    }
    {
        let (health, sent) = (health.clone(), sent.clone());
        attacks.spawn(async move {
            let client = reqwest::Client::new();
            while Instant::now() < until {
                let _ = client
                    .get(&health)
                    .header("host", "h".repeat(2_600))
                    .send()
                    .await;
                sent.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let times = poll().await?;
    attacks.join_all().await;
    report(
        &format!(
            "while the crafted inputs are sent ({} in 10 s)",
            sent.load(Ordering::Relaxed)
        ),
        &times,
    );

    // A flood of sign-ins, 300 at a time, each from an address and to a number of its own.
    let sent = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + FOR;
    let mut attacks = tokio::task::JoinSet::new();
    for i in 0..300u32 {
        let (base, sent) = (base.to_owned(), sent.clone());
        attacks.spawn(async move {
            let client = reqwest::Client::new();
            let mut n = 0u32;
            while Instant::now() < until {
                let _ = client
                    .post(format!("{base}/api/v1/session"))
                    .header("content-type", "application/json")
                    .header(
                        "x-forwarded-for",
                        format!("10.{}.{}.{}", n % 250, i / 250, i % 250),
                    )
                    .body(format!(
                        r#"{{"phone":"0398{i:03}{:03}","password":"sai mat khau"}}"#,
                        n % 1000
                    ))
                    .send()
                    .await;
                n += 1;
                sent.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let times = poll().await?;
    attacks.join_all().await;
    report(
        &format!(
            "during a flood of sign-ins ({} in 10 s)",
            sent.load(Ordering::Relaxed)
        ),
        &times,
    );
    Ok(())
}

async fn signed_in_as(base: &str, role: domain::access::Role) -> anyhow::Result<reqwest::Client> {
    signed_in_with(base, &demo::demo_phone(demo::DEMO_WARD, role)).await
}

/// A client holding the session cookie of an account with the demo's password.
async fn signed_in_with(base: &str, phone: &str) -> anyhow::Result<reqwest::Client> {
    let body = serde_json::json!({ "phone": phone, "password": demo::DEMO_PASSWORD });
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await?
        .error_for_status()?;
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookies.join("; ").parse()?);
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .build()?)
}

async fn latency(
    client: &reqwest::Client,
    label: &str,
    url: &str,
    concurrency: usize,
    args: &Args,
) -> anyhow::Result<()> {
    timed(
        client,
        &format!("dashboard, {label}"),
        url,
        concurrency,
        args,
        20,
    )
    .await
}

/// `args.requests` reads of `url` by `concurrency` clients at once: the percentiles of their
/// times against `budget_ms` at the 95th, and the rate.
async fn timed(
    client: &reqwest::Client,
    what: &str,
    url: &str,
    concurrency: usize,
    args: &Args,
    budget_ms: u32,
) -> anyhow::Result<()> {
    // Warm the pool and the caches once.
    for _ in 0..20 {
        client.get(url).send().await?.error_for_status()?;
    }
    let per_client = args.requests.div_ceil(concurrency);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, url) = (client.clone(), url.to_owned());
        tasks.spawn(async move {
            let mut times = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                let res = client.get(&url).send().await?.error_for_status()?;
                res.bytes().await?;
                times.push(t.elapsed());
            }
            anyhow::Ok(times)
        });
    }
    let mut times: Vec<Duration> = Vec::new();
    for r in tasks.join_all().await {
        times.extend(r?);
    }
    let wall = started.elapsed();
    times.sort();
    let at = |q: f64| percentile_ms(&times, q);
    println!(
        "{what}: {} requests, {} concurrent: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, {:.0} req/s (budget p95 {budget_ms} ms)",
        times.len(),
        concurrency,
        at(0.5),
        at(0.95),
        at(1.0),
        times.len() as f64 / wall.as_secs_f64()
    );
    Ok(())
}

/// What changed before each read of [`recomputed`].
#[derive(Clone, Copy)]
enum Change {
    /// What the whole ward's figures hang on (its TDPs, skills, the models' settings): its
    /// dashboard is counted again from the beginning.
    Ward,
    /// One TDP's counts, as a phone's sync changes them: that TDP is counted again.
    OneTdp,
}

/// A dashboard read right after a change in its ward: counted again from the kept counts.
async fn recomputed(
    client: &reqwest::Client,
    label: &str,
    db: &sqlx::PgPool,
    url: &str,
    change: Change,
) -> anyhow::Result<()> {
    let (statement, what) = match change {
        Change::Ward => (
            "select note_ward_changes(array[$1::int])",
            "to the whole ward",
        ),
        Change::OneTdp => (
            "select note_tdp_changes(array(select id from tdps where ward_code = $1
                                           order by code limit 1))",
            "to one TDP",
        ),
    };
    let mut times = Vec::new();
    for _ in 0..200 {
        sqlx::query(statement)
            .bind(demo::DEMO_WARD)
            .execute(db)
            .await?;
        let t = Instant::now();
        client
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        times.push(t.elapsed());
    }
    times.sort();
    let at = |q: f64| percentile_ms(&times, q);
    println!(
        "dashboard right after a change {what}, {label}: {} requests, 1 at a time: p50 {:.1} ms, p95 {:.1} ms",
        times.len(),
        at(0.5),
        at(0.95)
    );
    Ok(())
}

/// The `q` quantile of sorted durations, in milliseconds.
fn percentile_ms(sorted: &[Duration], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)].as_secs_f64() * 1000.0
}
