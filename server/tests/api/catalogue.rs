//! Targets as data, inherited downward: a province sets each skill's target and deadline,
//! adds skills and retires them; its wards inherit them, may ask more of themselves and never
//! less, and their dashboards follow.

use axum::http::StatusCode;
use chrono::TimeDelta;
use domain::access::ProvinceRole;
use serde_json::{Value, json};

use crate::common::{HA_NOI, TestApp, WARD, app, field_errors, pair};

async fn province_admin(app: &TestApp) -> TestApp {
    app.signed_in_over(HA_NOI, ProvinceRole::ProvinceAdmin)
        .await
}

fn skill<'a>(catalogue: &'a Value, code: &str) -> Option<&'a Value> {
    catalogue
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
}

async fn ward_catalogue(app: &TestApp) -> Value {
    let (status, body) = app.get(&format!("/api/v1/wards/{WARD}/catalogue")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The dashboard's skills, by code, each with the ward's target.
async fn dashboard_skills(app: &TestApp) -> Vec<(String, f64)> {
    let (_, dashboard) = app.get(&format!("/api/v1/wards/{WARD}/dashboard")).await;
    dashboard["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap().to_owned(),
                s["target_percent"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[sqlx::test(migrations = false)]
async fn a_ward_inherits_its_provinces_targets_and_may_only_raise_them(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    let province = province_admin(&ward_admin).await;
    let today = ward_admin.today();
    let in_days = |days| (today + TimeDelta::days(days)).to_string();
    let for_province = format!("/api/v1/provinces/{HA_NOI}/catalogue/smartphone");
    let for_ward = format!("/api/v1/wards/{WARD}/catalogue/smartphone");

    let (status, body) = province
        .put(
            &for_province,
            json!({ "target_percent": 90.0, "deadline": in_days(60) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(skill(&body, "smartphone").unwrap()["target_percent"], 90.0);
    let catalogue = ward_catalogue(&ward_admin).await;
    let smartphone = skill(&catalogue, "smartphone").unwrap();
    assert_eq!(
        smartphone["target_percent"], 90.0,
        "the ward follows: {smartphone}"
    );
    assert_eq!(smartphone["deadline"], in_days(60));
    assert_eq!(
        smartphone["province"],
        json!({ "target_percent": 90.0, "deadline": in_days(60) })
    );
    assert_eq!(smartphone["from_province"], true);
    assert!(
        dashboard_skills(&ward_admin)
            .await
            .contains(&("smartphone".into(), 90.0))
    );

    let (status, body) = ward_admin
        .put(
            &for_ward,
            json!({ "target_percent": 85.0, "deadline": in_days(90) }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&body),
        [
            pair("target_percent", "below_province"),
            pair("deadline", "after_province")
        ]
    );
    let (status, body) = ward_admin
        .put(
            &for_ward,
            json!({ "target_percent": 95.0, "deadline": in_days(-1) }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("deadline", "in_past")]);
    let (status, body) = ward_admin
        .put(
            &for_ward,
            json!({ "target_percent": 95.0, "deadline": in_days(30) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(skill(&body, "smartphone").unwrap()["target_percent"], 95.0);
    assert!(
        dashboard_skills(&ward_admin)
            .await
            .contains(&("smartphone".into(), 95.0))
    );

    // The ward's own, higher target stays when the province's rises below it, and gives way
    // to a higher one; its earlier deadline stays.
    province
        .put(
            &for_province,
            json!({ "target_percent": 92.0, "deadline": in_days(60) }),
        )
        .await;
    let catalogue = ward_catalogue(&ward_admin).await;
    assert_eq!(
        skill(&catalogue, "smartphone").unwrap()["target_percent"],
        95.0
    );
    province
        .put(
            &for_province,
            json!({ "target_percent": 97.0, "deadline": in_days(20) }),
        )
        .await;
    let catalogue = ward_catalogue(&ward_admin).await;
    let smartphone = skill(&catalogue, "smartphone").unwrap();
    assert_eq!(smartphone["target_percent"], 97.0);
    assert_eq!(smartphone["deadline"], in_days(20));

    let (status, body) = province
        .put(
            &for_province,
            json!({ "target_percent": 0.0, "deadline": in_days(-3) }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&body),
        [
            pair("target_percent", "out_of_range"),
            pair("deadline", "in_past")
        ]
    );
    let (status, _) = province
        .put(
            &format!("/api/v1/provinces/{HA_NOI}/catalogue/no_such_skill"),
            json!({ "target_percent": 50.0, "deadline": in_days(9) }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let audit: i64 = sqlx::query_scalar(
        "select count(*) from province_audit_log where province_code = $1
             and entity = 'province_skills' and entity_id = 'smartphone'",
    )
    .bind(HA_NOI)
    .fetch_one(&ward_admin.db)
    .await
    .unwrap();
    assert_eq!(audit, 3, "each change the province made");
}

#[sqlx::test(migrations = false)]
async fn a_skill_the_province_adds_reaches_its_wards_and_later_ones(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    let province = province_admin(&ward_admin).await;
    let deadline = (ward_admin.today() + TimeDelta::days(200)).to_string();
    let uri = format!("/api/v1/provinces/{HA_NOI}/catalogue");
    let new = json!({ "name_vi": "Thương mại điện tử", "min_age": 18, "target_percent": 40,
                      "deadline": deadline });
    let (status, added) = province.post(&uri, new.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["code"], "thuong_mai_dien_tu");
    assert_eq!(
        added["name_en"], "Thương mại điện tử",
        "no English name given"
    );
    let (status, body) = province.post(&uri, new).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("name_vi", "duplicate")]);

    let catalogue = ward_catalogue(&ward_admin).await;
    let own = skill(&catalogue, "thuong_mai_dien_tu").expect("the ward has it");
    assert_eq!(own["from_province"], true);
    assert!(
        dashboard_skills(&ward_admin)
            .await
            .contains(&("thuong_mai_dien_tu".into(), 40.0)),
        "the dashboard counts it"
    );

    // The province retires a skill no model asks for: it leaves the ward and wards to come.
    let (status, _) = province.delete(&format!("{uri}/ai_tools")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = province.delete(&format!("{uri}/ai_tools")).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "retired already");
    assert!(skill(&ward_catalogue(&ward_admin).await, "ai_tools").is_none());
    assert!(
        !dashboard_skills(&ward_admin)
            .await
            .iter()
            .any(|(code, _)| code == "ai_tools")
    );

    let (new_ward, _) = ward_admin.empty_ward(HA_NOI).await;
    let (status, _) = province
        .post(
            &format!("/api/v1/provinces/{HA_NOI}/wards"),
            json!({ "ward_code": new_ward }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, later) = province
        .get(&format!("/api/v1/wards/{new_ward}/catalogue"))
        .await;
    assert!(skill(&later, "thuong_mai_dien_tu").is_some(), "{later}");
    assert!(skill(&later, "ai_tools").is_none(), "{later}");
}

#[sqlx::test(migrations = false)]
async fn a_skill_in_use_is_not_retired_and_the_answer_names_the_model(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    let province = province_admin(&ward_admin).await;
    let (status, body) = province
        .delete(&format!(
            "/api/v1/provinces/{HA_NOI}/catalogue/vneid_level2"
        ))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let fields: Vec<(&str, &str)> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(fields.len(), 2, "{body}");
    assert_eq!(fields[0].0, "family_skills");
    assert!(fields[0].1.contains("\"Gia đình số\""), "{body}");
    assert_eq!(fields[1].0, "identity_skills");
    assert!(fields[1].1.contains("Một danh tính số"), "{body}");
    assert!(skill(&ward_catalogue(&ward_admin).await, "vneid_level2").is_some());

    let (status, body) = ward_admin
        .delete(&format!("/api/v1/wards/{WARD}/catalogue/city_app"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["fields"][0]["code"], "set_by_province");

    // A skill of the ward's own: a model may ask for it, and then it stays.
    let deadline = (ward_admin.today() + TimeDelta::days(100)).to_string();
    let (status, added) = ward_admin
        .post(
            &format!("/api/v1/wards/{WARD}/catalogue"),
            json!({ "name_vi": "Khám bệnh từ xa", "name_en": "Telehealth", "min_age": 18,
                    "target_percent": 20, "deadline": deadline }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["from_province"], false);
    let uri = format!("/api/v1/wards/{WARD}/models");
    let (_, mut settings) = ward_admin.get(&uri).await;
    settings["family_skills"]
        .as_array_mut()
        .unwrap()
        .push(json!("kham_benh_tu_xa"));
    let (status, body) = ward_admin.put(&uri, settings.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let own = format!("/api/v1/wards/{WARD}/catalogue/kham_benh_tu_xa");
    let (status, body) = ward_admin.delete(&own).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["fields"][0]["field"], "family_skills");
    assert_eq!(body["fields"][0]["code"], "in_use");

    settings["family_skills"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c != "kham_benh_tu_xa");
    ward_admin.put(&uri, settings).await;
    let (status, _) = ward_admin.delete(&own).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(skill(&ward_catalogue(&ward_admin).await, "kham_benh_tu_xa").is_none());
    let (status, _) = ward_admin
        .delete(&format!("/api/v1/wards/{WARD}/catalogue/no_such_skill"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A model cannot ask for a retired skill.
    let (_, mut settings) = ward_admin.get(&uri).await;
    settings["identity_skills"]
        .as_array_mut()
        .unwrap()
        .push(json!("kham_benh_tu_xa"));
    let (status, body) = ward_admin.put(&uri, settings).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&body),
        [pair("identity_skills[2]", "unknown_reference")]
    );
}
