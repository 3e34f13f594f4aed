use axum::http::StatusCode;
use chrono::Datelike;
use serde_json::json;

use crate::common::{OTHER_WARD, WARD, app, field_errors, pair};

#[sqlx::test(migrations = false)]
async fn records_a_resident_without_any_id_number(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let body = json!({ "id": null, "household_id": f.household, "full_name": "  Trần   Thị  Ánh ", "birth_year": 1958, "gender": "female" });
    let (status, r) = app
        .post(&format!("/api/v1/wards/{WARD}/residents"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["full_name"], "Trần Thị Ánh");
    assert_eq!(r["skills"], json!([]));
    let (status, again) = app
        .get(&format!("/api/v1/residents/{}", r["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, r);
    let columns: Vec<String> = sqlx::query_scalar!(
        r#"select column_name as "c!" from information_schema.columns where table_name = 'residents'"#
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(
        !columns
            .iter()
            .any(|c| c.contains("cccd") || c.contains("id_number"))
    );
}

#[sqlx::test(migrations = false)]
async fn refuses_future_birth_years_and_other_wards(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let other = app.fixture(OTHER_WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/residents");
    let next_year = app.today().year() + 1;
    let (status, err) = app
        .post(&uri, json!({ "id": null, "household_id": f.household, "full_name": "Lê Văn B", "birth_year": next_year, "gender": "male" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("birth_year", "in_future")]);
    let (status, err) = app
        .post(&uri, json!({ "id": null, "household_id": other.household, "full_name": "Lê Văn B", "birth_year": 1990, "gender": "male" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("household_id", "other_ward")]);
    let (status, _) = app
        .post(&uri, json!({ "id": null, "household_id": f.household, "full_name": "Lê Văn B", "birth_year": "1990", "gender": "male" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let count: i64 = sqlx::query_scalar!(
        r#"select count(*) as "n!" from residents where full_name = 'Lê Văn B'"#
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(count, 0);
    assert_eq!(
        app.get(&format!("/api/v1/residents/{}", uuid::Uuid::now_v7()))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}
