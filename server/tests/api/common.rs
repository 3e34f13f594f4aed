//! Shared helpers: a test app with two small generated wards, and request shortcuts.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::NaiveDate;
use domain::access::{ProvinceRole, Role};
use domain::api::{Dashboard, TdpIndicators};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::clock::Clock;
use server::demo::{self, Size};
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

/// The demo ward, Phường Phú Diễn.
pub const WARD: i32 = 619;
/// Another ward, to check that nothing crosses wards: Phường Hoàn Kiếm.
pub const OTHER_WARD: i32 = 70;
/// The province of both: Hà Nội.
pub const HA_NOI: i32 = 1;
const SMALL: Size = Size {
    tdps: 3,
    households: 30,
    visit_days: 14,
};

#[derive(Clone)]
pub struct TestApp {
    pub router: Router,
    pub db: PgPool,
    /// The server's clock: the real one, or an instant of the calendar's edges.
    pub clock: Clock,
    /// The `Cookie` header sent with every request: whose session this client holds.
    pub cookie: Option<String>,
}

/// The test app, signed in as the demo ward's admin.
pub async fn app(db: PgPool) -> TestApp {
    app_with(db, server::Settings::default()).await
}

/// The calendar's edges, by the names `end2end/calendar.json` gives them: the browser journeys
/// run at the same instants. `at_every_edge!` writes one test for each.
pub const EDGES: [&str; 7] = [
    "sunday-00:02",
    "sunday-23:30",
    "monday-00:30",
    "utc-16:59-month-end",
    "utc-17:01-month-start",
    "new-year's-eve-23:30",
    "new-year-00:30",
];

#[derive(serde::Deserialize)]
struct Edge {
    name: String,
    at: chrono::DateTime<chrono::Utc>,
}

fn calendar() -> Vec<Edge> {
    serde_json::from_str(include_str!("../../../end2end/calendar.json")).expect("calendar.json")
}

/// The test app with its clock stopped at the calendar's edge named `edge`.
pub async fn app_at(db: PgPool, edge: &str) -> TestApp {
    let at = calendar()
        .into_iter()
        .find(|e| e.name == edge)
        .unwrap_or_else(|| panic!("no edge {edge:?} in calendar.json"))
        .at;
    app_stopped_at(db, at).await
}

/// The test app with its clock stopped at `at`: the test moves it on (`clock.advance`).
pub async fn app_stopped_at(db: PgPool, at: chrono::DateTime<chrono::Utc>) -> TestApp {
    let settings = server::Settings {
        clock: Clock::stopped_at(at),
        ..Default::default()
    };
    app_with(db, settings).await
}

/// A scenario that depends on the date, run as one test at the real time and one at each of
/// the calendar's edges, each with a fresh database and a clock stopped there, which the
/// scenario moves on itself: `async fn name(app: TestApp) { … }`.
#[macro_export]
macro_rules! at_every_edge {
    ($(#[$meta:meta])* async fn $name:ident($app:ident: TestApp) $body:block) => {
        $crate::at_every_edge!(@tests $(#[$meta])* $name($app) $body;
            sunday_00_02 = 0, sunday_23_30 = 1, monday_00_30 = 2, utc_16_59_month_end = 3,
            utc_17_01_month_start = 4, new_years_eve_23_30 = 5, new_year_00_30 = 6);
    };
    (@tests $(#[$meta:meta])* $name:ident($app:ident) $body:block; $($edge:ident = $i:literal),*) => {
        $(#[$meta])*
        mod $name {
            use super::*;
            use $crate::common::{EDGES, TestApp, app_at, app_stopped_at};

            async fn scenario($app: TestApp) $body

            #[sqlx::test(migrations = false)]
            async fn now(db: sqlx::PgPool) {
                scenario(app_stopped_at(db, chrono::Utc::now()).await).await
            }
            $(
                #[sqlx::test(migrations = false)]
                async fn $edge(db: sqlx::PgPool) {
                    scenario(app_at(db, EDGES[$i]).await).await
                }
            )*
        }
    };
}

#[test]
fn the_api_runs_at_the_browsers_edges() {
    let names: Vec<String> = calendar().into_iter().map(|e| e.name).collect();
    assert_eq!(names, EDGES);
}

pub async fn app_with(db: PgPool, settings: server::Settings) -> TestApp {
    server::prepare_database(&db)
        .await
        .expect("migrations and reference data");
    let now = settings.clock.now();
    demo::generate_ward(&db, WARD, 1, SMALL, now)
        .await
        .expect("demo ward");
    demo::generate_ward(&db, OTHER_WARD, 1, SMALL, now)
        .await
        .expect("other ward");
    let dist = web_app();
    let clock = settings.clock.clone();
    let router = server::router(server::AppState::new(db.clone(), dist, settings));
    let anonymous = TestApp {
        router,
        db,
        clock,
        cookie: None,
    };
    anonymous.signed_in_as(WARD, Role::WardAdmin).await
}

/// A built web app of two files, written once per run under Cargo's scratch folder for
/// tests (a folder per test filled `/tmp` with thousands).
fn web_app() -> std::path::PathBuf {
    static DIST: std::sync::LazyLock<std::path::PathBuf> = std::sync::LazyLock::new(|| {
        let dist = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-app");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><title>Ngõ Số</title><script type=\"module\">import init from '/app.js';</script>",
        )
        .unwrap();
        std::fs::write(dist.join("main-0123456789abcdef.css"), "body{}").unwrap();
        dist
    });
    DIST.clone()
}

/// The session cookies a response sets, as a `Cookie` header.
pub fn cookies(headers: &HeaderMap) -> Option<String> {
    let pairs: Vec<&str> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .collect();
    (!pairs.is_empty()).then(|| pairs.join("; "))
}

impl TestApp {
    /// Today in Vietnam by the server's clock.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// The same app with nobody signed in.
    pub fn anonymous(&self) -> TestApp {
        TestApp {
            cookie: None,
            ..self.clone()
        }
    }

    /// The same app, signed in with the demo account of `role` in `ward`.
    pub async fn signed_in_as(&self, ward: i32, role: Role) -> TestApp {
        self.signed_in_with(&demo::demo_phone(ward, role), demo::DEMO_PASSWORD)
            .await
    }

    /// A ward of `province` that has not started (no catalogue, no data), and its name.
    pub async fn empty_ward(&self, province: i32) -> (i32, String) {
        sqlx::query_as(
            "select code, name from wards w where province_code = $1
                 and not exists (select from skills s where s.ward_code = w.code)
             order by code limit 1",
        )
        .bind(province)
        .fetch_one(&self.db)
        .await
        .unwrap()
    }

    /// The same app, signed in with the demo account of `role` in `province`.
    pub async fn signed_in_over(&self, province: i32, role: ProvinceRole) -> TestApp {
        let phone = demo::demo_province_phone(province, role);
        self.signed_in_with(&phone, demo::DEMO_PASSWORD).await
    }

    /// Sends a request with this client's cookie; answers the status, headers and JSON body.
    pub async fn send(&self, mut req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
        if let Some(cookie) = &self.cookie
            && !req.headers().contains_key(header::COOKIE)
        {
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        (status, headers, body)
    }

    pub async fn request(&self, req: Request<Body>) -> (StatusCode, Value) {
        let (status, _, body) = self.send(req).await;
        (status, body)
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.post_raw(uri, &body.to_string()).await
    }

    pub async fn put(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.request(
            Request::put(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    pub async fn patch(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.request(
            Request::patch(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// The same app, signed in with `phone` and `password`.
    pub async fn signed_in_with(&self, phone: &str, password: &str) -> TestApp {
        let (status, headers, body) = self
            .anonymous()
            .send(
                Request::post("/api/v1/session")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        json!({ "phone": phone, "password": password }).to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        TestApp {
            cookie: cookies(&headers),
            ..self.clone()
        }
    }

    pub async fn delete(&self, uri: &str) -> (StatusCode, Value) {
        self.request(Request::delete(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_raw(&self, uri: &str, body: &str) -> (StatusCode, Value) {
        self.request(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// The TDPs of `ward`, in the order of their codes.
    pub async fn tdps(&self, ward: i32) -> Vec<Uuid> {
        sqlx::query_scalar!(
            "select id from tdps where ward_code = $1 order by code",
            ward
        )
        .fetch_all(&self.db)
        .await
        .unwrap()
    }

    /// A TDP of `ward`, with one of its households, that household's residents and a team member.
    pub async fn fixture(&self, ward: i32) -> Fixture {
        let tdp = self.tdps(ward).await[0];
        self.fixture_in(tdp).await
    }

    /// The same, in a given TDP.
    pub async fn fixture_in(&self, tdp: Uuid) -> Fixture {
        let row = sqlx::query!(
            "select t.id as tdp, h.id as household, m.id as member, t.ward_code
             from tdps t join households h on h.tdp_id = t.id join team_members m on m.tdp_id = t.id
             where t.id = $1 order by h.id, m.id limit 1",
            tdp
        )
        .fetch_one(&self.db)
        .await
        .unwrap();
        let ward = row.ward_code;
        let residents = sqlx::query_scalar!(
            "select id from residents where household_id = $1 order by birth_year",
            row.household
        )
        .fetch_all(&self.db)
        .await
        .unwrap();
        let skills = sqlx::query_scalar!(
            "select id from skills where ward_code = $1 order by position",
            ward
        )
        .fetch_all(&self.db)
        .await
        .unwrap();
        Fixture {
            today: self.today(),
            tdp: row.tdp,
            household: row.household,
            member: row.member,
            residents,
            skills,
        }
    }
}

impl TestApp {
    /// The TDP of the signed-in person's first grant: a team member's own.
    pub async fn own_tdp(&self) -> Uuid {
        self.get("/api/v1/session").await.1["user"]["grants"][0]["tdp_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// A household of the same ward as `tdp` but in another TDP.
    pub async fn household_outside(&self, tdp: Uuid) -> Uuid {
        sqlx::query_scalar!(
            "select h.id from households h join tdps t on t.id = h.tdp_id
             where t.ward_code = (select ward_code from tdps where id = $1) and t.id <> $1
             order by h.id limit 1",
            tdp
        )
        .fetch_one(&self.db)
        .await
        .unwrap()
    }

    /// A resident of the fixture's TDP who lives in another household than the fixture's.
    pub async fn resident_next_door(&self, f: &Fixture) -> Uuid {
        sqlx::query_scalar(
            "select id from residents where tdp_id = $1 and household_id <> $2 limit 1",
        )
        .bind(f.tdp)
        .bind(f.household)
        .fetch_one(&self.db)
        .await
        .unwrap()
    }
}

#[derive(Clone)]
pub struct Fixture {
    /// Today by the app's clock.
    pub today: NaiveDate,
    pub tdp: Uuid,
    pub household: Uuid,
    pub member: Uuid,
    pub residents: Vec<Uuid>,
    pub skills: Vec<Uuid>,
}

impl Fixture {
    /// A valid visit body: the first resident achieved the first skill.
    pub fn visit(&self) -> Value {
        json!({
            "id": Uuid::now_v7(),
            "household_id": self.household,
            "visited_on": self.today,
            "volunteer_ids": [self.member],
            "help": [{ "resident_id": self.residents[0], "skill_id": self.skills[0], "outcome": "achieved" }],
            "satisfaction": 5,
            "note": "Hướng dẫn cài VNeID"
        })
    }
}

/// The field codes of a 422 body, as (field, code) pairs.
#[track_caller]
pub fn field_errors(body: &Value) -> Vec<(String, String)> {
    assert_eq!(body["code"], "validation_failed", "{body}");
    body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(!f["message"].as_str().unwrap().is_empty());
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

/// The same POST sent with each body at once, as phones retrying together would; the statuses.
pub async fn concurrently(app: &TestApp, uri: &str, bodies: Vec<Value>) -> Vec<StatusCode> {
    let mut tasks = tokio::task::JoinSet::new();
    for body in bodies {
        let (app, uri) = (app.clone(), uri.to_owned());
        tasks.spawn(async move { app.post(&uri, body).await.0 });
    }
    tasks.join_all().await
}

/// Records a visit where `resident` achieved every skill of `codes`.
pub async fn achieve(app: &TestApp, f: &Fixture, resident: Uuid, codes: &[String]) {
    let skills: Vec<Uuid> = sqlx::query_scalar!(
        "select id from skills where ward_code = $1 and code = any($2)",
        WARD,
        codes
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut visit = f.visit();
    visit["help"] = skills
        .iter()
        .map(|s| json!({ "resident_id": resident, "skill_id": s, "outcome": "achieved" }))
        .collect();
    let (status, body) = app
        .post(&format!("/api/v1/wards/{WARD}/visits"), visit)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// The ward's dashboard, as the client reads it.
pub async fn dashboard(app: &TestApp) -> Dashboard {
    let (status, body) = app.get(&format!("/api/v1/wards/{WARD}/dashboard")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

/// One TDP's row of the dashboard.
pub fn row(d: &Dashboard, tdp: Uuid) -> &TdpIndicators {
    d.tdps.iter().find(|t| t.tdp_id == Some(tdp)).unwrap()
}

/// The URL of the test's database, as its owner: for the server binary and its commands.
pub async fn database_url(db: &PgPool) -> String {
    let name: String = sqlx::query_scalar("select current_database()")
        .fetch_one(db)
        .await
        .unwrap();
    url_of(&name)
}

/// The URL of another database of the tests' cluster.
pub fn url_of(database: &str) -> String {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let (before, after) = url.split_once('?').unwrap_or((&url, ""));
    let (server, _) = before.rsplit_once('/').expect("a database in DATABASE_URL");
    format!("{server}/{database}?{after}")
}

/// `ngo-so --database-url URL ARGS…`: whether it succeeded, and what it printed on stdout and
/// on stderr.
pub async fn ngo_so(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_ngo-so"))
        .args(["--database-url", url])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("the server binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A folder of its own under the system's temporary folder.
pub fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ngoso-backups-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A volunteer of the demo ward, signed in, with a household of their own TDP.
pub async fn volunteer(db: PgPool) -> (TestApp, Fixture) {
    let admin = app(db).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let tdp = volunteer.own_tdp().await;
    let f = volunteer.fixture_in(tdp).await;
    (volunteer, f)
}

/// The real server binary, as a process of its own on this test's database: for what only a
/// whole process shows (its memory, its answers while it is flooded). Stopped when dropped.
pub struct Served {
    pub base: String,
    pub port: u16,
    child: std::process::Child,
}

impl Served {
    /// Starts `ngo-so` on `db` with `args` added, and waits until it answers `/health`.
    pub async fn start(db: &PgPool, args: &[&str]) -> Served {
        let url = database_url(db).await;
        Self::spawn(&[&["--database-url", &url], args].concat())
            .ready()
            .await
    }

    /// Starts `ngo-so` on an embedded cluster of its own in `data_dir`, as a ward runs it.
    pub async fn embedded(data_dir: &std::path::Path, args: &[&str]) -> Served {
        Self::embedded_starting(data_dir, args).ready().await
    }

    /// The same, without waiting for it to answer: for a server that does not answer plain
    /// HTTP on its port.
    pub fn embedded_starting(data_dir: &std::path::Path, args: &[&str]) -> Served {
        let dir = data_dir.to_str().unwrap();
        Self::spawn(&[&["--data-dir", dir], args].concat())
    }

    fn spawn(args: &[&str]) -> Served {
        let port = free_port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_ngo-so"))
            .args(["--port", &port.to_string()])
            .arg("--dist")
            .arg(web_app())
            .args(args)
            .env("RUST_LOG", "warn")
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the server binary starts");
        Served {
            base: format!("http://127.0.0.1:{port}"),
            port,
            child,
        }
    }

    /// Waits until it answers `/health`.
    async fn ready(self) -> Served {
        for _ in 0..600 {
            if reqwest::get(format!("{}/api/v1/health", self.base))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return self;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the server did not answer /health within a minute");
    }

    /// The server's process.
    pub fn pid(&self) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(self.child.id() as i32)
    }

    /// Waits for the process to end by itself, for at most `within`: its exit status.
    pub async fn exited(&mut self, within: std::time::Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server still runs after {within:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// A client signed in as the demo account with this phone number (the server runs with
    /// `--demo`).
    pub async fn signed_in(&self, phone: &str) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("cookie", self.cookie(phone).await.parse().unwrap());
        reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap()
    }

    /// The session cookie of the demo account with this phone number, signed in.
    pub async fn cookie(&self, phone: &str) -> String {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/session", self.base))
            .header("content-type", "application/json")
            .body(json!({ "phone": phone, "password": demo::DEMO_PASSWORD }).to_string())
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        cookies(res.headers()).unwrap()
    }

    /// The most memory the process has held so far (its peak resident set), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status");
        kib * 1024
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(self.pid(), nix::sys::signal::Signal::SIGTERM);
        let _ = self.child.wait();
    }
}

/// The database of an embedded cluster in `data_dir` (`ngo-so --data-dir`), as its owner,
/// beside the server.
pub async fn cluster(data_dir: &std::path::Path) -> PgPool {
    let dir = data_dir.join("postgres").canonicalize().unwrap();
    let passwords = std::fs::read_to_string(dir.with_extension("passwords")).unwrap();
    let owner = passwords
        .lines()
        .find_map(|l| l.strip_prefix("postgres:"))
        .unwrap()
        .to_owned();
    PgPool::connect_with(
        sqlx::postgres::PgConnectOptions::new()
            .socket(&dir)
            .username("postgres")
            .password(&owner)
            .database("ngoso"),
    )
    .await
    .unwrap()
}

/// A door of the demo ward, on the real clock: a household, a member of its TDP's team, a
/// resident and a skill, for visits to a served binary.
pub struct Door {
    pub household: Uuid,
    pub member: Uuid,
    pub resident: Uuid,
    pub skill: Uuid,
}

impl Door {
    pub async fn first(db: &PgPool) -> Door {
        let (household, member, resident, skill) = sqlx::query_as(
            "select h.id, m.id, r.id,
                 (select s.id from skills s where s.ward_code = t.ward_code order by s.code limit 1)
             from households h join tdps t on t.id = h.tdp_id
                 join team_members m on m.tdp_id = h.tdp_id
                 join residents r on r.household_id = h.id
             where t.ward_code = $1
             order by h.id limit 1",
        )
        .bind(WARD)
        .fetch_one(db)
        .await
        .unwrap();
        Door {
            household,
            member,
            resident,
            skill,
        }
    }

    /// A visit today, with this id, in which the resident achieved the skill.
    pub fn visit(&self, id: Uuid) -> Value {
        json!({
            "id": id, "household_id": self.household,
            "visited_on": domain::time::day(chrono::Utc::now()),
            "volunteer_ids": [self.member], "satisfaction": 5, "note": "",
            "help": [{ "resident_id": self.resident, "skill_id": self.skill, "outcome": "achieved" }],
        })
    }
}

/// How many of these visits the database holds: each once, as `id` is the key.
pub async fn visits_kept(db: &PgPool, ids: &[Uuid]) -> usize {
    let kept: i64 = sqlx::query_scalar("select count(*) from visits where id = any($1)")
        .bind(ids)
        .fetch_one(db)
        .await
        .unwrap();
    kept.try_into().unwrap()
}

/// A TCP port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The counts the dashboard reads, recounted from the records themselves.
pub async fn assert_counts_match_a_recount(db: &sqlx::PgPool) {
    let kept = sqlx::query!(
        r#"select
             (select coalesce(jsonb_agg(x order by x), '[]') from (
                 select jsonb_build_array(tdp_id, birth_bucket, residents) x
                 from tdp_resident_counts where residents > 0) r) as "residents!",
             (select coalesce(jsonb_agg(x order by x), '[]') from (
                 select jsonb_build_array(skill_id, tdp_id, birth_bucket, achieved) x
                 from tdp_skill_counts where achieved > 0) s) as "skills!",
             (select coalesce(jsonb_agg(x order by x), '[]') from (
                 select jsonb_build_array(tdp_id, households_visited, rating_sum, ratings) x
                 from tdp_visit_counts where households_visited > 0) v) as "visits!""#
    )
    .fetch_one(db)
    .await
    .unwrap();
    let recount = sqlx::query!(
        r#"select
             (select coalesce(jsonb_agg(x order by x), '[]') from (
                 select jsonb_build_array(tdp_id, birth_bucket(birth_year), count(*)) x
                 from residents where left_on is null
                 group by tdp_id, birth_bucket(birth_year)) r) as "residents!",
             (select coalesce(jsonb_agg(x order by x), '[]') from (
                 select jsonb_build_array(s.skill_id, s.tdp_id, birth_bucket(s.birth_year), count(*)) x
                 from resident_skills s join residents r on r.id = s.resident_id
                 where s.status = 'achieved' and r.left_on is null
                 group by skill_id, s.tdp_id, birth_bucket(s.birth_year)) s) as "skills!",
             (select coalesce(jsonb_agg(x order by x), '[]') from (
                 select jsonb_build_array(tdp_id, count(distinct household_id),
                                          coalesce(sum(satisfaction), 0), count(satisfaction)) x
                 from visits group by tdp_id) v) as "visits!""#
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(kept.residents, recount.residents);
    assert_eq!(kept.skills, recount.skills);
    assert_eq!(kept.visits, recount.visits);
}
