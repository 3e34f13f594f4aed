//! The ward's briefing (projector and public progress page): open without signing in, so it
//! must carry figures and nothing a person could be recognised by.

use axum::http::StatusCode;
use serde_json::Value;

use crate::common::{TestApp, WARD, app, app_stopped_at, app_with};

async fn briefing(app: &TestApp) -> Value {
    let (status, body) = app
        .anonymous()
        .get(&format!("/api/v1/wards/{WARD}/briefing"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Every name and address the ward's records hold: residents, heads of household, team
/// members, accounts.
async fn personal_words(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar!(
        r#"select r.full_name as "w!" from residents r join tdps t on t.id = r.tdp_id where t.ward_code = $1
           union select h.head_name from households h join tdps t on t.id = h.tdp_id where t.ward_code = $1
           union select h.address from households h join tdps t on t.id = h.tdp_id where t.ward_code = $1
           union select m.full_name from team_members m join tdps t on t.id = m.tdp_id where t.ward_code = $1
           union select u.full_name from users u join role_grants g on g.user_id = u.id where g.ward_code = $1"#,
        WARD
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

fn tdp_row(briefing: &Value, tdp: uuid::Uuid) -> Value {
    briefing["tdps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tdp_id"] == tdp.to_string())
        .unwrap()
        .clone()
}

fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

/// Signed in, the projector shows the dashboard's own figures, live: a visit moves them.
#[sqlx::test(migrations = false)]
async fn signed_in_the_projector_shows_the_dashboards_figures_live(db: sqlx::PgPool) {
    let app = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/briefing");
    let (status, b) = app.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["live"], true);
    let (_, dashboard) = app.get(&format!("/api/v1/wards/{WARD}/dashboard")).await;
    assert_eq!(b["ward"], dashboard["ward"]);
    assert_eq!(b["totals"], dashboard["totals"]);
    assert_eq!(b["tdps"], dashboard["tdps"]);
    assert_eq!(b["skills"], dashboard["skills"]);
    assert_eq!(b["boundaries"]["features"].as_array().unwrap().len(), 3);
    let generated: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(b["generated_at"].clone()).unwrap();
    assert!((app.clock.now() - generated).num_seconds().abs() < 60);

    let fixture = app.fixture(WARD).await;
    let row = tdp_row(&b, fixture.tdp);
    let (status, body) = app
        .post(
            &format!("/api/v1/wards/{WARD}/visits"),
            unvisited(&app, &fixture).await,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, after) = app.get(&uri).await;
    assert_eq!(
        tdp_row(&after, fixture.tdp)["households_visited"]
            .as_i64()
            .unwrap(),
        row["households_visited"].as_i64().unwrap() + 1
    );
}

/// A visit to a household not visited before, helping nobody.
async fn unvisited(app: &TestApp, fixture: &crate::common::Fixture) -> Value {
    let household: uuid::Uuid = sqlx::query_scalar!(
        "select id from households where tdp_id = $1
         and id not in (select household_id from visits) order by id limit 1",
        fixture.tdp
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut visit = fixture.visit();
    visit["household_id"] = household.to_string().into();
    visit["help"] = serde_json::json!([]);
    visit
}

/// The differencing attack: someone polls the public briefing just before and just after a
/// volunteer's visit, to read what that household has just achieved. Within the hour both
/// polls get the same snapshot; the next hour's moves with the whole hour's work.
#[sqlx::test(migrations = false)]
async fn polling_around_a_visit_tells_nothing_about_it(db: sqlx::PgPool) {
    let at = "2026-11-18T02:10:00Z".parse().unwrap();
    let app = app_stopped_at(db, at).await;
    let before = briefing(&app).await;
    assert_eq!(before["live"], false);

    let fixture = app.fixture(WARD).await;
    for visit in [fixture.visit(), unvisited(&app, &fixture).await] {
        let (status, body) = app
            .post(&format!("/api/v1/wards/{WARD}/visits"), visit)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    app.clock.advance(chrono::TimeDelta::minutes(45));
    let after = briefing(&app).await;
    assert_eq!(
        after, before,
        "a poll in the same hour gives the same snapshot"
    );

    app.clock.advance(chrono::TimeDelta::minutes(10));
    let next_hour = briefing(&app).await;
    assert_ne!(next_hour["generated_at"], before["generated_at"]);
    let (_, live) = app.get(&format!("/api/v1/wards/{WARD}/briefing")).await;
    assert_eq!(live["live"], true);
    assert_ne!(
        live["tdps"], next_hour["tdps"],
        "the small test ward has cells to withhold"
    );
}

/// In the public briefing, no shown count is 1 to 4 or leaves 1 to 4 out, no withheld count
/// comes back by subtracting the others from the ward's, and satisfaction is the ward's only.
#[sqlx::test(migrations = false)]
async fn no_public_figure_tells_about_fewer_than_five(db: sqlx::PgPool) {
    let app = app(db).await;
    let b = briefing(&app).await;
    let dashboard = crate::common::dashboard(&app).await;
    let tdps = b["tdps"].as_array().unwrap();
    let cells = |row: &Value| -> Vec<(i64, i64, bool)> {
        let mut out = vec![(
            row["households_visited"].as_i64().unwrap(),
            row["households_registered"].as_i64().unwrap(),
            row["visits_withheld"] == true,
        )];
        let figures = row["skills"].as_array().unwrap().iter().chain(
            ["families", "identity", "ambassadors", "cashless"]
                .iter()
                .map(|m| &row["models"][m]),
        );
        for f in figures {
            out.push((
                f["achieved"].as_i64().unwrap(),
                f["population"].as_i64().unwrap(),
                f["withheld"] == true,
            ));
        }
        out
    };
    let totals = cells(&b["totals"]);
    let rows: Vec<_> = tdps.iter().map(cells).collect();
    let mut withheld = 0;
    for (column, &(_, _, total_withheld)) in totals.iter().enumerate() {
        let held = rows.iter().filter(|r| r[column].2).count();
        withheld += held;
        assert!(
            total_withheld || held != 1,
            "column {column}: one TDP withheld, the ward's total shown"
        );
        for &(achieved, population, is_withheld) in
            rows.iter().map(|r| &r[column]).chain([&totals[column]])
        {
            if is_withheld {
                assert_eq!(achieved, 0, "a withheld count says nothing");
            } else {
                assert!(
                    !domain::disclosure::disclosive(achieved, population),
                    "column {column}: {achieved} of {population} shown"
                );
            }
        }
    }
    assert!(withheld > 0, "the small test ward has small cells");
    // What is shown is the dashboard's figure.
    for (row, live) in tdps.iter().zip(&dashboard.tdps) {
        if row["visits_withheld"] != true {
            assert_eq!(row["households_visited"], live.households_visited);
        }
        assert_eq!(row["ratings_withheld"], true);
        assert!(row["satisfaction"].is_null());
    }
    assert_eq!(b["totals"]["ratings"], dashboard.totals.ratings);
}

#[sqlx::test(migrations = false)]
async fn never_a_name_or_an_address(db: sqlx::PgPool) {
    let app = app(db).await;
    let text = briefing(&app).await.to_string();
    let words = personal_words(&app).await;
    assert!(
        words.len() > 100,
        "the test ward has people: {}",
        words.len()
    );
    for word in &words {
        assert!(!text.contains(word.as_str()), "the briefing shows {word:?}");
    }
    let mut fields = Vec::new();
    keys(&serde_json::from_str(&text).unwrap(), &mut fields);
    // The coming classes are on it, without who organises or attends them.
    assert!(
        text.contains("\"activities\":[{"),
        "the demo ward's classes"
    );
    for personal in [
        "full_name",
        "head_name",
        "address",
        "phone",
        "residents",
        "households",
        "organiser",
        "attendees",
    ] {
        assert!(!fields.iter().any(|f| f == personal), "a {personal} field");
    }
}

#[sqlx::test(migrations = false)]
async fn the_qr_code_opens_the_public_page(db: sqlx::PgPool) {
    let settings = server::Settings {
        public_url: Some("https://ngoso.phudien.vn/".into()),
        ..Default::default()
    };
    let app = app_with(db, settings).await;
    let b = briefing(&app).await;
    assert_eq!(
        b["progress_url"],
        format!("https://ngoso.phudien.vn/phuong/{WARD}/trinh-chieu")
    );
    let svg = b["progress_qr_svg"].as_str().unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
}

#[sqlx::test(migrations = false)]
async fn wards_without_tdps_have_no_briefing(db: sqlx::PgPool) {
    let app = app(db).await.anonymous();
    let without: i32 = sqlx::query_scalar!(
        "select code from wards w where not exists (select from tdps t where t.ward_code = w.code)
         order by code limit 1"
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    for uri in [
        format!("/api/v1/wards/{without}/briefing"),
        "/api/v1/wards/999999/briefing".into(),
        "/api/v1/wards/abc/briefing".into(),
    ] {
        let (status, body) = app.get(&uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body["code"], "not_found");
    }
}
