//! A province's roles: its admin onboards wards and makes their first admins, its roles see
//! every ward's figures and never a person.

use axum::http::StatusCode;
use domain::access::ProvinceRole;
use serde_json::{Value, json};
use server::admin::Over;

use crate::common::{HA_NOI, OTHER_WARD, TestApp, WARD, app, field_errors, pair};

const HO_CHI_MINH: i32 = 79;

async fn province_role(app: &TestApp, role: ProvinceRole) -> TestApp {
    app.signed_in_over(HA_NOI, role).await
}

fn ward_in(overview: &Value, code: i32) -> &Value {
    overview["wards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == code)
        .unwrap_or_else(|| panic!("ward {code} is not listed"))
}

#[sqlx::test(migrations = false)]
async fn a_province_admin_onboards_a_ward_and_makes_its_first_admin(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    let admin = province_role(&ward_admin, ProvinceRole::ProvinceAdmin).await;
    let (code, name) = admin.empty_ward(HA_NOI).await;

    let (_, before) = admin.get(&format!("/api/v1/provinces/{HA_NOI}")).await;
    let wards_listed = before["wards"].as_array().unwrap().len() as i64;
    let official: i64 = sqlx::query_scalar("select count(*) from wards where province_code = 1")
        .fetch_one(&admin.db)
        .await
        .unwrap();
    assert_eq!(wards_listed, official, "every ward of the official list");
    assert!(
        ward_in(&before, code)["standing"].is_null(),
        "not onboarded yet"
    );

    let uri = format!("/api/v1/provinces/{HA_NOI}/wards");
    let (status, ward) = admin.post(&uri, json!({ "ward_code": code })).await;
    assert_eq!(status, StatusCode::CREATED, "{ward}");
    assert_eq!(ward["name"], name);
    let (status, _) = admin.post(&uri, json!({ "ward_code": code })).await;
    assert_eq!(status, StatusCode::OK, "onboarding again changes nothing");

    let (status, account) = admin
        .post(
            &format!("/api/v1/provinces/{HA_NOI}/wards/{code}/admins"),
            json!({ "phone": "0912 000 222", "full_name": "Đỗ Minh Châu",
                    "password": "mot cau rat dai de nho" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{account}");
    assert_eq!(account["grants"][0]["role"], "ward_admin");
    assert_eq!(account["grants"][0]["ward_code"], code);

    let first = admin
        .signed_in_with("0912000222", "mot cau rat dai de nho")
        .await;
    let (status, skills) = first.get(&format!("/api/v1/wards/{code}/skills")).await;
    assert_eq!(status, StatusCode::OK);
    let province_skills: Vec<(String, f64)> = sqlx::query_as(
        "select code, target_percent from skills where ward_code = $1 order by position",
    )
    .bind(WARD)
    .fetch_all(&admin.db)
    .await
    .unwrap();
    let seen: Vec<(String, f64)> = skills
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap().to_owned(),
                s["target_percent"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen, province_skills,
        "the movement's catalogue and targets"
    );

    let (_, after) = admin.get(&format!("/api/v1/provinces/{HA_NOI}")).await;
    let standing = &ward_in(&after, code)["standing"];
    assert_eq!(standing["tdps"], 0);
    assert_eq!(standing["skills"].as_array().unwrap().len(), seen.len());

    let logged: Vec<String> = sqlx::query_scalar(
        "select entity from province_audit_log where province_code = 1 order by id",
    )
    .fetch_all(&admin.db)
    .await
    .unwrap();
    assert_eq!(logged, ["wards", "role_grants"]);
}

#[sqlx::test(migrations = false)]
async fn a_province_shows_each_wards_dashboard_totals_and_week(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    let viewer = province_role(&ward_admin, ProvinceRole::ProvinceViewer).await;
    let (status, overview) = viewer.get(&format!("/api/v1/provinces/{HA_NOI}")).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    let mut scores = Vec::new();
    for ward in [WARD, OTHER_WARD] {
        // The province's roles read every ward's own dashboard, as a ward's viewer would.
        let (status, dashboard) = viewer.get(&format!("/api/v1/wards/{ward}/dashboard")).await;
        assert_eq!(status, StatusCode::OK);
        let standing = &ward_in(&overview, ward)["standing"];
        assert_eq!(standing["totals"], dashboard["totals"], "ward {ward}");
        assert_eq!(
            standing["tdps"].as_u64().unwrap() as usize,
            dashboard["tdps"].as_array().unwrap().len()
        );
        let (week, tickets): (i64, i64) = sqlx::query_as(
            "select (select count(*) from visits where ward_code = $1 and visited_on >= $2),
                    (select count(*) from tickets where ward_code = $1 and status <> 'resolved')",
        )
        .bind(ward)
        .bind(domain::time::week_of(viewer.today()).0)
        .fetch_one(&viewer.db)
        .await
        .unwrap();
        assert_eq!(standing["visits_this_week"], week, "ward {ward}");
        assert_eq!(standing["open_tickets"], tickets, "ward {ward}");
        let dashboard: domain::api::Dashboard = serde_json::from_value(dashboard).unwrap();
        let targets: Vec<f64> = dashboard.skills.iter().map(|s| s.target_percent).collect();
        let score = domain::indicators::score(&dashboard.totals, &targets);
        assert_eq!(standing["score"], score, "ward {ward}");
        scores.push((score, standing["rank"].as_u64().unwrap()));
    }
    // Ranked by score among the onboarded wards, which are these two.
    scores.sort_by(|a, b| b.0.total_cmp(&a.0));
    let ranks: Vec<u64> = scores.iter().map(|(_, rank)| *rank).collect();
    assert!(
        ranks == [1, 2] || (scores[0].0 == scores[1].0 && ranks == [1, 1]),
        "{scores:?}"
    );
    // No name of a person anywhere in it.
    let text = overview.to_string();
    let names: Vec<String> = sqlx::query_scalar(
        "select full_name from residents union select full_name from users
         union select full_name from team_members union select head_name from households",
    )
    .fetch_all(&viewer.db)
    .await
    .unwrap();
    assert!(names.len() > 100);
    for name in names {
        assert!(!text.contains(&format!("\"{name}\"")), "{name} is shown");
    }
}

#[sqlx::test(migrations = false)]
async fn the_page_kept_as_sent_follows_every_change_at_once(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    let viewer = province_role(&ward_admin, ProvinceRole::ProvinceViewer).await;
    let uri = format!("/api/v1/provinces/{HA_NOI}");
    let count = |page: &Value, what: &str| ward_in(page, WARD)["standing"][what].as_i64().unwrap();
    let (_, before) = viewer.get(&uri).await;
    let (_, again) = viewer.get(&uri).await;
    assert_eq!(again, before, "kept while nothing it counts moved");

    let f = ward_admin.fixture(WARD).await;
    let (status, body) = ward_admin
        .post(&format!("/api/v1/wards/{WARD}/visits"), f.visit())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, after) = viewer.get(&uri).await;
    assert_eq!(
        count(&after, "visits_this_week"),
        count(&before, "visits_this_week") + 1
    );

    let opened_by: uuid::Uuid = sqlx::query_scalar(
        "select user_id from role_grants where ward_code = $1 and role = 'ward_admin' limit 1",
    )
    .bind(WARD)
    .fetch_one(&ward_admin.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into tickets (id, ward_code, tdp_id, household_id, title, opened_by)
         values ($1, $2, $3, $4, 'Không đăng nhập được VNeID', $5)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(WARD)
    .bind(f.tdp)
    .bind(f.household)
    .bind(opened_by)
    .execute(&ward_admin.db)
    .await
    .unwrap();
    let (_, ticketed) = viewer.get(&uri).await;
    assert_eq!(
        count(&ticketed, "open_tickets"),
        count(&after, "open_tickets") + 1
    );

    // The admin's page, which offers onboarding, is kept apart from the viewer's.
    let admin = province_role(&ward_admin, ProvinceRole::ProvinceAdmin).await;
    assert_eq!(admin.get(&uri).await.1["may_manage"], true);
    assert_eq!(viewer.get(&uri).await.1["may_manage"], false);
}

#[sqlx::test(migrations = false)]
async fn onboarding_refuses_a_ward_outside_the_province_and_a_viewer(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    let admin = province_role(&ward_admin, ProvinceRole::ProvinceAdmin).await;
    let uri = format!("/api/v1/provinces/{HA_NOI}/wards");
    let (status, body) = admin.post(&uri, json!({ "ward_code": 999_999 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&body),
        [pair("ward_code", "unknown_reference")]
    );
    let (elsewhere, _) = admin.empty_ward(HO_CHI_MINH).await;
    let (status, body) = admin.post(&uri, json!({ "ward_code": elsewhere })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("ward_code", "other_province")]);
    let (status, _) = admin
        .post(
            &format!("/api/v1/provinces/{HA_NOI}/wards/{elsewhere}/admins"),
            json!({ "phone": "0912000333", "full_name": "Lê Văn Bình",
                    "password": "mot cau rat dai de nho" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a ward of another province");

    let admins = format!("/api/v1/provinces/{HA_NOI}/wards/{WARD}/admins");
    let taken = server::demo::demo_phone(WARD, domain::access::Role::Volunteer);
    let (status, body) = admin
        .post(
            &admins,
            json!({ "phone": taken, "full_name": "Lê Văn Bình",
                    "password": "mot cau rat dai de nho" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("phone", "duplicate")]);
    let (status, body) = admin
        .post(
            &admins,
            json!({ "phone": "0912000333", "full_name": "Lê Văn Bình", "password": "0912000333" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("password", "weak_password")]);

    let viewer = province_role(&ward_admin, ProvinceRole::ProvinceViewer).await;
    let (status, _) = viewer.post(&uri, json!({ "ward_code": WARD })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = viewer
        .get(&format!("/api/v1/provinces/{HO_CHI_MINH}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ward_admin.get(&format!("/api/v1/provinces/{HA_NOI}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a ward's admin holds no province role"
    );
}

#[sqlx::test(migrations = false)]
async fn the_command_line_makes_a_province_admin_and_a_viewer(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    for (phone, role) in [
        ("0912000444", ProvinceRole::ProvinceAdmin),
        ("0912000555", ProvinceRole::ProvinceViewer),
    ] {
        let said = server::admin::create(
            &ward_admin.db,
            Over::Province(HO_CHI_MINH, role),
            phone,
            "Phạm Thu Trang",
            "mot cau rat dai de nho".to_owned(),
        )
        .await
        .unwrap();
        assert!(said.contains("Hồ Chí Minh"), "{said}");
        let signed_in = ward_admin
            .signed_in_with(phone, "mot cau rat dai de nho")
            .await;
        let (_, provinces) = signed_in.get("/api/v1/provinces").await;
        assert_eq!(
            provinces,
            json!([{ "province_code": HO_CHI_MINH, "province_name": "Thành phố Hồ Chí Minh",
                     "role": role.as_str() }])
        );
        let (status, overview) = signed_in
            .get(&format!("/api/v1/provinces/{HO_CHI_MINH}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            overview["may_manage"],
            role == ProvinceRole::ProvinceAdmin,
            "only the admin starts wards"
        );
        let (status, _) = signed_in
            .get(&format!("/api/v1/wards/{WARD}/dashboard"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a ward of another province");
    }
    let unknown = server::admin::create(
        &ward_admin.db,
        Over::Province(999, ProvinceRole::ProvinceAdmin),
        "0912000666",
        "Phạm Thu Trang",
        "mot cau rat dai de nho".to_owned(),
    )
    .await;
    assert!(unknown.is_err());
}
