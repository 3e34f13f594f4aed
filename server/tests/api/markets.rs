//! "Chợ số" (4T): markets, their traders' 4T dates, the cashless share and badge, and the
//! dashboard's per-TDP count of cashless traders.

use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::access::Role;
use domain::api::{Market, MarketSummary, Stall};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{OTHER_WARD, TestApp, WARD, app, dashboard, field_errors, pair, row};

async fn new_market(app: &TestApp, name: &str) -> MarketSummary {
    let (status, body) = app
        .post(
            &format!("/api/v1/wards/{WARD}/markets"),
            json!({ "id": Uuid::now_v7(), "name": name, "kind": "market" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    serde_json::from_value(body).unwrap()
}

fn stall(today: NaiveDate, market: Uuid, tdp: Uuid, code: &str, cashless: bool) -> Value {
    json!({
        "market_id": market, "tdp_id": tdp, "trader_name": "Trần Thị Hoa",
        "stall_code": code, "goods": "Rau củ",
        "trained_on": today, "ecommerce_on": null,
        "cashless_on": if cashless { Some(today) } else { None },
        "savings_on": null
    })
}

async fn put_stall(app: &TestApp, id: Uuid, body: Value) -> (StatusCode, Value) {
    app.put(&format!("/api/v1/stalls/{id}"), body).await
}

async fn market(app: &TestApp, id: Uuid) -> Market {
    let (status, body) = app.get(&format!("/api/v1/markets/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn cashless_figure(app: &TestApp, tdp: Uuid) -> (i64, i64) {
    let f = row(&dashboard(app).await, tdp).models.cashless.clone();
    (f.achieved, f.population)
}

#[sqlx::test(migrations = false)]
async fn ticking_a_traders_qr_payment_changes_the_market_share(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let m = new_market(&app, "Chợ Nghĩa Tân").await;
    // A market with no stalls has no share and no badge.
    assert_eq!((m.cashless.population, m.cashless.share), (0, None));
    assert!(!m.cashless_market);
    let before = cashless_figure(&app, f.tdp).await;

    let ids: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
    for (i, id) in ids.iter().enumerate() {
        let (status, body) = put_stall(
            &app,
            *id,
            stall(f.today, m.id, f.tdp, &format!("A-{i}"), i < 3),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let seen = market(&app, m.id).await;
    assert_eq!(seen.stalls.len(), 5);
    assert_eq!(seen.market.cashless.share, Some(60.0));
    assert!(!seen.market.cashless_market);
    assert_eq!(seen.market.steps, [5, 0, 3, 0]);
    assert_eq!(
        cashless_figure(&app, f.tdp).await,
        (before.0 + 3, before.1 + 5)
    );

    // The fourth trader starts taking QR payments: 80% earns the badge.
    let mut ticked = stall(f.today, m.id, f.tdp, "A-3", true);
    let (status, body) = put_stall(&app, ids[3], ticked.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored: Stall = serde_json::from_value(body).unwrap();
    assert_eq!(stored.details.cashless_on, Some(f.today));
    let seen = market(&app, m.id).await;
    assert_eq!(seen.market.cashless.share, Some(80.0));
    assert!(seen.market.cashless_market);
    assert_eq!(cashless_figure(&app, f.tdp).await.0, before.0 + 4);

    // The same again is logged once; untaking it takes the badge away.
    let logged = async || {
        sqlx::query_scalar!(
            r#"select count(*) as "n!" from audit_log where entity = 'stalls' and entity_id = $1"#,
            ids[3].to_string()
        )
        .fetch_one(&app.db)
        .await
        .unwrap()
    };
    let once = logged().await;
    assert_eq!(
        put_stall(&app, ids[3], ticked.clone()).await.0,
        StatusCode::OK
    );
    assert_eq!(logged().await, once);
    ticked["cashless_on"] = Value::Null;
    assert_eq!(put_stall(&app, ids[3], ticked).await.0, StatusCode::OK);
    assert!(!market(&app, m.id).await.market.cashless_market);
}

#[sqlx::test(migrations = false)]
async fn bad_markets_and_stalls_are_refused_and_change_nothing(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let uri = format!("/api/v1/wards/{WARD}/markets");
    let m = new_market(&app, "Chợ Hôm").await;
    // Sending the same market again answers it; another with its name or id is refused.
    let same = json!({ "id": m.id, "name": "Chợ Hôm", "kind": "market" });
    assert_eq!(app.post(&uri, same).await.0, StatusCode::CREATED);
    let (status, err) = app
        .post(
            &uri,
            json!({ "id": Uuid::now_v7(), "name": "Chợ Hôm", "kind": "market" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("name", "duplicate")]);
    let (status, err) = app
        .post(
            &uri,
            json!({ "id": m.id, "name": "Chợ Mơ", "kind": "market" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("id", "duplicate")]);
    let (status, err) = app
        .post(
            &uri,
            json!({ "id": Uuid::now_v7(), "name": " ", "kind": "cooperative" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("name", "required")]);

    let id = Uuid::now_v7();
    let mut bad = stall(f.today, m.id, f.tdp, "B-1", true);
    bad["trader_name"] = json!("");
    bad["savings_on"] = json!(f.today + chrono::Days::new(5));
    let (status, err) = put_stall(&app, id, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&err),
        [
            pair("trader_name", "required"),
            pair("savings_on", "in_future")
        ]
    );
    let (status, err) =
        put_stall(&app, id, stall(f.today, Uuid::now_v7(), f.tdp, "B-1", true)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("market_id", "unknown_reference")]);
    let foreign_tdp = app.fixture(OTHER_WARD).await.tdp;
    let (status, err) = put_stall(&app, id, stall(f.today, m.id, foreign_tdp, "B-1", true)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("tdp_id", "other_ward")]);
    let (status, err) = put_stall(&app, id, json!({ "market_id": m.id })).await;
    assert!(status.is_client_error(), "{err}");
    assert!(market(&app, m.id).await.stalls.is_empty());

    assert_eq!(
        put_stall(&app, id, stall(f.today, m.id, f.tdp, "B-1", true))
            .await
            .0,
        StatusCode::OK
    );
    let (status, err) = put_stall(
        &app,
        Uuid::now_v7(),
        stall(f.today, m.id, f.tdp, "B-1", false),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("stall_code", "duplicate")]);
    assert_eq!(market(&app, m.id).await.stalls.len(), 1);
}

#[sqlx::test(migrations = false)]
async fn figures_only_roles_see_the_share_but_no_trader(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let m = new_market(&app, "Chợ Long Biên").await;
    assert_eq!(
        put_stall(
            &app,
            Uuid::now_v7(),
            stall(f.today, m.id, f.tdp, "C-1", true)
        )
        .await
        .0,
        StatusCode::OK
    );
    let viewer = app.signed_in_as(WARD, Role::Viewer).await;
    let seen = market(&viewer, m.id).await;
    assert!(seen.stalls.is_empty());
    assert_eq!(seen.market.cashless.achieved, 1);
    let (status, body) = viewer.get(&format!("/api/v1/wards/{WARD}/markets")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let list: Vec<MarketSummary> = serde_json::from_value(body).unwrap();
    assert!(list.iter().any(|x| x.id == m.id && x.cashless_market));
    let (_, body) = viewer.get(&format!("/api/v1/markets/{}", m.id)).await;
    assert!(!body.to_string().contains("Trần Thị Hoa"), "{body}");
}
