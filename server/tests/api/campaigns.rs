//! Campaigns: starting one, refusing bad ones, and its burn-up from what happens within it.

use axum::http::StatusCode;
use chrono::{Days, NaiveDate};
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{OTHER_WARD, TestApp, WARD, app, field_errors, pair};

/// A campaign from `days.0` to `days.1` days after `today`.
fn campaign(today: NaiveDate, id: Uuid, tdps: &[Uuid], days: (i64, i64), targets: Value) -> Value {
    let day = |n: i64| {
        if n < 0 {
            today - Days::new(n.unsigned_abs())
        } else {
            today + Days::new(n as u64)
        }
    };
    json!({
        "id": id, "name": "45 ngày đêm cao điểm", "starts_on": day(days.0), "ends_on": day(days.1),
        "tdp_ids": tdps, "targets": targets
    })
}

async fn count(app: &TestApp) -> i64 {
    sqlx::query_scalar!(r#"select count(*) as "n!" from campaigns"#)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn starts_a_campaign_once_and_refuses_bad_ones(db: sqlx::PgPool) {
    let app = app(db).await;
    let other = app.fixture(OTHER_WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/campaigns");
    let targets = json!([
        { "indicator": "vneid_level2", "target": 500 },
        { "indicator": "households_visited", "target": 2000 }
    ]);
    let body = campaign(app.today(), Uuid::now_v7(), &[], (0, 44), targets.clone());
    let (status, c) = app.post(&uri, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["targets"], targets);
    assert_eq!(c["tdp_ids"], json!([]));
    assert_eq!(app.post(&uri, body.clone()).await, (StatusCode::CREATED, c));
    let mut changed = body;
    changed["name"] = json!("Chiến dịch khác");
    let (status, err) = app.post(&uri, changed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("id", "duplicate")]);
    let before = count(&app).await;

    let (status, err) = app
        .post(
            &uri,
            campaign(app.today(), Uuid::now_v7(), &[], (3, 2), json!([])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("ends_on", "ends_before_start"),
            pair("targets", "required")
        ]
    );
    let (status, err) = app
        .post(
            &uri,
            campaign(
                app.today(),
                Uuid::now_v7(),
                &[other.tdp],
                (0, 2),
                json!([{ "indicator": "flying", "target": 5 }]),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("tdp_ids[0]", "unknown_reference"),
            pair("targets[0].indicator", "unknown_reference")
        ]
    );
    let leader = app.signed_in_as(WARD, Role::TeamLeader).await;
    let (status, _) = leader
        .post(
            &uri,
            campaign(app.today(), Uuid::now_v7(), &[], (0, 2), targets),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app).await, before, "nothing written");
}

crate::at_every_edge! {
async fn the_burn_up_counts_what_happens_within_the_campaign(app: TestApp) {
    let f = app.fixture(WARD).await;
    let skill_code = sqlx::query_scalar!("select code from skills where id = $1", f.skills[0])
        .fetch_one(&app.db)
        .await
        .unwrap();
    let id = Uuid::now_v7();
    let (status, c) = app
        .post(
            &format!("/api/v1/wards/{WARD}/campaigns"),
            campaign(
                f.today,
                id,
                &[f.tdp],
                (-2, 2),
                json!([
                    { "indicator": skill_code, "target": 40 },
                    { "indicator": "households_visited", "target": 10 }
                ]),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let uri = format!("/api/v1/campaigns/{id}");
    let (_, before) = app.get(&uri).await;

    // A new household met today, whose only resident learns the skill on the spot.
    let (_, h) = app
        .post(
            &format!("/api/v1/wards/{WARD}/households"),
            json!({ "id": null, "tdp_id": f.tdp, "address": "Số 9 ngõ Chiến Dịch", "head_name": "Lý Thị Nga",
                    "priority": { "elderly_alone": false, "disability": false, "poverty": "none" } }),
        )
        .await;
    let (_, r) = app
        .post(
            &format!("/api/v1/wards/{WARD}/residents"),
            json!({ "id": null, "household_id": h["id"], "full_name": "Lý Thị Nga", "birth_year": 1970, "gender": "female", "consent": true }),
        )
        .await;
    let (status, v) = app
        .post(
            &format!("/api/v1/wards/{WARD}/visits"),
            json!({ "id": Uuid::now_v7(), "household_id": h["id"], "visited_on": f.today,
                    "volunteer_ids": [f.member], "satisfaction": null, "note": "",
                    "help": [{ "resident_id": r["id"], "skill_id": f.skills[0], "outcome": "achieved" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");

    let viewer = app.signed_in_as(WARD, Role::Viewer).await;
    let (status, after) = viewer.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    for (i, target) in [(0, 40.0), (1, 10.0)] {
        let (was, now) = (&before["indicators"][i], &after["indicators"][i]);
        assert_eq!(
            now["achieved"],
            json!(was["achieved"].as_i64().unwrap() + 1)
        );
        assert_eq!(now["target"], target);
        let days = now["days"].as_array().unwrap();
        assert_eq!(days.len(), 5);
        // Today is the third day: known so far, unknown after.
        assert_eq!(days[2]["achieved"], now["achieved"]);
        assert_eq!(
            (days[3]["achieved"].clone(), days[4]["achieved"].clone()),
            (Value::Null, Value::Null)
        );
        assert_eq!(days[4]["line"], target);
    }
    assert_eq!(
        after["tdps"].as_array().unwrap().len(),
        1,
        "the campaign's one TDP"
    );
    assert_eq!(
        after["tdps"][0]["achieved"][0],
        after["indicators"][0]["achieved"]
    );
    // One TDP's view, and a TDP outside the campaign refused.
    let (status, one) = viewer.get(&format!("{uri}?tdp={}", f.tdp)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        one["indicators"][0]["target"], 40.0,
        "the only TDP carries all of it"
    );
    let outside = sqlx::query_scalar!(
        "select id from tdps where ward_code = $1 and id <> $2 limit 1",
        WARD,
        f.tdp
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (status, err) = viewer.get(&format!("{uri}?tdp={outside}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("tdp", "unknown_reference")]);
}
}
