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
