//! Reports as files: the indicators workbook, opened by LibreOffice as a ward official's
//! computer would, and the CSV, both checked against the dashboard's figures.

use std::path::Path;
use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::api::{Dashboard, TdpIndicators};
use uuid::Uuid;

use crate::common::{TestApp, WARD, app, dashboard};

async fn download(app: &TestApp, format: &str) -> (String, Vec<u8>) {
    fetch(
        app,
        &format!("/api/v1/wards/{WARD}/exports/indicators?format={format}"),
        "chi-so-619-",
    )
    .await
}

async fn fetch(app: &TestApp, uri: &str, file_name: &str) -> (String, Vec<u8>) {
    let req = Request::get(uri)
        .header(header::COOKIE, app.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let kind = res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    let disposition = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{file_name}")),
        "{disposition}"
    );
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (kind, bytes)
}

/// Has LibreOffice open every file of `dir` with `args` and save the result there, as a
/// ward official's computer would: a profile of its own, so that no other LibreOffice running
/// on the machine holds it.
fn libreoffice(dir: &Path, args: &[&str]) {
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|f| f.is_file())
        .collect();
    let converted = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .arg("--headless")
        .args(args)
        .arg("--outdir")
        .arg(dir)
        .args(&files)
        .output()
        .expect("LibreOffice (soffice) runs: `./x setup` installs libreoffice-calc-nogui");
    assert!(converted.status.success(), "{converted:?}");
}

/// The rows of a CSV file, header first.
fn rows(csv_bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn number(cell: &str) -> Option<f64> {
    (!cell.is_empty()).then(|| {
        cell.parse()
            .unwrap_or_else(|_| panic!("not a number: {cell}"))
    })
}

/// Each TDP's row and the total against the dashboard, column by column.
fn assert_matches(d: &Dashboard, rows: &[Vec<String>]) {
    let header = &rows[0];
    let col = |title: &str| {
        header
            .iter()
            .position(|h| h == title)
            .unwrap_or_else(|| panic!("no column {title}: {header:?}"))
    };
    let skill = &d.skills[0].name_vi;
    assert_eq!(rows.len(), d.tdps.len() + 2, "a row per TDP and the total");
    let expected = d.tdps.iter().chain([&d.totals]);
    for (row, t) in rows[1..].iter().zip(expected) {
        let t: &TdpIndicators = t;
        if t.tdp_id.is_some() {
            assert_eq!(row[col("Mã tổ")], t.code);
            assert_eq!(row[col("Tổ dân phố")], t.name);
        } else {
            assert_eq!(row[col("Tổ dân phố")], "Toàn phường");
        }
        assert_eq!(
            number(&row[col("Hộ đã thăm")]),
            Some(t.households_visited as f64)
        );
        assert_eq!(number(&row[col("Tỷ lệ hộ đã thăm (%)")]), t.visit_coverage);
        assert_eq!(number(&row[col("Mức hài lòng (1–5)")]), t.satisfaction);
        assert_eq!(
            number(&row[col("Gia đình số (hộ): đạt")]),
            Some(t.models.families.achieved as f64)
        );
        assert_eq!(
            number(&row[col("Chợ số: tiểu thương không dùng tiền mặt: tỷ lệ (%)")]),
            t.models.cashless.share
        );
        assert_eq!(
            number(&row[col(&format!("{skill}: tổng"))]),
            Some(t.skills[0].population as f64)
        );
        assert_eq!(
            number(&row[col(&format!("{skill}: chỉ tiêu (%)"))]),
            Some(d.skills[0].target_percent)
        );
    }
}

#[sqlx::test(migrations = false)]
async fn the_indicators_workbook_opens_in_libreoffice_with_the_dashboards_figures(
    db: sqlx::PgPool,
) {
    let app = app(db).await;
    let (kind, xlsx) = download(&app, "xlsx").await;
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let dir = std::env::temp_dir().join(format!("ngoso-export-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("chi-so.xlsx");
    std::fs::write(&file, &xlsx).unwrap();
    // Filter options 44,34,76: comma-separated, quoted, UTF-8.
    libreoffice(
        &dir,
        &["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76"],
    );
    let csv = std::fs::read(Path::new(&dir).join("chi-so.csv")).unwrap();
    assert_matches(&dashboard(&app).await, &rows(&csv));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[sqlx::test(migrations = false)]
async fn the_indicators_csv_keeps_vietnamese_for_excel(db: sqlx::PgPool) {
    let app = app(db).await;
    let (kind, csv) = download(&app, "csv").await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    // The byte-order mark tells Excel the file is UTF-8.
    let body = csv.strip_prefix(b"\xEF\xBB\xBF".as_slice()).expect("a BOM");
    let rows = rows(body);
    assert_eq!(rows[0][1], "Tổ dân phố");
    assert_matches(&dashboard(&app).await, &rows);
}

#[sqlx::test(migrations = false)]
async fn a_team_leader_downloads_the_households_still_missing_an_identity(db: sqlx::PgPool) {
    let admin = app(db).await;
    let leader = admin
        .signed_in_as(WARD, domain::access::Role::TeamLeader)
        .await;
    let tdp = sqlx::query!(
        r#"select t.id, t.code from tdps t join role_grants g on g.tdp_id = t.id
           where g.ward_code = $1 and g.role = 'team_leader'"#,
        WARD
    )
    .fetch_one(&admin.db)
    .await
    .unwrap();
    let (kind, csv) = fetch(
        &leader,
        &format!(
            "/api/v1/tdps/{}/exports/households?show=missing_identity&format=csv",
            tdp.id
        ),
        &format!("ho-{}-missing_identity-", tdp.code),
    )
    .await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    let rows = rows(csv.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap());
    // The same households, in the same order, as the list the team's phones show.
    let mut listed = Vec::new();
    for offset in (0..).step_by(200) {
        let (status, body) = leader
            .get(&format!(
                "/api/v1/tdps/{}/households?show=missing_identity&limit=200&offset={offset}",
                tdp.id
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: Vec<domain::api::HouseholdSummary> = serde_json::from_value(body).unwrap();
        let done = page.len() < 200;
        listed.extend(page);
        if done {
            break;
        }
    }
    assert!(!listed.is_empty());
    assert_eq!(rows.len(), listed.len() + 1);
    let missing = rows[0]
        .iter()
        .position(|h| h == "Người từ 16 tuổi chưa có danh tính số")
        .unwrap();
    for (row, h) in rows[1..].iter().zip(&listed) {
        assert_eq!((&row[0], &row[1]), (&h.head_name, &h.address));
        assert!(!row[missing].is_empty(), "{row:?}");
    }
}

#[sqlx::test(migrations = false)]
async fn activities_and_their_attendees_as_files(db: sqlx::PgPool) {
    let app = app(db).await;
    let (_, list) = app.get(&format!("/api/v1/wards/{WARD}/activities")).await;
    let list = list.as_array().unwrap();
    assert!(!list.is_empty(), "the demo ward has activities");
    let (kind, bytes) = fetch(
        &app,
        &format!("/api/v1/wards/{WARD}/exports/activities?format=csv"),
        "hoat-dong-619-",
    )
    .await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    let table = rows(&bytes);
    assert_eq!(table[0][3], "Tên hoạt động");
    assert_eq!(table.len(), list.len() + 1);
    for (row, a) in table[1..].iter().zip(list) {
        assert_eq!(row[3], a["title"].as_str().unwrap());
        assert_eq!(number(&row[9]), a["attendees"].as_f64(), "{row:?}");
    }
    let held = list
        .iter()
        .find(|a| a["attendees"].as_i64().unwrap() > 0)
        .unwrap();
    let (_, detail) = app
        .get(&format!(
            "/api/v1/activities/{}",
            held["id"].as_str().unwrap()
        ))
        .await;
    let (_, bytes) = fetch(
        &app,
        &format!(
            "/api/v1/activities/{}/exports/attendance?format=csv",
            held["id"].as_str().unwrap()
        ),
        "nguoi-du-",
    )
    .await;
    let names: Vec<String> = rows(&bytes)[1..].iter().map(|r| r[0].clone()).collect();
    let expected: Vec<String> = detail["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["full_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, expected);
}

/// A name a spreadsheet would take for a formula stays text when a leader opens the CSV:
/// LibreOffice, evaluating formulas as it does by default, finds none.
#[sqlx::test(migrations = false)]
async fn a_formula_in_a_name_stays_text_when_the_csv_is_opened(db: sqlx::PgPool) {
    use calamine::{Data, Reader};

    let app = app(db).await;
    let tdp = app.fixture(WARD).await.tdp;
    let (status, household) = app
        .post(
            &format!("/api/v1/wards/{WARD}/households"),
            serde_json::json!({
                "id": null, "tdp_id": tdp, "address": "@SUM(1;2)", "head_name": "=1+1",
                "priority": { "elderly_alone": false, "disability": false, "poverty": "none" },
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{household}");
    let (_, csv) = fetch(
        &app,
        &format!("/api/v1/tdps/{tdp}/exports/households?show=all&format=csv"),
        "ho-",
    )
    .await;
    let dir = std::env::temp_dir().join(format!("ngoso-export-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ho.csv");
    std::fs::write(&file, &csv).unwrap();
    // Comma-separated, quoted, UTF-8, from line 1, formulas evaluated (the 13th option).
    libreoffice(
        &dir,
        &[
            "--infilter=Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1,true",
            "--convert-to",
            "xlsx",
        ],
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(dir.join("ho.xlsx")).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let formulas = book.worksheet_formula(&sheet).unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "the CSV opened with formulas in it"
    );
    let cells = book.worksheet_range(&sheet).unwrap();
    for typed in ["=1+1", "@SUM(1;2)"] {
        assert!(
            cells
                .used_cells()
                .any(|(_, _, c)| matches!(c, Data::String(s) if s.ends_with(typed))),
            "{typed} is not text in the opened file"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[sqlx::test(migrations = false)]
async fn a_province_viewer_downloads_every_ward_as_its_page_shows_them(db: sqlx::PgPool) {
    let ward_admin = app(db).await;
    let viewer = ward_admin
        .signed_in_with(
            &server::demo::demo_province_phone(1, domain::access::ProvinceRole::ProvinceViewer),
            server::demo::DEMO_PASSWORD,
        )
        .await;
    let (kind, csv) = fetch(
        &viewer,
        "/api/v1/provinces/1/exports/wards?format=csv",
        "tinh-1-",
    )
    .await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    let table = rows(csv.strip_prefix(b"\xEF\xBB\xBF".as_slice()).expect("a BOM"));
    let (_, overview) = viewer.get("/api/v1/provinces/1").await;
    let wards = overview["wards"].as_array().unwrap();
    assert_eq!(
        table.len(),
        1 + wards.len(),
        "a row per ward of the official list"
    );
    assert_eq!(table[0][1], "Phường/xã");
    let column = |name: &str| table[0].iter().position(|h| h == name).unwrap();
    let demo = table.iter().find(|r| r[0] == WARD.to_string()).unwrap();
    let standing = &wards.iter().find(|w| w["code"] == WARD).unwrap()["standing"];
    assert_eq!(demo[column("Tình trạng")], "Đã triển khai");
    assert_eq!(
        number(&demo[column("Hạng thi đua")]),
        standing["rank"].as_f64()
    );
    assert_eq!(
        number(&demo[column("Hộ đã thăm")]),
        standing["totals"]["households_visited"].as_f64()
    );
    let smartphone = column("Sử dụng điện thoại thông minh: tỷ lệ (%)");
    assert_eq!(
        number(&demo[smartphone]),
        standing["totals"]["skills"][0]["share"].as_f64()
    );
    assert_eq!(demo[smartphone + 1], "85");
    assert_eq!(demo[smartphone + 2], "31/12/2026");
    assert!(
        ["Đã đạt", "Đúng tiến độ", "Chậm tiến độ"].contains(&demo[smartphone + 3].as_str()),
        "{}",
        demo[smartphone + 3]
    );
    let waiting = table.iter().filter(|r| r[2] == "Chưa triển khai").count();
    let not_started = wards.iter().filter(|w| w["standing"].is_null()).count();
    assert_eq!(waiting, not_started);
    assert!(not_started > 100);

    // Figures only: nobody's name is in the file.
    let text = String::from_utf8(csv).unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "select full_name from residents union select head_name from households
         union select full_name from users",
    )
    .fetch_all(&ward_admin.db)
    .await
    .unwrap();
    assert!(names.len() > 20, "{}", names.len());
    let shown: Vec<&String> = names.iter().filter(|n| text.contains(n.as_str())).collect();
    assert!(shown.is_empty(), "{shown:?}");

    let (kind, xlsx) = fetch(&viewer, "/api/v1/provinces/1/exports/wards", "tinh-1-").await;
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let dir = std::env::temp_dir().join(format!("ngoso-export-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tinh.xlsx"), &xlsx).unwrap();
    libreoffice(
        &dir,
        &["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76"],
    );
    let opened = rows(&std::fs::read(dir.join("tinh.csv")).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        opened.len(),
        table.len(),
        "the workbook holds the same rows"
    );
    let demo_opened = opened.iter().find(|r| r[0] == WARD.to_string()).unwrap();
    assert_eq!(demo_opened[column("Tình trạng")], "Đã triển khai");
    let (status, _) = ward_admin.get("/api/v1/provinces/1/exports/wards").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a ward's admin holds no province role"
    );
}
