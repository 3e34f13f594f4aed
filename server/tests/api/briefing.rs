//! The ward's briefing (projector and public progress page): open without signing in, so it
//! must carry figures and nothing a person could be recognised by.

use axum::http::StatusCode;
use serde_json::Value;

use crate::common::{TestApp, WARD, app, app_with};

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

#[sqlx::test(migrations = false)]
async fn open_to_anyone_and_the_same_figures_as_the_dashboard(db: sqlx::PgPool) {
    let app = app(db).await;
    let b = briefing(&app).await;
    let (_, dashboard) = app.get(&format!("/api/v1/wards/{WARD}/dashboard")).await;
    assert_eq!(b["ward"], dashboard["ward"]);
    assert_eq!(b["totals"], dashboard["totals"]);
    assert_eq!(b["tdps"], dashboard["tdps"]);
    assert_eq!(b["skills"], dashboard["skills"]);
    assert_eq!(b["boundaries"]["features"].as_array().unwrap().len(), 3);
    let generated: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(b["generated_at"].clone()).unwrap();
    assert!((app.clock.now() - generated).num_seconds().abs() < 60);

    // A visit recorded moves the briefing's figures too.
    let fixture = app.fixture(WARD).await;
    let row = tdp_row(&b, fixture.tdp);
    let other_household: uuid::Uuid = sqlx::query_scalar!(
        "select id from households where tdp_id = $1
         and id not in (select household_id from visits) order by id limit 1",
        fixture.tdp
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut visit = fixture.visit();
    visit["household_id"] = other_household.to_string().into();
    visit["help"] = serde_json::json!([]);
    let (status, body) = app
        .post(&format!("/api/v1/wards/{WARD}/visits"), visit)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let after = briefing(&app).await;
    let row_after = tdp_row(&after, fixture.tdp);
    assert_eq!(
        row_after["households_visited"].as_i64().unwrap(),
        row["households_visited"].as_i64().unwrap() + 1
    );
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
