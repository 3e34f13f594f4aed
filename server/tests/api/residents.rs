use axum::http::StatusCode;
use chrono::Datelike;
use serde_json::json;

use crate::common::{OTHER_WARD, WARD, app, field_errors, pair};

#[sqlx::test(migrations = false)]
async fn records_a_resident_without_any_id_number(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let body = json!({ "id": null, "household_id": f.household, "full_name": "  Trần   Thị  Ánh ", "birth_year": 1958, "gender": "female", "consent": true });
    let (status, r) = app
        .post(&format!("/api/v1/wards/{WARD}/residents"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["full_name"], "Trần Thị Ánh");
    assert_eq!(r["skills"], json!([]));
    let (status, again) = app
        .get(&format!("/api/v1/residents/{}", r["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, r);
    let columns: Vec<String> = sqlx::query_scalar!(
        r#"select column_name as "c!" from information_schema.columns where table_name = 'residents'"#
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(
        !columns
            .iter()
            .any(|c| c.contains("cccd") || c.contains("id_number"))
    );
}

#[sqlx::test(migrations = false)]
async fn refuses_future_birth_years_and_other_wards(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let other = app.fixture(OTHER_WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/residents");
    let next_year = app.today().year() + 1;
    let (status, err) = app
        .post(&uri, json!({ "id": null, "household_id": f.household, "full_name": "Lê Văn B", "birth_year": next_year, "gender": "male", "consent": true }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("birth_year", "in_future")]);
    let (status, err) = app
        .post(&uri, json!({ "id": null, "household_id": other.household, "full_name": "Lê Văn B", "birth_year": 1990, "gender": "male", "consent": true }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("household_id", "other_ward")]);
    let (status, _) = app
        .post(&uri, json!({ "id": null, "household_id": f.household, "full_name": "Lê Văn B", "birth_year": "1990", "gender": "male" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let count: i64 = sqlx::query_scalar!(
        r#"select count(*) as "n!" from residents where full_name = 'Lê Văn B'"#
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(count, 0);
    assert_eq!(
        app.get(&format!("/api/v1/residents/{}", uuid::Uuid::now_v7()))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

/// Every text and JSON value in the database that holds `needle`, as "table.column".
async fn held_anywhere(db: &sqlx::PgPool, needle: &str) -> Vec<String> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "select table_name::text, column_name::text from information_schema.columns
         where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb')",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let mut found = Vec::new();
    for (table, column) in columns {
        let n: i64 = sqlx::query_scalar(&format!(
            "select count(*) from \"{table}\" where strpos(\"{column}\"::text, $1) > 0"
        ))
        .bind(needle)
        .fetch_one(db)
        .await
        .unwrap();
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

/// The right to deletion (Law 91/2025): once a ward admin erases a resident, nothing in the
/// database holds their name — not the register, the household they headed, a visit note, a
/// ticket or the audit log — while every figure still counts them, as a recount does. Asking
/// twice changes nothing; a team leader may not ask.
#[sqlx::test(migrations = false)]
async fn an_erased_resident_is_named_nowhere_and_still_counted(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let name = "Phạm Thị Xoá Dấu";
    let (status, household) = app
        .post(
            &format!("/api/v1/wards/{WARD}/households"),
            json!({
                "id": null, "tdp_id": f.tdp, "address": "Số 41, ngõ 7, Phú Diễn", "head_name": name,
                "priority": { "elderly_alone": true, "disability": true, "poverty": "poor" },
                "location": { "lat": 21.05, "lon": 105.76 }
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{household}");
    let household = household["id"].as_str().unwrap().to_owned();
    let (status, resident) = app
        .post(
            &format!("/api/v1/wards/{WARD}/residents"),
            json!({ "id": null, "household_id": household, "full_name": name, "birth_year": 1961, "gender": "female", "consent": true }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{resident}");
    let id = resident["id"].as_str().unwrap().to_owned();
    let (status, body) = app
        .post(
            &format!("/api/v1/wards/{WARD}/visits"),
            json!({
                "id": uuid::Uuid::now_v7(), "household_id": household, "visited_on": app.today(),
                "volunteer_ids": [f.member],
                "help": [{ "resident_id": id, "skill_id": f.skills[0], "outcome": "achieved" }],
                "satisfaction": 5, "note": format!("Bà {name} đã cài VNeID")
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/wards/{WARD}/tickets"),
            json!({
                "id": uuid::Uuid::now_v7(), "household_id": household, "resident_id": id,
                "skill_id": null, "title": format!("{name} cần hỗ trợ tại nhà"),
                "description": "Không đi lại được."
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(!held_anywhere(&app.db, name).await.is_empty());
    let before = crate::common::dashboard(&app).await;

    // A volunteer's phone keeps the household offline.
    let phone = app
        .signed_in_as(WARD, domain::access::Role::Volunteer)
        .await;
    let pull = format!("/api/v1/wards/{WARD}/sync/changes");
    let (_, kept) = phone.get(&pull).await;
    let cursor = kept["cursor"].as_str().unwrap().replace(',', "%2C");

    let leader = app
        .signed_in_as(WARD, domain::access::Role::TeamLeader)
        .await;
    let uri = format!("/api/v1/residents/{id}/erasure");
    assert_eq!(
        leader.post(&uri, json!(null)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.post(&uri, json!(null)).await.0, StatusCode::NO_CONTENT);

    assert_eq!(held_anywhere(&app.db, name).await, Vec::<String>::new());
    assert_eq!(
        held_anywhere(&app.db, "pham thi xoa dau").await,
        Vec::<String>::new()
    );
    assert_eq!(
        held_anywhere(&app.db, "Số 41, ngõ 7").await,
        Vec::<String>::new()
    );
    // The phone's next pull brings the erased household, and nothing of the name stays.
    let (_, changes) = phone.get(&format!("{pull}?since={cursor}")).await;
    let pulled = changes["households"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == household.as_str())
        .expect("the erased household is pulled again");
    assert_eq!(pulled["address"], "");
    assert!(!changes.to_string().contains(name));
    let after = crate::common::dashboard(&app).await;
    assert_eq!(after.totals, before.totals);
    assert_eq!(after.tdps, before.tdps);
    crate::common::assert_counts_match_a_recount(&app.db).await;
    let (_, erased) = app.get(&format!("/api/v1/residents/{id}")).await;
    assert_eq!(erased["full_name"], "");
    assert_eq!(
        erased["skills"].as_array().unwrap().len(),
        1,
        "still counted"
    );
    // The erasure is in the log, with what was erased and not a value of it.
    let (_, log) = app
        .get(&format!(
            "/api/v1/wards/{WARD}/audit?entity=residents&action=delete"
        ))
        .await;
    assert_eq!(log[0]["entity_id"], id.as_str());
    assert_eq!(
        log[0]["change"]["household"],
        json!(["head_name", "address", "location"])
    );

    // No new record for them.
    let (status, err) = app
        .post(
            &format!("/api/v1/wards/{WARD}/visits"),
            json!({
                "id": uuid::Uuid::now_v7(), "household_id": household, "visited_on": app.today(),
                "volunteer_ids": [f.member],
                "help": [{ "resident_id": id, "skill_id": f.skills[1], "outcome": "achieved" }],
                "satisfaction": null, "note": ""
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        field_errors(&err),
        [pair("help[0].resident_id", "unknown_reference")]
    );

    assert_eq!(app.post(&uri, json!(null)).await.0, StatusCode::NO_CONTENT);
    let (_, again) = app
        .get(&format!(
            "/api/v1/wards/{WARD}/audit?entity=residents&action=delete"
        ))
        .await;
    assert_eq!(again.as_array().unwrap().len(), 1);
}

/// The right to see one's data: the ward admin gets everything held about one resident, their
/// household as held and who changed their record, but not the other members' names.
#[sqlx::test(migrations = false)]
async fn a_resident_s_export_holds_their_data_and_nobody_else_s(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let (status, me) = app
        .post(
            &format!("/api/v1/wards/{WARD}/residents"),
            json!({ "id": null, "household_id": f.household, "full_name": "Võ Thị Xem Dữ Liệu", "birth_year": 1970, "gender": "female", "consent": true }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{me}");
    let id = me["id"].as_str().unwrap();
    let (status, export) = app.get(&format!("/api/v1/residents/{id}/export")).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["resident"]["full_name"], "Võ Thị Xem Dữ Liệu");
    assert_eq!(export["resident"]["birth_year"], 1970);
    let address: String =
        sqlx::query_scalar!("select address from households where id = $1", f.household)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(export["household"]["address"], address.as_str());
    assert!(
        export["purpose"]
            .as_str()
            .unwrap()
            .contains("Bình dân học vụ số")
    );
    let created = export["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "residents")
        .unwrap();
    assert_eq!(created["action"], "create");
    assert!(
        created["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("full_name"))
    );

    let others: Vec<String> = sqlx::query_scalar!(
        "select full_name from residents where household_id = $1 and id <> $2::text::uuid",
        f.household,
        id
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(!others.is_empty());
    let text = export.to_string();
    for other in others {
        assert!(!text.contains(&other), "{other} is someone else");
    }
    let leader = app
        .signed_in_as(WARD, domain::access::Role::TeamLeader)
        .await;
    assert_eq!(
        leader
            .get(&format!("/api/v1/residents/{id}/export"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

/// Law 91/2025: a team member registers someone only with their consent, recorded with who,
/// when and for what. Withdrawn at the door, it stops every new record about them, whichever
/// path would write it, while the figures keep counting what they achieved before; given
/// again, records resume.
#[sqlx::test(migrations = false)]
async fn a_withdrawn_consent_stops_new_records_and_keeps_the_counts(db: sqlx::PgPool) {
    let app = app(db).await;
    let volunteer = app
        .signed_in_as(WARD, domain::access::Role::Volunteer)
        .await;
    let (_, session) = volunteer.get("/api/v1/session").await;
    let tdp: uuid::Uuid = session["user"]["grants"][0]["tdp_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let name = session["user"]["full_name"].clone();
    let f = app.fixture_in(tdp).await;
    let uri = format!("/api/v1/wards/{WARD}/residents");
    let new = |consent: bool| {
        json!({ "id": null, "household_id": f.household, "full_name": "Hà Thị Đồng Ý",
                "birth_year": 1955, "gender": "female", "consent": consent })
    };
    let (status, err) = volunteer.post(&uri, new(false)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(field_errors(&err), [pair("consent", "consent_required")]);
    let (status, me) = volunteer.post(&uri, new(true)).await;
    assert_eq!(status, StatusCode::CREATED, "{me}");
    let id = me["id"].as_str().unwrap().to_owned();
    assert_eq!(me["consent"]["given_by"], name);
    assert!(me["consent"]["given_at"].is_string());
    assert!(
        me["consent"]["purpose"]
            .as_str()
            .unwrap()
            .contains("Bình dân học vụ số")
    );
    assert_eq!(me["consent"]["withdrawn_at"], json!(null));

    let help = |skill: usize| {
        json!({
            "id": uuid::Uuid::now_v7(), "household_id": f.household, "visited_on": f.today,
            "volunteer_ids": [f.member], "satisfaction": null, "note": "",
            "help": [{ "resident_id": id, "skill_id": f.skills[skill], "outcome": "achieved" }]
        })
    };
    let visits = format!("/api/v1/wards/{WARD}/visits");
    let (status, body) = volunteer.post(&visits, help(0)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let before = crate::common::dashboard(&app).await;

    let consent = format!("/api/v1/residents/{id}/consent");
    let (status, withdrawn) = volunteer.put(&consent, json!({ "given": false })).await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["consent"]["withdrawn_by"], name);
    assert!(withdrawn["consent"]["withdrawn_at"].is_string());
    assert_eq!(withdrawn["skills"].as_array().unwrap().len(), 1, "kept");
    let (_, again) = volunteer.put(&consent, json!({ "given": false })).await;
    assert_eq!(
        again["consent"], withdrawn["consent"],
        "asking again changes nothing"
    );

    // A phone's batch: the visit that helps them is refused alone, the other one (a call that
    // helped nobody) is stored.
    let mut call = f.visit();
    call["help"] = json!([]);
    call["satisfaction"] = json!(null);
    let now = app.clock.now();
    let (status, outcomes) = volunteer
        .post(
            &format!("/api/v1/wards/{WARD}/sync/visits"),
            json!({ "sent_at": now, "visits": [
                { "recorded_at": now, "visit": help(1) },
                { "recorded_at": now, "visit": call },
            ] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    assert_eq!(outcomes[0]["status"], "invalid", "{outcomes}");
    assert_eq!(
        outcomes[0]["fields"][0],
        json!({ "field": "help[0].resident_id", "code": "consent_withdrawn",
                "message": domain::FieldCode::ConsentWithdrawn.message_vi() })
    );
    assert_eq!(outcomes[1]["status"], "stored", "{outcomes}");
    // Nor an ambassador's role, nor a skill written straight into the database.
    let (status, err) = volunteer
        .put(&format!("/api/v1/residents/{id}/ambassador"), json!(null))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        field_errors(&err),
        [pair("resident_id", "consent_withdrawn")]
    );
    let written = sqlx::query(
        "insert into resident_skills (resident_id, tdp_id, birth_year, skill_id, status, since,
                                      visit_id)
         select r.id, r.tdp_id, r.birth_year, $2, 'achieved', current_date, h.visit_id
         from residents r join visit_help h on h.resident_id = r.id where r.id = $1",
    )
    .bind(id.parse::<uuid::Uuid>().unwrap())
    .bind(f.skills[2])
    .execute(&app.db)
    .await
    .unwrap_err();
    assert_eq!(
        written.as_database_error().unwrap().constraint(),
        Some("residents_consent")
    );
    // The household shows them as having withdrawn, so the forms offer them for nothing.
    let (_, household) = volunteer
        .get(&format!("/api/v1/households/{}", f.household))
        .await;
    let listed = household["residents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(listed["consent_withdrawn"], true);
    assert_eq!(listed["achieved"].as_array().unwrap().len(), 1);
    // What they achieved before stays counted, and the counts are right.
    let after = crate::common::dashboard(&app).await;
    assert_eq!(after.totals, before.totals);
    assert_eq!(after.tdps, before.tdps);
    crate::common::assert_counts_match_a_recount(&app.db).await;

    // Given again at a later visit: records resume.
    let (status, given) = volunteer.put(&consent, json!({ "given": true })).await;
    assert_eq!(status, StatusCode::OK, "{given}");
    assert_eq!(given["consent"]["withdrawn_at"], json!(null));
    assert_eq!(given["consent"]["given_by"], name);
    let (status, body) = volunteer.post(&visits, help(1)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, log) = app
        .get(&format!(
            "/api/v1/wards/{WARD}/audit?entity=residents&action=update"
        ))
        .await;
    let changes: Vec<&serde_json::Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == id.as_str())
        .map(|e| &e["change"])
        .collect();
    assert_eq!(
        changes,
        [&json!({ "given": true }), &json!({ "given": false })],
        "newest first, once each"
    );
}
