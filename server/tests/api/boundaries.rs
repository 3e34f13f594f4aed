//! The ward map's TDP boundaries: the demo ward's tile it, an export imports back unchanged,
//! and a bad file is reported feature by feature with nothing saved.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::common::{TestApp, WARD, app, field_errors, pair};

async fn export(app: &TestApp) -> Value {
    let req = Request::get(format!("/api/v1/wards/{WARD}/boundaries"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = app.send(req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/geo+json");
    body
}

async fn tdps_in_ward(app: &TestApp) -> usize {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from tdps where ward_code = $1"#,
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap() as usize
}

async fn import(app: &TestApp, file: &Value, preview: bool) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/wards/{WARD}/boundaries?preview={preview}"),
        file.clone(),
    )
    .await
}

/// A feature for the TDP with this code, a small square near Phú Diễn (longitude first).
fn square(code: &str, lon: f64, lat: f64) -> Value {
    json!({
        "type": "Feature",
        "properties": { "code": code },
        "geometry": { "type": "Polygon", "coordinates": [[
            [lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.001], [lon, lat + 0.001], [lon, lat]
        ]] }
    })
}

#[sqlx::test(migrations = false)]
async fn the_demo_ward_exports_and_imports_back_unchanged(db: sqlx::PgPool) {
    let app = app(db).await;
    let file = export(&app).await;
    let features = file["features"].as_array().unwrap();
    let n = tdps_in_ward(&app).await;
    assert!(n > 1);
    assert_eq!(features.len(), n);
    assert_eq!(features[0]["properties"]["code"], "TDP-01");
    assert_eq!(features[0]["geometry"]["type"], "Polygon");

    let (status, preview) = import(&app, &file, true).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["saved"], false);
    assert_eq!(preview["matched"].as_array().unwrap().len(), n);
    assert!(preview["missing"].as_array().unwrap().is_empty());
    let area: f64 = preview["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["area_km2"].as_f64().unwrap())
        .sum();
    // 0.024° × 0.018° at 21° N is about 2.49 km × 2.0 km.
    assert!((4.8..5.2).contains(&area), "{area}");

    let (status, saved) = import(&app, &file, false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(saved["saved"], true);
    assert_eq!(export(&app).await, file);
}

#[sqlx::test(migrations = false)]
async fn a_file_for_some_tdps_changes_those_and_names_the_rest(db: sqlx::PgPool) {
    let app = app(db).await;
    let mut by_name = square("", 105.75, 21.04);
    by_name["properties"] = json!({ "name": "to dan pho so 2" });
    let file = json!({ "type": "FeatureCollection",
                       "features": [square("tdp-01", 105.75, 21.045), by_name] });
    let (status, report) = import(&app, &file, false).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let codes: Vec<&str> = report["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["tdp_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["TDP-01", "TDP-02"]);
    assert_eq!(
        report["missing"].as_array().unwrap().len(),
        tdps_in_ward(&app).await - 2
    );
    let after = export(&app).await;
    assert_eq!(
        after["features"][0]["geometry"],
        file["features"][0]["geometry"]
    );
    let audited = sqlx::query_scalar!(
        r#"select count(*) as "n!" from audit_log where entity = 'tdps' and action = 'update'"#
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 2);
}

#[sqlx::test(migrations = false)]
async fn every_problem_of_a_bad_file_is_reported_and_nothing_is_saved(db: sqlx::PgPool) {
    let app = app(db).await;
    let before = export(&app).await;

    let mut swapped = square("TDP-01", 105.75, 21.04);
    for point in swapped["geometry"]["coordinates"][0]
        .as_array_mut()
        .unwrap()
    {
        let p = point.as_array_mut().unwrap();
        p.swap(0, 1);
    }
    let unknown = square("TDP-99", 105.75, 21.04);
    let mut crossed = square("TDP-02", 105.75, 21.04);
    crossed["geometry"]["coordinates"] = json!([[
        [105.75, 21.04],
        [105.751, 21.041],
        [105.751, 21.04],
        [105.75, 21.041],
        [105.75, 21.04]
    ]]);
    let mut empty = square("TDP-03", 105.75, 21.04);
    empty["geometry"]["coordinates"] = json!([]);
    // Named by its name this time: the same TDP as the first feature.
    let mut line = square("", 105.75, 21.04);
    line["properties"] = json!({ "name": "Tổ dân phố số 1" });
    line["geometry"] =
        json!({ "type": "LineString", "coordinates": [[105.75, 21.04], [105.76, 21.05]] });
    let file = json!({ "type": "FeatureCollection",
                       "features": [swapped, unknown, crossed, empty, line] });
    let (status, body) = import(&app, &file, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(
        field_errors(&body),
        [
            pair("features[0].geometry", "swapped_coordinates"),
            pair("features[1].properties", "unknown_reference"),
            pair("features[2].geometry", "invalid_geometry"),
            pair("features[3].geometry", "empty_geometry"),
            pair("features[4].properties", "duplicate"),
            pair("features[4].geometry", "invalid_format"),
        ]
    );
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("kinh độ trước")
    );
    assert_eq!(export(&app).await, before);
}

#[sqlx::test(migrations = false)]
async fn files_that_are_not_feature_collections_are_refused(db: sqlx::PgPool) {
    let app = app(db).await;
    for (file, field, code) in [
        (json!({}), "type", "invalid_format"),
        (json!({ "type": "Feature" }), "type", "invalid_format"),
        (
            json!({ "type": "FeatureCollection", "features": [] }),
            "features",
            "required",
        ),
        (
            json!({ "type": "FeatureCollection", "features": 7 }),
            "features",
            "invalid_format",
        ),
    ] {
        let (status, body) = import(&app, &file, true).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{file}: {body}");
        assert_eq!(field_errors(&body), [pair(field, code)], "{file}");
    }
    let (status, body) = app
        .post_raw(&format!("/api/v1/wards/{WARD}/boundaries"), "not json")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

async fn image_sources(app: &TestApp) -> String {
    let req = Request::get("/api/v1/health").body(Body::empty()).unwrap();
    let (_, headers, _) = app.send(req).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    csp.split(';')
        .map(str::trim)
        .find(|d| d.starts_with("img-src"))
        .unwrap()
        .to_owned()
}

#[sqlx::test(migrations = false)]
async fn a_ward_admin_sets_a_basemap_and_the_policy_lets_its_tiles_in(db: sqlx::PgPool) {
    let app = app(db).await;
    let viewer = app.signed_in_as(WARD, domain::access::Role::Viewer).await;
    let uri = format!("/api/v1/wards/{WARD}/basemap");
    let none = json!({ "tile_url": null, "attribution": null });
    assert_eq!(viewer.get(&uri).await, (StatusCode::OK, none.clone()));
    assert_eq!(image_sources(&app).await, "img-src 'self' data:");

    let osm = json!({
        "tile_url": " https://tile.openstreetmap.org/{z}/{x}/{y}.png ",
        "attribution": "© OpenStreetMap"
    });
    let (status, _) = viewer.put(&uri, osm.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, saved) = app.put(&uri, osm).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        saved["tile_url"],
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    );
    assert_eq!(viewer.get(&uri).await, (StatusCode::OK, saved.clone()));
    assert_eq!(
        image_sources(&app).await,
        "img-src 'self' data: https://tile.openstreetmap.org"
    );

    // Nothing that is not a plain tile address, and a credit with it; nothing half-saved.
    for (body, expected) in [
        (
            json!({ "tile_url": "javascript:alert(1)//{z}/{x}/{y}", "attribution": "x" }),
            vec![pair("tile_url", "invalid_format")],
        ),
        (
            json!({ "tile_url": "https://a.vn; script-src *;/{z}/{x}/{y}", "attribution": "x" }),
            vec![pair("tile_url", "invalid_format")],
        ),
        (
            json!({ "tile_url": "https://tiles.hanoi.gov.vn/{z}/{x}/{y}.png" }),
            vec![pair("attribution", "required")],
        ),
    ] {
        let (status, err) = app.put(&uri, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field_errors(&err), expected, "{body}");
    }
    assert_eq!(app.get(&uri).await, (StatusCode::OK, saved));

    // Taken away, the map is drawn alone and the policy closes again.
    assert_eq!(app.put(&uri, none.clone()).await, (StatusCode::OK, none));
    assert_eq!(image_sources(&app).await, "img-src 'self' data:");
}

/// A feature for the TDP with this code: a circle near Phú Diễn drawn with `points` points.
fn circle(code: &str, points: usize) -> Value {
    let mut ring: Vec<[f64; 2]> = (0..points)
        .map(|i| {
            let a = i as f64 * std::f64::consts::TAU / points as f64;
            [105.76 + 0.002 * a.cos(), 21.05 + 0.002 * a.sin()]
        })
        .collect();
    ring.push(ring[0]);
    json!({
        "type": "Feature",
        "properties": { "code": code },
        "geometry": { "type": "Polygon", "coordinates": [ring] }
    })
}

/// Checking a ring for self-crossings grows with the square of its points: 100,000 took 46 s
/// on the request thread. Rings and files over the cap are refused before any check, and a
/// finely drawn boundary under it is still read.
#[sqlx::test(migrations = false)]
async fn boundaries_with_too_many_points_are_refused_before_they_are_checked(db: sqlx::PgPool) {
    let app = app(db).await;
    let file = |features: Vec<Value>| json!({ "type": "FeatureCollection", "features": features });

    let (status, body) = import(&app, &file(vec![circle("TDP-01", 100_000)]), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("features", "too_many_points")]);

    let (status, body) = import(
        &app,
        &file(vec![
            circle("TDP-01", 6_000),
            square("TDP-02", 105.77, 21.06),
        ]),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        field_errors(&body),
        [pair("features[0].geometry", "too_many_points")]
    );

    let (status, body) = import(&app, &file(vec![circle("TDP-01", 4_000)]), true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["matched"].as_array().unwrap().len(), 1);
    let (status, _) = app.get("/api/v1/health").await;
    assert_eq!(status, StatusCode::OK);
}
