//! The movement's models: the ward's settings, a household's guide, and the figures the
//! dashboard counts in SQL checked against the rules of `domain::models`.

use axum::http::StatusCode;
use chrono::TimeDelta;
use domain::access::ProvinceRole;
use domain::api::{Household, ModelSettings, ModelTargets, TdpIndicators};
use domain::indicators::Progress;
use domain::models::{default_settings, default_targets, family, household_identity};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{
    HA_NOI, OTHER_WARD, TestApp, WARD, achieve, app, dashboard, field_errors, pair, row,
};

async fn household(app: &TestApp, id: Uuid) -> Household {
    let (status, body) = app.get(&format!("/api/v1/households/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn set_guide(app: &TestApp, household: Uuid, resident: Option<Uuid>) -> (StatusCode, Value) {
    app.put(
        &format!("/api/v1/households/{household}/guide"),
        json!({ "resident_id": resident }),
    )
    .await
}

#[sqlx::test(migrations = false)]
async fn a_capable_guide_makes_the_household_a_digital_family(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let settings = default_settings();
    let guide = f.residents[0];
    assert_eq!(set_guide(&app, f.household, None).await.0, StatusCode::OK);
    let before = row(&dashboard(&app).await, f.tdp).models.families.clone();
    let logged = async || {
        sqlx::query_scalar!(
            r#"select count(*) as "n!" from audit_log where entity = 'households' and entity_id = $1"#,
            f.household.to_string()
        )
        .fetch_one(&app.db)
        .await
        .unwrap()
    };
    let logged_before = logged().await;

    achieve(&app, &f, guide, &settings.family_skills).await;
    let (status, body) = set_guide(&app, f.household, Some(guide)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["guide_id"], json!(guide));
    let h = household(&app, f.household).await;
    assert!(family(&h.residents, h.guide_id, &settings).is_digital());
    let after = row(&dashboard(&app).await, f.tdp).models.families.clone();
    assert_eq!(after.achieved, before.achieved + 1);
    assert_counts_follow_the_rules(&app).await;
    assert_eq!(after.population, before.population);

    // Marking the same guide again changes nothing and is not logged twice.
    assert_eq!(
        set_guide(&app, f.household, Some(guide)).await.0,
        StatusCode::OK
    );
    assert_eq!(logged().await, logged_before + 1);
    assert_eq!(set_guide(&app, f.household, None).await.0, StatusCode::OK);
    assert_eq!(
        row(&dashboard(&app).await, f.tdp).models.families.achieved,
        before.achieved
    );
}

/// The dashboard's counts (kept by the database) against `domain::models` applied to every
/// household of the ward.
pub async fn assert_counts_follow_the_rules(app: &TestApp) {
    let d = dashboard(app).await;
    for t in &d.tdps {
        let ids = sqlx::query_scalar!(
            "select id from households where tdp_id = $1",
            t.tdp_id.unwrap()
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        let (mut families, mut identity) = (0, 0);
        for id in ids {
            let h = household(app, id).await;
            families += i64::from(family(&h.residents, h.guide_id, &d.models).is_digital());
            identity += household_identity(&h.residents, &d.models, d.as_of_year).0 as i64;
        }
        assert_eq!(t.models.families.achieved, families, "{}", t.code);
        assert_eq!(t.models.identity.achieved, identity, "{}", t.code);
    }
    let sum = |f: fn(&TdpIndicators) -> i64| d.tdps.iter().map(f).sum::<i64>();
    assert_eq!(
        d.totals.models.families.achieved,
        sum(|t| t.models.families.achieved)
    );
    assert_eq!(
        d.totals.models.identity.population,
        sum(|t| t.models.identity.population)
    );
}

#[sqlx::test(migrations = false)]
async fn the_dashboard_counts_as_the_domain_rules_do(db: sqlx::PgPool) {
    let app = app(db).await;
    let d = dashboard(&app).await;
    assert_eq!(d.models, default_settings());
    assert!(
        d.totals.models.families.achieved > 0 && d.totals.models.identity.achieved > 0,
        "the demo ward has digital families and identities"
    );
    assert_counts_follow_the_rules(&app).await;
    // Achievements taken back (as when visits are deleted) leave the models too.
    let f = app.fixture(WARD).await;
    sqlx::query!("delete from resident_skills where tdp_id = $1", f.tdp)
        .execute(&app.db)
        .await
        .unwrap();
    assert_counts_follow_the_rules(&app).await;
    assert_eq!(
        row(&dashboard(&app).await, f.tdp).models.identity.achieved,
        0
    );
}

#[sqlx::test(migrations = false)]
async fn a_guide_must_live_in_the_household(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let before = household(&app, f.household).await.guide_id;
    let elsewhere = sqlx::query_scalar!(
        "select id from residents where household_id <> $1 limit 1",
        f.household
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (status, err) = set_guide(&app, f.household, Some(elsewhere)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("resident_id", "other_household")]);
    let (status, err) = set_guide(&app, f.household, Some(Uuid::now_v7())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("resident_id", "unknown_reference")]
    );
    let (status, err) = app
        .put(
            &format!("/api/v1/households/{}/guide", f.household),
            json!({ "resident": f.residents[0] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(household(&app, f.household).await.guide_id, before);
}

#[sqlx::test(migrations = false)]
async fn ward_settings_decide_what_counts(db: sqlx::PgPool) {
    let app = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/models");
    let (status, body) = app.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let settings: ModelSettings = serde_json::from_value(body).unwrap();
    assert_eq!(settings, default_settings());
    let before = dashboard(&app).await.totals.models.families;

    // Asking only for a smartphone makes more guides capable, and a lower target (which the
    // province allows first) is reached sooner.
    let province = app
        .signed_in_over(HA_NOI, ProvinceRole::ProvinceAdmin)
        .await;
    let lower = ModelTargets {
        family_target: 10.0,
        ..default_targets()
    };
    let (status, body) = province.put(&province_uri(), json!(lower)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let easier = ModelSettings {
        family_target: 10.0,
        family_skills: vec!["smartphone".into()],
        province: Some(lower),
        ..settings.clone()
    };
    let (status, body) = app.put(&uri, json!(easier)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_value::<ModelSettings>(body).unwrap(),
        easier
    );
    let d = dashboard(&app).await;
    assert_eq!(d.models, easier);
    assert!(
        d.totals.models.families.achieved > before.achieved,
        "{before:?}"
    );
    assert_eq!(d.totals.models.families.progress, Progress::Reached);
    // The other ward keeps its own.
    let other = sqlx::query_scalar!(
        r#"select count(*) as "n!" from model_skills where ward_code = $1 and model = 'digital_family'"#,
        OTHER_WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(other, settings.family_skills.len() as i64);
}

#[sqlx::test(migrations = false)]
async fn bad_settings_are_refused_whole(db: sqlx::PgPool) {
    let app = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/models");
    let bad = ModelSettings {
        family_skills: vec!["smartphone".into(), "flying".into()],
        identity_target: 0.0,
        ..default_settings()
    };
    let (status, err) = app.put(&uri, json!(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("identity_target", "out_of_range")]
    );
    let unknown = ModelSettings {
        identity_target: 100.0,
        ..bad
    };
    let (status, err) = app.put(&uri, json!(unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [pair("family_skills[1]", "unknown_reference")]
    );
    let (status, err) = app.put(&uri, json!({ "family_target": 90 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let (_, body) = app.get(&uri).await;
    assert_eq!(
        serde_json::from_value::<ModelSettings>(body).unwrap(),
        default_settings()
    );
}

fn province_uri() -> String {
    format!("/api/v1/provinces/{HA_NOI}/models")
}

async fn ward_targets(app: &TestApp) -> ModelSettings {
    let (status, body) = app.get(&format!("/api/v1/wards/{WARD}/models")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_ward_inherits_its_provinces_model_targets_and_may_only_raise_them(db: sqlx::PgPool) {
    let ward = app(db).await;
    let province = ward
        .signed_in_over(HA_NOI, ProvinceRole::ProvinceAdmin)
        .await;
    let today = ward.today();
    let in_days = |days| today + TimeDelta::days(days);
    let (status, body) = province.get(&province_uri()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_value::<ModelTargets>(body).unwrap(),
        default_targets()
    );

    // The province asks 80% of households by a day 200 days off: the ward, which kept the
    // province's, follows.
    let set = ModelTargets {
        family_target: 80.0,
        family_deadline: in_days(200),
        ..default_targets()
    };
    let (status, body) = province.put(&province_uri(), json!(set)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(serde_json::from_value::<ModelTargets>(body).unwrap(), set);
    let was = ward_targets(&ward).await;
    assert_eq!(
        (was.family_target, was.family_deadline),
        (80.0, in_days(200))
    );
    assert_eq!(was.province.as_ref(), Some(&set));
    // So does a ward started afterwards.
    let (empty, _) = ward.empty_ward(HA_NOI).await;
    let onboard = format!("/api/v1/provinces/{HA_NOI}/wards");
    let (status, body) = province.post(&onboard, json!({ "ward_code": empty })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = province.get(&format!("/api/v1/wards/{empty}/models")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let theirs: ModelSettings = serde_json::from_value(body).unwrap();
    assert_eq!(theirs.targets(), set);

    // Lower, later, or a day gone: refused, each next to its field, and nothing saved.
    let uri = format!("/api/v1/wards/{WARD}/models");
    let bad = ModelSettings {
        family_target: 70.0,
        family_deadline: in_days(201),
        identity_deadline: in_days(-1),
        ..was.clone()
    };
    let (status, err) = ward.put(&uri, json!(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        field_errors(&err),
        [
            pair("family_target", "below_province"),
            pair("family_deadline", "after_province"),
            pair("identity_deadline", "in_past"),
        ]
    );
    assert_eq!(ward_targets(&ward).await, was);

    // Higher and sooner: the ward's own. The province then lowering its target leaves the
    // ward's; raising it above the ward's brings the ward up to it.
    let raised = ModelSettings {
        family_target: 90.0,
        family_deadline: in_days(100),
        ..was.clone()
    };
    let (status, body) = ward.put(&uri, json!(raised)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (target, ward_keeps) in [(60.0, 90.0), (95.0, 95.0)] {
        let change = ModelTargets {
            family_target: target,
            ..set.clone()
        };
        let (status, body) = province.put(&province_uri(), json!(change)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let now = ward_targets(&ward).await;
        assert_eq!(
            (now.family_target, now.family_deadline),
            (ward_keeps, in_days(100))
        );
    }

    // The province's own rules: a real share, no deadline gone by; only its admin changes it.
    let (status, err) = province
        .put(
            &province_uri(),
            json!(ModelTargets {
                identity_target: 0.0,
                family_deadline: in_days(-1),
                ..set.clone()
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        field_errors(&err),
        [
            pair("family_deadline", "in_past"),
            pair("identity_target", "out_of_range")
        ]
    );
    // A ward's admin has no role in the province: to them it is not there.
    let (status, _) = ward.put(&province_uri(), json!(set)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = false)]
async fn a_models_pace_runs_to_its_deadline(db: sqlx::PgPool) {
    let ward = app(db).await;
    let province = ward
        .signed_in_over(HA_NOI, ProvinceRole::ProvinceAdmin)
        .await;
    let today = ward.today();
    let families = dashboard(&ward).await.totals.models.families;
    let share = families.share.expect("the fixture's households");
    assert!(share > 0.0 && share < 100.0, "{share}");
    // A target above the share, by a deadline a year off: on the line to it. The same target
    // due today: behind.
    let target = (share * 1.5).min(100.0);
    let uri = format!("/api/v1/wards/{WARD}/models");
    for (deadline, progress) in [
        (today + TimeDelta::days(366), Progress::OnTrack),
        (today, Progress::Behind),
    ] {
        let targets = ModelTargets {
            family_target: 1.0,
            family_deadline: deadline,
            ..default_targets()
        };
        let (status, body) = province.put(&province_uri(), json!(targets)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let settings = ModelSettings {
            family_target: target,
            family_deadline: deadline,
            ..ward_targets(&ward).await
        };
        let (status, body) = ward.put(&uri, json!(settings)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let d = dashboard(&ward).await;
        assert_eq!(d.models.family_deadline, deadline);
        assert_eq!(d.totals.models.families.progress, progress, "{deadline}");
    }
}

crate::at_every_edge! {
/// Who is 16 and over is counted by Vietnam's year at the server's clock: at 00:30 on
/// 1 January in Vietnam (still 31 December in UTC) it is already the new year's count.
async fn the_dashboard_counts_the_over_16s_by_vietnams_year(app: TestApp) {
    let d = dashboard(&app).await;
    assert_eq!(d.as_of_year, chrono::Datelike::year(&app.today()));
    assert_counts_follow_the_rules(&app).await;
}
}
