//! Request limits on the endpoints open without signing in: per client address, and per
//! target (an activity, an invitation) across addresses.

use std::net::SocketAddr;
use std::num::NonZeroU32;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{TestApp, WARD, app_with};

async fn limited_to(db: sqlx::PgPool, per_minute: u32) -> TestApp {
    let settings = server::Settings {
        limits: server::limits::Quotas {
            per_minute: NonZeroU32::new(per_minute).unwrap(),
        },
        ..Default::default()
    };
    app_with(db, settings).await.anonymous()
}

/// A request from `address`: its status, whether it says when to retry, and its body.
async fn from(
    app: &TestApp,
    address: [u8; 4],
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, bool, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((address, 40000))));
    let (status, headers, body) = app.send(req).await;
    (status, headers.contains_key(header::RETRY_AFTER), body)
}

#[sqlx::test(migrations = false)]
async fn an_address_reading_the_briefing_too_often_waits(db: sqlx::PgPool) {
    let app = limited_to(db, 3).await;
    let uri = format!("/api/v1/wards/{WARD}/briefing");
    for _ in 0..3 {
        let (status, _, _) = from(&app, [203, 0, 113, 1], Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, retry, body) = from(&app, [203, 0, 113, 1], Method::GET, &uri, None).await;
    assert_eq!((status, retry), (StatusCode::TOO_MANY_REQUESTS, true));
    assert_eq!(body["code"], "too_many_requests");
    assert_eq!(
        body["message"],
        "Có quá nhiều yêu cầu cùng lúc. Vui lòng chờ vài giây rồi thử lại."
    );
    // Another address, and the same address at another endpoint, are counted apart.
    let (status, _, _) = from(&app, [203, 0, 113, 2], Method::GET, &uri, None).await;
    assert_eq!(status, StatusCode::OK);
    let sign_in = json!({ "phone": "0398000001", "password": "mot mat khau sai" });
    let (status, _, _) = from(
        &app,
        [203, 0, 113, 1],
        Method::POST,
        "/api/v1/session",
        Some(sign_in),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Guessing who is on the register through one activity's check-in, from many addresses,
/// meets the activity's own limit: five times one address's.
#[sqlx::test(migrations = false)]
async fn one_activitys_check_in_is_limited_across_addresses(db: sqlx::PgPool) {
    let app = limited_to(db, 1).await;
    let activity = Uuid::now_v7();
    let uri = format!("/api/v1/activities/{activity}/check-in");
    let guess = |year: i32| json!({ "id": Uuid::now_v7(), "code": "ma", "full_name": "Trần Thị Hoa", "birth_year": year });
    for i in 0..5u8 {
        let (status, _, _) = from(
            &app,
            [198, 51, 100, i],
            Method::POST,
            &uri,
            Some(guess(1950)),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, retry, _) = from(
        &app,
        [198, 51, 100, 9],
        Method::POST,
        &uri,
        Some(guess(1951)),
    )
    .await;
    assert_eq!((status, retry), (StatusCode::TOO_MANY_REQUESTS, true));
    let other = format!("/api/v1/activities/{}/check-in", Uuid::now_v7());
    let (status, _, _) = from(
        &app,
        [198, 51, 100, 10],
        Method::POST,
        &other,
        Some(guess(1951)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// An invitation link's accept tells whether a phone number has an account: an address may
/// ask only so often.
#[sqlx::test(migrations = false)]
async fn invitation_links_are_limited_per_address(db: sqlx::PgPool) {
    let app = limited_to(db, 2).await;
    let accept = json!({ "phone": "0398000002", "password": "nha toi co ba cay cau" });
    for _ in 0..2 {
        let (status, _, _) = from(
            &app,
            [192, 0, 2, 1],
            Method::POST,
            "/api/v1/invitation-links/khong-co/accept",
            Some(accept.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::GONE);
    }
    let (status, retry, _) = from(
        &app,
        [192, 0, 2, 1],
        Method::GET,
        "/api/v1/invitation-links/mot-link-khac",
        None,
    )
    .await;
    assert_eq!((status, retry), (StatusCode::TOO_MANY_REQUESTS, true));
}
