//! A phone's outbox of mixed changes: households and residents created offline, visits to
//! them and corrections, applied in dependency order, each idempotent by its id.

use axum::http::StatusCode;
use chrono::Utc;
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Fixture, TestApp, WARD, app, assert_counts_match_a_recount, pair};

/// A volunteer of the demo ward's first team, and that team's fixture.
async fn volunteer(db: sqlx::PgPool) -> (TestApp, TestApp, Fixture) {
    let admin = app(db).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let tdp = volunteer.own_tdp().await;
    let f = admin.fixture_in(tdp).await;
    (admin, volunteer, f)
}

/// One change of kind `kind`, under a new id.
fn change(kind: &str, body: Value) -> Value {
    let mut change = body;
    change["kind"] = json!(kind);
    json!({ "id": Uuid::now_v7(), "made_at": Utc::now(), "change": change })
}

fn id(change: &Value) -> Uuid {
    change["id"].as_str().unwrap().parse().unwrap()
}

fn household(tdp: Uuid, address: &str) -> Value {
    change(
        "household",
        json!({
            "tdp_id": tdp, "address": address, "head_name": "Nguyễn Văn An",
            "priority": { "elderly_alone": true, "disability": false, "poverty": "none" },
        }),
    )
}

fn resident(household: Uuid, name: &str, birth_year: i32) -> Value {
    change(
        "resident",
        json!({
            "household_id": household, "full_name": name, "birth_year": birth_year,
            "gender": "female", "consent": true,
        }),
    )
}

/// A visit to `household` by the fixture's member, helping each resident to `outcome` on the
/// first skill.
fn visit(f: &Fixture, household: Uuid, residents: &[Uuid], outcome: &str) -> Value {
    let help: Vec<Value> = residents
        .iter()
        .map(|r| json!({ "resident_id": r, "skill_id": f.skills[0], "outcome": outcome }))
        .collect();
    change(
        "visit",
        json!({
            "household_id": household, "visited_on": f.today, "volunteer_ids": [f.member],
            "help": help, "satisfaction": 5, "note": "Cài VNeID",
        }),
    )
}

fn void(visit: Uuid, reason: &str) -> Value {
    change("void_visit", json!({ "visit_id": visit, "reason": reason }))
}

/// Sends the changes as one batch; the statuses, in order.
async fn send(app: &TestApp, changes: &[&Value]) -> Vec<String> {
    let (status, body) = send_raw(app, changes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap().to_owned())
        .collect()
}

async fn send_raw(app: &TestApp, changes: &[&Value]) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/wards/{WARD}/sync/outbox"),
        json!({ "sent_at": Utc::now(), "changes": changes }),
    )
    .await
}

/// The TDP's figures as its page shows them.
async fn indicators(app: &TestApp, tdp: Uuid) -> Value {
    app.get(&format!("/api/v1/tdps/{tdp}")).await.1["indicators"].clone()
}

async fn count(app: &TestApp, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_round_from_the_field_lands_whole_in_dependency_order(db: sqlx::PgPool) {
    let (_, volunteer, f) = volunteer(db).await;
    let before = indicators(&volunteer, f.tdp).await;
    let home = household(f.tdp, "Số 12 ngõ 34 Hàng Bạc");
    let grandma = resident(id(&home), "Trần Thị Bình", 1950);
    let grandson = resident(id(&home), "Lê Minh Khôi", 2008);
    let helped = visit(&f, id(&home), &[id(&grandma), id(&grandson)], "achieved");
    // Sent the wrong way round: the visit first, the household last.
    let statuses = send(&volunteer, &[&helped, &grandson, &grandma, &home]).await;
    assert_eq!(statuses, ["stored"; 4]);

    let (status, h) = volunteer
        .get(&format!("/api/v1/households/{}", id(&home)))
        .await;
    assert_eq!(status, StatusCode::OK, "{h}");
    assert_eq!(h["address"], "Số 12 ngõ 34 Hàng Bạc");
    assert_eq!(h["priority"]["elderly_alone"], true);
    let mut names: Vec<&str> = h["residents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Lê Minh Khôi", "Trần Thị Bình"]);
    assert_eq!(h["visits"][0]["id"], helped["id"]);
    let (_, r) = volunteer
        .get(&format!("/api/v1/residents/{}", id(&grandma)))
        .await;
    assert_eq!(r["skills"][0]["status"], "achieved");
    assert!(r["consent"]["given_at"].is_string(), "{r}");
    assert_ne!(indicators(&volunteer, f.tdp).await, before);
    assert_counts_match_a_recount(&volunteer.db).await;
    // Each change is in the audit log, once.
    for c in [&home, &grandma, &grandson, &helped] {
        let entries = count(
            &volunteer,
            "select count(*) from audit_log where entity_id = $1::text and action = 'create'",
            id(c),
        )
        .await;
        assert_eq!(entries, 1, "{c}");
    }
}

#[sqlx::test(migrations = false)]
async fn a_change_sent_again_is_stored_once_and_other_content_is_a_conflict(db: sqlx::PgPool) {
    let (admin, volunteer, f) = volunteer(db).await;
    let home = household(f.tdp, "Số 5 ngõ Gạch");
    let son = resident(id(&home), "Phạm Văn Dũng", 1980);
    let helped = visit(&f, id(&home), &[id(&son)], "in_progress");
    let batch = [&home, &son, &helped];
    assert_eq!(send(&volunteer, &batch).await, ["stored"; 3]);
    // The answer was lost: the phone sends the same round again.
    assert_eq!(send(&volunteer, &batch).await, ["already_stored"; 3]);
    // And twice in one batch.
    assert_eq!(
        send(&volunteer, &[&home, &home]).await,
        ["already_stored"; 2]
    );

    let mut moved = home.clone();
    moved["change"]["address"] = json!("Số 7 ngõ Gạch");
    let mut older = son.clone();
    older["change"]["birth_year"] = json!(1979);
    assert_eq!(
        send(&volunteer, &[&moved, &older]).await,
        ["conflict", "conflict"]
    );
    let (_, h) = volunteer
        .get(&format!("/api/v1/households/{}", id(&home)))
        .await;
    assert_eq!(h["address"], "Số 5 ngõ Gạch", "a conflict changes nothing");
    assert_eq!(h["residents"][0]["birth_year"], 1980);
    // Another person sending the same change id: not theirs to settle.
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    assert_eq!(send(&leader, &[&home]).await, ["conflict"]);
    for c in batch {
        let rows = count(
            &volunteer,
            "select (select count(*) from households where id = $1)
                  + (select count(*) from residents where id = $1)
                  + (select count(*) from visits where id = $1)",
            id(c),
        )
        .await;
        assert_eq!(rows, 1);
    }
    assert_counts_match_a_recount(&volunteer.db).await;
}

#[sqlx::test(migrations = false)]
async fn a_change_waits_for_the_record_it_refers_to(db: sqlx::PgPool) {
    let (_, volunteer, f) = volunteer(db).await;
    let home = household(f.tdp, "Số 3 ngõ Trạm");
    let daughter = resident(id(&home), "Đỗ Thu Hà", 1990);
    let helped = visit(&f, id(&home), &[id(&daughter)], "achieved");
    let mistake = void(id(&helped), "Ghi nhầm hộ");
    // The second batch of the round arrives first.
    let first = send(&volunteer, &[&daughter, &helped, &mistake]).await;
    assert_eq!(first, ["waiting"; 3]);
    let stored = count(
        &volunteer,
        "select count(*) from residents where id = $1",
        id(&daughter),
    )
    .await;
    assert_eq!(stored, 0, "nothing of a waiting change is stored");

    assert_eq!(send(&volunteer, &[&home]).await, ["stored"]);
    assert_eq!(
        send(&volunteer, &[&daughter, &helped]).await,
        ["stored", "stored"]
    );
    assert_eq!(send(&volunteer, &[&mistake]).await, ["stored"]);
    let left = count(
        &volunteer,
        "select count(*) from visits where id = $1",
        id(&helped),
    )
    .await;
    assert_eq!(left, 0, "the visit was voided");
    assert_counts_match_a_recount(&volunteer.db).await;
    // A household the person may not see is, to them, one that does not exist yet.
    let elsewhere = volunteer.household_outside(f.tdp).await;
    let stranger = resident(elsewhere, "Vũ Văn Nam", 1970);
    assert_eq!(send(&volunteer, &[&stranger]).await, ["waiting"]);
}

#[sqlx::test(migrations = false)]
async fn a_visit_voided_from_the_outbox_leaves_every_figure(db: sqlx::PgPool) {
    let (_, volunteer, f) = volunteer(db).await;
    let before = indicators(&volunteer, f.tdp).await;
    let home = household(f.tdp, "Số 9 ngõ Huyện");
    let mother = resident(id(&home), "Ngô Thị Lan", 1965);
    let helped = visit(&f, id(&home), &[id(&mother)], "achieved");
    let mistake = void(id(&helped), "Ghi nhầm hộ");
    // Recorded and voided in the same round: the visit goes in, then out.
    assert_eq!(
        send(&volunteer, &[&mistake, &helped, &mother, &home]).await,
        ["stored"; 4]
    );
    let (_, h) = volunteer
        .get(&format!("/api/v1/households/{}", id(&home)))
        .await;
    assert_eq!(h["visits"], json!([]));
    let (_, r) = volunteer
        .get(&format!("/api/v1/residents/{}", id(&mother)))
        .await;
    assert_eq!(r["skills"], json!([]));
    // Nothing of the visit counts.
    let after = indicators(&volunteer, f.tdp).await;
    for same in ["households_visited", "ratings", "satisfaction"] {
        assert_eq!(after[same], before[same], "{same}");
    }
    let achieved = |i: &Value| i["skills"][0]["achieved"].clone();
    assert_eq!(achieved(&after), achieved(&before));
    assert_eq!(send(&volunteer, &[&mistake]).await, ["already_stored"]);
    // The voided visit sent again stays voided.
    let statuses = send(&volunteer, &[&helped]).await;
    assert_eq!(statuses, ["invalid"]);
    assert_counts_match_a_recount(&volunteer.db).await;
    let kept = count(
        &volunteer,
        "select count(*) from audit_log where entity = 'visits' and action = 'delete'
         and entity_id = $1::text",
        id(&helped),
    )
    .await;
    assert_eq!(kept, 1);
}

#[sqlx::test(migrations = false)]
async fn bad_changes_are_refused_one_by_one_and_the_rest_is_stored(db: sqlx::PgPool) {
    let (_, volunteer, f) = volunteer(db).await;
    let next_year = chrono::Datelike::year(&f.today) + 1;
    let good = household(f.tdp, "Số 1 ngõ Tốt");
    let mut blank = household(f.tdp, "  ");
    blank["change"]["head_name"] = json!("");
    let other_tdp: Uuid = sqlx::query_scalar(
        "select id from tdps where ward_code = $1 and id <> $2 order by code limit 1",
    )
    .bind(WARD)
    .bind(f.tdp)
    .fetch_one(&volunteer.db)
    .await
    .unwrap();
    let outside = household(other_tdp, "Số 2 ngõ Ngoài");
    let other_ward: Uuid =
        sqlx::query_scalar("select id from tdps where ward_code <> $1 order by code limit 1")
            .bind(WARD)
            .fetch_one(&volunteer.db)
            .await
            .unwrap();
    let far = household(other_ward, "Số 3 ngõ Xa");
    let unborn = resident(id(&good), "Bé Na", next_year);
    let mut unasked = resident(id(&good), "Hoàng Văn Tư", 1970);
    unasked["change"]["consent"] = json!(false);
    let reasonless = void(Uuid::now_v7(), " ");

    let (status, body) = send_raw(
        &volunteer,
        &[&good, &blank, &outside, &far, &unborn, &unasked],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let statuses: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "stored", "invalid", "refused", "invalid", "invalid", "invalid"
        ]
    );
    let fields = |i: usize| -> Vec<(String, String)> {
        body[i]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| pair(e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect()
    };
    assert_eq!(
        fields(1),
        [pair("address", "required"), pair("head_name", "required")]
    );
    assert_eq!(fields(3), [pair("tdp_id", "other_ward")]);
    assert_eq!(fields(4), [pair("birth_year", "in_future")]);
    assert_eq!(fields(5), [pair("consent", "consent_required")]);
    assert_eq!(body[0]["id"], good["id"]);

    // A void without a reason waits for its visit rather than failing on the reason.
    assert_eq!(send(&volunteer, &[&reasonless]).await, ["waiting"]);
    // Nothing refused was stored, and nothing refused is remembered as sent.
    for c in [&blank, &outside, &far, &unborn, &unasked] {
        let rows = count(
            &volunteer,
            "select (select count(*) from households where id = $1)
                  + (select count(*) from residents where id = $1)
                  + (select count(*) from device_changes where id = $1)",
            id(c),
        )
        .await;
        assert_eq!(rows, 0, "{c}");
    }
    let too_many: Vec<Value> = (0..501)
        .map(|i| household(f.tdp, &format!("Số {i}")))
        .collect();
    let (status, body) = send_raw(&volunteer, &too_many.iter().collect::<Vec<_>>()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[sqlx::test(migrations = false)]
async fn a_ticket_about_a_household_added_in_the_same_round_is_opened_once(db: sqlx::PgPool) {
    let (_, volunteer, f) = volunteer(db).await;
    let home = household(f.tdp, "Số 4 ngõ Chợ");
    let grandpa = resident(id(&home), "Lý Văn Sáu", 1948);
    // A ticket's body carries its id, as `POST /wards/{code}/tickets` wants; the change's is
    // the one kept.
    let ticket = change(
        "ticket",
        json!({
            "id": Uuid::now_v7(),
            "household_id": id(&home), "resident_id": id(&grandpa), "skill_id": f.skills[0],
            "title": "Không nhận được mã OTP", "description": "Đã thử hai lần, không có tin nhắn.",
        }),
    );
    assert_eq!(
        send(&volunteer, &[&ticket, &grandpa, &home]).await,
        ["stored"; 3]
    );
    let (status, opened) = volunteer
        .get(&format!("/api/v1/tickets/{}", id(&ticket)))
        .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    assert_eq!(opened["ticket"]["household_id"], home["id"]);
    assert_eq!(opened["ticket"]["resident_id"], grandpa["id"]);
    assert_eq!(opened["ticket"]["status"], "open");
    assert_eq!(send(&volunteer, &[&ticket]).await, ["already_stored"]);
    let events = count(
        &volunteer,
        "select count(*) from ticket_events where ticket_id = $1",
        id(&ticket),
    )
    .await;
    assert_eq!(events, 1, "opened once");

    let stray = change(
        "ticket",
        json!({
            "id": Uuid::now_v7(), "household_id": Uuid::now_v7(), "title": "Mất mạng",
            "description": "Không vào được.",
        }),
    );
    assert_eq!(send(&volunteer, &[&stray]).await, ["waiting"]);
    let mut untitled = ticket.clone();
    untitled["id"] = json!(Uuid::now_v7());
    untitled["change"]["title"] = json!(" ");
    assert_eq!(send(&volunteer, &[&untitled]).await, ["invalid"]);
}

/// A class of the fixture's TDP on its first skill, held last month; its id.
async fn class(admin: &TestApp, f: &Fixture, capacity: Option<i32>) -> Uuid {
    let lesson = Uuid::now_v7();
    let (status, body) = admin
        .post(
            &format!("/api/v1/wards/{WARD}/activities"),
            json!({
                "id": lesson, "kind": "elderly_class", "title": "Cài VNeID cho người cao tuổi",
                "tdp_id": f.tdp, "place": "Nhà văn hoá tổ 1", "organiser": "Tổ công nghệ số",
                "starts_at": "2026-11-25T12:30:00Z", "ends_at": "2026-11-25T14:00:00Z",
                "topics": [f.skills[0]], "capacity": capacity,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    lesson
}

#[sqlx::test(migrations = false)]
async fn attendance_from_two_phones_adds_up_and_waits_for_residents_added_offline(
    db: sqlx::PgPool,
) {
    let (admin, volunteer, f) = volunteer(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let lesson = class(&admin, &f, Some(3)).await;
    let came = |added: &[Uuid], removed: &[Uuid], unregistered: Option<i32>| {
        change(
            "attendance",
            json!({
                "activity_id": lesson, "added": added, "removed": removed,
                "unregistered": unregistered,
            }),
        )
    };
    let attendees = async || -> (Vec<Uuid>, i64) {
        let (_, d) = admin.get(&format!("/api/v1/activities/{lesson}")).await;
        let mut ids: Vec<Uuid> = d["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["resident_id"].as_str().unwrap().parse().unwrap())
            .collect();
        ids.sort();
        (ids, d["activity"]["unregistered"].as_i64().unwrap())
    };

    // A resident added at the door and taken to the class, offline.
    let grandma = resident(f.household, "Đỗ Thị Lan", 1948);
    let hers = came(&[id(&grandma)], &[], None);
    // Alone, before the resident: it waits, and nothing is written.
    assert_eq!(send(&volunteer, &[&hers]).await, ["waiting"]);
    assert_eq!(attendees().await, (vec![], 0));
    // With it, listed first: the resident comes first.
    assert_eq!(send(&volunteer, &[&hers, &grandma]).await, ["stored"; 2]);
    assert_eq!(send(&volunteer, &[&hers]).await, ["already_stored"]);
    let mut other = hers.clone();
    other["change"]["added"] = json!([f.residents[0]]);
    assert_eq!(send(&volunteer, &[&other]).await, ["conflict"]);

    // The leader's phone at the same class: both lists stand.
    let leaders = came(&[f.residents[0]], &[], Some(1));
    assert_eq!(send(&leader, &[&leaders]).await, ["stored"]);
    let mut both = vec![id(&grandma), f.residents[0]];
    both.sort();
    assert_eq!(attendees().await, (both.clone(), 1));

    // A third would be four with the one not on the register: confirmed, or refused.
    let third: Uuid = sqlx::query_scalar(
        "select id from residents where tdp_id = $1 and id <> all($2) and left_on is null
             and consent_withdrawn_at is null order by id limit 1",
    )
    .bind(f.tdp)
    .bind(&both)
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let (_, refused) = send_raw(&volunteer, &[&came(&[third], &[], None)]).await;
    assert_eq!(refused[0]["status"], "invalid");
    assert_eq!(refused[0]["fields"][0]["code"], "over_capacity");
    assert_eq!(attendees().await, (both.clone(), 1));
    let mut confirmed = came(&[third], &[], None);
    confirmed["change"]["over_capacity"] = json!(true);
    assert_eq!(send(&volunteer, &[&confirmed]).await, ["stored"]);
    assert_eq!(attendees().await.0.len(), 3);

    // Taken off again.
    assert_eq!(
        send(&volunteer, &[&came(&[], &[id(&grandma)], None)]).await,
        ["stored"]
    );
    assert!(!attendees().await.0.contains(&id(&grandma)));
    // A class that does not exist is no reference to wait for.
    let mut nowhere = came(&[third], &[], None);
    nowhere["change"]["activity_id"] = json!(Uuid::now_v7());
    let (_, unknown) = send_raw(&volunteer, &[&nowhere]).await;
    assert_eq!(unknown[0]["status"], "invalid");
    assert_eq!(unknown[0]["fields"][0]["field"], "activity_id");
    assert_counts_match_a_recount(&admin.db).await;
}

#[sqlx::test(migrations = false)]
async fn a_guide_chosen_offline_may_be_a_resident_added_in_the_same_round(db: sqlx::PgPool) {
    let (admin, volunteer, f) = volunteer(db).await;
    let daughter = resident(f.household, "Vũ Thị Mai", 1990);
    let guide = |resident: Option<Uuid>| {
        change(
            "guide",
            json!({ "household_id": f.household, "resident_id": resident }),
        )
    };
    let hers = guide(Some(id(&daughter)));
    let guide_of = async || -> Option<String> {
        let (_, h) = admin
            .get(&format!("/api/v1/households/{}", f.household))
            .await;
        h["guide_id"].as_str().map(str::to_owned)
    };
    let before = guide_of().await;
    assert_eq!(send(&volunteer, &[&hers]).await, ["waiting"]);
    assert_eq!(guide_of().await, before);
    assert_eq!(send(&volunteer, &[&hers, &daughter]).await, ["stored"; 2]);
    assert_eq!(guide_of().await, Some(id(&daughter).to_string()));
    assert_eq!(send(&volunteer, &[&hers]).await, ["already_stored"]);
    let mut other = hers.clone();
    other["change"]["resident_id"] = json!(null);
    assert_eq!(send(&volunteer, &[&other]).await, ["conflict"]);

    // A resident of another household guides nobody here.
    let elsewhere = admin.resident_next_door(&f).await;
    let (_, refused) = send_raw(&volunteer, &[&guide(Some(elsewhere))]).await;
    assert_eq!(refused[0]["status"], "invalid");
    assert_eq!(refused[0]["fields"][0]["code"], "other_household");
    // Cleared.
    assert_eq!(send(&volunteer, &[&guide(None)]).await, ["stored"]);
    assert_eq!(guide_of().await, None);
    assert_counts_match_a_recount(&admin.db).await;
}

#[sqlx::test(migrations = false)]
async fn learning_confirmed_offline_comes_after_its_attendance_and_is_the_organisers(
    db: sqlx::PgPool,
) {
    let (admin, volunteer, f) = volunteer(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let lesson = class(&admin, &f, None).await;
    let came = |added: &[Uuid]| {
        change(
            "attendance",
            json!({ "activity_id": lesson, "added": added }),
        )
    };
    let learnt = |achieved: &[Uuid]| {
        change(
            "learning",
            json!({ "activity_id": lesson, "achieved": achieved }),
        )
    };
    let status_of = async |resident: Uuid| -> Option<(String, Value)> {
        let (_, r) = admin.get(&format!("/api/v1/residents/{resident}")).await;
        r["skills"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["skill_id"] == f.skills[0].to_string())
            .map(|s| {
                (
                    s["status"].as_str().unwrap().to_owned(),
                    s["activity_id"].clone(),
                )
            })
    };

    // At the end of the class, with no signal: a newcomer added, listed, and confirmed.
    let grandma = resident(f.household, "Tạ Thị Hoa", 1950);
    let listed = came(&[id(&grandma)]);
    let confirmed = learnt(&[id(&grandma)]);
    assert_eq!(
        send(&leader, &[&grandma, &listed, &confirmed]).await,
        ["stored"; 3]
    );
    assert_eq!(
        status_of(id(&grandma)).await,
        Some(("achieved".into(), json!(lesson)))
    );
    let (_, d) = admin.get(&format!("/api/v1/activities/{lesson}")).await;
    assert!(d["activity"]["confirmed_at"].is_string(), "{d}");
    assert_eq!(send(&leader, &[&confirmed]).await, ["already_stored"]);
    let mut other = confirmed.clone();
    other["change"]["achieved"] = json!([]);
    assert_eq!(send(&leader, &[&other]).await, ["conflict"]);
    assert_eq!(status_of(id(&grandma)).await.unwrap().0, "achieved");

    // Confirming is the organiser's, not a volunteer's.
    assert_eq!(
        send(&volunteer, &[&learnt(&[id(&grandma)])]).await,
        ["refused"]
    );
    // Someone not listed yet: it waits for the attendance that lists them.
    let late = learnt(&[id(&grandma), f.residents[0]]);
    assert_eq!(send(&leader, &[&late]).await, ["waiting"]);
    assert_eq!(
        send(&leader, &[&came(&[f.residents[0]]), &late]).await,
        ["stored"; 2]
    );
    assert_eq!(status_of(f.residents[0]).await.unwrap().0, "achieved");
    let twice = learnt(&[f.residents[0], f.residents[0]]);
    let (_, refused) = send_raw(&leader, &[&twice]).await;
    assert_eq!(refused[0]["status"], "invalid");
    assert_eq!(refused[0]["fields"][0]["code"], "duplicate");
    assert_counts_match_a_recount(&admin.db).await;
}

#[sqlx::test(migrations = false)]
async fn a_comment_from_the_outbox_is_added_once_and_waits_for_its_ticket(db: sqlx::PgPool) {
    let (_, volunteer, f) = volunteer(db).await;
    let ticket = |title: &str| {
        change(
            "ticket",
            json!({
                "id": Uuid::now_v7(), "household_id": f.household, "title": title,
                "description": "Không nhận được mã OTP.",
            }),
        )
    };
    let comment = |ticket: &Value, text: &str| {
        change("comment", json!({ "ticket_id": id(ticket), "text": text }))
    };
    let comments = async |ticket: &Value| -> Vec<String> {
        let (_, d) = volunteer
            .get(&format!("/api/v1/tickets/{}", id(ticket)))
            .await;
        d["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "comment")
            .map(|e| e["text"].as_str().unwrap().to_owned())
            .collect()
    };

    let otp = ticket("Không nhận được OTP");
    let tried = comment(&otp, "Đã thử đổi sim, vẫn không được.");
    assert_eq!(send(&volunteer, &[&otp, &tried]).await, ["stored"; 2]);
    assert_eq!(comments(&otp).await, ["Đã thử đổi sim, vẫn không được."]);
    assert_eq!(send(&volunteer, &[&tried]).await, ["already_stored"]);
    let mut other = tried.clone();
    other["change"]["text"] = json!("Nội dung khác");
    assert_eq!(send(&volunteer, &[&other]).await, ["conflict"]);
    assert_eq!(comments(&otp).await.len(), 1);
    let audited = count(
        &volunteer,
        "select count(*) from audit_log where entity = 'ticket_comments' and entity_id = $1::text",
        id(&tried),
    )
    .await;
    assert_eq!(audited, 1);

    // Its ticket in a later batch: the comment waits for it.
    let wifi = ticket("Không vào được mạng");
    let asked = comment(&wifi, "Nhà có wifi nhưng không nhớ mật khẩu.");
    assert_eq!(send(&volunteer, &[&asked]).await, ["waiting"]);
    assert_eq!(send(&volunteer, &[&wifi]).await, ["stored"]);
    assert_eq!(send(&volunteer, &[&asked]).await, ["stored"]);
    assert_eq!(comments(&wifi).await.len(), 1);

    let (_, refused) = send_raw(
        &volunteer,
        &[&comment(&otp, " "), &comment(&otp, "CCCD 001085012345")],
    )
    .await;
    let codes: Vec<(String, String)> = refused
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert_eq!(o["status"], "invalid", "{o}");
            pair(
                o["fields"][0]["field"].as_str().unwrap(),
                o["fields"][0]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(codes, [pair("text", "required"), pair("text", "id_number")]);
    assert_eq!(comments(&otp).await.len(), 1);
}

#[sqlx::test(migrations = false)]
async fn ambassadors_and_their_learners_from_the_outbox_come_in_order_and_once(db: sqlx::PgPool) {
    let (admin, volunteer, f) = volunteer(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let (mentor, learner) = (f.residents[0], f.residents[1]);
    let registered = |resident: Option<Uuid>, member: Option<Uuid>, on: bool| {
        change(
            "ambassador",
            json!({ "resident_id": resident, "team_member_id": member, "ambassador": on }),
        )
    };
    let learns = |resident: Uuid, mentor: Option<Uuid>| {
        change(
            "learner",
            json!({ "resident_id": resident, "mentor_id": mentor }),
        )
    };
    let resident = async |id: Uuid| admin.get(&format!("/api/v1/residents/{id}")).await.1;

    // Registered at the door, and a neighbour sent to learn from them, in one round: the
    // mentor takes the change's id.
    let becomes = registered(Some(mentor), None, true);
    let neighbour = learns(learner, Some(id(&becomes)));
    assert_eq!(
        send(&volunteer, &[&becomes, &neighbour]).await,
        ["stored"; 2]
    );
    assert_eq!(resident(mentor).await["mentor_id"], becomes["id"]);
    assert_eq!(
        resident(learner).await["learns_from"]["mentor_id"],
        becomes["id"]
    );
    assert_eq!(
        send(&volunteer, &[&becomes, &neighbour]).await,
        ["already_stored"; 2]
    );
    let mut other = neighbour.clone();
    other["change"]["mentor_id"] = json!(null);
    assert_eq!(send(&volunteer, &[&other]).await, ["conflict"]);

    // A mentor registered on another phone, not arrived yet: the choice waits for it.
    assert_eq!(
        send(&volunteer, &[&learns(learner, Some(Uuid::now_v7()))]).await,
        ["waiting"]
    );
    let (_, body) = send_raw(
        &volunteer,
        &[
            &learns(mentor, Some(id(&becomes))),
            &registered(None, None, true),
        ],
    )
    .await;
    assert_eq!(body[0]["fields"][0]["code"], "own_mentor");
    assert_eq!(body[1]["fields"][0]["code"], "required");
    // A team member is the team leader's to register.
    let member = registered(None, Some(f.member), true);
    assert_eq!(send(&volunteer, &[&member]).await, ["refused"]);
    assert_eq!(send(&leader, &[&member]).await, ["stored"]);

    // Withdrawn: their learner has nobody to learn from.
    assert_eq!(
        send(&volunteer, &[&registered(Some(mentor), None, false)]).await,
        ["stored"]
    );
    assert_eq!(resident(mentor).await["mentor_id"], json!(null));
    assert_eq!(resident(learner).await["learns_from"], json!(null));
    let audited = count(
        &admin,
        "select count(*) from audit_log where entity in ('mentors', 'mentor_learners')
         and (entity_id = $1::text or change->>'resident_id' = $1::text)",
        mentor,
    )
    .await;
    assert_eq!(audited, 2, "registered and withdrawn");
    assert_counts_match_a_recount(&admin.db).await;
}

#[sqlx::test(migrations = false)]
async fn a_traders_4t_steps_from_the_outbox_are_set_whole_and_a_taken_code_is_refused_alone(
    db: sqlx::PgPool,
) {
    let (admin, volunteer, f) = volunteer(db).await;
    let market = Uuid::now_v7();
    let (status, body) = admin
        .post(
            &format!("/api/v1/wards/{WARD}/markets"),
            json!({ "id": market, "name": "Chợ Phú Diễn", "kind": "market" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let trader = |stall: Uuid, code: &str, cashless: bool| {
        change(
            "stall",
            json!({
                "stall_id": stall,
                "details": {
                    "market_id": market, "tdp_id": f.tdp, "trader_name": "Trần Thị Hoa",
                    "stall_code": code, "goods": "Rau củ", "trained_on": f.today,
                    "ecommerce_on": null, "cashless_on": cashless.then_some(f.today),
                    "savings_on": null,
                },
            }),
        )
    };
    let stalls = async || -> Vec<Value> {
        let (_, m) = volunteer.get(&format!("/api/v1/markets/{market}")).await;
        m["stalls"].as_array().unwrap().clone()
    };

    let (hoa, lan) = (Uuid::now_v7(), Uuid::now_v7());
    let recorded = trader(hoa, "A1", false);
    assert_eq!(send(&volunteer, &[&recorded]).await, ["stored"]);
    assert_eq!(send(&volunteer, &[&recorded]).await, ["already_stored"]);
    // Later, at the stall: she takes QR payments now.
    let qr = trader(hoa, "A1", true);
    // Another trader given a code that is taken: refused alone, the rest of the batch stands.
    let taken = trader(lan, "A1", false);
    let statuses = send(&volunteer, &[&taken, &qr]).await;
    assert_eq!(statuses, ["invalid", "stored"]);
    let (_, body) = send_raw(&volunteer, &[&taken]).await;
    assert_eq!(body[0]["fields"][0]["field"], "stall_code");
    assert_eq!(body[0]["fields"][0]["code"], "duplicate");
    let kept = stalls().await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["id"], json!(hoa));
    assert_eq!(kept[0]["cashless_on"], json!(f.today));
    let mut unnamed = trader(lan, "B2", false);
    unnamed["change"]["details"]["trader_name"] = json!(" ");
    assert_eq!(send(&volunteer, &[&unnamed]).await, ["invalid"]);
    assert_eq!(stalls().await.len(), 1);
}

#[sqlx::test(migrations = false)]
async fn consent_asked_at_the_door_offline_is_recorded_once_and_after_its_resident(
    db: sqlx::PgPool,
) {
    let (admin, volunteer, f) = volunteer(db).await;
    let neighbour = resident(f.household, "Lý Thị Hoa", 1980);
    let consent = |resident: Uuid, given: bool| {
        change(
            "consent",
            json!({ "resident_id": resident, "given": given }),
        )
    };
    let consent_of = async |resident: Uuid| -> Value {
        admin.get(&format!("/api/v1/residents/{resident}")).await.1["consent"].clone()
    };
    let audited = async |resident: Uuid| {
        count(
            &admin,
            "select count(*) from audit_log
             where entity = 'residents' and entity_id = $1::text and action = 'update'",
            resident,
        )
        .await
    };

    // Added and, on second thought, withdrawn at the same door: it waits for the resident.
    let withdrawn = consent(id(&neighbour), false);
    assert_eq!(send(&volunteer, &[&withdrawn]).await, ["waiting"]);
    assert_eq!(
        send(&volunteer, &[&withdrawn, &neighbour]).await,
        ["stored"; 2]
    );
    let after = consent_of(id(&neighbour)).await;
    assert!(after["withdrawn_at"].is_string(), "{after}");
    assert_eq!(audited(id(&neighbour)).await, 1);
    assert_eq!(send(&volunteer, &[&withdrawn]).await, ["already_stored"]);
    let mut other = withdrawn.clone();
    other["change"]["given"] = json!(true);
    assert_eq!(send(&volunteer, &[&other]).await, ["conflict"]);
    assert_eq!(consent_of(id(&neighbour)).await, after);

    // Asked again later, she agrees: the purpose read to her is kept with it.
    assert_eq!(
        send(&volunteer, &[&consent(id(&neighbour), true)]).await,
        ["stored"]
    );
    let given = consent_of(id(&neighbour)).await;
    assert_eq!(given["withdrawn_at"], Value::Null);
    assert!(given["given_at"].is_string(), "{given}");
    assert_eq!(given["purpose"], domain::api::PURPOSE_VI);
    // The same state again changes nothing.
    assert_eq!(
        send(&volunteer, &[&consent(id(&neighbour), true)]).await,
        ["stored"]
    );
    assert_eq!(consent_of(id(&neighbour)).await, given);
    assert_eq!(audited(id(&neighbour)).await, 2);

    // Someone of another TDP is none of this volunteer's: never changed.
    let outside = admin.household_outside(f.tdp).await;
    let stranger = sqlx::query_scalar!(
        "select id from residents where household_id = $1 limit 1",
        outside
    )
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let before = consent_of(stranger).await;
    let (_, refused) = send_raw(&volunteer, &[&consent(stranger, false)]).await;
    assert_eq!(refused[0]["status"], "waiting", "{refused}");
    assert_eq!(refused[0]["fields"][0]["field"], "resident_id");
    assert_eq!(consent_of(stranger).await, before);
    assert_counts_match_a_recount(&admin.db).await;
}

/// A campaign day: the phones of four TDPs sync at once, some batches (an admin's) touching
/// two TDPs in opposite orders. Each batch is sent again while the server answers 503, as a
/// phone's outbox does. Every change lands once, the kept counts match a recount, and the
/// dashboard read afterwards counts every visit.
#[sqlx::test(migrations = false)]
async fn phones_of_many_tdps_sync_at_once_and_the_counts_stay_true(db: sqlx::PgPool) {
    let admin = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/dashboard");
    assert_eq!(admin.get(&uri).await.0, StatusCode::OK);
    let tdps: Vec<Uuid> = sqlx::query_scalar!(
        "select id from tdps where ward_code = $1 order by code limit 4",
        WARD
    )
    .fetch_all(&admin.db)
    .await
    .unwrap();
    let mut fixtures = Vec::new();
    for tdp in tdps {
        fixtures.push(admin.fixture_in(tdp).await);
    }
    let mut batches: Vec<Vec<Value>> = Vec::new();
    for (i, f) in fixtures.iter().enumerate() {
        for k in 0..3 {
            let home = household(f.tdp, &format!("Số {k} ngõ {i} phố Đồng thời"));
            let a = resident(id(&home), "Trần Thị Bình", 1950 + k);
            let b = resident(id(&home), "Lê Minh Khôi", 2000 + k);
            let helped = visit(f, id(&home), &[id(&a), id(&b)], "achieved");
            let again = visit(f, f.household, &f.residents[..1], "in_progress");
            batches.push(vec![home, a, b, helped, again]);
        }
        let other = &fixtures[fixtures.len() - 1 - i];
        batches.push(vec![
            visit(f, f.household, &[], "achieved"),
            visit(other, other.household, &[], "achieved"),
        ]);
    }
    let sent: usize = batches.iter().map(Vec::len).sum();
    let mut phones = tokio::task::JoinSet::new();
    for batch in batches {
        let admin = admin.clone();
        phones.spawn(async move {
            for _ in 0..10 {
                let refs: Vec<&Value> = batch.iter().collect();
                let (status, body) = send_raw(&admin, &refs).await;
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    continue;
                }
                assert_eq!(status, StatusCode::OK, "{body}");
                return body
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|o| o["status"] == "stored")
                    .count();
            }
            panic!("a batch was refused ten times");
        });
    }
    let stored: usize = phones.join_all().await.into_iter().sum();
    assert_eq!(stored, sent);
    assert_counts_match_a_recount(&admin.db).await;

    let visited: i64 = sqlx::query_scalar!(
        r#"select count(distinct household_id) as "n!" from visits where ward_code = $1"#,
        WARD
    )
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let (_, dashboard) = admin.get(&uri).await;
    assert_eq!(dashboard["totals"]["households_visited"], visited);
}
