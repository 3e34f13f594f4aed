use axum::http::StatusCode;
use serde_json::json;

use crate::common::app;

#[sqlx::test(migrations = false)]
async fn health_answers_ok_with_the_database(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app.get("/api/v1/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[sqlx::test(migrations = false)]
async fn a_database_out_of_reach_answers_503_and_when_to_retry(db: sqlx::PgPool) {
    let app = app(db).await;
    app.db.close().await;
    let req = axum::http::Request::get("/api/v1/wards/619/dashboard")
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, headers, body) = app.send(req).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers[axum::http::header::RETRY_AFTER], "10");
    assert_eq!(body["code"], "unavailable");
    assert_eq!(
        body["message"],
        "Máy chủ tạm thời chưa ghi được dữ liệu. Chưa có gì bị mất: vui lòng thử lại sau ít phút."
    );
    // Not ready, but alive all the same: a supervisor must not restart the server for its
    // database. (Asked as a supervisor asks, without a session.)
    let supervisor = app.anonymous();
    let ready = supervisor.get("/api/v1/health").await.0;
    assert_eq!(ready, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        supervisor.get("/api/v1/health/live").await.0,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = false)]
async fn unknown_api_paths_answer_json_404_and_pages_answer_the_app(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app.get("/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
    let res = tower::ServiceExt::oneshot(
        app.router.clone(),
        axum::http::Request::get("/ho/0190a1b2-0000-7000-8000-000000000000")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
}

#[test]
fn openapi_document_matches_the_snapshot() {
    let doc = serde_json::to_value(server::api::openapi()).unwrap();
    insta::assert_json_snapshot!(doc);
}

/// Every fixed bound the rules check is in the document, on a property that exists: a bound
/// naming a schema or property that has gone would silently state nothing.
#[test]
fn openapi_document_states_every_bound() {
    use domain::validate::{BOUNDS, Bound};

    let doc = serde_json::to_value(server::api::openapi()).unwrap();
    for (schema, property, bound) in BOUNDS {
        let p = &doc["components"]["schemas"][schema]["properties"][property];
        let stated = match bound {
            Bound::Text { max, required } => {
                p["maxLength"] == *max
                    && p["minLength"] == if *required { json!(1) } else { json!(null) }
            }
            Bound::Int { min, max } => p["minimum"] == *min && p["maximum"] == *max,
            Bound::AtLeast(min) => p["minimum"] == *min,
        };
        assert!(
            stated,
            "{schema}.{property}: {bound:?}, the document says {p}"
        );
    }
}

#[test]
fn openapi_document_lists_every_endpoint() {
    let doc = server::api::openapi();
    let paths: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
    for p in [
        "/api/v1/health",
        "/api/v1/wards",
        "/api/v1/wards/{code}",
        "/api/v1/wards/{code}/dashboard",
        "/api/v1/wards/{code}/skills",
        "/api/v1/wards/{code}/search",
        "/api/v1/wards/{code}/tdps",
        "/api/v1/tdps/{id}",
        "/api/v1/tdps/{id}/households",
        "/api/v1/tdps/{id}/team",
        "/api/v1/wards/{code}/households",
        "/api/v1/households/{id}",
        "/api/v1/wards/{code}/residents",
        "/api/v1/residents/{id}",
        "/api/v1/wards/{code}/visits",
        "/api/v1/visits/{id}",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
}

/// The page, an API answer and a static file all carry the security headers.
#[sqlx::test(migrations = false)]
async fn every_kind_of_response_carries_the_security_headers(db: sqlx::PgPool) {
    use base64::Engine;
    use sha2::Digest;
    let app = app(db).await;
    let inline = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest("import init from '/app.js';"));
    for uri in [
        "/",
        "/api/v1/health",
        "/api/v1/wards/619",
        "/main-0123456789abcdef.css",
    ] {
        let (status, headers, _) = app
            .send(
                axum::http::Request::get(uri)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        for part in [
            "default-src 'self'",
            &format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{inline}'"),
            "style-src 'self';",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{uri}: {part} not in {csp}");
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{uri}");
        assert!(!headers.contains_key("strict-transport-security"), "{uri}");
        // Personal data never goes into an HTTP cache; the hashed bundle is kept for a year.
        let cache = headers["cache-control"].to_str().unwrap();
        match uri {
            u if u.starts_with("/api/") => assert_eq!(cache, "no-store", "{uri}"),
            "/" => assert_eq!(cache, "no-cache"),
            _ => assert!(cache.contains("immutable"), "{uri}: {cache}"),
        }
    }
}

/// Served over https: HSTS, and the session cookie is `__Host-` prefixed and Secure.
#[sqlx::test(migrations = false)]
async fn over_https_cookies_are_secure_and_hsts_is_on(db: sqlx::PgPool) {
    let settings = server::Settings {
        secure_cookies: true,
        ..Default::default()
    };
    let app = crate::common::app_with(db, settings).await;
    let (status, headers, _) = app
        .anonymous()
        .send(
            axum::http::Request::post("/api/v1/session")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    serde_json::json!({
                        "phone": server::demo::demo_phone(619, domain::access::Role::Viewer),
                        "password": server::demo::DEMO_PASSWORD,
                    })
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    let set: Vec<&str> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("__Host-ngoso="))
        .expect("session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(session.contains(attribute), "{attribute} not in {session}");
    }
    assert!(!session.contains("Domain="), "{session}");
    assert!(
        set.iter()
            .any(|c| c.starts_with("__Host-ngoso-device=") && c.contains("Secure"))
    );
}

/// The role the server runs as reads and writes rows, and of the audit log it may only add
/// entries and read them: it cannot alter, empty or drop a table, switch the log's trigger
/// off, or change or delete an entry.
#[sqlx::test(migrations = false)]
async fn the_servers_role_cannot_alter_or_delete_the_audit_log(db: sqlx::PgPool) {
    use sqlx::{ConnectOptions, Connection};

    let _migrated = crate::common::app(db.clone()).await;
    let role = format!("ngoso_app_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(&format!("create role {role} login password 'mat khau thu'"))
        .execute(&db)
        .await
        .unwrap();
    server::roles::grant(&db, &role).await.unwrap();
    let mut conn = (*db.connect_options())
        .clone()
        .username(&role)
        .password("mat khau thu")
        .connect()
        .await
        .unwrap();

    let entries: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    sqlx::query(
        "insert into audit_log (ward_code, action, entity, entity_id, change)
         values (619, 'update', 'household', 'x', '{}')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query("update visits set note = note where false")
        .execute(&mut conn)
        .await
        .unwrap();
    for refused in [
        "delete from audit_log",
        "update audit_log set change = '{}'",
        "truncate audit_log",
        "alter table audit_log disable trigger all",
        "alter table audit_log add column hidden text",
        "drop table audit_log",
        "alter table visits drop column note",
        "delete from _sqlx_migrations",
    ] {
        let err = sqlx::query(refused)
            .execute(&mut conn)
            .await
            .expect_err(refused);
        let code = err
            .as_database_error()
            .and_then(|e| e.code())
            .unwrap_or_default();
        assert_eq!(code, "42501", "{refused}: {err}");
    }
    // Forgetting old values is the one change it may make, through the owner's function.
    sqlx::query("select audit_log_forget(now() - interval '90 days')")
        .execute(&mut conn)
        .await
        .unwrap();
    let after: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(after, entries + 1);
    // Nor can it make the log forget what an erasure does not reach: the function takes a
    // resident not yet erased and reads their whole name itself, and of the ids given keeps
    // only their household's records.
    let unknown = sqlx::query("select audit_log_forget_person($1, '{}')")
        .bind(uuid::Uuid::now_v7())
        .execute(&mut conn)
        .await
        .expect_err("no such resident");
    assert!(unknown.to_string().contains("not yet erased"), "{unknown}");
    let (person, other): (uuid::Uuid, String) = sqlx::query_as(
        "select r.id, a.entity_id from residents r, audit_log a
         where a.entity = 'household' and a.entity_id = 'x' limit 1",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    sqlx::query("select audit_log_forget_person($1, $2)")
        .bind(person)
        .bind(vec![other.clone()])
        .execute(&mut conn)
        .await
        .unwrap();
    let kept: bool = sqlx::query_scalar("select not forgotten from audit_log where entity_id = $1")
        .bind(&other)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(kept, "an entry of no record of theirs keeps its values");
    conn.close().await.unwrap();
    sqlx::query(&format!("drop owned by {role}"))
        .execute(&db)
        .await
        .unwrap();
    sqlx::query(&format!("drop role {role}"))
        .execute(&db)
        .await
        .unwrap();
}

/// Past its retention an audit entry keeps who changed which record, when and how, and the
/// names of the fields changed, but not their values; younger entries keep theirs, and the
/// database refuses to forget anything younger than a week.
#[sqlx::test(migrations = false)]
async fn audit_entries_past_retention_keep_the_field_names_only(db: sqlx::PgPool) {
    let app = crate::common::app(db.clone()).await;
    let entry = |days: i32, address: &str| {
        sqlx::query_scalar::<_, i64>(
            "insert into audit_log (at, ward_code, action, entity, entity_id, change)
             values (now() - make_interval(days => $1), 619, 'update', 'households', 'h',
                     jsonb_build_object('address', $2::text, 'disability', true))
             returning id",
        )
        .bind(days)
        .bind(address.to_owned())
        .fetch_one(&db)
    };
    let old = entry(100, "Số 5 ngõ 12 Phú Diễn").await.unwrap();
    let recent = entry(10, "Số 7 ngõ 3 Phú Diễn").await.unwrap();

    let now = app.clock.now();
    let forgotten = server::audit::forget_old(&db, now - chrono::TimeDelta::days(90))
        .await
        .unwrap();
    assert!(forgotten >= 1);
    let (_, log) = app
        .get("/api/v1/wards/619/audit?entity=households&limit=200")
        .await;
    let find = |id: i64| {
        log.as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (find(old)["change"].clone(), find(old)["forgotten"].clone()),
        (
            serde_json::json!({ "fields": ["address", "disability"] }),
            true.into()
        )
    );
    assert_eq!(find(recent)["change"]["address"], "Số 7 ngõ 3 Phú Diễn");
    assert_eq!(find(recent)["forgotten"], false);
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where change::text like '%Số 5 ngõ 12%'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(kept, 0);
    assert!(
        server::audit::forget_old(&db, now - chrono::TimeDelta::days(1))
            .await
            .is_err()
    );
    // Still append-only otherwise.
    assert!(
        sqlx::query("update audit_log set change = '{}' where id = $1")
            .bind(recent)
            .execute(&db)
            .await
            .is_err()
    );
}

/// A database whose schema a newer version made is refused at start, with both versions
/// named, rather than misread or migrated backwards.
#[sqlx::test(migrations = false)]
async fn a_database_from_a_newer_version_is_refused(db: sqlx::PgPool) {
    let _migrated = crate::common::app(db.clone()).await;
    let known = sqlx::migrate!().iter().map(|m| m.version).max().unwrap();
    sqlx::query(
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time)
         values ($1, 'from a newer version', true, '\\x00', 0)",
    )
    .bind(known + 1)
    .execute(&db)
    .await
    .unwrap();
    let refused = server::prepare_database(&db).await.unwrap_err().to_string();
    assert!(
        refused.contains(&format!("migration {} (from a newer version)", known + 1))
            && refused.contains(&format!("(migration {known})")),
        "{refused}"
    );
}
