//! Likely duplicates: a form is warned before it adds the same person or household twice, and
//! what is added all the same is kept for the team leader.

use axum::http::StatusCode;
use chrono::Utc;
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Fixture, TestApp, WARD, app, field_errors, pair};

/// The first team's leader and volunteer, and the fixture of their TDP with its first
/// resident's name and year of birth.
async fn team(db: sqlx::PgPool) -> (TestApp, TestApp, TestApp, Fixture, (String, i32)) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let tdp = volunteer.own_tdp().await;
    let f = admin.fixture_in(tdp).await;
    let person: (String, i32) =
        sqlx::query_as("select full_name, birth_year from residents where id = $1")
            .bind(f.residents[0])
            .fetch_one(&admin.db)
            .await
            .unwrap();
    (admin, leader, volunteer, f, person)
}

async fn check(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/wards/{WARD}/duplicate-check"), body)
        .await
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// "Nguyễn Văn An" as a hurried thumb types it: no diacritics, odd case and spaces.
fn plain(name: &str) -> String {
    let folded = domain::text::fold(name);
    format!("  {}  ", folded.to_uppercase().replace(' ', "   "))
}

#[sqlx::test(migrations = false)]
async fn a_form_is_warned_of_the_same_person_and_the_same_address(db: sqlx::PgPool) {
    let (_, _, volunteer, f, (name, year)) = team(db).await;
    let (status, found) = check(
        &volunteer,
        json!({ "tdp_id": f.tdp, "full_name": plain(&name), "birth_year": year }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert!(
        ids(&found["residents"]).contains(&f.residents[0].to_string()),
        "{found}"
    );
    assert_eq!(found["households"], json!([]));
    let (_, other_year) = check(
        &volunteer,
        json!({ "tdp_id": f.tdp, "full_name": name, "birth_year": year - 1 }),
    )
    .await;
    assert!(!ids(&other_year["residents"]).contains(&f.residents[0].to_string()));

    let address: String = sqlx::query_scalar("select address from households where id = $1")
        .bind(f.household)
        .fetch_one(&volunteer.db)
        .await
        .unwrap();
    let typed = domain::text::fold(&address).replace(' ', " , ");
    let (_, found) = check(&volunteer, json!({ "tdp_id": f.tdp, "address": typed })).await;
    assert_eq!(ids(&found["households"]), [f.household.to_string()]);
    assert_eq!(found["residents"], json!([]));
}

#[sqlx::test(migrations = false)]
async fn the_check_shows_only_what_the_person_may_see(db: sqlx::PgPool) {
    let (admin, _, volunteer, f, _) = team(db).await;
    let elsewhere = volunteer.household_outside(f.tdp).await;
    let (name, year): (String, i32) = sqlx::query_as(
        "select full_name, birth_year from residents where household_id = $1 limit 1",
    )
    .bind(elsewhere)
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let body = json!({ "tdp_id": f.tdp, "full_name": name, "birth_year": year });
    let (_, seen) = check(&volunteer, body.clone()).await;
    assert!(
        seen["residents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["household_id"] != elsewhere.to_string()),
        "a volunteer sees their own TDP's people only: {seen}"
    );
    let (_, seen) = check(&admin, body).await;
    assert!(
        seen["residents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["household_id"] == elsewhere.to_string()),
        "{seen}"
    );
}

#[sqlx::test(migrations = false)]
async fn what_is_added_all_the_same_waits_for_the_team_leader(db: sqlx::PgPool) {
    let (_, leader, volunteer, f, (name, year)) = team(db).await;
    let address: String = sqlx::query_scalar("select address from households where id = $1")
        .bind(f.household)
        .fetch_one(&volunteer.db)
        .await
        .unwrap();
    let home = json!({
        "id": Uuid::now_v7(), "made_at": Utc::now(),
        "change": {
            "kind": "household", "tdp_id": f.tdp, "address": address.to_uppercase(),
            "head_name": "Lê Văn Tám",
            "priority": { "elderly_alone": false, "disability": false, "poverty": "none" },
        },
    });
    let twin = json!({
        "id": Uuid::now_v7(), "made_at": Utc::now(),
        "change": {
            "kind": "resident", "household_id": home["id"], "full_name": plain(&name),
            "birth_year": year, "gender": "male", "consent": true,
        },
    });
    let (status, outcomes) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/sync/outbox"),
            json!({ "sent_at": Utc::now(), "changes": [home, twin] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    assert_eq!(outcomes[0]["status"], "stored");
    assert_eq!(
        outcomes[1]["status"], "stored",
        "a likely duplicate is kept, not refused"
    );

    let list = format!("/api/v1/wards/{WARD}/likely-duplicates");
    assert_eq!(volunteer.get(&list).await.0, StatusCode::FORBIDDEN);
    let (status, open) = leader.get(&list).await;
    assert_eq!(status, StatusCode::OK, "{open}");
    let pairs: Vec<(String, String, String)> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["added"]["id"].as_str().unwrap().to_owned(),
                d["existing"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    assert!(
        pairs.contains(&("household".into(), id(&home), f.household.to_string())),
        "{open}"
    );
    assert!(
        pairs.contains(&("resident".into(), id(&twin), f.residents[0].to_string())),
        "{open}"
    );
    let resident = open
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "resident")
        .unwrap();
    assert_eq!(resident["existing"]["name"], name.as_str());
    assert_eq!(resident["existing"]["birth_year"], year);

    // They are two people: the team leader says so, once or twice.
    let dismiss = format!(
        "/api/v1/wards/{WARD}/likely-duplicates/{}/dismiss",
        resident["id"]
    );
    assert_eq!(
        volunteer.post(&dismiss, json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        leader.post(&dismiss, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        leader.post(&dismiss, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, open) = leader.get(&list).await;
    assert!(
        open.as_array()
            .unwrap()
            .iter()
            .all(|d| d["kind"] != "resident")
    );
}

#[sqlx::test(migrations = false)]
async fn a_check_with_bad_input_says_which_field(db: sqlx::PgPool) {
    let (_, _, volunteer, f, _) = team(db).await;
    let (status, body) = check(
        &volunteer,
        json!({ "tdp_id": f.tdp, "full_name": "A".repeat(121), "birth_year": 1950 }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("full_name", "too_long")]);
    let other_ward: Uuid =
        sqlx::query_scalar("select id from tdps where ward_code <> $1 order by code limit 1")
            .bind(WARD)
            .fetch_one(&volunteer.db)
            .await
            .unwrap();
    let (status, body) = check(
        &volunteer,
        json!({ "tdp_id": other_ward, "address": "Số 1" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("tdp_id", "other_ward")]);
}
