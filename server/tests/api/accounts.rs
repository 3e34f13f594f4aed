use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::access::Role;
use serde_json::json;

use crate::common::{OTHER_WARD, TestApp, WARD, app, field_errors, pair};

async fn my_id(app: &TestApp) -> String {
    app.get("/api/v1/session").await.1["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[sqlx::test(migrations = false)]
async fn an_admin_creates_an_account_that_signs_in(db: sqlx::PgPool) {
    let admin = app(db).await;
    let tdp = admin.fixture(WARD).await.tdp;
    let uri = format!("/api/v1/wards/{WARD}/accounts");
    let (status, account) = admin
        .post(
            &uri,
            json!({ "phone": "+84 912 000 111", "full_name": " Vũ Thị Thu ",
                    "password": "mot cau rat dai de nho", "role": "team_leader", "tdp_id": tdp }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{account}");
    assert_eq!(account["phone"], "0912000111");
    assert_eq!(account["full_name"], "Vũ Thị Thu");
    assert_eq!(account["grants"][0]["role"], "team_leader");
    assert_eq!(account["grants"][0]["tdp_id"], tdp.to_string());
    let (_, list) = admin.get(&uri).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|a| a["phone"] == "0912000111")
    );

    let (status, me) = admin
        .anonymous()
        .post(
            "/api/v1/session",
            json!({ "phone": "0912 000 111", "password": "mot cau rat dai de nho" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");

    let (_, audit) = admin
        .get(&format!("/api/v1/wards/{WARD}/audit?entity=users"))
        .await;
    assert_eq!(audit[0]["action"], "create");
    assert_eq!(audit[0]["entity_id"], account["id"]);
    assert_eq!(audit[0]["change"]["phone"], "0912000111");
    assert!(audit[0]["change"].get("password").is_none());
}

#[sqlx::test(migrations = false)]
async fn refuses_bad_accounts(db: sqlx::PgPool) {
    let admin = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/accounts");
    let (status, err) = admin
        .post(
            &uri,
            json!({ "phone": "12345", "full_name": "", "password": "short", "role": "volunteer", "tdp_id": null }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("phone", "invalid_format"),
            pair("full_name", "required"),
            pair("password", "too_short"),
            pair("tdp_id", "role_scope")
        ]
    );
    let (status, err) = admin
        .post(
            &uri,
            json!({ "phone": "0912000222", "full_name": "Hoa", "password": "matkhau123", "role": "viewer", "tdp_id": null }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("password", "weak_password")]);
    let taken = server::demo::demo_phone(WARD, Role::Viewer);
    let (status, err) = admin
        .post(
            &uri,
            json!({ "phone": taken, "full_name": "Hoa", "password": "mot cau rat dai de nho", "role": "viewer", "tdp_id": null }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("phone", "duplicate")]);
    let other_tdp = admin.fixture(OTHER_WARD).await.tdp;
    let (status, err) = admin
        .post(
            &uri,
            json!({ "phone": "0912000333", "full_name": "Hoa", "password": "mot cau rat dai de nho", "role": "volunteer", "tdp_id": other_tdp }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("tdp_id", "other_ward")]);
    let count = sqlx::query_scalar!(
        r#"select count(*) as "n!" from users where phone in ('0912000222', '0912000333')"#
    )
    .fetch_one(&admin.db)
    .await
    .unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test(migrations = false)]
async fn grants_are_replaced_in_one_ward_only(db: sqlx::PgPool) {
    let admin = app(db).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let id = my_id(&volunteer).await;
    // The volunteer also views another ward; this ward's admin cannot touch that.
    sqlx::query!(
        "insert into role_grants (user_id, ward_code, role) values ($1::text::uuid, $2, 'viewer')",
        id,
        OTHER_WARD
    )
    .execute(&admin.db)
    .await
    .unwrap();
    let uri = format!("/api/v1/wards/{WARD}/accounts/{id}/grants");
    let (status, account) = admin
        .put(&uri, json!([{ "role": "responder", "tdp_id": null }]))
        .await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["grants"].as_array().unwrap().len(), 1);
    assert_eq!(account["grants"][0]["role"], "responder");
    let (_, me) = volunteer.get("/api/v1/session").await;
    let roles: Vec<(i64, &str)> = me["user"]["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["ward_code"].as_i64().unwrap(),
                g["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(roles, [(70, "viewer"), (619, "responder")]);

    let (status, err) = admin
        .put(&uri, json!([{ "role": "volunteer", "tdp_id": null }]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("[0].tdp_id", "role_scope")]);

    // Disabling would lock the person out of the other ward too, and ending their sessions
    // would sign them out there: both refused.
    let (status, _) = admin
        .patch(
            &format!("/api/v1/wards/{WARD}/accounts/{id}"),
            json!({ "disabled": true }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = admin
        .post(
            &format!("/api/v1/wards/{WARD}/accounts/{id}/sign-out"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = volunteer.get("/api/v1/session").await;
    assert_eq!(status, StatusCode::OK);

    let me = my_id(&admin).await;
    let (status, err) = admin
        .put(
            &format!("/api/v1/wards/{WARD}/accounts/{me}/grants"),
            json!([{ "role": "viewer", "tdp_id": null }]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("role", "own_admin_role")]);
}

#[sqlx::test(migrations = false)]
async fn changing_ones_password_ends_the_other_sessions(db: sqlx::PgPool) {
    let admin = app(db).await;
    let here = admin.signed_in_as(WARD, Role::Viewer).await;
    let elsewhere = admin.signed_in_as(WARD, Role::Viewer).await;
    let uri = "/api/v1/session/password";
    let (status, err) = here
        .put(
            uri,
            json!({ "current_password": server::demo::DEMO_PASSWORD, "new_password": "12345678" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("new_password", "weak_password")]);
    let (status, headers, _) = here
        .send(
            Request::put(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({ "current_password": server::demo::DEMO_PASSWORD, "new_password": "hai con meo trong vuon" })
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // This session goes on, under a new id.
    let here = TestApp {
        cookie: crate::common::cookies(&headers),
        ..here
    };
    assert_eq!(here.get("/api/v1/wards").await.0, StatusCode::OK);
    assert_eq!(
        elsewhere.get("/api/v1/wards").await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// A session left open on a shared phone does not let its finder guess the password: asking
/// for it again to change it slows down as sign-in does.
#[sqlx::test(migrations = false)]
async fn guessing_the_current_password_slows_down(db: sqlx::PgPool) {
    let admin = app(db).await;
    let found = admin.signed_in_as(WARD, Role::Viewer).await;
    let uri = "/api/v1/session/password";
    let change = |current: &str| json!({ "current_password": current, "new_password": "hai con meo trong vuon" });
    for _ in 0..5 {
        let (status, err) = found.put(uri, change("doan mo")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            field_errors(&err),
            [pair("current_password", "wrong_password")]
        );
    }
    let (status, body) = found.put(uri, change("doan mo nua")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "too_many_attempts");
    let (status, _) = found.put(uri, change(server::demo::DEMO_PASSWORD)).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right one waits too"
    );
}

#[sqlx::test(migrations = false)]
async fn the_audit_log_records_writes_and_refuses_to_change(db: sqlx::PgPool) {
    let admin = app(db).await;
    let f = admin.fixture(WARD).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let visit = f.visit();
    let (status, _) = admin
        .post(&format!("/api/v1/wards/{WARD}/visits"), visit.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, log) = admin
        .get(&format!(
            "/api/v1/wards/{WARD}/audit?entity=visits&action=create"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log[0]["entity_id"], visit["id"]);
    assert_eq!(log[0]["change"]["note"], "Hướng dẫn cài VNeID");
    assert!(log[0]["user_name"].is_string());
    assert_eq!(
        volunteer
            .get(&format!("/api/v1/wards/{WARD}/audit"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    for statement in [
        "update audit_log set entity = 'x'",
        "delete from audit_log",
        "truncate audit_log",
    ] {
        let err = sqlx::query(statement).execute(&admin.db).await.unwrap_err();
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
}

#[sqlx::test(migrations = false)]
async fn the_last_admin_cannot_lock_the_ward_out(db: sqlx::PgPool) {
    let first = app(db).await;
    let first_id = my_id(&first).await;
    let disable = |id: &str| {
        (
            format!("/api/v1/wards/{WARD}/accounts/{id}"),
            json!({ "disabled": true }),
        )
    };

    // Alone, the ward's admin cannot disable their own account: nobody could enable it again.
    let (uri, body) = disable(&first_id);
    let (status, err) = first.patch(&uri, body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["code"], "conflict");
    assert_eq!(first.get("/api/v1/session").await.1["user"]["id"], first_id);

    // With a second admin, the first may step down; then the second is the last one.
    let (status, second) = first
        .post(
            &format!("/api/v1/wards/{WARD}/accounts"),
            json!({ "phone": "0912000222", "full_name": "Lê Văn Hai",
                    "password": "mot cau rat dai de nho", "role": "ward_admin", "tdp_id": null }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let second_app = first
        .signed_in_with("0912000222", "mot cau rat dai de nho")
        .await;
    let (uri, body) = disable(&first_id);
    let (status, account) = first.patch(&uri, body).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["disabled"], true);
    let (uri, body) = disable(second["id"].as_str().unwrap());
    let (status, err) = second_app.patch(&uri, body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
}
