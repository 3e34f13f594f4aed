//! Edits of households and residents from the outbox: merged field by field with the edits
//! stored since their version; the same field edited apart is a conflict the team leader
//! settles, never a value lost.

use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Fixture, TestApp, WARD, app, assert_counts_match_a_recount};

/// The ward's admin, the team leader and the volunteer of the demo ward's first team, and
/// that team's fixture.
async fn team(db: sqlx::PgPool) -> (TestApp, TestApp, TestApp, Fixture) {
    let admin = app(db).await;
    let leader = admin.signed_in_as(WARD, Role::TeamLeader).await;
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let tdp = leader.own_tdp().await;
    let f = leader.fixture_in(tdp).await;
    (admin, leader, volunteer, f)
}

/// A change of kind `kind` made at `made_at`, under a new id.
fn change(kind: &str, body: Value, made_at: DateTime<Utc>) -> Value {
    let mut change = body;
    change["kind"] = json!(kind);
    json!({ "id": Uuid::now_v7(), "made_at": made_at, "change": change })
}

fn resident_edit(resident: Uuid, base: i64, fields: Value, made_at: DateTime<Utc>) -> Value {
    change(
        "resident_edit",
        json!({ "resident_id": resident, "base_version": base, "fields": fields }),
        made_at,
    )
}

fn household_edit(household: Uuid, base: i64, fields: Value, made_at: DateTime<Utc>) -> Value {
    change(
        "household_edit",
        json!({ "household_id": household, "base_version": base, "fields": fields }),
        made_at,
    )
}

/// Sends the changes as one batch; each outcome's status and field errors.
async fn send(app: &TestApp, changes: &[&Value]) -> Vec<(String, Vec<(String, String)>)> {
    let (status, body) = app
        .post(
            &format!("/api/v1/wards/{WARD}/sync/outbox"),
            json!({ "sent_at": Utc::now(), "changes": changes }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let fields = o["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap().to_owned(),
                        f["code"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (o["status"].as_str().unwrap().to_owned(), fields)
        })
        .collect()
}

async fn statuses(app: &TestApp, changes: &[&Value]) -> Vec<String> {
    send(app, changes)
        .await
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

async fn resident(app: &TestApp, id: Uuid) -> Value {
    let (status, r) = app.get(&format!("/api/v1/residents/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    r
}

async fn conflicts(app: &TestApp) -> Vec<Value> {
    let (status, list) = app
        .get(&format!("/api/v1/wards/{WARD}/edit-conflicts"))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

async fn resolve(app: &TestApp, id: &Value, choice: &str) -> StatusCode {
    app.post(
        &format!("/api/v1/wards/{WARD}/edit-conflicts/{id}/resolve"),
        json!({ "choice": choice }),
    )
    .await
    .0
}

#[sqlx::test(migrations = false)]
async fn two_phones_editing_different_fields_both_keep_theirs(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let id = f.residents[0];
    let was = resident(&leader, id).await;
    let base = was["version"].as_i64().unwrap();
    let year = was["birth_year"].as_i64().unwrap();
    let now = Utc::now();
    // Both made against the same version, offline.
    let name = resident_edit(id, base, json!({ "full_name": "Nguyễn  Thị Hoa " }), now);
    let born = resident_edit(id, base, json!({ "birth_year": year - 1 }), now);
    assert_eq!(statuses(&volunteer, &[&name]).await, ["stored"]);
    assert_eq!(statuses(&leader, &[&born]).await, ["stored"]);

    let r = resident(&leader, id).await;
    assert_eq!(r["full_name"], "Nguyễn Thị Hoa");
    assert_eq!(r["birth_year"], year - 1);
    assert_eq!(r["version"], base + 2);
    assert!(conflicts(&leader).await.is_empty());
    let (_, history) = leader.get(&format!("/api/v1/residents/{id}/edits")).await;
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    let fields: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["fields"].as_array().unwrap())
        .collect();
    assert!(
        fields
            .iter()
            .any(|f| f["field"] == "birth_year" && f["before"] == year && f["after"] == year - 1)
    );
    assert!(
        fields
            .iter()
            .any(|f| f["field"] == "full_name" && f["before"] == was["full_name"])
    );
    // The household's history holds its residents' edits too.
    let (_, of_household) = leader
        .get(&format!("/api/v1/households/{}/edits", f.household))
        .await;
    assert_eq!(of_household.as_array().unwrap().len(), 2);
    // A corrected birth year moves the resident between the counts' age groups.
    assert_counts_match_a_recount(&leader.db).await;
}

#[sqlx::test(migrations = false)]
async fn the_same_field_edited_apart_goes_to_the_later_and_the_leader_settles_it(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let id = f.residents[0];
    let base = resident(&leader, id).await["version"].as_i64().unwrap();
    let now = Utc::now();
    // The volunteer's edit was made first but arrives last: the leader's, made later, stays.
    let earlier = resident_edit(
        id,
        base,
        json!({ "birth_year": 1957, "note": "Ở cùng con gái" }),
        now - TimeDelta::hours(2),
    );
    let later = resident_edit(id, base, json!({ "birth_year": 1958 }), now);
    assert_eq!(statuses(&leader, &[&later]).await, ["stored"]);
    assert_eq!(statuses(&volunteer, &[&earlier]).await, ["stored"]);
    let r = resident(&leader, id).await;
    assert_eq!(r["birth_year"], 1958);
    // The field nobody else touched is merged.
    assert_eq!(r["note"], "Ở cùng con gái");
    let open = conflicts(&leader).await;
    assert_eq!(open.len(), 1, "{open:?}");
    let c = &open[0];
    assert_eq!(c["field"], "birth_year");
    assert_eq!(
        (c["kept"].clone(), c["other"].clone()),
        (json!(1958), json!(1957))
    );
    assert_eq!(c["resident_id"], json!(id));
    assert!(c["other_by"].is_string() && c["kept_by"].is_string(), "{c}");
    // The volunteer cannot settle it.
    assert_eq!(
        resolve(&volunteer, &c["id"], "use_other").await,
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        resolve(&leader, &c["id"], "use_other").await,
        StatusCode::NO_CONTENT
    );
    let settled = resident(&leader, id).await;
    assert_eq!(settled["birth_year"], 1957);
    assert_eq!(settled["version"], r["version"].as_i64().unwrap() + 1);
    assert!(conflicts(&leader).await.is_empty());
    // Again the same way is the same; the other way is a conflict.
    assert_eq!(
        resolve(&leader, &c["id"], "use_other").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        resolve(&leader, &c["id"], "keep_current").await,
        StatusCode::CONFLICT
    );
    assert_eq!(resident(&leader, id).await["version"], settled["version"]);
    assert_counts_match_a_recount(&leader.db).await;

    // Made later but arriving last: it wins, and the value it replaced is kept.
    let base = settled["version"].as_i64().unwrap();
    let first = resident_edit(id, base, json!({ "gender": "male" }), now);
    let second = resident_edit(
        id,
        base,
        json!({ "gender": "other" }),
        now + TimeDelta::hours(1),
    );
    assert_eq!(statuses(&leader, &[&first]).await, ["stored"]);
    assert_eq!(statuses(&volunteer, &[&second]).await, ["stored"]);
    assert_eq!(resident(&leader, id).await["gender"], "other");
    let open = conflicts(&leader).await;
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0]["kept"].clone(), open[0]["other"].clone()),
        (json!("other"), json!("male"))
    );
    assert_eq!(
        resolve(&leader, &open[0]["id"], "keep_current").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(resident(&leader, id).await["gender"], "other");
}

#[sqlx::test(migrations = false)]
async fn one_persons_edits_in_a_row_never_conflict(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let id = f.residents[0];
    let base = resident(&leader, id).await["version"].as_i64().unwrap();
    let now = Utc::now();
    // Two edits of one field on one phone, offline: both against the version it had.
    let first = resident_edit(id, base, json!({ "note": "Hẹn thứ Bảy" }), now);
    let second = resident_edit(
        id,
        base,
        json!({ "note": "Hẹn Chủ nhật" }),
        now + TimeDelta::minutes(5),
    );
    assert_eq!(
        statuses(&volunteer, &[&first, &second]).await,
        ["stored"; 2]
    );
    assert_eq!(resident(&leader, id).await["note"], "Hẹn Chủ nhật");
    assert!(conflicts(&leader).await.is_empty());
}

#[sqlx::test(migrations = false)]
async fn an_edit_sent_again_is_stored_once_and_other_content_is_a_conflict(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let base = leader
        .get(&format!("/api/v1/households/{}", f.household))
        .await
        .1["version"]
        .as_i64()
        .unwrap();
    let edit = household_edit(
        f.household,
        base,
        json!({ "address": "Số 9 ngõ Tạm Thương", "poverty": "near_poor", "elderly_alone": true }),
        Utc::now(),
    );
    assert_eq!(statuses(&volunteer, &[&edit]).await, ["stored"]);
    assert_eq!(statuses(&volunteer, &[&edit]).await, ["already_stored"]);
    let mut other = edit.clone();
    other["change"]["fields"]["address"] = json!("Số 11 ngõ Tạm Thương");
    assert_eq!(statuses(&volunteer, &[&other]).await, ["conflict"]);
    let (_, h) = leader
        .get(&format!("/api/v1/households/{}", f.household))
        .await;
    assert_eq!(h["address"], "Số 9 ngõ Tạm Thương");
    assert_eq!(h["priority"]["poverty"], "near_poor");
    assert_eq!(h["version"], base + 1);
    // Search finds it at its new address.
    let (_, found) = leader
        .get(&format!("/api/v1/wards/{WARD}/search?q=tam%20thuong"))
        .await;
    assert!(
        found["households"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == json!(f.household)),
        "{found}"
    );
    assert_counts_match_a_recount(&leader.db).await;
}

#[sqlx::test(migrations = false)]
async fn an_edit_waits_for_the_record_it_refers_to(db: sqlx::PgPool) {
    let (_, leader, volunteer, f) = team(db).await;
    let now = Utc::now();
    let newborn = change(
        "resident",
        json!({
            "household_id": f.household, "full_name": "Lê Gia Bảo", "birth_year": 2026,
            "gender": "male", "consent": true,
        }),
        now,
    );
    let newborn_id: Uuid = newborn["id"].as_str().unwrap().parse().unwrap();
    let named = resident_edit(newborn_id, 1, json!({ "full_name": "Lê Gia Huy" }), now);
    // The edit alone, before the resident arrived: it waits and changes nothing.
    assert_eq!(statuses(&volunteer, &[&named]).await, ["waiting"]);
    // In one batch, whatever the order: the resident first.
    assert_eq!(
        statuses(&volunteer, &[&named, &newborn]).await,
        ["stored"; 2]
    );
    assert_eq!(
        resident(&leader, newborn_id).await["full_name"],
        "Lê Gia Huy"
    );
    assert_eq!(resident(&leader, newborn_id).await["version"], 2);
}

#[sqlx::test(migrations = false)]
async fn a_bad_edit_is_refused_with_its_fields_and_changes_nothing(db: sqlx::PgPool) {
    let (admin, leader, volunteer, f) = team(db).await;
    let id = f.residents[0];
    let was = resident(&leader, id).await;
    let base = was["version"].as_i64().unwrap();
    let now = Utc::now();
    let cases = [
        (json!({}), ("fields", "required")),
        (
            json!({ "birth_year": 2090 }),
            ("fields.birth_year", "in_future"),
        ),
        (
            json!({ "full_name": " " }),
            ("fields.full_name", "required"),
        ),
        (
            json!({ "note": "CCCD 001085012345" }),
            ("fields.note", "id_number"),
        ),
    ];
    for (fields, (field, code)) in cases {
        let edit = resident_edit(id, base, fields.clone(), now);
        let outcome = send(&volunteer, &[&edit]).await;
        assert_eq!(outcome[0].0, "invalid", "{fields}");
        assert_eq!(
            outcome[0].1,
            [(field.to_owned(), code.to_owned())],
            "{fields}"
        );
    }
    let ahead = resident_edit(id, base + 5, json!({ "note": "x" }), now);
    assert_eq!(
        send(&volunteer, &[&ahead]).await[0].1,
        [("base_version".to_owned(), "out_of_range".to_owned())]
    );
    // A misspelt field is refused rather than dropped: the batch is not read.
    let misspelt = resident_edit(id, base, json!({ "birthyear": 1950 }), now);
    let (status, _) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/sync/outbox"),
            json!({ "sent_at": now, "changes": [misspelt] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A household of another TDP is out of the volunteer's reach.
    let elsewhere: Uuid = sqlx::query_scalar(
        "select h.id from households h join tdps t on t.id = h.tdp_id
         where t.ward_code = $1 and h.tdp_id <> $2 limit 1",
    )
    .bind(WARD)
    .bind(f.tdp)
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let theirs = household_edit(elsewhere, 1, json!({ "note": "x" }), now);
    assert_eq!(
        send(&volunteer, &[&theirs]).await[0],
        (
            "waiting".to_owned(),
            vec![("household_id".to_owned(), "unknown_reference".to_owned())]
        )
    );
    assert_eq!(resident(&leader, id).await, was);

    // Once erased, the resident's record and history take no edit.
    let edit = resident_edit(id, base, json!({ "note": "Ở cùng con gái" }), now);
    assert_eq!(statuses(&volunteer, &[&edit]).await, ["stored"]);
    let (status, _) = admin
        .post(&format!("/api/v1/residents/{id}/erasure"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let kept: i64 = sqlx::query_scalar("select count(*) from record_edits where resident_id = $1")
        .bind(id)
        .fetch_one(&admin.db)
        .await
        .unwrap();
    assert_eq!(kept, 0, "erasure forgets the history of their record");
    let again = resident_edit(id, base + 1, json!({ "full_name": "Nguyễn Văn An" }), now);
    assert_eq!(send(&volunteer, &[&again]).await[0].0, "waiting");
    assert_eq!(resident(&admin, id).await["full_name"], "");
}

#[sqlx::test(migrations = false)]
async fn a_name_corrected_into_someone_elses_is_kept_as_a_likely_duplicate(db: sqlx::PgPool) {
    let (admin, leader, volunteer, f) = team(db).await;
    let other: (Uuid, String, i32) = sqlx::query_as(
        "select id, full_name, birth_year from residents
         where tdp_id = $1 and household_id <> $2 and erased_at is null order by id limit 1",
    )
    .bind(f.tdp)
    .bind(f.household)
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let id = f.residents[0];
    let base = resident(&leader, id).await["version"].as_i64().unwrap();
    // Typed as a hurried thumb would: no diacritics, another case.
    let plain = domain::text::fold(&other.1).to_uppercase();
    let edit = resident_edit(
        id,
        base,
        json!({ "full_name": plain, "birth_year": other.2 }),
        Utc::now(),
    );
    assert_eq!(statuses(&volunteer, &[&edit]).await, ["stored"]);
    let (_, found) = leader
        .get(&format!("/api/v1/wards/{WARD}/likely-duplicates"))
        .await;
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["added"]["id"] == json!(id) && d["existing"]["id"] == json!(other.0)),
        "{found}"
    );
}

#[sqlx::test(migrations = false)]
async fn a_resident_moved_to_another_tdp_takes_their_history_and_every_count_follows(
    db: sqlx::PgPool,
) {
    let (admin, leader, volunteer, f) = team(db).await;
    let id = f.residents[0];
    let (status, visit) = leader
        .post(&format!("/api/v1/wards/{WARD}/visits"), f.visit())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    let (status, body) = leader
        .put(
            &format!("/api/v1/households/{}/guide", f.household),
            json!({ "resident_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let elsewhere = admin.household_outside(f.tdp).await;
    let base = resident(&admin, id).await["version"].as_i64().unwrap();
    let moved = resident_edit(id, base, json!({ "household_id": elsewhere }), Utc::now());

    // A volunteer of the first TDP does not see the other TDP's households.
    assert_eq!(
        send(&volunteer, &[&moved]).await,
        [(
            "waiting".to_owned(),
            vec![(
                "fields.household_id".to_owned(),
                "unknown_reference".to_owned()
            )]
        )]
    );
    // Nor does anyone a household of another ward, or one that is not there.
    let nowhere = resident_edit(
        id,
        base,
        json!({ "household_id": Uuid::now_v7() }),
        Utc::now(),
    );
    assert_eq!(send(&admin, &[&nowhere]).await[0].0, "waiting");
    assert_counts_match_a_recount(&admin.db).await;

    assert_eq!(statuses(&admin, &[&moved]).await, ["stored"]);
    let r = resident(&admin, id).await;
    assert_eq!(r["household_id"], json!(elsewhere));
    assert_eq!(r["version"], base + 1);
    assert_eq!(
        r["history"][0]["visit_id"], visit["id"],
        "their visits go with them"
    );
    let to: Uuid = sqlx::query_scalar("select tdp_id from households where id = $1")
        .bind(elsewhere)
        .fetch_one(&admin.db)
        .await
        .unwrap();
    assert_eq!(r["tdp"]["id"], json!(to));
    let skills_at: Vec<Uuid> =
        sqlx::query_scalar("select tdp_id from resident_skills where resident_id = $1")
            .bind(id)
            .fetch_all(&admin.db)
            .await
            .unwrap();
    assert!(!skills_at.is_empty() && skills_at.iter().all(|t| *t == to));
    let (guide, visited): (Option<Uuid>, Uuid) = sqlx::query_as(
        "select (select guide_id from households where id = $1),
                (select household_id from visits where id = $2)",
    )
    .bind(f.household)
    .bind(visit["id"].as_str().unwrap().parse::<Uuid>().unwrap())
    .fetch_one(&admin.db)
    .await
    .unwrap();
    assert_eq!(guide, None, "the household they left has no guide any more");
    assert_eq!(
        visited, f.household,
        "a visit stays with the household visited"
    );
    assert_counts_match_a_recount(&admin.db).await;

    // Both households' histories tell of the move, by address.
    let addresses: Vec<String> = sqlx::query_scalar(
        "select address from households where id = any($1) order by id = $2 desc",
    )
    .bind([f.household, elsewhere])
    .bind(f.household)
    .fetch_all(&admin.db)
    .await
    .unwrap();
    for household in [f.household, elsewhere] {
        let (status, history) = admin
            .get(&format!("/api/v1/households/{household}/edits"))
            .await;
        assert_eq!(status, StatusCode::OK, "{history}");
        assert_eq!(
            history[0]["fields"][0],
            json!({ "field": "household_id", "before": addresses[0], "after": addresses[1] }),
            "{history}"
        );
    }
    // The first TDP's team leader no longer reaches them; the change is not theirs to make
    // again either.
    assert_eq!(
        leader.get(&format!("/api/v1/residents/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(statuses(&admin, &[&moved]).await, ["already_stored"]);
}
