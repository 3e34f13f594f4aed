//! The rapid-response team's tickets: escalated by a TDP's team, taken on, discussed and
//! resolved by the ward's responders, counted on the dashboard and in the weekly report.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{OTHER_WARD, TestApp, WARD, app, field_errors, pair};

fn about_household(household: Uuid, resident: Option<Uuid>, skill: Option<Uuid>) -> Value {
    json!({
        "id": Uuid::now_v7(), "household_id": household, "resident_id": resident,
        "skill_id": skill, "title": "Không kích hoạt được VNeID mức 2",
        "description": "Ảnh khuôn mặt không khớp, đã thử ba lần."
    })
}

async fn ticket_count(app: &TestApp) -> (i64, i64) {
    let r = sqlx::query!(
        r#"select (select count(*) from tickets) as "tickets!",
                  (select count(*) from ticket_events) as "events!""#
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    (r.tickets, r.events)
}

async fn user_of(app: &TestApp, ward: i32, role: Role) -> Uuid {
    sqlx::query_scalar!(
        "select user_id from role_grants where ward_code = $1 and role = $2",
        ward,
        role.as_str()
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

fn kinds(detail: &Value) -> Vec<String> {
    detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let kind = e["kind"].as_str().unwrap();
            match e["status"].as_str() {
                Some(status) if kind == "status" => format!("status:{status}"),
                _ => kind.to_owned(),
            }
        })
        .collect()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

#[sqlx::test(migrations = false)]
async fn a_volunteer_escalates_and_the_responder_resolves(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let volunteer = app.signed_in_as(WARD, Role::Volunteer).await;
    let responder = app.signed_in_as(WARD, Role::Responder).await;
    let viewer = app.signed_in_as(WARD, Role::Viewer).await;
    let responder_id = user_of(&app, WARD, Role::Responder).await;
    let figures = format!("/api/v1/wards/{WARD}/tickets/figures");
    let (_, before) = viewer.get(&figures).await;

    let body = about_household(f.household, Some(f.residents[0]), Some(f.skills[1]));
    let id = body["id"].as_str().unwrap().to_owned();
    let (status, t) = volunteer
        .post(&format!("/api/v1/wards/{WARD}/tickets"), body.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    assert_eq!(t["status"], "open");
    assert_eq!(t["tdp_id"], json!(f.tdp));
    assert_eq!(t["resident_id"], json!(f.residents[0]));
    assert_eq!(t["assignee_id"], Value::Null);
    // A phone that lost the answer sends it again: one ticket.
    let counted = ticket_count(&app).await;
    let (status, again) = volunteer
        .post(&format!("/api/v1/wards/{WARD}/tickets"), body.clone())
        .await;
    assert_eq!((status, &again), (StatusCode::CREATED, &t));
    assert_eq!(ticket_count(&app).await, counted);
    let mut changed = body;
    changed["title"] = json!("Một vướng mắc khác");
    let (status, err) = volunteer
        .post(&format!("/api/v1/wards/{WARD}/tickets"), changed)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("id", "duplicate")]);

    // Everyone in the ward sees it counted against the TDP; the responders see it queued,
    // oldest first.
    let (_, after) = viewer.get(&figures).await;
    assert_eq!(after["open"], before["open"].as_i64().unwrap() + 1);
    let tdp_open = |v: &Value| {
        v["tdps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tdp_id"] == json!(f.tdp))
            .map_or(0, |t| t["open"].as_i64().unwrap())
    };
    assert_eq!(tdp_open(&after), tdp_open(&before) + 1);
    let (status, queue) = responder
        .get(&format!("/api/v1/wards/{WARD}/tickets"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&queue).last(), Some(&id));
    let opened: Vec<&str> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["opened_at"].as_str().unwrap())
        .collect();
    assert!(opened.is_sorted(), "{opened:?}");

    // Only the responders are offered whom to assign it to.
    let uri = format!("/api/v1/tickets/{id}");
    let (status, seen) = volunteer.get(&uri).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["responders"], json!([]));
    assert_eq!(kinds(&seen), ["opened"]);
    let (_, seen) = responder.get(&uri).await;
    assert!(
        seen["responders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["user_id"] == json!(responder_id))
    );

    // Taking it on puts it in progress, once.
    let assign = json!({ "assignee_id": responder_id });
    let (status, taken) = responder
        .put(&format!("{uri}/assignee"), assign.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    assert_eq!(taken["ticket"]["status"], "in_progress");
    assert_eq!(taken["ticket"]["assignee_id"], json!(responder_id));
    assert_eq!(kinds(&taken), ["opened", "assigned", "status:in_progress"]);
    let (_, same) = responder.put(&format!("{uri}/assignee"), assign).await;
    assert_eq!(kinds(&same), kinds(&taken));
    let (status, _) = volunteer
        .put(
            &format!("{uri}/status"),
            json!({ "status": "resolved", "note": "Xong" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The volunteer adds what they tried; a comment sent twice is added once.
    let comment = json!({ "id": Uuid::now_v7(), "text": "Bà đã thử lại sáng nay, vẫn lỗi." });
    let (status, commented) = volunteer
        .post(&format!("{uri}/comments"), comment.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{commented}");
    let (_, twice) = volunteer.post(&format!("{uri}/comments"), comment).await;
    assert_eq!(kinds(&twice), kinds(&commented));
    assert_eq!(kinds(&commented).last().unwrap(), "comment");

    // Resolving says how; the time to resolution runs from the opening.
    let (status, err) = responder
        .put(&format!("{uri}/status"), json!({ "status": "resolved" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("note", "required")]);
    let note = "Đưa bà ra công an phường cập nhật ảnh.";
    let (status, resolved) = responder
        .put(
            &format!("{uri}/status"),
            json!({ "status": "resolved", "note": note }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    assert_eq!(resolved["ticket"]["status"], "resolved");
    assert!(
        resolved["ticket"]["resolved_at"].as_str().unwrap() >= t["opened_at"].as_str().unwrap()
    );
    let last = resolved["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["status"].as_str(), last["text"].as_str()),
        (Some("resolved"), Some(note))
    );

    let (_, queue) = responder
        .get(&format!("/api/v1/wards/{WARD}/tickets"))
        .await;
    assert!(!ids(&queue).contains(&id));
    let (_, done) = responder
        .get(&format!("/api/v1/wards/{WARD}/tickets?resolved=true"))
        .await;
    assert_eq!(ids(&done).first(), Some(&id));
    let (_, now) = viewer.get(&figures).await;
    assert_eq!(now["open"], before["open"]);
    assert_eq!(
        now["resolved_30_days"],
        before["resolved_30_days"].as_i64().unwrap() + 1
    );
    assert!(now["median_hours_30_days"].is_number());

    // Opened again, it is unresolved again.
    let (_, reopened) = responder
        .put(
            &format!("{uri}/status"),
            json!({ "status": "open", "note": "Bà báo lại lỗi cũ" }),
        )
        .await;
    assert_eq!(reopened["ticket"]["status"], "open");
    assert_eq!(reopened["ticket"]["resolved_at"], Value::Null);
}

#[sqlx::test(migrations = false)]
async fn refuses_bad_tickets_and_writes_nothing(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let other = app.fixture(OTHER_WARD).await;
    let volunteer = app.signed_in_as(WARD, Role::Volunteer).await;
    let uri = format!("/api/v1/wards/{WARD}/tickets");
    let before = ticket_count(&app).await;
    let outside = app.household_outside(f.tdp).await;
    let someone_else = sqlx::query_scalar!(
        "select id from residents where household_id <> $1 and tdp_id = $2 limit 1",
        f.household,
        f.tdp
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let with = |patch: Value| {
        let mut body = about_household(f.household, Some(f.residents[0]), None);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, expected) in [
        (
            with(json!({ "place": "Nhà văn hoá" })),
            vec![pair("place", "invalid_format")],
        ),
        (
            with(json!({ "household_id": null })),
            vec![
                pair("household_id", "required"),
                pair("tdp_id", "required"),
                pair("place", "required"),
            ],
        ),
        (
            with(json!({ "title": "", "description": "CCCD: 001158012345" })),
            vec![pair("title", "required"), pair("description", "id_number")],
        ),
        (
            with(json!({ "resident_id": someone_else })),
            vec![pair("resident_id", "other_household")],
        ),
        (
            with(json!({ "household_id": other.household, "resident_id": null })),
            vec![pair("household_id", "other_ward")],
        ),
        (
            with(json!({ "household_id": outside, "resident_id": null })),
            vec![pair("household_id", "unknown_reference")],
        ),
        (
            with(json!({ "skill_id": other.skills[0] })),
            vec![pair("skill_id", "unknown_reference")],
        ),
        (
            with(
                json!({ "household_id": null, "resident_id": null, "place": "Bưu điện",
                         "tdp_id": Uuid::now_v7() }),
            ),
            vec![pair("tdp_id", "unknown_reference")],
        ),
    ] {
        let (status, err) = volunteer.post(&uri, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field_errors(&err), expected, "{body}");
    }
    // Nor someone of the household who withdrew their consent, or who left the ward.
    let [_, withdrew, left, ..] = f.residents[..] else {
        panic!("the fixture's household has three residents");
    };
    let (status, _) = volunteer
        .put(
            &format!("/api/v1/residents/{withdrew}/consent"),
            json!({ "given": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = volunteer
        .put(
            &format!("/api/v1/residents/{left}/departure"),
            json!({ "departure": { "on": f.today, "reason": "moved_out" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for (resident, code) in [(withdrew, "consent_withdrawn"), (left, "departed")] {
        let body = with(json!({ "resident_id": resident }));
        let (status, err) = volunteer.post(&uri, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(field_errors(&err), [pair("resident_id", code)]);
    }
    // A place in a TDP that is not the volunteer's.
    let other_tdp = sqlx::query_scalar!("select tdp_id from households where id = $1", outside)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (status, _) = volunteer
        .post(
            &uri,
            with(
                json!({ "household_id": null, "resident_id": null, "place": "Bưu điện",
                         "tdp_id": other_tdp }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, err) = volunteer.post_raw(&uri, "{\"title\": ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(ticket_count(&app).await, before);

    // On a ticket: an assignee who is not of the rapid-response team, an empty comment.
    let (_, t) = volunteer
        .post(&uri, about_household(f.household, None, None))
        .await;
    let before = ticket_count(&app).await;
    let ticket = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());
    let volunteer_id = user_of(&app, WARD, Role::Volunteer).await;
    let (status, err) = app
        .put(
            &format!("{ticket}/assignee"),
            json!({ "assignee_id": volunteer_id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("assignee_id", "unknown_reference")]
    );
    let (status, err) = volunteer
        .post(
            &format!("{ticket}/comments"),
            json!({ "id": Uuid::now_v7(), "text": "  " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("text", "required")]);
    let (status, _) = app
        .put(&format!("{ticket}/status"), json!({ "status": "closed" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(ticket_count(&app).await, before);
}

#[sqlx::test(migrations = false)]
async fn the_weekly_report_counts_the_weeks_tickets(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let today = f.today;
    let weekly = |day: chrono::NaiveDate| format!("/api/v1/wards/{WARD}/weekly?week={day}");
    let (_, this_week) = app.get(&weekly(today)).await;
    let last_week = today - chrono::Days::new(7);
    let (_, earlier) = app.get(&weekly(last_week)).await;

    let (_, t) = app
        .post(
            &format!("/api/v1/wards/{WARD}/tickets"),
            about_household(f.household, None, None),
        )
        .await;
    let ticket = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());
    let (_, after_opening) = app.get(&weekly(today)).await;
    let count = |r: &Value, key: &str| r["tickets"][key].as_i64().unwrap();
    assert_eq!(
        count(&after_opening, "opened"),
        count(&this_week, "opened") + 1
    );
    assert_eq!(
        count(&after_opening, "unresolved"),
        count(&this_week, "unresolved") + 1
    );
    let (status, _) = app
        .put(
            &format!("{ticket}/status"),
            json!({ "status": "resolved", "note": "Đã cài lại ứng dụng" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after_resolving) = app.get(&weekly(today)).await;
    assert_eq!(
        count(&after_resolving, "resolved"),
        count(&this_week, "resolved") + 1
    );
    assert_eq!(
        count(&after_resolving, "unresolved"),
        count(&this_week, "unresolved")
    );
    assert!(after_resolving["tickets"]["median_hours"].is_number());
    // The week before is as it was.
    let (_, earlier_now) = app.get(&weekly(last_week)).await;
    assert_eq!(earlier_now["tickets"], earlier["tickets"]);
}
