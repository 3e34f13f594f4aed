use axum::http::StatusCode;
use serde_json::json;

use domain::access::Role;

use crate::common::{OTHER_WARD, WARD, achieve, app, field_errors, pair};

#[sqlx::test(migrations = false)]
async fn creates_a_tdp_and_seeds_a_new_wards_catalogue(db: sqlx::PgPool) {
    let app = app(db).await;
    // Phường Ba Đình (4) has no TDP yet; the admin is made its admin too.
    sqlx::query!(
        "insert into role_grants (user_id, ward_code, role)
         select user_id, 4, 'ward_admin' from role_grants where ward_code = $1 and role = 'ward_admin'",
        WARD
    )
    .execute(&app.db)
    .await
    .unwrap();
    let body = json!({ "code": "TDP-01", "name": "Tổ dân phố số 1", "households_registered": 210, "adults_registered": 480 });
    let (status, tdp) = app.post("/api/v1/wards/4/tdps", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{tdp}");
    assert_eq!(tdp["ward_code"], 4);
    let (_, skills) = app.get("/api/v1/wards/4/skills").await;
    assert_eq!(skills.as_array().unwrap().len(), 9);
    let (_, models) = app.get("/api/v1/wards/4/models").await;
    assert_eq!(
        serde_json::from_value::<domain::api::ModelSettings>(models).unwrap(),
        domain::models::default_settings()
    );
    let (status, list) = app.get("/api/v1/wards/4/tdps").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);

    let (status, err) = app.post("/api/v1/wards/4/tdps", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("code", "duplicate")]);
}

#[sqlx::test(migrations = false)]
async fn refuses_bad_tdps(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, err) = app
        .post(&format!("/api/v1/wards/{WARD}/tdps"), json!({ "code": " ", "name": "x", "households_registered": -1, "adults_registered": 0 }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("code", "required"),
            pair("households_registered", "out_of_range")
        ]
    );
    let (status, err) = app
        .post_raw(&format!("/api/v1/wards/{WARD}/tdps"), "{\"code\": 1")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], "bad_request");
    let (status, _) = app
        .post(
            "/api/v1/wards/999999/tdps",
            json!({ "code": "A", "name": "B", "households_registered": 1, "adults_registered": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let count: i64 = sqlx::query_scalar!(
        r#"select count(*) as "n!" from tdps where ward_code = $1"#,
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(count, 3, "nothing written");
}

#[sqlx::test(migrations = false)]
async fn a_tdp_with_its_team_and_figures(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let (status, d) = app.get(&format!("/api/v1/tdps/{}", f.tdp)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["tdp"]["id"], f.tdp.to_string());
    assert!(!d["team"].as_array().unwrap().is_empty());
    assert_eq!(d["indicators"]["skills"].as_array().unwrap().len(), 9);
    assert_eq!(
        app.get(&format!("/api/v1/tdps/{}", uuid::Uuid::now_v7()))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/tdps/not-a-uuid").await.0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = false)]
async fn households_page_by_page_priority_first(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let (status, all) = app
        .get(&format!("/api/v1/tdps/{}/households?limit=200", f.tdp))
        .await;
    assert_eq!(status, StatusCode::OK);
    let all = all.as_array().unwrap().clone();
    let priority: Vec<bool> = all
        .iter()
        .map(|h| {
            let p = &h["priority"];
            p["elderly_alone"].as_bool().unwrap()
                || p["disability"].as_bool().unwrap()
                || p["poverty"] != "none"
        })
        .collect();
    assert!(
        priority.windows(2).all(|w| w[0] >= w[1]),
        "priority households first"
    );
    let (_, first) = app
        .get(&format!("/api/v1/tdps/{}/households?limit=2", f.tdp))
        .await;
    let (_, second) = app
        .get(&format!(
            "/api/v1/tdps/{}/households?limit=2&offset=2",
            f.tdp
        ))
        .await;
    assert_eq!(first.as_array().unwrap()[..], all[..2]);
    assert_eq!(second.as_array().unwrap()[..], all[2..4.min(all.len())]);
    let (status, _) = app
        .get(&format!("/api/v1/tdps/{}/households?limit=x", f.tdp))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

crate::at_every_edge! {
/// The lists narrow by the rules as they stand today: who is 16 and over moves on 1 January.
async fn households_still_to_reach(app: TestApp) {
    let f = app.fixture(WARD).await;
    let guide = f.residents[0];
    achieve(
        &app,
        &f,
        guide,
        &domain::models::default_settings().family_skills,
    )
    .await;
    let (status, _) = app
        .put(
            &format!("/api/v1/households/{}/guide", f.household),
            json!({ "resident_id": guide }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let list = async |show: &str| -> Vec<serde_json::Value> {
        let (status, body) = app
            .get(&format!(
                "/api/v1/tdps/{}/households?show={show}&limit=200",
                f.tdp
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array().unwrap().clone()
    };
    let all = list("all").await;
    let not_visited = list("not_visited").await;
    let not_digital = list("not_digital").await;
    assert!(not_visited.iter().all(|h| h["last_visit"].is_null()));
    assert_eq!(
        not_visited.len(),
        all.iter().filter(|h| h["last_visit"].is_null()).count()
    );
    assert!(not_digital.iter().all(|h| h["digital_family"] == false));
    let digital = all.iter().filter(|h| h["digital_family"] == true).count();
    assert!(digital > 0);
    assert_eq!(not_digital.len() + digital, all.len());
    // Each list keeps the order of the whole one: priority households first.
    let order = |l: &[serde_json::Value]| -> Vec<String> {
        l.iter().map(|h| h["id"].to_string()).collect()
    };
    let kept: Vec<String> = order(&all)
        .into_iter()
        .filter(|id| order(&not_digital).contains(id))
        .collect();
    assert_eq!(kept, order(&not_digital));
    // Those with someone 16+ still without a digital identity, by the domain's rule.
    let settings = domain::models::default_settings();
    let year = chrono::Datelike::year(&f.today);
    let mut missing = Vec::new();
    for h in &all {
        let (_, body) = app
            .get(&format!("/api/v1/households/{}", h["id"].as_str().unwrap()))
            .await;
        let h: domain::api::Household = serde_json::from_value(body).unwrap();
        let (have, counted) = domain::models::household_identity(&h.residents, &settings, year);
        if have < counted {
            missing.push(serde_json::to_value(h.id).unwrap().to_string());
        }
    }
    assert!(!missing.is_empty());
    assert_eq!(order(&list("missing_identity").await), missing);
    let (status, err) = app
        .get(&format!("/api/v1/tdps/{}/households?show=everyone", f.tdp))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
}
}

#[sqlx::test(migrations = false)]
async fn adds_team_members_with_normalised_phones(db: sqlx::PgPool) {
    let app = app(db)
        .await
        .signed_in_as(OTHER_WARD, Role::WardAdmin)
        .await;
    let f = app.fixture(OTHER_WARD).await;
    let uri = format!("/api/v1/tdps/{}/team", f.tdp);
    let (status, m) = app
        .post(
            &uri,
            json!({ "full_name": "Lê Thị Hoa", "role": "youth_union", "phone": "+84 912 345 678" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["phone"], "0912345678");
    let (status, err) = app
        .post(
            &uri,
            json!({ "full_name": "", "role": "youth_union", "phone": "12345" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("full_name", "required"),
            pair("phone", "invalid_format")
        ]
    );
    let (status, _) = app
        .post(
            &uri,
            json!({ "full_name": "A", "role": "mayor", "phone": null }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown role");
}
