use axum::http::StatusCode;
use serde_json::json;

use crate::common::{OTHER_WARD, WARD, app, field_errors, pair};

#[sqlx::test(migrations = false)]
async fn records_and_reads_a_household(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let body = json!({
        "id": null, "tdp_id": f.tdp, "address": "Số 5, ngõ 12, Phú Diễn", "head_name": "Đỗ Văn Hùng",
        "priority": { "elderly_alone": true, "disability": false, "poverty": "near_poor" }
    });
    let (status, h) = app
        .post(&format!("/api/v1/wards/{WARD}/households"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{h}");
    assert_eq!(h["priority"]["poverty"], "near_poor");
    assert_eq!(h["residents"], json!([]));
    let (status, again) = app
        .get(&format!("/api/v1/households/{}", h["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, h);
    // Found by search without diacritics.
    let (_, found) = app
        .get(&format!("/api/v1/wards/{WARD}/search?q=do+van+hung"))
        .await;
    assert!(
        found["households"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == h["id"])
    );
}

#[sqlx::test(migrations = false)]
async fn refuses_households_of_other_wards_and_bad_fields(db: sqlx::PgPool) {
    let app = app(db).await;
    let other = app.fixture(OTHER_WARD).await;
    let body = |tdp: serde_json::Value, address: &str| {
        json!({
            "id": null, "tdp_id": tdp, "address": address, "head_name": "Nguyễn Văn A",
            "priority": { "elderly_alone": false, "disability": false, "poverty": "none" }
        })
    };
    let uri = format!("/api/v1/wards/{WARD}/households");
    let (status, err) = app.post(&uri, body(json!(other.tdp), "Số 1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("tdp_id", "other_ward")]);
    let (status, err) = app
        .post(&uri, body(json!(uuid::Uuid::now_v7()), "Số 1"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("tdp_id", "unknown_reference")]);
    let (status, err) = app
        .post(&uri, body(json!(other.tdp), &"x".repeat(201)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("address", "too_long")]);
    assert_eq!(app.post_raw(&uri, "[]").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get(&format!("/api/v1/households/{}", uuid::Uuid::now_v7()))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}
