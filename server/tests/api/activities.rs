//! Classes and other activities: scheduling, attendance, and the confirmation of what the
//! attendees learnt, which moves their skill statuses forward.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Fixture, OTHER_WARD, TestApp, WARD, app, field_errors, pair};

fn class(id: Uuid, tdp: Option<Uuid>, topics: &[Uuid], capacity: Option<i32>) -> Value {
    json!({
        "id": id, "kind": "elderly_class", "title": "Cài VNeID cho người cao tuổi",
        "tdp_id": tdp, "place": "Nhà văn hoá tổ 1", "organiser": "Đoàn phường",
        // 19:30–21:00 in Vietnam.
        "starts_at": "2026-11-25T12:30:00Z", "ends_at": "2026-11-25T14:00:00Z",
        "topics": topics, "capacity": capacity
    })
}

async fn schedule(app: &TestApp, body: Value) -> Value {
    let (status, a) = app
        .post(&format!("/api/v1/wards/{WARD}/activities"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    a
}

async fn activity_count(app: &TestApp) -> i64 {
    sqlx::query_scalar!(r#"select count(*) as "n!" from activities"#)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Three adults of the fixture's TDP, the fixture's first resident last.
async fn three_residents(app: &TestApp, f: &Fixture) -> Vec<Uuid> {
    let mut people = sqlx::query_scalar!(
        "select id from residents where tdp_id = $1 and birth_year <= 2000 and id <> $2
         order by birth_year, id limit 2",
        f.tdp,
        f.residents[0]
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    people.push(f.residents[0]);
    people
}

/// A resident's status for a skill, and the visit or activity that established it.
type Status = (String, Option<String>, Option<String>);

async fn skill_status(app: &TestApp, resident: Uuid, skill: Uuid) -> Option<Status> {
    let (_, r) = app.get(&format!("/api/v1/residents/{resident}")).await;
    r["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill_id"] == json!(skill))
        .map(|s| {
            (
                s["status"].as_str().unwrap().to_owned(),
                s["visit_id"].as_str().map(str::to_owned),
                s["activity_id"].as_str().map(str::to_owned),
            )
        })
}

#[sqlx::test(migrations = false)]
async fn schedules_an_activity_once_and_lists_it_by_period(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let id = Uuid::now_v7();
    let body = class(id, None, &f.skills[..2], Some(30));
    let before = activity_count(&app).await;
    let a = schedule(&app, body.clone()).await;
    assert_eq!(a["tdp_id"], Value::Null);
    assert_eq!(a["topics"], json!(&f.skills[..2]));
    assert_eq!(a["attendees"], 0);
    // Sent again by a phone that lost the answer: the same activity, once.
    assert_eq!(schedule(&app, body.clone()).await, a);
    assert_eq!(activity_count(&app).await, before + 1);
    let mut changed = body;
    changed["title"] = json!("Một lớp khác");
    let (status, err) = app
        .post(&format!("/api/v1/wards/{WARD}/activities"), changed)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("id", "duplicate")]);

    // The period is in Vietnam's days: 19:30 on the 25th is on the 25th.
    let viewer = app.signed_in_as(WARD, Role::Viewer).await;
    for (period, expected) in [
        ("from=2026-11-25&to=2026-11-25", 1),
        ("from=2026-11-23&to=2026-11-29", 1),
        ("from=2026-11-26", 0),
        ("to=2026-11-24", 0),
        ("", 1),
    ] {
        let (status, list) = viewer
            .get(&format!("/api/v1/wards/{WARD}/activities?{period}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let ours = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["id"] == json!(id));
        assert_eq!(ours.count(), expected, "{period}");
    }
}

#[sqlx::test(migrations = false)]
async fn refuses_bad_activities_and_writes_nothing(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let other = app.fixture(OTHER_WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/activities");
    let before = activity_count(&app).await;

    let mut body = class(Uuid::now_v7(), None, &[], Some(0));
    body["ends_at"] = body["starts_at"].clone();
    body["title"] = json!("  ");
    let (status, err) = app.post(&uri, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("title", "required"),
            pair("ends_at", "ends_before_start"),
            pair("capacity", "out_of_range")
        ]
    );
    let (status, err) = app
        .post(
            &uri,
            class(Uuid::now_v7(), None, &[f.skills[0], other.skills[0]], None),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("topics[1]", "unknown_reference")]);
    let (status, err) = app
        .post(&uri, class(Uuid::now_v7(), Some(other.tdp), &[], None))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("tdp_id", "other_ward")]);
    assert_eq!(activity_count(&app).await, before);

    // A team leader schedules for their own TDP, not for the ward.
    let leader = app.signed_in_as(WARD, Role::TeamLeader).await;
    let (status, _) = leader
        .post(&uri, class(Uuid::now_v7(), None, &[], None))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(activity_count(&app).await, before);
}

#[sqlx::test(migrations = false)]
async fn attendance_then_confirmed_learning_moves_skills_forward(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let leader = app.signed_in_as(WARD, Role::TeamLeader).await;
    let volunteer = app.signed_in_as(WARD, Role::Volunteer).await;
    let (vneid, portal) = (f.skills[0], f.skills[1]);
    let people = three_residents(&app, &f).await;
    // The third already has the skill, from a visit the day before the class: the class does
    // not take it away (the earliest achievement stands).
    let mut visit = f.visit();
    visit["visited_on"] = json!("2026-11-24");
    let (status, v) = volunteer
        .post(&format!("/api/v1/wards/{WARD}/visits"), visit)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = Uuid::now_v7();
    schedule(&leader, class(id, Some(f.tdp), &[vneid, portal], Some(3))).await;
    let attendance = format!("/api/v1/activities/{id}/attendance");

    // Over capacity without confirming: refused, nothing recorded.
    let (status, err) = volunteer
        .put(
            &attendance,
            json!({ "resident_ids": people, "unregistered": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("resident_ids", "over_capacity")]);
    let (_, d) = app.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(d["activity"]["attendees"], 0);
    // Someone from another TDP is not the volunteer's to record.
    let outsider = app.household_outside(f.tdp).await;
    let outsider: Uuid = sqlx::query_scalar!(
        "select id from residents where household_id = $1 limit 1",
        outsider
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (status, err) = volunteer
        .put(
            &attendance,
            json!({ "resident_ids": [people[0], outsider], "unregistered": 0 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("resident_ids[1]", "unknown_reference")]
    );

    let body = json!({ "resident_ids": people, "unregistered": 0 });
    let (status, d) = volunteer.put(&attendance, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["activity"]["attendees"], 3);
    assert_eq!(d["attendees"].as_array().unwrap().len(), 3);
    assert_eq!(
        volunteer.put(&attendance, body).await.1,
        d,
        "the same list again changes nothing"
    );
    // The viewer sees the count, not the names.
    let viewer = app.signed_in_as(WARD, Role::Viewer).await;
    let (_, seen) = viewer.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(
        (
            seen["attendees"].clone(),
            seen["attendees_elsewhere"].clone()
        ),
        (json!([]), json!(3))
    );

    // Volunteers record attendance; the team leader confirms what was learnt.
    let learning = format!("/api/v1/activities/{id}/learning");
    let (status, _) = volunteer
        .put(&learning, json!({ "achieved": [people[0]] }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, err) = leader
        .put(&learning, json!({ "achieved": [outsider] }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("achieved[0]", "unknown_reference")]
    );
    let (status, d) = leader
        .put(&learning, json!({ "achieved": [people[0], people[2]] }))
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert!(d["activity"]["confirmed_at"].is_string());
    let activity = Some(id.to_string());
    assert_eq!(
        skill_status(&app, people[0], vneid).await,
        Some(("achieved".into(), None, activity.clone()))
    );
    assert_eq!(
        skill_status(&app, people[0], portal).await,
        Some(("achieved".into(), None, activity.clone()))
    );
    assert_eq!(
        skill_status(&app, people[1], vneid).await,
        Some(("in_progress".into(), None, activity.clone()))
    );
    let from_visit = skill_status(&app, people[2], vneid).await.unwrap();
    assert_eq!(
        (from_visit.0.as_str(), from_visit.2),
        ("achieved", None),
        "kept from the earlier visit"
    );
    // Confirmed again with fewer: nobody loses a skill.
    let (status, _) = leader.put(&learning, json!({ "achieved": [] })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        skill_status(&app, people[0], vneid).await.unwrap().0,
        "achieved"
    );
    // The resident's page lists the class.
    let (_, r) = app.get(&format!("/api/v1/residents/{}", people[1])).await;
    let class = r["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["activity_id"] == json!(id))
        .expect("the class is on the resident's page");
    assert_eq!(class["outcome"], "in_progress");
}

#[sqlx::test(migrations = false)]
async fn learning_needs_topics(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let id = Uuid::now_v7();
    schedule(&app, class(id, Some(f.tdp), &[], None)).await;
    let (status, err) = app
        .put(
            &format!("/api/v1/activities/{id}/learning"),
            json!({ "achieved": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("topics", "required")]);
}

/// Someone who withdrew their consent is listed at no new class, and what they learnt at one
/// they attended before is not recorded; the others' is.
#[sqlx::test(migrations = false)]
async fn a_withdrawn_consent_stops_attendance_and_learning(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let leader = app.signed_in_as(WARD, Role::TeamLeader).await;
    let people = three_residents(&app, &f).await;
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    schedule(&leader, class(first, Some(f.tdp), &[f.skills[0]], None)).await;
    schedule(&leader, class(second, Some(f.tdp), &[f.skills[0]], None)).await;
    let body = json!({ "resident_ids": people, "unregistered": 0 });
    let (status, d) = leader
        .put(
            &format!("/api/v1/activities/{first}/attendance"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    let (status, _) = leader
        .put(
            &format!("/api/v1/residents/{}/consent", people[1]),
            json!({ "given": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Listed before, they stay listed; newly listed, they are refused.
    let (status, d) = leader
        .put(
            &format!("/api/v1/activities/{first}/attendance"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    let (status, err) = leader
        .put(&format!("/api/v1/activities/{second}/attendance"), body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("resident_ids[1]", "consent_withdrawn")]
    );
    let learning = format!("/api/v1/activities/{first}/learning");
    let (status, err) = leader
        .put(&learning, json!({ "achieved": [people[0], people[1]] }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("achieved[1]", "consent_withdrawn")]
    );
    let (status, d) = leader
        .put(&learning, json!({ "achieved": [people[0]] }))
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        skill_status(&app, people[0], f.skills[0]).await.unwrap().0,
        "achieved"
    );
    assert_eq!(skill_status(&app, people[1], f.skills[0]).await, None);
}
