//! A resident entered twice, merged by the team leader into the record that stays: the copy's
//! history goes there, every count comes out as a recount from scratch, and a phone's change
//! about the copy is refused as merged rather than left waiting.

use axum::http::StatusCode;
use chrono::Utc;
use domain::access::Role;
use domain::models::default_settings;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Fixture, TestApp, WARD, achieve, app, assert_counts_match_a_recount};

/// The admin, the first team's leader and volunteer, their TDP's fixture, and a copy of its
/// first resident added again to the same household by the volunteer.
async fn entered_twice(db: sqlx::PgPool) -> (TestApp, TestApp, TestApp, Fixture, Uuid) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let tdp = leader.own_tdp().await;
    let f = admin.fixture_in(tdp).await;
    let (name, year): (String, i32) =
        sqlx::query_as("select full_name, birth_year from residents where id = $1")
            .bind(f.residents[0])
            .fetch_one(&admin.db)
            .await
            .unwrap();
    let copy = Uuid::now_v7();
    let (status, body) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/residents"),
            json!({ "id": copy, "household_id": f.household, "full_name": domain::text::fold(&name),
                    "birth_year": year, "gender": "male", "consent": true }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (admin, leader, volunteer, f, copy)
}

async fn merge(app: &TestApp, copy: Uuid, into: Uuid) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/residents/{copy}/merge"),
        json!({ "into_id": into }),
    )
    .await
}

#[sqlx::test(migrations = false)]
async fn a_copy_merged_takes_its_history_to_the_record_that_stays_and_leaves_every_count(
    db: sqlx::PgPool,
) {
    let (admin, leader, volunteer, f, copy) = entered_twice(db).await;
    let kept = f.residents[0];
    // The copy was helped and guides the household; it also learns from the record that stays.
    let family = default_settings().family_skills;
    achieve(&leader, &f, copy, &family).await;
    let (status, body) = leader
        .put(
            &format!("/api/v1/households/{}/guide", f.household),
            json!({ "resident_id": copy }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, mentor) = leader
        .put(&format!("/api/v1/residents/{kept}/ambassador"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{mentor}");
    let (status, body) = leader
        .put(
            &format!("/api/v1/residents/{copy}/mentor"),
            json!({ "mentor_id": mentor["id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = leader.get(&format!("/api/v1/residents/{kept}")).await.1;
    assert_counts_match_a_recount(&admin.db).await;

    // Only a team leader (or the admin) merges.
    assert_eq!(merge(&volunteer, copy, kept).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        merge(&leader, copy, copy).await.1["fields"][0]["code"],
        "not_mergeable"
    );
    let (status, merged) = merge(&leader, copy, kept).await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["id"], json!(kept));
    let achieved = |r: &Value| {
        r["skills"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["status"] == "achieved")
            .count()
    };
    assert!(
        achieved(&merged) >= family.len() && achieved(&merged) >= achieved(&before),
        "{merged}"
    );
    assert!(
        merged["history"].as_array().unwrap().len() > before["history"].as_array().unwrap().len()
    );
    assert_eq!(
        leader.get(&format!("/api/v1/residents/{copy}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (guide, learners): (Option<Uuid>, i64) = sqlx::query_as(
        "select (select guide_id from households where id = $1),
                (select count(*) from mentor_learners where resident_id = any($2))",
    )
    .bind(f.household)
    .bind([copy, kept])
    .fetch_one(&admin.db)
    .await
    .unwrap();
    assert_eq!(
        guide,
        Some(kept),
        "the household's guide is the record that stays"
    );
    assert_eq!(learners, 0, "nobody learns from themself");
    assert_counts_match_a_recount(&admin.db).await;

    // Merging the same again answers the same; into another record, a conflict.
    assert_eq!(merge(&leader, copy, kept).await.0, StatusCode::OK);
    assert_eq!(
        merge(&leader, copy, f.residents[1]).await.0,
        StatusCode::CONFLICT
    );
    // A phone that still had the copy: its change is refused as merged, not left waiting.
    let (status, outcomes) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/sync/outbox"),
            json!({ "sent_at": Utc::now(), "changes": [{
                "id": Uuid::now_v7(), "made_at": Utc::now(),
                "change": { "kind": "resident_edit", "resident_id": copy, "base_version": 1,
                            "fields": { "note": "Hẹn thứ Bảy" } },
            }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    assert_eq!(outcomes[0]["status"], "invalid", "{outcomes}");
    assert_eq!(outcomes[0]["fields"][0]["code"], "merged", "{outcomes}");
    // The pair has left the team leader's list, and the audit log keeps the merge.
    let (_, open) = leader
        .get(&format!("/api/v1/wards/{WARD}/likely-duplicates"))
        .await;
    assert!(!open.to_string().contains(&copy.to_string()), "{open}");
    let logged: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where entity = 'residents' and entity_id = $1
         and change ? 'merged_into'",
    )
    .bind(copy.to_string())
    .fetch_one(&admin.db)
    .await
    .unwrap();
    assert_eq!(logged, 1);
}

#[sqlx::test(migrations = false)]
async fn a_copy_that_was_an_ambassador_hands_its_learners_to_the_record_that_stays(
    db: sqlx::PgPool,
) {
    let (admin, leader, _, f, copy) = entered_twice(db).await;
    let kept = f.residents[0];
    let (status, mentor) = leader
        .put(&format!("/api/v1/residents/{copy}/ambassador"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{mentor}");
    for learner in [kept, f.residents[1]] {
        let (status, body) = leader
            .put(
                &format!("/api/v1/residents/{learner}/mentor"),
                json!({ "mentor_id": mentor["id"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, merged) = merge(&leader, copy, kept).await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["mentor_id"], mentor["id"], "{merged}");
    let (_, other) = leader
        .get(&format!("/api/v1/residents/{}", f.residents[1]))
        .await;
    assert_eq!(other["learns_from"]["mentor_id"], mentor["id"], "{other}");
    assert_eq!(merged["learns_from"], Value::Null, "{merged}");
    assert_counts_match_a_recount(&admin.db).await;
}

#[sqlx::test(migrations = false)]
async fn a_household_entered_twice_merges_with_its_residents_visits_and_guide(db: sqlx::PgPool) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let f = admin.fixture_in(leader.own_tdp().await).await;
    let (status, kept) = leader
        .get(&format!("/api/v1/households/{}", f.household))
        .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    // The fixture's household was visited; the copy is added, visited and given a guide.
    let (status, body) = leader
        .post(&format!("/api/v1/wards/{WARD}/visits"), f.visit())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, copy) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/households"),
            json!({ "tdp_id": f.tdp, "address": kept["address"], "head_name": "Lê Văn Tám",
                    "priority": { "elderly_alone": false, "disability": false, "poverty": "none" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    let copy: Uuid = copy["id"].as_str().unwrap().parse().unwrap();
    let (status, tam) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/residents"),
            json!({ "household_id": copy, "full_name": "Lê Văn Tám", "birth_year": 1958,
                    "gender": "male", "consent": true }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{tam}");
    let mut visit = f.visit();
    visit["household_id"] = json!(copy);
    visit["help"] =
        json!([{ "resident_id": tam["id"], "skill_id": f.skills[0], "outcome": "achieved" }]);
    let (status, body) = leader
        .post(&format!("/api/v1/wards/{WARD}/visits"), visit)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = leader
        .put(
            &format!("/api/v1/households/{copy}/guide"),
            json!({ "resident_id": tam["id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_counts_match_a_recount(&admin.db).await;

    // A phone of the team has pulled its TDP, the copy included.
    let pulled = volunteer
        .get(&format!("/api/v1/wards/{WARD}/sync/changes"))
        .await
        .1;
    let cursor = pulled["cursor"].as_str().unwrap().to_owned();
    let merge = |app: TestApp, into: Uuid| async move {
        app.post(
            &format!("/api/v1/households/{copy}/merge"),
            json!({ "into_id": into }),
        )
        .await
    };
    assert_eq!(
        merge(volunteer.clone(), f.household).await.0,
        StatusCode::FORBIDDEN
    );
    let elsewhere = admin.household_outside(f.tdp).await;
    assert_eq!(
        merge(admin.clone(), elsewhere).await.1["fields"][0]["code"],
        "not_mergeable",
        "households of two TDPs are two"
    );
    let (status, merged) = merge(leader.clone(), f.household).await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(ids(&merged["residents"]).contains(&tam["id"].as_str().unwrap().to_owned()));
    assert_eq!(
        ids(&merged["residents"]).len(),
        ids(&kept["residents"]).len() + 1
    );
    assert!(merged["visits"].as_array().unwrap().len() >= 2, "{merged}");
    let had_guide = kept["guide_id"].clone();
    if had_guide.is_null() {
        assert_eq!(merged["guide_id"], tam["id"], "it takes the copy's guide");
    } else {
        assert_eq!(merged["guide_id"], had_guide, "it keeps its own guide");
    }
    assert_eq!(
        leader.get(&format!("/api/v1/households/{copy}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_counts_match_a_recount(&admin.db).await;
    // Its next pull forgets the copy and brings the household that stays.
    let (status, next) = volunteer
        .get(&format!(
            "/api/v1/wards/{WARD}/sync/changes?since={}",
            cursor.replace(',', "%2C")
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{next}");
    assert_eq!(next["merged_households"], json!([copy]), "{next}");
    assert!(ids(&next["households"]).contains(&f.household.to_string()));

    // Again the same, or into another; and a phone's visit to the copy, refused as merged.
    assert_eq!(merge(leader.clone(), f.household).await.0, StatusCode::OK);
    assert_eq!(
        merge(admin.clone(), elsewhere).await.0,
        StatusCode::CONFLICT
    );
    let late = f.visit();
    let (status, outcomes) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/sync/outbox"),
            json!({ "sent_at": Utc::now(), "changes": [{
                "id": late["id"], "made_at": Utc::now(), "change": { "kind": "visit", "household_id": copy,
                "visited_on": late["visited_on"], "volunteer_ids": [f.member], "help": [],
                "satisfaction": 4, "note": "" },
            }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    let refused = &outcomes[0];
    assert_eq!(
        (
            &refused["status"],
            &refused["fields"][0]["field"],
            &refused["fields"][0]["code"]
        ),
        (&json!("invalid"), &json!("household_id"), &json!("merged")),
        "{outcomes}"
    );
    // The same from an older app's visits-only outbox.
    let mut visit = late.clone();
    visit["household_id"] = json!(copy);
    visit["help"] = json!([]);
    let (status, outcomes) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/sync/visits"),
            json!({ "sent_at": Utc::now(), "visits": [{ "recorded_at": Utc::now(), "visit": visit }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    assert_eq!(outcomes[0]["id"], late["id"]);
    assert_eq!(outcomes[0]["status"], "invalid");
    assert_eq!(outcomes[0]["fields"][0]["code"], "merged", "{outcomes}");
}
