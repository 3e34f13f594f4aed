//! The weekly report: a week's visits, first visits and achievements, against the week before.

use axum::http::StatusCode;
use domain::api::WeeklyReport;
use serde_json::json;
use uuid::Uuid;

use crate::common::{TestApp, WARD, app};

async fn report(app: &TestApp, week: chrono::NaiveDate) -> WeeklyReport {
    let (status, body) = app
        .get(&format!("/api/v1/wards/{WARD}/weekly?week={week}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

crate::at_every_edge! {
async fn a_visit_this_week_shows_in_this_weeks_report_and_nowhere_else(app: TestApp) {
    let today = app.today();
    let before = report(&app, today).await;
    assert_eq!(domain::time::week_of(today), (before.from, before.to));
    // The week before's report counts what this one calls "the week before"; it is the report
    // the committee gets unless it asks for another week: the last complete one, which ended
    // yesterday on a Monday and six days ago on a Sunday night.
    let last_week = report(&app, today - chrono::Days::new(7)).await;
    assert_eq!(last_week.to + chrono::Days::new(1), before.from);
    let (status, body) = app.get(&format!("/api/v1/wards/{WARD}/weekly")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["from"], serde_json::json!(last_week.from));
    assert_eq!(body["to"], serde_json::json!(before.from - chrono::Days::new(1)));
    assert_eq!(last_week.visits, before.visits_before);
    assert_eq!(
        last_week.achieved.iter().sum::<i64>(),
        before.achieved_before
    );

    // A household nobody has visited, visited today: a first visit and an achievement.
    let household = sqlx::query!(
        "select h.id, h.tdp_id, r.id as resident from households h
         join residents r on r.household_id = h.id
         where h.tdp_id in (select id from tdps where ward_code = $1)
             and not exists (select from visits v where v.household_id = h.id)
         order by h.id limit 1",
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let member = sqlx::query_scalar!(
        "select id from team_members where tdp_id = $1 limit 1",
        household.tdp_id
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let skill = &before.dashboard.skills[0];
    let (status, body) = app
        .post(
            &format!("/api/v1/wards/{WARD}/visits"),
            json!({
                "id": Uuid::now_v7(), "household_id": household.id, "visited_on": today,
                "volunteer_ids": [member],
                "help": [{ "resident_id": household.resident, "skill_id": skill.id, "outcome": "achieved" }],
                "satisfaction": 4, "note": ""
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let after = report(&app, today).await;
    assert_eq!(after.visits, before.visits + 1);
    assert_eq!(after.first_visits, before.first_visits + 1);
    assert_eq!(after.achieved[0], before.achieved[0] + 1);
    assert_eq!(after.visits_before, before.visits_before);
    let tdp = after
        .dashboard
        .tdps
        .iter()
        .position(|t| t.tdp_id == Some(household.tdp_id))
        .unwrap();
    assert_eq!(after.tdp_visits[tdp], before.tdp_visits[tdp] + 1);
    assert_eq!(after.tdp_visits.iter().sum::<i64>(), after.visits);
    assert_eq!(
        report(&app, today - chrono::Days::new(7)).await.visits,
        last_week.visits
    );
}
}

#[sqlx::test(migrations = false)]
async fn the_report_shows_the_campaigns_running(db: sqlx::PgPool) {
    let app = app(db).await;
    let today = app.today();
    let uri = format!("/api/v1/wards/{WARD}/campaigns");
    for (name, from, to) in [
        (
            "45 ngày đêm",
            today - chrono::Days::new(3),
            today + chrono::Days::new(41),
        ),
        (
            "Đợt cao điểm đã qua",
            today - chrono::Days::new(60),
            today - chrono::Days::new(30),
        ),
    ] {
        let (status, c) = app
            .post(
                &uri,
                json!({
                    "id": Uuid::now_v7(), "name": name, "starts_on": from, "ends_on": to,
                    "tdp_ids": [], "targets": [{ "indicator": "households_visited", "target": 900 }]
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
    }
    let r = report(&app, today).await;
    assert_eq!(r.campaigns.len(), 1, "only the one running");
    let c = &r.campaigns[0];
    assert_eq!(c.name, "45 ngày đêm");
    assert_eq!(c.indicators[0].target, 900.0);
    // Day 4 of 45 on the straight line to 900.
    assert_eq!(c.indicators[0].expected, 900.0 * 4.0 / 45.0);
}
