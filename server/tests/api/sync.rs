//! The offline outbox's way in: batches of visits, idempotent by the phone's ids, conflicts
//! kept, and a phone clock that is days off.

use axum::http::StatusCode;
use chrono::TimeDelta;
use domain::access::Role;
use serde_json::{Value, json};

use crate::common::{Fixture, TestApp, WARD, app, concurrently, volunteer};

/// A phone's batch, sent when the app's clock says, by a phone `clock_ahead` of it.
fn batch(app: &TestApp, visits: &[Value], clock_ahead: TimeDelta) -> Value {
    let phone_now = app.clock.now() + clock_ahead;
    json!({
        "sent_at": phone_now,
        "visits": visits.iter().map(|v| json!({ "recorded_at": phone_now, "visit": v })).collect::<Vec<_>>(),
    })
}

async fn sync(app: &TestApp, body: Value) -> Vec<String> {
    let (status, outcomes) = app
        .post(&format!("/api/v1/wards/{WARD}/sync/visits"), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    outcomes
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap().to_owned())
        .collect()
}

async fn visits(app: &TestApp, ids: &[&Value]) -> i64 {
    let ids: Vec<uuid::Uuid> = ids
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from visits where id = any($1)"#,
        &ids
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_batch_is_stored_once_however_often_it_is_sent(db: sqlx::PgPool) {
    let (app, f) = volunteer(db).await;
    let items: Vec<Value> = (0..5).map(|_| f.visit()).collect();
    let ids: Vec<&Value> = items.iter().map(|v| &v["id"]).collect();
    assert_eq!(
        sync(&app, batch(&app, &items, TimeDelta::zero())).await,
        ["stored"; 5]
    );
    assert_eq!(
        sync(&app, batch(&app, &items, TimeDelta::zero())).await,
        ["already_stored"; 5]
    );
    assert_eq!(visits(&app, &ids).await, 5);
}

#[sqlx::test(migrations = false)]
async fn one_bad_visit_does_not_hold_back_the_others(db: sqlx::PgPool) {
    let (app, f) = volunteer(db).await;
    let good = f.visit();
    let mut no_volunteer = f.visit();
    no_volunteer["volunteer_ids"] = json!([]);
    let mut no_id = f.visit();
    no_id["id"] = Value::Null;
    let mut elsewhere = f.visit();
    elsewhere["household_id"] = json!(app.household_outside(f.tdp).await);
    let (status, outcomes) = app
        .post(
            &format!("/api/v1/wards/{WARD}/sync/visits"),
            batch(
                &app,
                &[good.clone(), no_volunteer, no_id, elsewhere],
                TimeDelta::zero(),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<&str> = outcomes
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["stored", "invalid", "invalid", "invalid"]);
    assert_eq!(outcomes[1]["fields"][0]["field"], "volunteer_ids");
    assert_eq!(outcomes[2]["fields"][0]["field"], "id");
    // Another TDP's household is, to a volunteer, a household that does not exist.
    assert_eq!(outcomes[3]["fields"][0]["code"], "unknown_reference");
    assert_eq!(visits(&app, &[&good["id"]]).await, 1);
}

#[sqlx::test(migrations = false)]
async fn fifty_copies_at_once_make_one_visit_and_other_content_is_a_conflict(db: sqlx::PgPool) {
    let (app, f) = volunteer(db).await;
    let visit = f.visit();
    let uri = format!("/api/v1/wards/{WARD}/visits");
    let answers = concurrently(&app, &uri, vec![visit.clone(); 50]).await;
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
    assert_eq!(visits(&app, &[&visit["id"]]).await, 1);

    let mut changed = visit.clone();
    changed["note"] = json!("Nội dung khác với cùng một mã");
    let (status, err) = app.post(&uri, changed.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], "conflict");
    // Sent again, by the batch this time: still one conflict, nothing overwritten.
    assert_eq!(
        sync(&app, batch(&app, &[changed], TimeDelta::zero())).await,
        ["conflict"]
    );
    let leader = app.signed_in_as(WARD, Role::TeamLeader).await;
    let (status, conflicts) = leader.get(&format!("/api/v1/wards/{WARD}/conflicts")).await;
    assert_eq!(status, StatusCode::OK);
    let conflicts = conflicts.as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["client_id"], visit["id"]);
    assert_eq!(
        conflicts[0]["received"]["note"],
        "Nội dung khác với cùng một mã"
    );
    assert_eq!(conflicts[0]["stored"]["note"], visit["note"]);
    let (_, stored) = app
        .get(&format!("/api/v1/visits/{}", visit["id"].as_str().unwrap()))
        .await;
    assert_eq!(stored["note"], visit["note"]);
}

#[sqlx::test(migrations = false)]
async fn a_phone_two_days_ahead_is_put_right_and_keeps_its_order(db: sqlx::PgPool) {
    let (app, f) = volunteer(db).await;
    let today = f.today;
    // A correct phone recorded a visit yesterday; the fast phone records one "today" by its
    // clock, which is two days ahead of the server's.
    let mut yesterday = f.visit();
    yesterday["visited_on"] = json!(today - TimeDelta::days(1));
    assert_eq!(
        sync(&app, batch(&app, &[yesterday.clone()], TimeDelta::zero())).await,
        ["stored"]
    );
    let mut fast = f.visit();
    fast["visited_on"] = json!(today + TimeDelta::days(2));
    let ahead = TimeDelta::days(2) + TimeDelta::minutes(3);
    assert_eq!(
        sync(&app, batch(&app, &[fast.clone()], ahead)).await,
        ["stored"]
    );
    // Sent again after the phone's clock was put right: the same visit, not a conflict.
    assert_eq!(
        sync(&app, batch(&app, &[fast.clone()], TimeDelta::zero())).await,
        ["already_stored"]
    );

    let (_, household) = app
        .get(&format!("/api/v1/households/{}", f.household))
        .await;
    let dates: Vec<(&str, &str)> = household["visits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["id"] == fast["id"] || v["id"] == yesterday["id"])
        .map(|v| (v["id"].as_str().unwrap(), v["visited_on"].as_str().unwrap()))
        .collect();
    assert_eq!(
        dates,
        [
            (fast["id"].as_str().unwrap(), today.to_string().as_str()),
            (
                yesterday["id"].as_str().unwrap(),
                (today - TimeDelta::days(1)).to_string().as_str()
            ),
        ]
    );
    let row = sqlx::query!(
        "select device_clock_skew, device_recorded_at, recorded_at from visits where id = $1::text::uuid",
        fast["id"].as_str().unwrap()
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let skew = row.device_clock_skew.unwrap();
    assert!((skew - ahead.num_seconds() as f64).abs() < 60.0, "{skew}");
    assert!(row.device_recorded_at.unwrap() > row.recorded_at + TimeDelta::days(1));
}

async fn changes(app: &TestApp, since: Option<&str>) -> Value {
    let query = since
        .map(|c| format!("?since={}", c.replace(',', "%2C")))
        .unwrap_or_default();
    let (status, body) = app
        .get(&format!("/api/v1/wards/{WARD}/sync/changes{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn household_ids(changes: &Value) -> Vec<&str> {
    changes["households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect()
}

#[sqlx::test(migrations = false)]
async fn a_phone_pulls_its_tdp_then_only_what_changed(db: sqlx::PgPool) {
    let (app, f) = volunteer(db).await;
    let full = changes(&app, None).await;
    assert_eq!(full["full"], true);
    let tdps: Vec<&Value> = full["tdps"].as_array().unwrap().iter().collect();
    assert_eq!(tdps.len(), 1);
    assert_eq!(tdps[0]["tdp"]["id"], json!(f.tdp));
    assert!(!tdps[0]["team"].as_array().unwrap().is_empty());
    assert!(!full["skills"].as_array().unwrap().is_empty());
    let in_tdp = sqlx::query_scalar!(
        r#"select count(*) as "n!" from households where tdp_id = $1"#,
        f.tdp
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(full["households"].as_array().unwrap().len() as i64, in_tdp);
    assert!(
        full["households"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["tdp"]["id"] == json!(f.tdp))
    );
    let cursor = full["cursor"].as_str().unwrap();

    let nothing = changes(&app, Some(cursor)).await;
    assert_eq!(nothing["full"], false);
    assert!(household_ids(&nothing).is_empty(), "{nothing}");

    let visit = f.visit();
    assert_eq!(
        sync(
            &app,
            batch(&app, std::slice::from_ref(&visit), TimeDelta::zero())
        )
        .await,
        ["stored"]
    );
    let after = changes(&app, Some(cursor)).await;
    assert_eq!(household_ids(&after), [f.household.to_string()]);
    let household = &after["households"][0];
    assert_eq!(household["visits"][0]["id"], visit["id"]);
    // The resident helped now shows the skill achieved.
    let helped = household["residents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == json!(f.residents[0]))
        .unwrap();
    assert!(!helped["achieved"].as_array().unwrap().is_empty());

    let cursor = after["cursor"].as_str().unwrap();
    assert!(household_ids(&changes(&app, Some(cursor)).await).is_empty());
}

#[sqlx::test(migrations = false)]
async fn a_made_up_cursor_is_a_bad_request(db: sqlx::PgPool) {
    let (app, _) = volunteer(db).await;
    for since in ["12", "1:2:3:4", "a:b:", "1:2:3,x"] {
        let (status, body) = app
            .get(&format!("/api/v1/wards/{WARD}/sync/changes?since={since}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{since}: {body}");
        assert_eq!(body["code"], "bad_request");
    }
}

#[sqlx::test(migrations = false)]
async fn ward_officials_keep_no_households_offline(db: sqlx::PgPool) {
    let admin = app(db).await;
    let body = changes(&admin, None).await;
    assert_eq!(body["ward"]["code"], WARD);
    assert!(body["tdps"].as_array().unwrap().is_empty());
    assert!(body["households"].as_array().unwrap().is_empty());
}

async fn open_conflicts(app: &TestApp) -> Vec<Value> {
    let (status, body) = app.get(&format!("/api/v1/wards/{WARD}/conflicts")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().unwrap().clone()
}

/// Stores a visit, then sends its id again with another note: one open conflict.
async fn conflict(app: &TestApp, f: &Fixture, note: &str) -> (Value, i64) {
    let visit = f.visit();
    let mut other = visit.clone();
    other["note"] = json!(note);
    assert_eq!(
        sync(app, batch(app, &[visit.clone(), other], TimeDelta::zero())).await,
        ["stored", "conflict"]
    );
    let leader = app.signed_in_as(WARD, Role::TeamLeader).await;
    let id = open_conflicts(&leader)
        .await
        .iter()
        .find(|c| c["client_id"] == visit["id"])
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    (visit, id)
}

#[sqlx::test(migrations = false)]
async fn a_team_leader_settles_conflicts_once(db: sqlx::PgPool) {
    let (app, f) = volunteer(db).await;
    let leader = app.signed_in_as(WARD, Role::TeamLeader).await;
    let resolve = |id: i64, choice: &str| {
        let leader = leader.clone();
        let body = json!({ "choice": choice });
        async move {
            leader
                .post(
                    &format!("/api/v1/wards/{WARD}/conflicts/{id}/resolve"),
                    body,
                )
                .await
        }
    };

    // Two visits under one id: the second is recorded too, under an id of its own.
    let (visit, both) = conflict(&app, &f, "Lần thứ hai trong tuần").await;
    assert_eq!(resolve(both, "keep_both").await.0, StatusCode::NO_CONTENT);
    let (_, household) = app
        .get(&format!("/api/v1/households/{}", f.household))
        .await;
    let notes: Vec<&str> = household["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["note"].as_str().unwrap())
        .collect();
    assert!(notes.contains(&"Lần thứ hai trong tuần"), "{notes:?}");
    assert!(notes.contains(&visit["note"].as_str().unwrap()));
    // Settled the same way again: nothing more; the other way: refused.
    assert_eq!(resolve(both, "keep_both").await.0, StatusCode::NO_CONTENT);
    let (status, body) = resolve(both, "keep_stored").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "conflict");
    let (_, again) = app
        .get(&format!("/api/v1/households/{}", f.household))
        .await;
    assert_eq!(
        again["visits"].as_array().unwrap().len(),
        notes.len(),
        "no third visit"
    );

    // The stored one was right: the other copy is let go, the stored visit untouched.
    let (kept, stored) = conflict(&app, &f, "Bản gửi nhầm").await;
    assert_eq!(
        resolve(stored, "keep_stored").await.0,
        StatusCode::NO_CONTENT
    );
    let (_, visit) = app
        .get(&format!("/api/v1/visits/{}", kept["id"].as_str().unwrap()))
        .await;
    assert_eq!(visit["note"], kept["note"]);
    assert!(open_conflicts(&leader).await.is_empty());

    // A volunteer may not settle them.
    let (_, third) = conflict(&app, &f, "Bản thứ ba").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/wards/{WARD}/conflicts/{third}/resolve"),
            json!({ "choice": "keep_stored" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = false)]
async fn a_household_whose_guide_changed_is_pulled_again(db: sqlx::PgPool) {
    let (app, f) = volunteer(db).await;
    let full = changes(&app, None).await;
    // The phone judges "Gia đình số" offline by the ward's own settings.
    assert_eq!(
        serde_json::from_value::<domain::api::ModelSettings>(full["models"].clone()).unwrap(),
        domain::models::default_settings()
    );
    let cursor = full["cursor"].as_str().unwrap();
    let guide = f.residents[0];
    for resident in [None, Some(guide)] {
        let (status, body) = app
            .put(
                &format!("/api/v1/households/{}/guide", f.household),
                json!({ "resident_id": resident }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let after = changes(&app, Some(cursor)).await;
    assert_eq!(household_ids(&after), [f.household.to_string()]);
    assert_eq!(after["households"][0]["guide_id"], json!(guide));
}

/// A NUL in one visit's note (PostgreSQL cannot store it) refuses that visit alone: the
/// phone's other nineteen are stored, and its outbox is not blocked.
#[sqlx::test(migrations = false)]
async fn a_visit_with_a_control_character_is_refused_alone(db: sqlx::PgPool) {
    let (app, f) = volunteer(db).await;
    let mut items: Vec<Value> = (0..20).map(|_| f.visit()).collect();
    items[7]["note"] = json!("Đã cài VNeID\u{0}");
    let (status, outcomes) = app
        .post(
            &format!("/api/v1/wards/{WARD}/sync/visits"),
            batch(&app, &items, TimeDelta::zero()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    for (i, outcome) in outcomes.as_array().unwrap().iter().enumerate() {
        let want = if i == 7 { "invalid" } else { "stored" };
        assert_eq!(outcome["status"], want, "visit {i}: {outcome}");
    }
    assert_eq!(outcomes[7]["fields"][0]["field"], "note");
    assert_eq!(outcomes[7]["fields"][0]["code"], "control_characters");
    let ids: Vec<&Value> = items.iter().map(|v| &v["id"]).collect();
    assert_eq!(visits(&app, &ids).await, 19);
}
