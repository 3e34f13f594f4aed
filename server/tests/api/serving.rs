//! How the binary serves and stops: HTTPS with a certificate renewed while it serves, plain
//! HTTP sent on to HTTPS, Prometheus metrics on an address of their own, SIGTERM letting a
//! phone's sync in flight finish, and `kill -9` in the middle of one.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::common::{
    Door, Served, WARD, app, assert_counts_match_a_recount, cluster, database_url, free_port,
    ngo_so, scratch, visits_kept,
};

/// A certificate authority of the test's own, which the test's client alone trusts.
struct Authority {
    issuer: Issuer<'static, KeyPair>,
    root: CertificateDer<'static>,
}

impl Authority {
    fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let root = params.self_signed(&key).unwrap().der().clone();
        Authority {
            issuer: Issuer::new(params, key),
            root,
        }
    }

    /// A new certificate for this machine, written as certbot renews one: new files renamed
    /// over `cert.pem` and `key.pem` in `dir`.
    fn issue(&self, dir: &Path) -> CertificateDer<'static> {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
            .unwrap()
            .signed_by(&key, &self.issuer)
            .unwrap();
        for (name, pem) in [("key.pem", key.serialize_pem()), ("cert.pem", cert.pem())] {
            let partial = dir.join(format!("{name}.new"));
            std::fs::write(&partial, pem).unwrap();
            std::fs::rename(partial, dir.join(name)).unwrap();
        }
        cert.der().clone()
    }

    /// `GET path` over HTTPS on `port`, trusting this authority alone: the whole answer, and
    /// the certificate the server presented.
    async fn get(&self, port: u16, path: &str) -> std::io::Result<(String, CertificateDer<'_>)> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.root.clone()).unwrap();
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await?;
        let presented = tls.get_ref().1.peer_certificates().unwrap()[0].clone();
        let request =
            format!("GET {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n");
        tls.write_all(request.as_bytes()).await?;
        Ok((read_all(&mut tls).await, presented))
    }
}

/// What the peer sends until it closes the connection.
async fn read_all(stream: &mut (impl tokio::io::AsyncRead + Unpin)) -> String {
    let mut answer = Vec::new();
    // A peer that closes without TLS's close_notify ends in an error after the whole answer.
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn https_is_served_plain_http_is_sent_there_and_a_renewed_certificate_is_picked_up() {
    let dir = scratch();
    let authority = Authority::new();
    let first = authority.issue(&dir);
    let redirect = free_port();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let served = Served::embedded_starting(
        &dir,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
            "--redirect-port",
            &redirect.to_string(),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let (answer, presented) = loop {
        match authority.get(served.port, "/api/v1/health").await {
            Ok(answered) => break answered,
            Err(e) if Instant::now() > deadline => panic!("HTTPS never answered: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(presented, first);
    // Served over HTTPS, responses say so to browsers from then on.
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("\r\nstrict-transport-security: max-age="),
        "{answer}"
    );
    // The HTTPS port speaks only TLS.
    let plain = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let spoken = plain
        .get(format!("http://127.0.0.1:{}/api/v1/health", served.port))
        .send()
        .await;
    assert!(
        spoken.is_err(),
        "plain HTTP answered on the HTTPS port: {spoken:?}"
    );

    // Plain HTTP on its own port sends each request, path and query kept, to HTTPS; 308
    // keeps a POST a POST.
    let not_following = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sent = not_following
        .post(format!("http://127.0.0.1:{redirect}/moi/tok3n?lang=vi"))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 308);
    assert_eq!(
        sent.headers()["location"],
        format!("https://127.0.0.1:{}/moi/tok3n?lang=vi", served.port).as_str()
    );

    // Renewed: the files are replaced, and new connections get the new certificate without
    // a restart.
    let second = authority.issue(&dir);
    assert_ne!(first, second);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (answer, presented) = authority.get(served.port, "/api/v1/health").await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        if presented == second {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the renewed certificate was not served within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    drop(served);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A phone's sync batch of `visits`, sent as of now.
fn batch(visits: &[Value]) -> Vec<u8> {
    let now = chrono::Utc::now();
    json!({
        "sent_at": now,
        "visits": visits.iter().map(|v| json!({ "recorded_at": now, "visit": v })).collect::<Vec<_>>(),
    })
    .to_string()
    .into_bytes()
}

/// A phone's connection with the head of a sync request for `length` bytes sent, by hand: the
/// test decides when each byte of the body leaves.
async fn sync_request(port: u16, cookie: &str, length: usize) -> tokio::net::TcpStream {
    let mut phone = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST /api/v1/wards/{WARD}/sync/visits HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         content-type: application/json\r\ncontent-length: {length}\r\ncookie: {cookie}\r\n\
         connection: close\r\n\r\n"
    );
    phone.write_all(head.as_bytes()).await.unwrap();
    phone
}

/// The statuses of a sync's outcomes, from the whole HTTP answer.
fn outcomes(answer: &str) -> Vec<String> {
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (_, body) = answer.split_once("\r\n\r\n").unwrap();
    let outcomes: Vec<Value> = serde_json::from_str(body).unwrap();
    outcomes
        .iter()
        .map(|o| o["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn sigterm_lets_a_sync_in_flight_finish_then_stops_postgres() {
    let dir = scratch();
    let mut served = Served::embedded(&dir, &["--demo"]).await;
    let db = cluster(&dir).await;
    let door = Door::first(&db).await;
    db.close().await;
    let ids: Vec<Uuid> = (0..200).map(|_| Uuid::now_v7()).collect();
    let body = batch(&ids.iter().map(|id| door.visit(*id)).collect::<Vec<_>>());
    let cookie = served.cookie("0900619001").await;

    // Half the batch is sent over a slow network, then the server is told to stop.
    let mut phone = sync_request(served.port, &cookie, body.len()).await;
    let (first, rest) = body.split_at(body.len() / 2);
    phone.write_all(first).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    nix::sys::signal::kill(served.pid(), nix::sys::signal::Signal::SIGTERM).unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Stopping, it takes no new request…
    let late = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
        .get(format!("{}/api/v1/health", served.base))
        .send()
        .await;
    assert!(late.is_err(), "a new request was served: {late:?}");
    // …but the one in flight is answered in full, every visit stored.
    phone.write_all(rest).await.unwrap();
    let answer = read_all(&mut phone).await;
    assert_eq!(outcomes(&answer), vec!["stored"; ids.len()]);

    assert!(served.exited(Duration::from_secs(30)).await.success());
    assert!(
        !dir.join("postgres/postmaster.pid").exists(),
        "PostgreSQL was not stopped cleanly"
    );
    let served = Served::embedded(&dir, &[]).await;
    let db = cluster(&dir).await;
    assert_eq!(visits_kept(&db, &ids).await, ids.len());
    db.close().await;
    drop(served);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_server_killed_in_the_middle_of_a_sync_loses_and_doubles_nothing_once_resent() {
    let dir = scratch();
    let served = Served::embedded(&dir, &["--demo"]).await;
    let db = cluster(&dir).await;
    let door = Door::first(&db).await;
    let ids: Vec<Uuid> = (0..500).map(|_| Uuid::now_v7()).collect();
    let body = batch(&ids.iter().map(|id| door.visit(*id)).collect::<Vec<_>>());
    let cookie = served.cookie("0900619001").await;

    let mut phone = sync_request(served.port, &cookie, body.len()).await;
    phone.write_all(&body).await.unwrap();
    // Killed once the batch's transaction has begun writing.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !sqlx::query_scalar::<_, bool>(
        "select exists (select from pg_stat_activity
                        where datname = 'ngoso' and backend_xid is not null
                          and pid <> pg_backend_pid())",
    )
    .fetch_one(&db)
    .await
    .unwrap()
    {
        assert!(Instant::now() < deadline, "the batch was never written");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    nix::sys::signal::kill(served.pid(), nix::sys::signal::Signal::SIGKILL).unwrap();
    db.close().await;
    // Killed before it answered (as it nearly always is), the phone's outbox keeps the whole
    // batch; answered just before, every visit was stored.
    let answer = read_all(&mut phone).await;
    if !answer.is_empty() {
        assert_eq!(outcomes(&answer), vec!["stored"; ids.len()]);
    }
    drop(served);

    // Started again (its PostgreSQL, orphaned by the kill, is taken over or restarted), the
    // phone resends the same batch.
    let served = Served::embedded(&dir, &["--demo"]).await;
    let cookie = served.cookie("0900619001").await;
    let mut phone = sync_request(served.port, &cookie, body.len()).await;
    phone.write_all(&body).await.unwrap();
    let resent = outcomes(&read_all(&mut phone).await);
    assert!(
        resent
            .iter()
            .all(|s| s == "stored" || s == "already_stored"),
        "{resent:?}"
    );
    let db = cluster(&dir).await;
    assert_eq!(
        visits_kept(&db, &ids).await,
        ids.len(),
        "a visit was lost or doubled"
    );
    assert_counts_match_a_recount(&db).await;
    db.close().await;
    drop(served);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The value of the sample `name{labels…}` in Prometheus's text format.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let rest = series.strip_prefix(name)?;
        let matches = (rest.is_empty() && labels.is_empty())
            || (rest.starts_with('{')
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))));
        matches.then(|| value.parse().unwrap())
    })
}

#[sqlx::test(migrations = false)]
async fn metrics_are_served_on_their_own_address_by_route_never_by_path(db: sqlx::PgPool) {
    let admin = app(db.clone()).await;
    let f = admin.fixture(WARD).await;
    let door = Door::first(&db).await;
    let backups = scratch();
    let backup_dir = backups.to_str().unwrap();
    let url = database_url(&db).await;
    let (ok, _, err) = ngo_so(&url, &["--backup-dir", backup_dir, "backup"]).await;
    assert!(ok, "{err}");
    let metrics = free_port();
    let served = Served::start(
        &db,
        &[
            "--demo",
            "--backup-dir",
            backup_dir,
            "--metrics-addr",
            &format!("127.0.0.1:{metrics}"),
        ],
    )
    .await;

    let wrong = reqwest::Client::new()
        .post(format!("{}/api/v1/session", served.base))
        .header("content-type", "application/json")
        .body(json!({ "phone": "0900619001", "password": "không phải mật khẩu" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let client = served.signed_in("0900619001").await;
    let mut invalid = door.visit(Uuid::now_v7());
    invalid["id"] = Value::Null;
    let synced = client
        .post(format!("{}/api/v1/wards/{WARD}/sync/visits", served.base))
        .header("content-type", "application/json")
        .body(batch(&[door.visit(Uuid::now_v7()), invalid]))
        .send()
        .await
        .unwrap();
    assert_eq!(synced.status(), 200);
    let household = client
        .get(format!("{}/api/v1/households/{}", served.base, f.household))
        .send()
        .await
        .unwrap();
    assert_eq!(household.status(), 200);

    // Not on the app's address.
    let on_the_app = reqwest::get(format!("{}/metrics", served.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!on_the_app.contains("ngoso_"), "{on_the_app}");
    let text = reqwest::get(format!("http://127.0.0.1:{metrics}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = |name, labels: &[(&str, &str)]| {
        sample(&text, name, labels).unwrap_or_else(|| panic!("no {name} {labels:?} in\n{text}"))
    };
    assert_eq!(
        at(
            "ngoso_sign_in_failures_total",
            &[("reason", "wrong_credentials")]
        ),
        1.0
    );
    assert_eq!(at("ngoso_sync_batches_total", &[]), 1.0);
    assert_eq!(
        at("ngoso_sync_changes_total", &[("outcome", "stored")]),
        1.0
    );
    assert_eq!(
        at("ngoso_sync_changes_total", &[("outcome", "invalid")]),
        1.0
    );
    let by_route = [
        ("method", "GET"),
        ("route", "/api/v1/households/{id}"),
        ("status", "200"),
    ];
    assert_eq!(at("ngoso_http_requests_total", &by_route), 1.0);
    assert_eq!(
        at(
            "ngoso_http_request_duration_seconds_count",
            &[
                ("method", "POST"),
                ("route", "/api/v1/wards/{code}/sync/visits")
            ]
        ),
        1.0
    );
    assert_eq!(at("ngoso_db_pool_max_connections", &[]), 16.0);
    assert!(at("ngoso_db_pool_connections", &[("state", "idle")]) >= 0.0);
    assert_eq!(at("ngoso_backups_kept", &[]), 1.0);
    let age = at("ngoso_backup_age_seconds", &[]);
    assert!((0.0..600.0).contains(&age), "{age}");
    // Labels name routes, never a path as sent: no id, no phone number.
    assert!(!text.contains(&f.household.to_string()), "{text}");
    assert!(!text.contains("0900619001"), "{text}");
    drop(served);
    std::fs::remove_dir_all(backups).unwrap();
}
