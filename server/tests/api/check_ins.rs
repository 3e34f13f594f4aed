//! Check-in by QR code: the team makes a code for an activity, attendees check themselves in
//! with it, without an account; expired codes and other activities' codes are refused.

use axum::http::StatusCode;
use chrono::{TimeDelta, Utc};
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{TestApp, WARD, app, field_errors, pair};

/// A class of the fixture's TDP running from `start` to `end` minutes from now.
async fn class(app: &TestApp, tdp: Uuid, start: i64, end: i64) -> Uuid {
    let id = Uuid::now_v7();
    let now = app.clock.now();
    let (status, a) = app
        .post(
            &format!("/api/v1/wards/{WARD}/activities"),
            json!({
                "id": id, "kind": "community_class", "title": "Thanh toán bằng mã QR",
                "tdp_id": tdp, "place": "Nhà văn hoá tổ 1", "organiser": "Tổ công nghệ số",
                "starts_at": now + TimeDelta::minutes(start), "ends_at": now + TimeDelta::minutes(end),
                "topics": [], "capacity": null
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    id
}

/// A new code for the activity, from the link its QR code holds.
async fn new_code(app: &TestApp, activity: Uuid) -> (String, Value) {
    let (status, c) = app
        .post(
            &format!("/api/v1/activities/{activity}/check-in-codes"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let url = c["url"].as_str().unwrap();
    let code = url
        .split_once(&format!("/diem-danh/{activity}?ma="))
        .expect("the check-in page's address")
        .1
        .to_owned();
    (code, c)
}

async fn counts(app: &TestApp, activity: Uuid) -> (i64, i32, i64) {
    let r = sqlx::query!(
        r#"select (select count(*) from attendance where activity_id = $1) as "attendees!",
                  (select unregistered from activities where id = $1) as "unregistered!",
                  (select count(*) from check_ins) as "check_ins!""#,
        activity
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    (r.attendees, r.unregistered, r.check_ins)
}

#[sqlx::test(migrations = false)]
async fn attendees_check_themselves_in_with_the_code(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let volunteer = app.signed_in_as(WARD, Role::Volunteer).await;
    let activity = class(&app, f.tdp, -30, 60).await;
    let (code, made) = new_code(&volunteer, activity).await;
    assert!(made["qr_svg"].as_str().unwrap().contains("<svg"));
    let ends = app.clock.now() + TimeDelta::minutes(60);
    let expires: chrono::DateTime<Utc> = made["expires_at"].as_str().unwrap().parse().unwrap();
    assert!((expires - ends - TimeDelta::hours(1)).num_seconds().abs() < 60);

    // The page opens without an account and names nobody.
    let anyone = app.anonymous();
    let uri = format!("/api/v1/activities/{activity}/check-in");
    let (status, page) = anyone.get(&format!("{uri}?code={code}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["title"], "Thanh toán bằng mã QR");

    // Someone the register knows once, typed without diacritics, joins the attendees.
    let known = sqlx::query!(
        "select r.id, r.full_name, r.birth_year from residents r join tdps t on t.id = r.tdp_id
         where t.ward_code = $1 and (select count(*) from residents o join tdps u on u.id = o.tdp_id
                                     where u.ward_code = $1 and o.name_search = r.name_search
                                         and o.birth_year = r.birth_year) = 1
         order by r.id limit 1",
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let before = counts(&app, activity).await;
    let me = json!({
        "id": Uuid::now_v7(), "code": code,
        "full_name": format!("  {}  ", domain::text::fold(&known.full_name)),
        "birth_year": known.birth_year
    });
    let (status, registered) = anyone.post(&uri, me.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let (_, again) = anyone.post(&uri, me).await;
    assert_eq!(again, registered);
    assert_eq!(
        counts(&app, activity).await,
        (before.0 + 1, before.1, before.2 + 1)
    );
    let (_, detail) = app.get(&format!("/api/v1/activities/{activity}")).await;
    assert!(
        detail["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["resident_id"] == json!(known.id))
    );

    // Someone the register does not know is counted, once, and told the same.
    let stranger = json!({
        "id": Uuid::now_v7(), "code": code, "full_name": "Người Chưa Có Trong Sổ",
        "birth_year": 1960
    });
    let (status, unregistered) = anyone.post(&uri, stranger.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(unregistered, registered);
    anyone.post(&uri, stranger).await;
    assert_eq!(
        counts(&app, activity).await,
        (before.0 + 1, before.1 + 1, before.2 + 2)
    );
}

#[sqlx::test(migrations = false)]
async fn refuses_expired_and_other_activities_codes_and_writes_nothing(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let activity = class(&app, f.tdp, -30, 60).await;
    let other = class(&app, f.tdp, 0, 90).await;
    let (code, _) = new_code(&app, activity).await;
    let (other_code, _) = new_code(&app, other).await;
    let anyone = app.anonymous();
    let uri = format!("/api/v1/activities/{activity}/check-in");
    let body = |code: &str, year: i32| {
        json!({ "id": Uuid::now_v7(), "code": code, "full_name": "Trần Thị Hoa",
                "birth_year": year })
    };
    let before = counts(&app, activity).await;
    for (body, expected) in [
        (
            body(&other_code, 1958),
            vec![pair("code", "other_activity")],
        ),
        (
            body("not-a-code", 1958),
            vec![pair("code", "unknown_reference")],
        ),
        (body(&code, 2999), vec![pair("birth_year", "in_future")]),
        (body("", 1958), vec![pair("code", "required")]),
    ] {
        let (status, err) = anyone.post(&uri, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field_errors(&err), expected, "{body}");
    }
    let (status, err) = anyone.get(&format!("{uri}?code={other_code}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("code", "other_activity")]);

    // Once its time is over, the code no longer opens anything.
    sqlx::query!(
        "update check_in_codes set expires_at = $2::timestamptz - interval '1 minute'
         where activity_id = $1",
        activity,
        app.clock.now(),
    )
    .execute(&app.db)
    .await
    .unwrap();
    let (status, err) = anyone.post(&uri, body(&code, 1958)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("code", "expired")]);
    let (status, err) = anyone.get(&format!("{uri}?code={code}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("code", "expired")]);
    assert_eq!(counts(&app, activity).await, before);

    // No code for an activity over more than an hour ago.
    let past = class(&app, f.tdp, -300, -120).await;
    let (status, err) = app
        .post(
            &format!("/api/v1/activities/{past}/check-in-codes"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("ends_at", "expired")]);
}
