//! Corrections: a visit voided leaves the household and every figure, and the skill statuses
//! it established are worked out again from what remains.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use domain::models::default_settings;

use crate::common::{
    Fixture, TestApp, WARD, achieve, app, assert_counts_match_a_recount, field_errors, pair,
};

/// The team leader and the volunteer of the demo ward's first team, and a household of it
/// whose first resident has no status yet for the first skill.
async fn team(db: sqlx::PgPool) -> (TestApp, TestApp, TestApp, Fixture) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let tdp = leader.own_tdp().await;
    assert_eq!(
        volunteer.own_tdp().await,
        tdp,
        "the demo's team roles share a TDP"
    );
    let f = leader.fixture_in(tdp).await;
    sqlx::query("delete from resident_skills where resident_id = $1")
        .bind(f.residents[0])
        .execute(&admin.db)
        .await
        .unwrap();
    (admin, leader, volunteer, f)
}

/// A visit in which the first resident reached `outcome` on the first skill, on `day`.
fn visit(f: &Fixture, day: chrono::NaiveDate, outcome: &str) -> Value {
    json!({
        "id": Uuid::now_v7(), "household_id": f.household, "visited_on": day,
        "volunteer_ids": [f.member], "satisfaction": 4, "note": "",
        "help": [{ "resident_id": f.residents[0], "skill_id": f.skills[0], "outcome": outcome }],
    })
}

async fn record(app: &TestApp, visit: &Value) {
    let (status, body) = app
        .post(&format!("/api/v1/wards/{WARD}/visits"), visit.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn void(app: &TestApp, visit: &Value, reason: &str) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/visits/{}/void", visit["id"].as_str().unwrap()),
        json!({ "reason": reason }),
    )
    .await
}

/// The first resident's status for the first skill: status, since and the visit behind it.
async fn skill_status(app: &TestApp, f: &Fixture) -> Option<(String, String, Value)> {
    let (_, r) = app
        .get(&format!("/api/v1/residents/{}", f.residents[0]))
        .await;
    r["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill_id"] == f.skills[0].to_string())
        .map(|s| {
            (
                s["status"].as_str().unwrap().to_owned(),
                s["since"].as_str().unwrap().to_owned(),
                s["visit_id"].clone(),
            )
        })
}

/// The TDP's figures as its page shows them.
async fn indicators(app: &TestApp, f: &Fixture) -> Value {
    app.get(&format!("/api/v1/tdps/{}", f.tdp)).await.1["indicators"].clone()
}

#[sqlx::test(migrations = false)]
async fn a_team_leader_voids_a_visit_and_every_figure_comes_back(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let before = indicators(&leader, &f).await;
    let v = visit(&f, f.today, "achieved");
    record(&volunteer, &v).await;
    assert_ne!(indicators(&leader, &f).await, before);

    let (status, voided) = void(&leader, &v, "Ghi nhầm hộ").await;
    assert_eq!(status, StatusCode::OK, "{voided}");
    assert_eq!(voided["id"], v["id"]);
    assert_eq!(voided["household_id"], f.household.to_string());
    assert_eq!(indicators(&leader, &f).await, before);
    assert_eq!(skill_status(&leader, &f).await, None);
    let id = v["id"].as_str().unwrap();
    assert_eq!(
        leader.get(&format!("/api/v1/visits/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_counts_match_a_recount(&leader.db).await;
    // What it said and why it went are in the audit log.
    let (reason, note): (String, String) = sqlx::query_as(
        "select change->>'reason', change->'visit'->>'id' from audit_log
         where entity = 'visits' and entity_id = $1 and action = 'delete'",
    )
    .bind(id)
    .fetch_one(&leader.db)
    .await
    .unwrap();
    assert_eq!((reason.as_str(), note.as_str()), ("Ghi nhầm hộ", id));

    // Asked again: the same answer, nothing more done.
    assert_eq!(
        void(&leader, &v, "Ghi nhầm hộ").await,
        (StatusCode::OK, voided)
    );
    // Sent again from an outbox: refused with the reason, never stored again.
    let (status, body) = volunteer
        .post(&format!("/api/v1/wards/{WARD}/visits"), v.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("id", "voided")]);
    let batch = json!({
        "sent_at": chrono::Utc::now(),
        "visits": [{ "recorded_at": chrono::Utc::now(), "visit": v }],
    });
    let (status, outcomes) = volunteer
        .post(&format!("/api/v1/wards/{WARD}/sync/visits"), batch)
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    assert_eq!(outcomes[0]["status"], "invalid");
    assert_eq!(outcomes[0]["fields"][0]["code"], "voided");
    assert_eq!(indicators(&leader, &f).await, before);
}

#[sqlx::test(migrations = false)]
async fn a_skill_falls_back_on_the_visits_that_remain(db: sqlx::PgPool) {
    let (_, leader, _, f) = team(db).await;
    let day = |n| f.today - chrono::TimeDelta::days(n);
    let started = visit(&f, day(6), "in_progress");
    let again = visit(&f, day(3), "in_progress");
    let reached = visit(&f, day(1), "achieved");
    for v in [&started, &again, &reached] {
        record(&leader, v).await;
    }
    let from = |status: &str, v: &Value, day: chrono::NaiveDate| {
        Some((status.to_owned(), day.to_string(), v["id"].clone()))
    };
    assert_eq!(
        skill_status(&leader, &f).await,
        from("achieved", &reached, day(1))
    );

    assert_eq!(
        void(&leader, &reached, "Chưa thực hiện").await.0,
        StatusCode::OK
    );
    assert_eq!(
        skill_status(&leader, &f).await,
        from("in_progress", &again, day(3))
    );
    assert_counts_match_a_recount(&leader.db).await;
    // A visit that did not establish the status changes nothing.
    assert_eq!(
        void(&leader, &started, "Trùng lượt").await.0,
        StatusCode::OK
    );
    assert_eq!(
        skill_status(&leader, &f).await,
        from("in_progress", &again, day(3))
    );
    assert_eq!(void(&leader, &again, "Trùng lượt").await.0, StatusCode::OK);
    assert_eq!(skill_status(&leader, &f).await, None);
    assert_counts_match_a_recount(&leader.db).await;
}

#[sqlx::test(migrations = false)]
async fn whoever_recorded_a_visit_may_void_it_for_a_week(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let by_leader = visit(&f, f.today, "achieved");
    record(&leader, &by_leader).await;
    assert_eq!(
        void(&volunteer, &by_leader, "Ghi nhầm").await.0,
        StatusCode::FORBIDDEN,
        "a volunteer voids only their own visits"
    );

    let own = visit(&f, f.today, "in_progress");
    record(&volunteer, &own).await;
    let me = volunteer.get("/api/v1/session").await.1["user"]["id"].clone();
    let id = own["id"].as_str().unwrap();
    assert_eq!(
        volunteer.get(&format!("/api/v1/visits/{id}")).await.1["recorded_by"],
        me
    );
    let old = visit(&f, f.today, "in_progress");
    record(&volunteer, &old).await;
    sqlx::query("update visits set recorded_at = recorded_at - interval '8 days' where id = $1")
        .bind(old["id"].as_str().unwrap().parse::<Uuid>().unwrap())
        .execute(&leader.db)
        .await
        .unwrap();
    assert_eq!(void(&volunteer, &own, "Ghi nhầm").await.0, StatusCode::OK);
    assert_eq!(
        void(&volunteer, &old, "Ghi nhầm").await.0,
        StatusCode::FORBIDDEN,
        "after 7 days, the team leader voids it"
    );
    assert_eq!(void(&leader, &old, "Ghi nhầm").await.0, StatusCode::OK);
    assert_counts_match_a_recount(&leader.db).await;
}

#[sqlx::test(migrations = false)]
async fn a_visit_is_voided_only_with_a_reason(db: sqlx::PgPool) {
    let (_, leader, _, f) = team(db).await;
    let v = visit(&f, f.today, "achieved");
    record(&leader, &v).await;
    let (status, body) = void(&leader, &v, " ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("reason", "required")]);
    let (status, body) = void(&leader, &v, "nhầm người, CCCD 001085012345").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("reason", "id_number")]);
    let (status, body) = void(&leader, &v, &"x".repeat(2001)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("reason", "too_long")]);
    // Nothing was voided.
    let id = v["id"].as_str().unwrap();
    assert_eq!(
        leader.get(&format!("/api/v1/visits/{id}")).await.0,
        StatusCode::OK
    );
    let unknown = json!({ "id": Uuid::now_v7() });
    assert_eq!(
        void(&leader, &unknown, "Ghi nhầm").await.0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = false)]
async fn erasing_a_resident_forgets_what_their_voided_visits_said(db: sqlx::PgPool) {
    let (admin, leader, _, f) = team(db).await;
    let v = visit(&f, f.today, "achieved");
    record(&leader, &v).await;
    assert_eq!(void(&leader, &v, "Ghi nhầm hộ").await.0, StatusCode::OK);
    let (status, body) = admin
        .post(
            &format!("/api/v1/residents/{}/erasure", f.residents[0]),
            json!({}),
        )
        .await;
    assert!(status.is_success(), "{status} {body}");
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from audit_log
         where entity_id = $1 and strpos(change::text, $2) > 0",
    )
    .bind(v["id"].as_str().unwrap())
    .bind(f.residents[0].to_string())
    .fetch_one(&admin.db)
    .await
    .unwrap();
    assert_eq!(
        kept, 0,
        "an audit entry of the voided visit still names the resident"
    );
}

/// The fixture's household made a digital family: its first resident achieves the family
/// skills and guides it.
async fn digital_family(app: &TestApp, f: &Fixture) -> (Uuid, Uuid) {
    let guide = f.residents[0];
    achieve(app, f, guide, &default_settings().family_skills).await;
    let (status, body) = app
        .put(
            &format!("/api/v1/households/{}/guide", f.household),
            json!({ "resident_id": guide }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (f.household, guide)
}

/// The residents the TDP's kept counts hold.
async fn counted(app: &TestApp, f: &Fixture) -> i64 {
    sqlx::query_scalar("select sum(residents)::bigint from tdp_resident_counts where tdp_id = $1")
        .bind(f.tdp)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn depart(app: &TestApp, resident: Uuid, departure: Value) -> (StatusCode, Value) {
    app.put(
        &format!("/api/v1/residents/{resident}/departure"),
        json!({ "departure": departure }),
    )
    .await
}

#[sqlx::test(migrations = false)]
async fn a_resident_who_died_leaves_every_count_and_stays_in_the_history(db: sqlx::PgPool) {
    let (admin, leader, volunteer, f) = team(db).await;
    let (home, guide) = digital_family(&leader, &f).await;
    let before = indicators(&leader, &f).await;
    let residents = counted(&leader, &f).await;
    let history = leader.get(&format!("/api/v1/residents/{guide}")).await.1["history"].clone();
    let died = json!({ "on": f.today, "reason": "deceased" });

    let (status, r) = depart(&volunteer, guide, died.clone()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["departure"], died);
    assert_eq!(r["history"], history, "their history stays");
    let after = indicators(&leader, &f).await;
    assert_eq!(
        after["models"]["families"]["achieved"],
        before["models"]["families"]["achieved"].as_i64().unwrap() - 1,
        "the household they guided is no longer a digital family"
    );
    assert_eq!(
        after["skills"][0]["achieved"],
        before["skills"][0]["achieved"].as_i64().unwrap() - 1,
        "their skills leave the figures"
    );
    assert_eq!(counted(&leader, &f).await, residents - 1);
    let (_, h) = leader.get(&format!("/api/v1/households/{home}")).await;
    assert_eq!(h["guide_id"], Value::Null);
    let listed = h["residents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == guide.to_string())
        .unwrap()
        .clone();
    assert_eq!(listed["departure"], died);
    assert_counts_match_a_recount(&leader.db).await;
    crate::models::assert_counts_follow_the_rules(&admin).await;

    // Nothing new is recorded for them.
    let helped = json!({
        "id": Uuid::now_v7(), "household_id": home, "visited_on": f.today,
        "volunteer_ids": [f.member], "satisfaction": 4, "note": "",
        "help": [{ "resident_id": guide, "skill_id": f.skills[0], "outcome": "achieved" }],
    });
    let (status, body) = volunteer
        .post(&format!("/api/v1/wards/{WARD}/visits"), helped)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        field_errors(&body),
        [pair("help[0].resident_id", "departed")]
    );
    // Said again: nothing more, and one audit entry.
    assert_eq!(depart(&volunteer, guide, died).await.0, StatusCode::OK);
    let entries: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where entity = 'residents' and entity_id = $1
         and change ? 'departure'",
    )
    .bind(guide.to_string())
    .fetch_one(&leader.db)
    .await
    .unwrap();
    assert_eq!(entries, 1);

    // Entered by mistake: counted again.
    let (status, r) = depart(&leader, guide, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["departure"], Value::Null);
    let again = indicators(&leader, &f).await;
    assert_eq!(again["skills"], before["skills"]);
    assert_eq!(counted(&leader, &f).await, residents);
    assert_counts_match_a_recount(&leader.db).await;
    crate::models::assert_counts_follow_the_rules(&admin).await;
}

#[sqlx::test(migrations = false)]
async fn a_departure_is_on_a_day_that_has_come(db: sqlx::PgPool) {
    let (_, leader, _, f) = team(db).await;
    let tomorrow = f.today + chrono::TimeDelta::days(1);
    let (status, body) = depart(
        &leader,
        f.residents[0],
        json!({ "on": tomorrow, "reason": "moved_out" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("departure.on", "in_future")]);
    let (status, _) = depart(
        &leader,
        f.residents[0],
        json!({ "on": f.today, "reason": "abroad" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a reason of no list");
    assert_eq!(
        depart(
            &leader,
            Uuid::now_v7(),
            json!({ "on": f.today, "reason": "deceased" })
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = false)]
async fn a_departure_from_the_outbox_is_stored_once(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let before = counted(&leader, &f).await;
    let change = |resident: Uuid| {
        json!({
            "id": Uuid::now_v7(), "made_at": chrono::Utc::now(),
            "change": {
                "kind": "resident_departure", "resident_id": resident,
                "departure": { "on": f.today, "reason": "moved_out" },
            },
        })
    };
    let moved = change(f.residents[0]);
    let unknown = change(Uuid::now_v7());
    let send = async |changes: Value| {
        let (status, body) = volunteer
            .post(
                &format!("/api/v1/wards/{WARD}/sync/outbox"),
                json!({ "sent_at": chrono::Utc::now(), "changes": changes }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array()
            .unwrap()
            .iter()
            .map(|o| o["status"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(send(json!([moved, unknown])).await, ["stored", "waiting"]);
    assert_eq!(send(json!([moved])).await, ["already_stored"]);
    let (_, r) = leader
        .get(&format!("/api/v1/residents/{}", f.residents[0]))
        .await;
    assert_eq!(r["departure"]["reason"], "moved_out");
    assert_eq!(counted(&leader, &f).await, before - 1);
    assert_counts_match_a_recount(&leader.db).await;
}

/// A correction from a phone's outbox: `to` recorded in place of `visit`, under `to`'s id.
fn correction(visit: &Value, reason: &str, to: &Value) -> Value {
    json!({
        "id": to["id"], "made_at": chrono::Utc::now(),
        "change": { "kind": "correct_visit", "visit_id": visit["id"], "reason": reason, "visit": to },
    })
}

/// Sends the changes as one batch: what became of each.
async fn sync(app: &TestApp, changes: &[&Value]) -> Vec<Value> {
    let (status, body) = app
        .post(
            &format!("/api/v1/wards/{WARD}/sync/outbox"),
            json!({ "sent_at": chrono::Utc::now(), "changes": changes }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().unwrap().clone()
}

fn statuses(outcomes: &[Value]) -> Vec<&str> {
    outcomes
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect()
}

/// The ids of the household's visits, as its page lists them.
async fn visit_ids(app: &TestApp, f: &Fixture) -> Vec<Value> {
    let (_, h) = app
        .get(&format!("/api/v1/households/{}", f.household))
        .await;
    h["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].clone())
        .collect()
}

#[sqlx::test(migrations = false)]
async fn a_corrected_visit_counts_once_as_it_should_have_been(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let before = indicators(&leader, &f).await;
    let wrong = visit(&f, f.today, "in_progress");
    record(&volunteer, &wrong).await;
    let mut right = visit(&f, f.today, "achieved");
    right["satisfaction"] = json!(5);
    let fix = correction(&wrong, "Chọn nhầm mức", &right);

    assert_eq!(statuses(&sync(&volunteer, &[&fix]).await), ["stored"]);
    assert_eq!(visit_ids(&leader, &f).await, [right["id"].clone()]);
    let today = f.today.to_string();
    assert_eq!(
        skill_status(&leader, &f).await,
        Some(("achieved".into(), today, right["id"].clone()))
    );
    assert_counts_match_a_recount(&leader.db).await;
    let reason: String = sqlx::query_scalar(
        "select change->>'reason' from audit_log
         where entity = 'visits' and entity_id = $1 and action = 'delete'",
    )
    .bind(wrong["id"].as_str().unwrap())
    .fetch_one(&leader.db)
    .await
    .unwrap();
    assert_eq!(reason, "Chọn nhầm mức");

    // The answer was lost: sent again, it is the same correction.
    assert_eq!(
        statuses(&sync(&volunteer, &[&fix]).await),
        ["already_stored"]
    );
    let mut other = fix.clone();
    other["change"]["reason"] = json!("Lý do khác");
    assert_eq!(statuses(&sync(&volunteer, &[&other]).await), ["conflict"]);
    // A second correction of the visit that is gone, from another phone: refused, never a
    // second visit in its place.
    let late = correction(&wrong, "Sửa lại", &visit(&f, f.today, "achieved"));
    let outcomes = sync(&leader, &[&late]).await;
    assert_eq!(statuses(&outcomes), ["invalid"]);
    assert_eq!(outcomes[0]["fields"][0]["field"], "visit_id");
    assert_eq!(outcomes[0]["fields"][0]["code"], "voided");
    assert_eq!(visit_ids(&leader, &f).await, [right["id"].clone()]);

    // It counted once: voiding the one left brings every figure back.
    assert_eq!(void(&leader, &right, "Thử lại").await.0, StatusCode::OK);
    assert_eq!(indicators(&leader, &f).await, before);
    assert_counts_match_a_recount(&leader.db).await;
}

#[sqlx::test(migrations = false)]
async fn a_correction_is_whole_or_nothing_and_only_by_who_may_void(db: sqlx::PgPool) {
    let (admin, leader, volunteer, f) = team(db).await;
    let stranger = admin.resident_next_door(&f).await;
    let theirs = visit(&f, f.today, "in_progress");
    record(&leader, &theirs).await;
    let right = visit(&f, f.today, "achieved");

    // Not who recorded it, nor the team leader.
    let outcomes = sync(&volunteer, &[&correction(&theirs, "Sai", &right)]).await;
    assert_eq!(statuses(&outcomes), ["refused"]);
    // A visit in its place that cannot be recorded: the visit stays as it was.
    let mut elsewhere = visit(&f, f.today, "achieved");
    elsewhere["help"][0]["resident_id"] = json!(stranger);
    let outcomes = sync(&leader, &[&correction(&theirs, "Sai", &elsewhere)]).await;
    assert_eq!(statuses(&outcomes), ["invalid"]);
    assert_eq!(outcomes[0]["fields"][0]["field"], "help[0].resident_id");
    assert_eq!(outcomes[0]["fields"][0]["code"], "other_household");
    let outcomes = sync(&leader, &[&correction(&theirs, " ", &right)]).await;
    assert_eq!(statuses(&outcomes), ["invalid"]);
    assert_eq!(outcomes[0]["fields"][0]["field"], "reason");
    assert_eq!(visit_ids(&leader, &f).await, [theirs["id"].clone()]);
    let traces: i64 = sqlx::query_scalar(
        "select (select count(*) from voided_visits where id = $1)
              + (select count(*) from audit_log where entity = 'visits'
                 and entity_id = $1::text and action = 'delete')",
    )
    .bind(theirs["id"].as_str().unwrap().parse::<Uuid>().unwrap())
    .fetch_one(&admin.db)
    .await
    .unwrap();
    assert_eq!(traces, 0, "nothing of a refused correction is kept");

    // A correction that arrives before its visit waits for it; in one batch, the visit goes
    // in first.
    let mine = visit(&f, f.today, "in_progress");
    let recorded = json!({ "id": mine["id"], "made_at": chrono::Utc::now(),
                           "change": { "kind": "visit", "household_id": mine["household_id"],
                                       "visited_on": mine["visited_on"],
                                       "volunteer_ids": mine["volunteer_ids"],
                                       "help": mine["help"], "satisfaction": 4, "note": "" } });
    let fix = correction(&mine, "Sai mức", &right);
    assert_eq!(statuses(&sync(&volunteer, &[&fix]).await), ["waiting"]);
    assert_eq!(
        statuses(&sync(&volunteer, &[&fix, &recorded]).await),
        ["stored", "stored"]
    );
    let mut ids = visit_ids(&leader, &f).await;
    ids.sort_by_key(|v| v.to_string());
    let mut want = vec![theirs["id"].clone(), right["id"].clone()];
    want.sort_by_key(|v| v.to_string());
    assert_eq!(ids, want);
    assert_counts_match_a_recount(&leader.db).await;
}
