use axum::http::StatusCode;

use crate::common::app;

#[sqlx::test(migrations = false)]
async fn health_answers_ok_with_the_database(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app.get("/api/v1/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[sqlx::test(migrations = false)]
async fn a_database_failure_answers_a_generic_500(db: sqlx::PgPool) {
    let app = app(db).await;
    app.db.close().await;
    let (status, body) = app.get("/api/v1/wards/619/dashboard").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["code"], "internal");
    assert_eq!(body["message"], "Máy chủ gặp lỗi. Vui lòng thử lại sau.");
}

#[sqlx::test(migrations = false)]
async fn unknown_api_paths_answer_json_404_and_pages_answer_the_app(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app.get("/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
    let res = tower::ServiceExt::oneshot(
        app.router.clone(),
        axum::http::Request::get("/ho/0190a1b2-0000-7000-8000-000000000000")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
}

#[test]
fn openapi_document_matches_the_snapshot() {
    let doc = serde_json::to_value(server::api::openapi()).unwrap();
    insta::assert_json_snapshot!(doc);
}

#[test]
fn openapi_document_lists_every_endpoint() {
    let doc = server::api::openapi();
    let paths: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
    for p in [
        "/api/v1/health",
        "/api/v1/wards",
        "/api/v1/wards/{code}",
        "/api/v1/wards/{code}/dashboard",
        "/api/v1/wards/{code}/skills",
        "/api/v1/wards/{code}/search",
        "/api/v1/wards/{code}/tdps",
        "/api/v1/tdps/{id}",
        "/api/v1/tdps/{id}/households",
        "/api/v1/tdps/{id}/team",
        "/api/v1/wards/{code}/households",
        "/api/v1/households/{id}",
        "/api/v1/wards/{code}/residents",
        "/api/v1/residents/{id}",
        "/api/v1/wards/{code}/visits",
        "/api/v1/visits/{id}",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
}
