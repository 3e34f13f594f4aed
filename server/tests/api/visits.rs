use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Fixture, OTHER_WARD, TestApp, WARD, app, concurrently, field_errors, pair};

async fn achieved(app: &TestApp, f: &Fixture) -> i64 {
    let (_, d) = app.get(&format!("/api/v1/tdps/{}", f.tdp)).await;
    d["indicators"]["skills"][0]["achieved"].as_i64().unwrap()
}

async fn visit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar!(r#"select count(*) as "n!" from visits"#)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_visit_updates_skills_and_the_tdp_figure(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    // Start from a resident who does not have the first skill yet.
    sqlx::query!(
        "delete from resident_skills where resident_id = $1",
        f.residents[0]
    )
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query!(
        "update residents set birth_year = 1960 where id = $1",
        f.residents[0]
    )
    .execute(&app.db)
    .await
    .unwrap();
    let before = achieved(&app, &f).await;
    let body = f.visit();
    let (status, v) = app
        .post(&format!("/api/v1/wards/{WARD}/visits"), body.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["help"].as_array().unwrap().len(), 1);
    assert_eq!(v["volunteers"][0]["id"], f.member.to_string());
    assert_eq!(achieved(&app, &f).await, before + 1);
    let (_, r) = app
        .get(&format!("/api/v1/residents/{}", f.residents[0]))
        .await;
    let skill = r["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill_id"] == f.skills[0].to_string())
        .unwrap();
    assert_eq!(skill["status"], "achieved");
    assert_eq!(skill["visit_id"], body["id"]);
    assert_eq!(
        app.get(&format!("/api/v1/visits/{}", body["id"].as_str().unwrap()))
            .await
            .1,
        v
    );
}

#[sqlx::test(migrations = false)]
async fn sending_the_same_visit_twice_records_it_once(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/visits");
    let body = f.visit();
    let before = visit_count(&app).await;
    let (first, v1) = app.post(&uri, body.clone()).await;
    let (second, v2) = app.post(&uri, body.clone()).await;
    assert_eq!((first, second), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(v1, v2);
    assert_eq!(visit_count(&app).await, before + 1);

    let mut changed = body;
    changed["satisfaction"] = json!(2);
    let (status, err) = app.post(&uri, changed).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], "conflict");
    assert_eq!(
        app.get(&format!("/api/v1/visits/{}", v1["id"].as_str().unwrap()))
            .await
            .1["satisfaction"],
        5
    );
}

#[sqlx::test(migrations = false)]
async fn concurrent_copies_of_one_visit_make_one_row(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/visits");
    let body = f.visit();
    let before = visit_count(&app).await;
    let answers = concurrently(&app, &uri, vec![body; 20]).await;
    assert_eq!(
        answers
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::OK)
    );
    assert_eq!(visit_count(&app).await, before + 1);
}

#[sqlx::test(migrations = false)]
async fn concurrent_first_visits_count_the_household_once(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    sqlx::query!("delete from resident_skills where tdp_id = $1", f.tdp)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query!("delete from visits where tdp_id = $1", f.tdp)
        .execute(&app.db)
        .await
        .unwrap();
    let bodies: Vec<Value> = (0..10).map(|_| f.visit()).collect();
    let answers = concurrently(&app, &format!("/api/v1/wards/{WARD}/visits"), bodies).await;
    assert!(
        answers.iter().all(|s| *s == StatusCode::CREATED),
        "{answers:?}"
    );
    let visited = sqlx::query_scalar!(
        "select households_visited from tdp_visit_counts where tdp_id = $1",
        f.tdp
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(visited, 1);
}

#[sqlx::test(migrations = false)]
async fn an_achieved_skill_is_not_undone_by_a_later_visit(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/visits");
    assert_eq!(app.post(&uri, f.visit()).await.0, StatusCode::CREATED);
    let mut later = f.visit();
    later["help"][0]["outcome"] = json!("in_progress");
    assert_eq!(app.post(&uri, later).await.0, StatusCode::CREATED);
    let status: String = sqlx::query_scalar!(
        "select status from resident_skills where resident_id = $1 and skill_id = $2",
        f.residents[0],
        f.skills[0]
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(status, "achieved");
}

#[sqlx::test(migrations = false)]
async fn refuses_visits_with_bad_references(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let other = app.fixture(OTHER_WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/visits");
    let before = visit_count(&app).await;

    let mut v = f.visit();
    v["household_id"] = json!(other.household);
    let (status, err) = app.post(&uri, v).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("household_id", "other_ward")]);

    let mut v = f.visit();
    v["household_id"] = json!(uuid::Uuid::now_v7());
    assert_eq!(
        field_errors(&app.post(&uri, v).await.1),
        [pair("household_id", "unknown_reference")]
    );

    let mut v = f.visit();
    v["volunteer_ids"] = json!([other.member]);
    v["help"] = json!([
        { "resident_id": other.residents[0], "skill_id": f.skills[0], "outcome": "achieved" },
        { "resident_id": f.residents[0], "skill_id": other.skills[0], "outcome": "achieved" },
        { "resident_id": f.residents[0], "skill_id": uuid::Uuid::now_v7(), "outcome": "achieved" }
    ]);
    let (status, err) = app.post(&uri, v).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("volunteer_ids", "other_ward"),
            pair("help[0].resident_id", "other_household"),
            pair("help[1].skill_id", "other_ward"),
            pair("help[2].skill_id", "unknown_reference"),
        ]
    );
    assert_eq!(visit_count(&app).await, before, "nothing written");
}

#[sqlx::test(migrations = false)]
async fn refuses_invalid_visit_fields(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/visits");
    let mut v = f.visit();
    v["visited_on"] = json!(f.today + chrono::Days::new(3));
    v["volunteer_ids"] = json!([]);
    v["satisfaction"] = json!(9);
    let (status, err) = app.post(&uri, v).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("visited_on", "in_future"),
            pair("volunteer_ids", "required"),
            pair("satisfaction", "out_of_range")
        ]
    );
    assert_eq!(
        err["fields"][0]["message"],
        "Không được là một thời điểm trong tương lai."
    );
    let (status, err) = app.post_raw(&uri, "{\"household_id\": ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["message"], "Yêu cầu không hợp lệ.");
    assert_eq!(
        app.post("/api/v1/wards/999999/visits", f.visit()).await.0,
        StatusCode::NOT_FOUND
    );
}

crate::at_every_edge! {
/// Dates are Vietnam's: a visit may be dated up to a day ahead of the server's today (a phone
/// a little fast), no further. At 17:01 UTC it is already tomorrow in Vietnam, so a server
/// counting UTC days would refuse the last day this takes.
async fn a_visit_may_be_dated_a_day_ahead_of_vietnams_today_and_no_more(app: TestApp) {
    let f = app.fixture(WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/visits");
    let dated = |days: u64| {
        let mut v = f.visit();
        v["visited_on"] = json!(f.today + chrono::Days::new(days));
        v
    };
    let (status, err) = app.post(&uri, dated(2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("visited_on", "in_future")]);
    for days in [1, 0] {
        let visit = dated(days);
        let (status, body) = app.post(&uri, visit.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["visited_on"], visit["visited_on"]);
        // Recorded by the server's clock, not the database's.
        let recorded: chrono::DateTime<chrono::Utc> =
            body["recorded_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(recorded, app.clock.now());
    }
}
}
