use axum::http::StatusCode;

use crate::common::{OTHER_WARD, WARD, app, field_errors, pair};

#[sqlx::test(migrations = false)]
async fn lists_only_wards_with_tdps(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app.get("/api/v1/wards").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<i64> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.contains(&619) && codes.contains(&70));
}

#[sqlx::test(migrations = false)]
async fn a_ward_by_its_official_code(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app.get("/api/v1/wards/619").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "Phường Phú Diễn");
    assert_eq!(body["province_name"], "Thành phố Hà Nội");
    assert_eq!(
        app.get("/api/v1/wards/999999").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/api/v1/wards/abc").await.0, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = false)]
async fn dashboard_totals_are_the_sum_of_the_tdps(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, d) = app.get(&format!("/api/v1/wards/{WARD}/dashboard")).await;
    assert_eq!(status, StatusCode::OK);
    let tdps = d["tdps"].as_array().unwrap();
    assert_eq!(tdps.len(), 3);
    let skills = d["skills"].as_array().unwrap();
    assert_eq!(skills.len(), 9);
    for (i, _) in skills.iter().enumerate() {
        let sum: i64 = tdps
            .iter()
            .map(|t| t["skills"][i]["achieved"].as_i64().unwrap())
            .sum();
        assert_eq!(d["totals"]["skills"][i]["achieved"].as_i64().unwrap(), sum);
        let population: i64 = tdps
            .iter()
            .map(|t| t["skills"][i]["population"].as_i64().unwrap())
            .sum();
        assert_eq!(
            d["totals"]["skills"][i]["population"].as_i64().unwrap(),
            population
        );
    }
    let visited: i64 = tdps
        .iter()
        .map(|t| t["households_visited"].as_i64().unwrap())
        .sum();
    assert_eq!(d["totals"]["households_visited"].as_i64().unwrap(), visited);
    // The other ward's visits are not counted here.
    let all_visits: i64 = sqlx::query_scalar!(
        r#"select count(distinct household_id) as "n!" from visits where ward_code = $1"#,
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(visited, all_visits);
    assert_eq!(
        app.get("/api/v1/wards/999999/dashboard").await.0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = false)]
async fn skills_catalogue_in_order(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app.get(&format!("/api/v1/wards/{OTHER_WARD}/skills")).await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes[..2], ["smartphone", "vneid_level2"]);
    assert_eq!(
        app.get("/api/v1/wards/999999/skills").await.0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = false)]
async fn search_ignores_diacritics_and_stays_in_the_ward(db: sqlx::PgPool) {
    let app = app(db).await;
    let name: String = sqlx::query_scalar!(
        "select r.full_name from residents r join tdps t on t.id = r.tdp_id where t.ward_code = $1 order by r.id limit 1",
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let folded = domain::text::fold(&name);
    let (status, body) = app
        .get(&format!(
            "/api/v1/wards/{WARD}/search?q={}",
            folded.replace(' ', "+")
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = body["residents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&name.as_str()),
        "{folded} should find {name} in {names:?}"
    );
    // Vietnamese order: by given name.
    let keys: Vec<String> = names
        .iter()
        .map(|n| domain::text::name_sort_key(n))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    // Nothing from the other ward.
    let other_ward_ids: Vec<uuid::Uuid> = sqlx::query_scalar!(
        "select r.id from residents r join tdps t on t.id = r.tdp_id where t.ward_code = $1",
        OTHER_WARD
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    for r in body["residents"].as_array().unwrap() {
        let id: uuid::Uuid = r["id"].as_str().unwrap().parse().unwrap();
        assert!(!other_ward_ids.contains(&id));
    }
}

#[sqlx::test(migrations = false)]
async fn search_needs_two_letters(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app
        .get(&format!("/api/v1/wards/{WARD}/search?q=%20a"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("q", "required")]);
    let (status, body) = app.get(&format!("/api/v1/wards/{WARD}/search")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");
}
