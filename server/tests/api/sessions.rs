//! Sessions: sign-in and its throttling, sign-out, expiry, disabled accounts, ending sessions.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use domain::access::Role;
use serde_json::{Value, json};
use server::auth::SessionPolicy;
use server::demo::{DEMO_PASSWORD, demo_phone};

use crate::common::{Served, TestApp, WARD, app, app_with, cookies};

/// A sign-in from `address`, with `cookie` if given: the status, the cookies set, the body.
async fn sign_in(
    app: &TestApp,
    phone: &str,
    password: &str,
    address: [u8; 4],
    cookie: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let mut req = Request::post("/api/v1/session").header(header::CONTENT_TYPE, "application/json");
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let mut req = req
        .body(Body::from(
            json!({ "phone": phone, "password": password }).to_string(),
        ))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((address, 40000))));
    let (status, headers, body) = app.anonymous().send(req).await;
    (status, cookies(&headers), body)
}

fn with_cookie(app: &TestApp, cookie: Option<String>) -> TestApp {
    TestApp {
        cookie,
        ..app.clone()
    }
}

#[sqlx::test(migrations = false)]
async fn signing_in_gives_a_new_session_id_and_the_old_one_ends(db: sqlx::PgPool) {
    let app = app(db).await;
    let phone = demo_phone(WARD, Role::Volunteer);
    let (status, first, me) = sign_in(&app, &phone, DEMO_PASSWORD, [10, 0, 0, 1], None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["grants"][0]["role"], "volunteer");
    let first = first.unwrap();
    assert!(first.contains("ngoso="), "{first}");
    let (status, second, _) =
        sign_in(&app, &phone, DEMO_PASSWORD, [10, 0, 0, 1], Some(&first)).await;
    assert_eq!(status, StatusCode::OK);
    let session_id = |c: &str| {
        c.split("; ")
            .find(|p| p.starts_with("ngoso="))
            .map(str::to_owned)
    };
    let second = second.unwrap();
    assert_ne!(session_id(&first), session_id(&second));
    let old = with_cookie(&app, session_id(&first));
    assert_eq!(old.get("/api/v1/session").await.1["user"], Value::Null);
    assert_eq!(old.get("/api/v1/wards").await.0, StatusCode::UNAUTHORIZED);
    let new = with_cookie(&app, session_id(&second));
    assert_eq!(new.get("/api/v1/session").await.1["user"]["phone"], phone);
}

#[sqlx::test(migrations = false)]
async fn signing_out_ends_the_session(db: sqlx::PgPool) {
    let app = app(db).await;
    assert_eq!(app.get("/api/v1/wards").await.0, StatusCode::OK);
    let (status, _) = app
        .request(
            Request::delete("/api/v1/session")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get("/api/v1/wards").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
    assert_eq!(body["message"], "Vui lòng đăng nhập để tiếp tục.");
}

#[sqlx::test(migrations = false)]
async fn a_disabled_account_is_out_at_once_and_cannot_sign_in(db: sqlx::PgPool) {
    let admin = app(db).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let id = volunteer.get("/api/v1/session").await.1["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(volunteer.get("/api/v1/wards").await.0, StatusCode::OK);
    let uri = format!("/api/v1/wards/{WARD}/accounts/{id}");
    let (status, account) = admin
        .request(
            Request::patch(&uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"disabled":true}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["disabled"], true);
    assert_eq!(
        volunteer.get("/api/v1/wards").await.0,
        StatusCode::UNAUTHORIZED
    );
    let phone = demo_phone(WARD, Role::Volunteer);
    let (status, _, body) = sign_in(&admin, &phone, DEMO_PASSWORD, [10, 0, 0, 2], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "wrong_credentials");
}

#[sqlx::test(migrations = false)]
async fn an_admin_ends_every_session_of_an_account(db: sqlx::PgPool) {
    let admin = app(db).await;
    let phone_a = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let phone_b = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let id = phone_a.get("/api/v1/session").await.1["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = admin
        .post(
            &format!("/api/v1/wards/{WARD}/accounts/{id}/sign-out"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        phone_a.get("/api/v1/wards").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        phone_b.get("/api/v1/wards").await.0,
        StatusCode::UNAUTHORIZED
    );
    // The person can sign in again at once.
    let again = admin.signed_in_as(WARD, Role::TeamLeader).await;
    assert_eq!(again.get("/api/v1/wards").await.0, StatusCode::OK);
    // The admin's own session was not touched.
    assert_eq!(admin.get("/api/v1/wards").await.0, StatusCode::OK);
}

#[sqlx::test(migrations = false)]
async fn an_idle_session_expires(db: sqlx::PgPool) {
    let app = app(db).await;
    assert_eq!(app.get("/api/v1/wards").await.0, StatusCode::OK);
    sqlx::query!("update sessions set expires_at = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.get("/api/v1/wards").await.0, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = false)]
async fn every_session_ends_at_its_absolute_timeout(db: sqlx::PgPool) {
    let settings = server::Settings {
        sessions: SessionPolicy {
            idle: Duration::from_secs(3600),
            absolute: Duration::from_secs(2),
        },
        ..Default::default()
    };
    let app = app_with(db, settings).await;
    assert_eq!(app.get("/api/v1/wards").await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(app.get("/api/v1/wards").await.0, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = false)]
async fn a_wrong_password_and_an_unknown_phone_answer_alike(db: sqlx::PgPool) {
    let app = app(db).await;
    let known = demo_phone(WARD, Role::Viewer);
    let (s1, c1, wrong_password) = sign_in(&app, &known, "sai mat khau", [10, 0, 0, 3], None).await;
    let (s2, c2, unknown_phone) =
        sign_in(&app, "0399999999", DEMO_PASSWORD, [10, 0, 0, 3], None).await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong_password, unknown_phone);
    assert_eq!(
        wrong_password["message"],
        "Số điện thoại hoặc mật khẩu không đúng."
    );
    assert_eq!((c1, c2), (None, None));
}

#[sqlx::test(migrations = false)]
async fn guessing_slows_down_but_never_locks_the_person_out_of_their_own_phone(db: sqlx::PgPool) {
    let app = app(db).await;
    let phone = demo_phone(WARD, Role::Volunteer);
    // The volunteer signs in on their phone once: the phone is now known for the account.
    let (status, phone_cookies, _) =
        sign_in(&app, &phone, DEMO_PASSWORD, [10, 1, 1, 1], None).await;
    assert_eq!(status, StatusCode::OK);
    let device = phone_cookies
        .unwrap()
        .split("; ")
        .find(|c| c.starts_with("ngoso-device="))
        .expect("a device cookie")
        .to_owned();

    // Someone else guesses at the account from elsewhere.
    for _ in 0..5 {
        let (status, _, _) = sign_in(&app, &phone, "doan mo 1", [203, 0, 113, 9], None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, body) = sign_in(&app, &phone, "doan mo 2", [203, 0, 113, 9], None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "too_many_attempts");
    // Even the right password waits, from a device the account has never used...
    let (status, _, _) = sign_in(&app, &phone, DEMO_PASSWORD, [198, 51, 100, 7], None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // ...but the volunteer's own phone signs in as usual.
    let (status, _, me) = sign_in(&app, &phone, DEMO_PASSWORD, [10, 1, 1, 1], Some(&device)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
}

#[sqlx::test(migrations = false)]
async fn one_address_guessing_at_many_accounts_is_slowed_down(db: sqlx::PgPool) {
    let app = app(db).await;
    for n in 0..20 {
        let (status, _, _) = sign_in(
            &app,
            &format!("03900000{n:02}"),
            "doan mo",
            [203, 0, 113, 10],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, _) = sign_in(&app, "0390000099", "doan mo", [203, 0, 113, 10], None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The delay is announced, and other addresses are not held back.
    let mut req = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "phone": "0390000098", "password": "doan mo" }).to_string(),
        ))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([203, 0, 113, 10], 1))));
    let (_, headers, _) = app.anonymous().send(req).await;
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    let phone = demo_phone(WARD, Role::Viewer);
    let (status, _, _) = sign_in(&app, &phone, DEMO_PASSWORD, [198, 51, 100, 8], None).await;
    assert_eq!(status, StatusCode::OK);
}

/// The sessions table keeps the SHA-256 of each session's id, never the id a cookie carries:
/// a leaked dump or backup cannot sign anyone in.
#[sqlx::test(migrations = false)]
async fn the_database_never_holds_a_usable_session_id(db: sqlx::PgPool) {
    use sha2::{Digest, Sha256};

    let app = app(db).await;
    let cookie = app.cookie.clone().unwrap();
    let id = cookie
        .split("; ")
        .find_map(|pair| pair.strip_prefix("ngoso="))
        .expect("the session cookie");
    let keys: Vec<String> = sqlx::query_scalar!("select id from sessions")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(!keys.iter().any(|k| k == id), "{id} stored as it is");
    let hashed = format!("{:x}", Sha256::digest(id));
    assert!(keys.contains(&hashed), "{hashed} not among {keys:?}");
    assert!(app.get("/api/v1/session").await.1["user"].is_object());
}

/// The demo accounts' password is published: started without `--demo`, they are disabled and
/// signed out; started with it again, they sign in.
#[sqlx::test(migrations = false)]
async fn demo_accounts_work_only_in_demo(db: sqlx::PgPool) {
    let admin = app(db).await;
    let phone = demo_phone(WARD, Role::WardAdmin);
    let changed = server::demo::demo_accounts_only_in_demo(&admin.db, false)
        .await
        .unwrap();
    assert!(changed >= Role::ALL.len(), "{changed} disabled");
    assert!(admin.get("/api/v1/session").await.1["user"].is_null());
    let (status, _, body) = sign_in(&admin, &phone, DEMO_PASSWORD, [10, 0, 0, 7], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    // Accounts of real people are left alone, whatever their phone number.
    let real = sqlx::query_scalar!(
        r#"select count(*) as "n!" from users where disabled and phone not like '09%'"#
    )
    .fetch_one(&admin.db)
    .await
    .unwrap();
    assert_eq!(real, 0);

    let again = server::demo::demo_accounts_only_in_demo(&admin.db, true)
        .await
        .unwrap();
    assert_eq!(again, changed);
    let (status, _, body) = sign_in(&admin, &phone, DEMO_PASSWORD, [10, 0, 0, 7], None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Fifty guesses at one account sent at once: each is counted before its password is
/// checked, so only the free ones are checked and the rest wait, as they would one by one.
#[sqlx::test(migrations = false)]
async fn fifty_guesses_at_once_get_no_more_tries_than_one_by_one(db: sqlx::PgPool) {
    let app = app(db).await;
    let phone = demo_phone(WARD, Role::Volunteer);
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (app, phone) = (app.clone(), phone.clone());
        guesses.spawn(async move {
            sign_in(
                &app,
                &phone,
                &format!("doan sai lan {i}"),
                [10, 0, 0, 9],
                None,
            )
            .await
            .0
        });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let held = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, held), (5, 45), "{statuses:?}");
    // The person, on the right password, waits like everyone else from an unknown device.
    let (status, _, _) = sign_in(&app, &phone, DEMO_PASSWORD, [10, 0, 0, 10], None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

/// Three hundred sign-ins at once, each from an address and to a phone number of its own, so
/// that no throttle holds any back: argon2 runs one check per core, the short queue waits, and
/// the rest answer 429 with `Retry-After` at once. Each check holds 19 MiB; unbounded, three
/// hundred would hold 5.7 GiB.
#[sqlx::test(migrations = false)]
async fn three_hundred_sign_ins_at_once_keep_the_server_small(db: sqlx::PgPool) {
    let _migrated = app(db.clone()).await;
    let served = Served::start(&db, &["--behind-proxy"]).await;
    let client = reqwest::Client::new();
    let mut sign_ins = tokio::task::JoinSet::new();
    for i in 0..300u32 {
        let (client, base) = (client.clone(), served.base.clone());
        sign_ins.spawn(async move {
            let res = client
                .post(format!("{base}/api/v1/session"))
                .header("content-type", "application/json")
                .header("x-forwarded-for", format!("10.1.{}.{}", i / 256, i % 256))
                .body(
                    json!({ "phone": format!("0398{i:06}"), "password": "mot mat khau sai" })
                        .to_string(),
                )
                .send()
                .await
                .expect("an answer");
            (res.status(), res.headers().contains_key("retry-after"))
        });
    }
    let answers = sign_ins.join_all().await;
    let checked = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::UNAUTHORIZED)
        .count();
    let queued_out = answers
        .iter()
        .filter(|(s, retry)| *s == StatusCode::TOO_MANY_REQUESTS && *retry)
        .count();
    assert_eq!(checked + queued_out, 300, "{answers:?}");
    assert!(checked >= 2 && queued_out > 0, "{checked} checked");
    let peak = served.peak_memory();
    assert!(peak < 300 << 20, "peak resident memory {} MiB", peak >> 20);
    let health = reqwest::get(format!("{}/api/v1/health", served.base))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
