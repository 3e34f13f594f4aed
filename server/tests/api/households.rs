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

#[sqlx::test(migrations = false)]
async fn a_location_is_kept_and_checked(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let body = |location: serde_json::Value| {
        json!({
            "id": null, "tdp_id": f.tdp, "address": "Số 9, ngõ 3", "head_name": "Lê Thị Hoa",
            "priority": { "elderly_alone": false, "disability": false, "poverty": "none" },
            "location": location
        })
    };
    let uri = format!("/api/v1/wards/{WARD}/households");
    let (status, h) = app
        .post(&uri, body(json!({ "lat": 21.051, "lon": 105.762 })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{h}");
    assert_eq!(h["location"], json!({ "lat": 21.051, "lon": 105.762 }));
    let (status, err) = app
        .post(&uri, body(json!({ "lat": 105.762, "lon": 21.051 })))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("location", "swapped_coordinates")]
    );
    let (status, err) = app
        .post(&uri, body(json!({ "lat": 95.0, "lon": 10.0 })))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("location", "out_of_range")]);
}

#[sqlx::test(migrations = false)]
async fn household_points_show_only_what_the_person_may_see(db: sqlx::PgPool) {
    let admin = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/household-points");
    let (status, all) = admin.get(&uri).await;
    assert_eq!(status, StatusCode::OK);
    let all = all.as_array().unwrap().clone();
    let located = sqlx::query_scalar!(
        r#"select count(*) as "n!" from households h join tdps t on t.id = h.tdp_id
           where t.ward_code = $1 and h.lat is not null"#,
        WARD
    )
    .fetch_one(&admin.db)
    .await
    .unwrap();
    assert!(located > 0, "the demo ward's households have places");
    assert_eq!(all.len() as i64, located);
    assert!(all.iter().any(|p| p["visited"] == true));
    assert!(all.iter().any(|p| p["visited"] == false));

    let volunteer = admin
        .signed_in_as(WARD, domain::access::Role::Volunteer)
        .await;
    let own = volunteer.get("/api/v1/session").await.1["user"]["grants"][0]["tdp_id"].clone();
    let (_, mine) = volunteer.get(&uri).await;
    let mine = mine.as_array().unwrap();
    assert!(!mine.is_empty());
    assert!(mine.len() < all.len());
    assert!(mine.iter().all(|p| p["tdp_id"] == own));
}
