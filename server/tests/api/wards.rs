use axum::http::StatusCode;

use crate::common::{OTHER_WARD, WARD, app, assert_counts_match_a_recount, field_errors, pair};

#[sqlx::test(migrations = false)]
async fn lists_only_the_wards_where_one_holds_a_role(db: sqlx::PgPool) {
    let app = app(db).await;
    let codes = |body: serde_json::Value| -> Vec<i64> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_i64().unwrap())
            .collect()
    };
    let (status, body) = app.get("/api/v1/wards").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(codes(body), [619]);
    sqlx::query!(
        "insert into role_grants (user_id, ward_code, role)
         select user_id, $2, 'viewer' from role_grants where ward_code = $1 and role = 'ward_admin'",
        WARD,
        OTHER_WARD
    )
    .execute(&app.db)
    .await
    .unwrap();
    // Phường Hoàn Kiếm sorts before Phường Phú Diễn.
    assert_eq!(codes(app.get("/api/v1/wards").await.1), [70, 619]);
}

#[sqlx::test(migrations = false)]
async fn a_ward_by_its_official_code(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app.get("/api/v1/wards/619").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "Phường Phú Diễn");
    assert_eq!(body["province_name"], "Thành phố Hà Nội");
    assert_eq!(
        app.get("/api/v1/wards/999999").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/api/v1/wards/abc").await.0, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = false)]
async fn dashboard_totals_are_the_sum_of_the_tdps(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, d) = app.get(&format!("/api/v1/wards/{WARD}/dashboard")).await;
    assert_eq!(status, StatusCode::OK);
    let tdps = d["tdps"].as_array().unwrap();
    assert_eq!(tdps.len(), 3);
    let skills = d["skills"].as_array().unwrap();
    assert_eq!(skills.len(), 9);
    for (i, _) in skills.iter().enumerate() {
        let sum: i64 = tdps
            .iter()
            .map(|t| t["skills"][i]["achieved"].as_i64().unwrap())
            .sum();
        assert_eq!(d["totals"]["skills"][i]["achieved"].as_i64().unwrap(), sum);
        let population: i64 = tdps
            .iter()
            .map(|t| t["skills"][i]["population"].as_i64().unwrap())
            .sum();
        assert_eq!(
            d["totals"]["skills"][i]["population"].as_i64().unwrap(),
            population
        );
    }
    let visited: i64 = tdps
        .iter()
        .map(|t| t["households_visited"].as_i64().unwrap())
        .sum();
    assert_eq!(d["totals"]["households_visited"].as_i64().unwrap(), visited);
    // The other ward's visits are not counted here.
    let all_visits: i64 = sqlx::query_scalar!(
        r#"select count(distinct household_id) as "n!" from visits where ward_code = $1"#,
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(visited, all_visits);
    assert_eq!(
        app.get("/api/v1/wards/999999/dashboard").await.0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = false)]
async fn skills_catalogue_in_order(db: sqlx::PgPool) {
    let app = app(db)
        .await
        .signed_in_as(OTHER_WARD, domain::access::Role::Viewer)
        .await;
    let (status, body) = app.get(&format!("/api/v1/wards/{OTHER_WARD}/skills")).await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes[..2], ["smartphone", "vneid_level2"]);
    assert_eq!(
        app.get("/api/v1/wards/999999/skills").await.0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = false)]
async fn search_ignores_diacritics_and_stays_in_the_ward(db: sqlx::PgPool) {
    let app = app(db).await;
    let name: String = sqlx::query_scalar!(
        "select r.full_name from residents r join tdps t on t.id = r.tdp_id where t.ward_code = $1 order by r.id limit 1",
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let folded = domain::text::fold(&name);
    let (status, body) = app
        .get(&format!(
            "/api/v1/wards/{WARD}/search?q={}",
            folded.replace(' ', "+")
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = body["residents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&name.as_str()),
        "{folded} should find {name} in {names:?}"
    );
    // Vietnamese order: by given name.
    let keys: Vec<String> = names
        .iter()
        .map(|n| domain::text::name_sort_key(n))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    // Nothing from the other ward.
    let other_ward_ids: Vec<uuid::Uuid> = sqlx::query_scalar!(
        "select r.id from residents r join tdps t on t.id = r.tdp_id where t.ward_code = $1",
        OTHER_WARD
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    for r in body["residents"].as_array().unwrap() {
        let id: uuid::Uuid = r["id"].as_str().unwrap().parse().unwrap();
        assert!(!other_ward_ids.contains(&id));
    }
}

#[sqlx::test(migrations = false)]
async fn search_needs_two_letters(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, body) = app
        .get(&format!("/api/v1/wards/{WARD}/search?q=%20a"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&body), [pair("q", "required")]);
    let (status, body) = app.get(&format!("/api/v1/wards/{WARD}/search")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");
    let (status, body) = app
        .get(&format!("/api/v1/wards/{WARD}/search?q=ng%00uyen"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("q", "control_characters")]);
}

#[sqlx::test(migrations = false)]
async fn kept_counts_follow_every_change(db: sqlx::PgPool) {
    let app = app(db).await;
    assert_counts_match_a_recount(&app.db).await;
    let f = app.fixture(WARD).await;
    // A visit, a second visit to the same household, an in-progress skill becoming achieved.
    let uri = format!("/api/v1/wards/{WARD}/visits");
    let mut first = f.visit();
    first["help"][0]["outcome"] = serde_json::json!("in_progress");
    assert_eq!(app.post(&uri, first).await.0, StatusCode::CREATED);
    assert_eq!(app.post(&uri, f.visit()).await.0, StatusCode::CREATED);
    assert_counts_match_a_recount(&app.db).await;
    // A corrected birth year moves the resident, and their skills, to another bucket.
    sqlx::query!(
        "update residents set birth_year = 2009 where id = $1",
        f.residents[0]
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_counts_match_a_recount(&app.db).await;
    // Removing a household's visits (and what they established) uncounts it.
    sqlx::query!("delete from resident_skills where visit_id in (select id from visits where household_id = $1)", f.household)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query!("delete from visits where household_id = $1", f.household)
        .execute(&app.db)
        .await
        .unwrap();
    assert_counts_match_a_recount(&app.db).await;
}

#[sqlx::test(migrations = false)]
async fn the_dashboard_is_reused_until_its_ward_changes(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let other = app.fixture(OTHER_WARD).await;
    let counter = |ward: i32| {
        let db = app.db.clone();
        async move { server::db::dashboard::label(&db, ward).await.unwrap() }
    };
    let uri = format!("/api/v1/wards/{WARD}/dashboard");
    let (_, first) = app.get(&uri).await;
    assert_eq!(app.get(&uri).await.1, first);

    // A visit in the other ward leaves this ward's counter alone.
    let before = counter(WARD).await;
    let (status, _) = app
        .signed_in_as(OTHER_WARD, domain::access::Role::Volunteer)
        .await
        .post(&format!("/api/v1/wards/{OTHER_WARD}/visits"), other.visit())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(counter(WARD).await, before);

    // A visit here is seen on the very next read.
    sqlx::query!(
        "delete from resident_skills where resident_id = $1",
        f.residents[0]
    )
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query!(
        "update residents set birth_year = 1960 where id = $1",
        f.residents[0]
    )
    .execute(&app.db)
    .await
    .unwrap();
    let (_, cleared) = app.get(&uri).await;
    let (status, _) = app
        .post(&format!("/api/v1/wards/{WARD}/visits"), f.visit())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(counter(WARD).await > before);
    let (_, after) = app.get(&uri).await;
    let achieved = |d: &serde_json::Value| d["totals"]["skills"][0]["achieved"].as_i64().unwrap();
    assert_eq!(achieved(&after), achieved(&cleared) + 1);
}

/// A dashboard counted again only for the TDPs whose counter moved holds the figures of one
/// counted from the beginning: after a visit in one TDP, in another, and after a change of
/// what the whole ward's figures hang on.
#[sqlx::test(migrations = false)]
async fn a_dashboard_counted_from_what_changed_matches_a_fresh_count(db: sqlx::PgPool) {
    let app = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/dashboard");
    let fresh = || async {
        let f = server::db::dashboard::figures(&app.db, WARD, None, app.today())
            .await
            .unwrap();
        serde_json::json!({ "tdps": f.tdps, "totals": f.totals })
    };
    let served = || async {
        let (status, d) = app.get(&uri).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        serde_json::json!({ "tdps": d["tdps"], "totals": d["totals"] })
    };
    let ratings = |d: &serde_json::Value, i: usize| d["tdps"][i]["ratings"].as_i64().unwrap();
    let tdps = app.tdps(WARD).await;
    let mut before = served().await;
    assert_eq!(before, fresh().await);
    for (i, tdp) in tdps.iter().enumerate().take(2) {
        let f = app.fixture_in(*tdp).await;
        let (status, body) = app
            .post(&format!("/api/v1/wards/{WARD}/visits"), f.visit())
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let after = served().await;
        assert_eq!(ratings(&after, i), ratings(&before, i) + 1);
        assert_eq!(after, fresh().await);
        before = after;
    }
    sqlx::query!(
        "update tdps set households_registered = households_registered + 10 where id = $1",
        tdps[0]
    )
    .execute(&app.db)
    .await
    .unwrap();
    let after = served().await;
    assert_ne!(after, before);
    assert_eq!(after, fresh().await);
}

/// Readers who find the dashboard out of date at once share one computation of it: the first
/// computes, the others are answered meanwhile with the figures of a moment before.
#[sqlx::test(migrations = false)]
async fn readers_who_miss_together_share_one_computation(db: sqlx::PgPool) {
    let app = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/dashboard");
    let computed_at = |d: &serde_json::Value| d["computed_at"].as_str().unwrap().to_owned();
    let first = computed_at(&app.get(&uri).await.1);
    sqlx::query!("select note_ward_changes(array[$1::int])", WARD)
        .execute(&app.db)
        .await
        .unwrap();
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (app, uri) = (app.clone(), uri.clone());
        readers.spawn(async move { app.get(&uri).await });
    }
    let mut computed = std::collections::HashSet::new();
    for (status, body) in readers.join_all().await {
        assert_eq!(status, StatusCode::OK);
        computed.insert(computed_at(&body));
    }
    computed.remove(&first);
    assert_eq!(computed.len(), 1, "{computed:?}");
}

/// A browser gets the dashboard compressed in the encoding it prefers, compressed once (not
/// again by the compression layer), and it reads the same as plain.
#[sqlx::test(migrations = false)]
async fn the_dashboard_comes_compressed_as_the_browser_asks(db: sqlx::PgPool) {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let app = app(db).await;
    let uri = format!("/api/v1/wards/{WARD}/dashboard");
    let (_, plain) = app.get(&uri).await;
    for (accept, encoding) in [
        ("gzip, deflate, br, zstd", Some("br")),
        ("gzip, br;q=0", Some("gzip")),
        ("identity", None),
    ] {
        let req = Request::get(&uri)
            .header(header::ACCEPT_ENCODING, accept)
            .header(header::COOKIE, app.cookie.clone().unwrap())
            .body(Body::empty())
            .unwrap();
        let res = app.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let mut decoded = Vec::new();
        match encoding {
            Some("br") => brotli::BrotliDecompress(&mut bytes.as_ref(), &mut decoded).unwrap(),
            Some(_) => {
                std::io::Read::read_to_end(
                    &mut flate2::read::GzDecoder::new(bytes.as_ref()),
                    &mut decoded,
                )
                .unwrap();
            }
            None => decoded = bytes.to_vec(),
        }
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&decoded).unwrap(),
            plain
        );
    }
}

/// "Đúng tiến độ" or "chậm tiến độ" is judged against the straight line from the year's start
/// to the skill's deadline: the same share is behind with the deadline near and on track with
/// it far.
#[sqlx::test(migrations = false)]
async fn a_skill_is_judged_against_the_pace_to_its_deadline(db: sqlx::PgPool) {
    use domain::indicators::{Pace, Progress, progress};
    let app = app(db).await;
    let today = app.today();
    let before = crate::common::dashboard(&app).await;
    for (skill, figure) in before.skills.iter().zip(&before.totals.skills) {
        let pace = Pace::to(skill.deadline, today);
        assert_eq!(
            figure.progress,
            progress(figure.share, skill.target_percent, pace),
            "{}",
            skill.code
        );
    }
    // A share short of its target: behind the line to a deadline today, on track on the line
    // to a deadline far enough away that it asks for less than that share by today.
    let (i, skill) = before
        .skills
        .iter()
        .enumerate()
        .find(|(i, s)| {
            before.totals.skills[*i]
                .share
                .is_some_and(|v| v > 0.0 && v < s.target_percent)
        })
        .expect("a skill short of its target");
    let share = before.totals.skills[i].share.unwrap();
    let start = Pace::this_year(today).start;
    let days = (today - start).num_days().max(1) as f64;
    let far = start + chrono::Days::new((skill.target_percent * days / share).ceil() as u64 + 2);
    assert!(Pace::to(far, today).expected(skill.target_percent) < share);
    for (deadline, expected) in [(today, Progress::Behind), (far, Progress::OnTrack)] {
        sqlx::query("update skills set deadline = $1 where id = $2")
            .bind(deadline)
            .bind(skill.id)
            .execute(&app.db)
            .await
            .unwrap();
        let after = crate::common::dashboard(&app).await;
        assert_eq!(
            after.totals.skills[i].progress, expected,
            "{} at {share}% due {deadline}",
            skill.code
        );
    }
}
