//! Door-to-door assignments: a team leader sends a member to households; the member's own
//! list empties as their visits are recorded.

use axum::http::StatusCode;
use domain::access::Role;
use domain::api::HouseholdSummary;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{TestApp, WARD, app, field_errors, pair};

/// The demo volunteer's team membership: (member, TDP).
async fn volunteer_member(app: &TestApp) -> (Uuid, Uuid) {
    let r = sqlx::query!(
        "select m.id, m.tdp_id from team_members m
         join role_grants g on g.user_id = m.user_id and g.tdp_id = m.tdp_id
         where g.ward_code = $1 and g.role = 'volunteer'",
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    (r.id, r.tdp_id)
}

/// Households of `tdp` never visited: the ones worth sending someone to.
async fn unvisited(app: &TestApp, tdp: Uuid, n: i64) -> Vec<Uuid> {
    sqlx::query_scalar!(
        "select h.id from households h
         where h.tdp_id = $1 and not exists (select from visits v where v.household_id = h.id)
         order by h.id limit $2",
        tdp,
        n
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn assign(
    app: &TestApp,
    tdp: Uuid,
    member: Option<Uuid>,
    households: &[Uuid],
) -> (StatusCode, Value) {
    app.put(
        &format!("/api/v1/tdps/{tdp}/assignments"),
        json!({ "team_member_id": member, "household_ids": households }),
    )
    .await
}

async fn mine(app: &TestApp) -> Vec<HouseholdSummary> {
    let (status, body) = app.get("/api/v1/me/households").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

fn ids(list: &[HouseholdSummary]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = list.iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

crate::at_every_edge! {
async fn a_volunteers_households_empty_as_their_visits_are_recorded(admin: TestApp) {
    let volunteer = admin.signed_in_as(WARD, Role::Volunteer).await;
    let (member, tdp) = volunteer_member(&admin).await;
    let households = unvisited(&admin, tdp, 3).await;
    assert_eq!(households.len(), 3, "the demo TDP has unvisited households");
    assert!(mine(&volunteer).await.is_empty());

    let (status, body) = assign(&admin, tdp, Some(member), &households).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answered: Vec<HouseholdSummary> = serde_json::from_value(body).unwrap();
    assert!(answered.iter().all(|h| h.assigned_to.is_some()));
    let list = mine(&volunteer).await;
    assert_eq!(ids(&list), households);
    // Priority households come first.
    let priorities: Vec<bool> = list.iter().map(|h| h.priority.any()).collect();
    let mut sorted = priorities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(priorities, sorted);

    // A visit to one takes it off the list.
    let mut visit = json!({
        "id": Uuid::now_v7(), "household_id": households[0], "visited_on": admin.today(),
        "volunteer_ids": [member], "help": [], "satisfaction": 5, "note": ""
    });
    let (status, body) = volunteer
        .post(&format!("/api/v1/wards/{WARD}/visits"), visit.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(ids(&mine(&volunteer).await), households[1..]);

    // An hour later, sending the same member again changes nothing, but the visited household
    // is sent again.
    admin.clock.advance(chrono::TimeDelta::hours(1));
    let logged = async || {
        sqlx::query_scalar!(
            r#"select count(*) as "n!" from audit_log where entity = 'assignments'"#
        )
        .fetch_one(&admin.db)
        .await
        .unwrap()
    };
    let before = logged().await;
    assert_eq!(
        assign(&admin, tdp, Some(member), &households[1..]).await.0,
        StatusCode::OK
    );
    assert_eq!(logged().await, before);
    assert_eq!(
        assign(&admin, tdp, Some(member), &households).await.0,
        StatusCode::OK
    );
    assert_eq!(ids(&mine(&volunteer).await), households);
    assert_eq!(logged().await, before + 1);

    // Called back, they leave the list; a visit by anyone after the assignment also counts.
    assert_eq!(
        assign(&admin, tdp, None, &households[..1]).await.0,
        StatusCode::OK
    );
    visit["id"] = json!(Uuid::now_v7());
    visit["household_id"] = json!(households[1]);
    let (status, _) = admin
        .post(&format!("/api/v1/wards/{WARD}/visits"), visit)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(ids(&mine(&volunteer).await), households[2..]);
}
}

#[sqlx::test(migrations = false)]
async fn bad_assignments_are_refused_whole(db: sqlx::PgPool) {
    let admin = app(db).await;
    let (member, tdp) = volunteer_member(&admin).await;
    let households = unvisited(&admin, tdp, 2).await;
    let outside = admin.household_outside(tdp).await;
    let other_member = sqlx::query_scalar!(
        "select id from team_members where tdp_id <> $1 limit 1",
        tdp
    )
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let (status, err) = assign(&admin, tdp, Some(member), &[households[0], outside]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("household_ids[1]", "unknown_reference")]
    );
    let (status, err) = assign(&admin, tdp, Some(other_member), &households).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("team_member_id", "unknown_reference")]
    );
    let (status, err) = assign(&admin, tdp, Some(member), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("household_ids", "required")]);
    let (status, err) = admin
        .put(
            &format!("/api/v1/tdps/{tdp}/assignments"),
            json!({ "member": member, "household_ids": households }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let stored = sqlx::query_scalar!(r#"select count(*) as "n!" from assignments"#)
        .fetch_one(&admin.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}
