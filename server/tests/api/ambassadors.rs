//! "Đại sứ số": registering mentors, their learners, the quota flag and the dashboard's count
//! of mentors at their quota, checked against `domain::models`.

use axum::http::StatusCode;
use domain::access::Role;
use domain::api::{AmbassadorNetwork, Mentor, Resident};
use domain::models::{at_quota, default_settings};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{OTHER_WARD, TestApp, WARD, achieve, app, dashboard, field_errors, pair, row};

async fn residents_of(app: &TestApp, tdp: Uuid) -> Vec<Uuid> {
    sqlx::query_scalar!(
        "select id from residents where tdp_id = $1 order by id",
        tdp
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn register(app: &TestApp, resident: Uuid) -> Mentor {
    let (status, body) = app
        .put(
            &format!("/api/v1/residents/{resident}/ambassador"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn learn_from(app: &TestApp, resident: Uuid, mentor: Option<Uuid>) -> (StatusCode, Value) {
    app.put(
        &format!("/api/v1/residents/{resident}/mentor"),
        json!({ "mentor_id": mentor }),
    )
    .await
}

async fn network(app: &TestApp) -> AmbassadorNetwork {
    let (status, body) = app.get(&format!("/api/v1/wards/{WARD}/ambassadors")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn ambassadors_figure(app: &TestApp, tdp: Uuid) -> (i64, i64) {
    let f = row(&dashboard(app).await, tdp).models.ambassadors.clone();
    (f.achieved, f.population)
}

#[sqlx::test(migrations = false)]
async fn a_mentor_reaches_the_quota_with_five_learners(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let people = residents_of(&app, f.tdp).await;
    let quota = default_settings().ambassador_quota as usize;
    assert!(
        people.len() > quota + 1,
        "the demo TDP has enough residents"
    );
    let (at_quota_before, mentors_before) = ambassadors_figure(&app, f.tdp).await;

    let mentor = register(&app, people[0]).await;
    assert_eq!(mentor.resident_id, Some(people[0]));
    assert_eq!(mentor.learner_count, 0);
    // Registering again is the same mentor.
    assert_eq!(register(&app, people[0]).await.id, mentor.id);
    assert_eq!(
        ambassadors_figure(&app, f.tdp).await,
        (at_quota_before, mentors_before + 1)
    );

    let learner_skills = default_settings().family_skills[..2].to_vec();
    achieve(&app, &f, f.residents[0], &learner_skills).await;
    for (i, learner) in people[1..=quota].iter().enumerate() {
        let (status, body) = learn_from(&app, *learner, Some(mentor.id)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let r: Resident = serde_json::from_value(body).unwrap();
        assert_eq!(r.learns_from.unwrap().mentor_id, mentor.id);
        let counted = network(&app)
            .await
            .mentors
            .into_iter()
            .find(|m| m.id == mentor.id)
            .unwrap()
            .learner_count;
        assert_eq!(counted, i as i64 + 1);
        let settings = default_settings();
        assert_eq!(at_quota(counted, &settings), i + 1 == quota);
        let expected = at_quota_before + i64::from(i + 1 == quota);
        assert_eq!(ambassadors_figure(&app, f.tdp).await.0, expected);
    }
    // Each learner's progress comes from their skills.
    let n = network(&app).await;
    assert_eq!(n.skills, default_settings().family_skills);
    let m = n.mentors.iter().find(|m| m.id == mentor.id).unwrap();
    assert_eq!(m.learners.len(), quota);
    if let Some(l) = m.learners.iter().find(|l| l.resident_id == f.residents[0]) {
        assert!(learner_skills.iter().all(|s| l.achieved.contains(s)));
    }
    // Choosing the same mentor again changes nothing; clearing it drops below the quota.
    assert_eq!(
        learn_from(&app, people[1], Some(mentor.id)).await.0,
        StatusCode::OK
    );
    assert_eq!(ambassadors_figure(&app, f.tdp).await.0, at_quota_before + 1);
    assert_eq!(learn_from(&app, people[1], None).await.0, StatusCode::OK);
    assert_eq!(ambassadors_figure(&app, f.tdp).await.0, at_quota_before);
}

#[sqlx::test(migrations = false)]
async fn a_mentor_may_learn_from_another_but_never_from_themself(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let people = residents_of(&app, f.tdp).await;
    let first = register(&app, people[0]).await;
    let second = register(&app, people[1]).await;
    let (status, err) = learn_from(&app, people[0], Some(first.id)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("mentor_id", "own_mentor")]);
    let (status, body) = learn_from(&app, people[0], Some(second.id)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r: Resident = serde_json::from_value(body).unwrap();
    assert_eq!(r.mentor_id, Some(first.id));
    assert_eq!(r.learns_from.map(|m| m.mentor_id), Some(second.id));
    // The database refuses it too.
    let refused = sqlx::query!(
        "insert into mentor_learners (resident_id, tdp_id, ward_code, mentor_id, mentor_resident_id)
         values ($1, $2, $3, $4, $1)",
        people[1],
        f.tdp,
        WARD,
        second.id
    )
    .execute(&app.db)
    .await;
    assert!(refused.is_err());
    // A mentor who withdraws leaves their learners without one.
    let (status, _) = app
        .delete(&format!("/api/v1/residents/{}/ambassador", people[1]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = app.get(&format!("/api/v1/residents/{}", people[0])).await;
    let r: Resident = serde_json::from_value(body).unwrap();
    assert_eq!(r.learns_from, None);
    assert_eq!(r.mentor_id, Some(first.id));
}

#[sqlx::test(migrations = false)]
async fn a_bad_mentor_choice_is_refused_and_changes_nothing(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let learner = f.residents[0];
    // A mentor of another ward, which this admin cannot reach through the API.
    let elsewhere = app.fixture(OTHER_WARD).await;
    let foreign = Uuid::now_v7();
    sqlx::query!(
        "insert into mentors (id, ward_code, tdp_id, resident_id) values ($1, $2, $3, $4)",
        foreign,
        OTHER_WARD,
        elsewhere.tdp,
        elsewhere.residents[0]
    )
    .execute(&app.db)
    .await
    .unwrap();
    let (status, err) = learn_from(&app, learner, Some(foreign)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("mentor_id", "other_ward")]);
    let (status, err) = learn_from(&app, learner, Some(Uuid::now_v7())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("mentor_id", "unknown_reference")]);
    let (status, err) = app
        .put(
            &format!("/api/v1/residents/{learner}/mentor"),
            json!({ "mentor": foreign }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let stored = sqlx::query_scalar!(
        r#"select count(*) as "n!" from mentor_learners where resident_id = $1"#,
        learner
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, 0);
}

#[sqlx::test(migrations = false)]
async fn team_members_mentor_too_and_volunteers_see_only_their_tdps_learners(db: sqlx::PgPool) {
    let app = app(db).await;
    let volunteer = app.signed_in_as(WARD, Role::Volunteer).await;
    let own = sqlx::query_scalar!(
        r#"select tdp_id as "tdp!" from role_grants where ward_code = $1 and role = 'volunteer'"#,
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let f = app.fixture_in(own).await;
    let (status, body) = app
        .put(
            &format!("/api/v1/team-members/{}/ambassador", f.member),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mentor: Mentor = serde_json::from_value(body).unwrap();
    assert_eq!(mentor.team_member_id, Some(f.member));
    let outside = app.household_outside(own).await;
    let stranger = sqlx::query_scalar!(
        "select id from residents where household_id = $1 limit 1",
        outside
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    for learner in [f.residents[0], stranger] {
        assert_eq!(
            learn_from(&app, learner, Some(mentor.id)).await.0,
            StatusCode::OK
        );
    }
    let seen = network(&volunteer).await;
    assert!(seen.mentors.iter().all(|m| m.tdp_id == own));
    let m = seen.mentors.iter().find(|m| m.id == mentor.id).unwrap();
    assert_eq!(m.learner_count, 2);
    let names: Vec<Uuid> = m.learners.iter().map(|l| l.resident_id).collect();
    assert_eq!(names, [f.residents[0]]);
    // Nor may they take a stranger's learning into their own hands.
    let (status, _) = learn_from(&volunteer, stranger, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A mentor's learners may live in any TDP of the ward: the mentor's TDP counts them at once,
/// though only the learners' TDPs have changed, and stops when one of them moves out.
#[sqlx::test(migrations = false)]
async fn a_mentor_counts_learners_from_other_tdps(db: sqlx::PgPool) {
    let app = app(db).await;
    let tdps = app.tdps(WARD).await;
    let (home, away) = (tdps[0], tdps[1]);
    let quota = default_settings().ambassador_quota as usize;
    let learners = residents_of(&app, away).await;
    assert!(learners.len() >= quota, "the demo TDP has enough residents");
    let mentor = register(&app, residents_of(&app, home).await[0]).await;
    let (before, _) = ambassadors_figure(&app, home).await;

    for learner in &learners[..quota] {
        assert_eq!(
            learn_from(&app, *learner, Some(mentor.id)).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(ambassadors_figure(&app, home).await.0, before + 1);

    let moved_out = json!({ "departure": { "on": app.today(), "reason": "moved_out" } });
    let (status, body) = app
        .put(
            &format!("/api/v1/residents/{}/departure", learners[0]),
            moved_out,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ambassadors_figure(&app, home).await.0, before);
}
