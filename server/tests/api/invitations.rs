use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::access::Role;
use serde_json::{Value, json};

use crate::common::{TestApp, WARD, app, cookies, field_errors, pair};

async fn invite(leader: &TestApp, name: &str) -> (String, String) {
    let tdp = leader.get("/api/v1/session").await.1["user"]["grants"][0]["tdp_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, created) = leader
        .post(
            &format!("/api/v1/tdps/{tdp}/invitations"),
            json!({ "full_name": name }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["invitation"]["status"], "pending");
    let token = created["token"].as_str().unwrap();
    assert!(token.len() >= 43, "{token}");
    assert!(
        created["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/moi/{token}"))
    );
    assert!(created["qr_svg"].as_str().unwrap().contains("<svg"));
    (
        created["invitation"]["id"].as_str().unwrap().to_owned(),
        created["token"].as_str().unwrap().to_owned(),
    )
}

async fn accept(
    app: &TestApp,
    token: &str,
    phone: &str,
    password: &str,
) -> (StatusCode, Option<String>, Value) {
    let (status, headers, body) = app
        .anonymous()
        .send(
            Request::post(format!("/api/v1/invitation-links/{token}/accept"))
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({ "phone": phone, "password": password }).to_string(),
                ))
                .unwrap(),
        )
        .await;
    (status, cookies(&headers), body)
}

#[sqlx::test(migrations = false)]
async fn a_volunteer_joins_by_invitation_once(db: sqlx::PgPool) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let (_, token) = invite(&leader, "Ngô Văn Tùng").await;
    let (status, preview) = admin
        .anonymous()
        .get(&format!("/api/v1/invitation-links/{token}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(preview["full_name"], "Ngô Văn Tùng");
    assert_eq!(preview["ward_name"], "Phường Phú Diễn");

    let (status, _, err) = accept(&admin, &token, "0977 123 456", "12345678").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("password", "weak_password")]);

    let (status, cookie, me) =
        accept(&admin, &token, "0977 123 456", "mot cau rat dai de nho").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["full_name"], "Ngô Văn Tùng");
    assert_eq!(me["grants"][0]["role"], "volunteer");
    let volunteer = TestApp {
        cookie,
        ..admin.clone()
    };
    let tdp = me["grants"][0]["tdp_id"].as_str().unwrap();
    let (status, detail) = volunteer.get(&format!("/api/v1/tdps/{tdp}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        detail["team"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["full_name"] == "Ngô Văn Tùng"),
        "the volunteer is on the team"
    );

    // The link works once.
    let (status, _, err) = accept(&admin, &token, "0977 123 457", "mot cau rat dai de nho").await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(err["code"], "invitation_unusable");
    assert_eq!(
        admin
            .anonymous()
            .get(&format!("/api/v1/invitation-links/{token}"))
            .await
            .0,
        StatusCode::GONE
    );
}

#[sqlx::test(migrations = false)]
async fn revoked_and_expired_links_stop_working(db: sqlx::PgPool) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let (id, revoked) = invite(&leader, "Người A").await;
    let (status, _) = leader
        .request(
            Request::delete(format!("/api/v1/invitations/{id}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = accept(&admin, &revoked, "0977000001", "mot cau rat dai de nho").await;
    assert_eq!(status, StatusCode::GONE);

    let (id, expired) = invite(&leader, "Người B").await;
    sqlx::query!(
        "update invitations set expires_at = $2::timestamptz - interval '1 minute'
         where id = $1::text::uuid",
        id,
        admin.clock.now(),
    )
    .execute(&admin.db)
    .await
    .unwrap();
    let (status, _, _) = accept(&admin, &expired, "0977000002", "mot cau rat dai de nho").await;
    assert_eq!(status, StatusCode::GONE);
    let tdp = leader.get("/api/v1/session").await.1["user"]["grants"][0]["tdp_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, list) = leader.get(&format!("/api/v1/tdps/{tdp}/invitations")).await;
    let statuses: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["expired", "revoked"]);
    let users =
        sqlx::query_scalar!(r#"select count(*) as "n!" from users where phone like '097700000%'"#)
            .fetch_one(&admin.db)
            .await
            .unwrap();
    assert_eq!(users, 0);
}

#[sqlx::test(migrations = false)]
async fn an_existing_account_joins_with_its_own_password(db: sqlx::PgPool) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let (_, token) = invite(&leader, "Người đã có tài khoản").await;
    let viewer = server::demo::demo_phone(WARD, Role::Viewer);
    let (status, _, err) = accept(&admin, &token, &viewer, "not their password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(err["code"], "wrong_credentials");
    let (status, _, me) = accept(&admin, &token, &viewer, server::demo::DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let roles: Vec<&str> = me["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["viewer", "volunteer"]);
}

/// Links and QR codes name the address the server is configured with, never the `Host`
/// header, which whoever sends the request chooses: an invitation asked for as
/// `evil.example` still points home, and a Host of 2,600 bytes is no reason to fail.
#[sqlx::test(migrations = false)]
async fn links_never_follow_the_host_header(db: sqlx::PgPool) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let tdp = leader.get("/api/v1/session").await.1["user"]["grants"][0]["tdp_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for host in ["evil.example".to_owned(), "a".repeat(2600)] {
        let (status, created) = leader
            .request(
                Request::post(format!("/api/v1/tdps/{tdp}/invitations"))
                    .header("host", &host)
                    .header("content-type", "application/json")
                    .body(Body::from(json!({ "full_name": "Đỗ Văn Nam" }).to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let link = created["link"].as_str().unwrap();
        assert!(link.starts_with("http://localhost/moi/"), "{link}");
        assert!(!created["qr_svg"].as_str().unwrap().is_empty());
    }
}
