//! Import of an existing register, with the kind of file a ward really has (`registers/`): a
//! title above the table, blank lines, columns Ngõ Số does not keep (among them identity-card
//! numbers), names in capitals, without diacritics or with decomposed ones, the address only on
//! the head's row, the same people twice, and a few rows that are wrong. The same register is
//! saved as Excel does it: .xlsx (made by LibreOffice), CSV UTF-8, CSV in Windows-1258 with
//! semicolons, and "Unicode Text" (UTF-16, tabs).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::access::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{TestApp, WARD, app, field_errors, pair};

const XLSX: &[u8] = include_bytes!("registers/so-ho.xlsx");
const CSV_UTF8: &[u8] = include_bytes!("registers/so-ho.csv");
const CSV_1258: &[u8] = include_bytes!("registers/so-ho-windows-1258.csv");
const UNICODE_TEXT: &[u8] = include_bytes!("registers/so-ho-unicode.txt");
/// The same register after the ward fixed the four rows the dry run showed.
const FIXED: &[u8] = include_bytes!("registers/so-ho-da-sua.csv");

async fn import(app: &TestApp, file: &[u8], query: &str) -> (StatusCode, Value) {
    app.request(
        Request::post(format!("/api/v1/wards/{WARD}/register?{query}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(file.to_vec()))
            .unwrap(),
    )
    .await
}

async fn tdp(app: &TestApp, code: &str) -> Uuid {
    sqlx::query_scalar!(
        "select id from tdps where ward_code = $1 and code = $2",
        WARD,
        code
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// The household the ward recorded before it imported anything, and who lives in it.
async fn recorded_before(app: &TestApp) -> Uuid {
    let (status, h) = app
        .post(
            &format!("/api/v1/wards/{WARD}/households"),
            json!({
                "id": null, "tdp_id": tdp(app, "TDP-01").await,
                "address": "Số 12 ngõ 5 Phú Diễn", "head_name": "Nguyễn Văn Bình",
                "priority": { "elderly_alone": false, "disability": false, "poverty": "none" }
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{h}");
    let (status, r) = app
        .post(
            &format!("/api/v1/wards/{WARD}/residents"),
            json!({ "id": null, "household_id": h["id"], "full_name": "Nguyễn Văn Bình",
                    "birth_year": 1956, "gender": "male", "consent": true }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    h["id"].as_str().unwrap().parse().unwrap()
}

/// Households and residents of the ward.
async fn counts(app: &TestApp) -> (i64, i64) {
    let households = sqlx::query_scalar!(
        r#"select count(*) as "n!" from households h join tdps t on t.id = h.tdp_id
           where t.ward_code = $1"#,
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let residents = sqlx::query_scalar!(
        r#"select count(*) as "n!" from residents r join tdps t on t.id = r.tdp_id
           where t.ward_code = $1"#,
        WARD
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    (households, residents)
}

/// Field errors of a report, as (field, code).
fn problems(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| pair(p["field"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect()
}

/// A row of a report: its line, outcome, the line it repeats and its problems.
type Outcome = (u64, String, Option<u64>, Vec<(String, String)>);

fn outcomes(report: &Value) -> Vec<Outcome> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["outcome"].as_str().unwrap().to_owned(),
                r["same_as"].as_u64(),
                problems(&r["problems"]),
            )
        })
        .collect()
}

fn fine(line: u64, outcome: &str) -> Outcome {
    (line, outcome.to_owned(), None, Vec::new())
}

fn repeats(line: u64, of: u64) -> Outcome {
    (line, "repeated".to_owned(), Some(of), Vec::new())
}

fn wrong(line: u64, field: &str, code: &str) -> Outcome {
    (line, "invalid".to_owned(), None, vec![pair(field, code)])
}

fn row(report: &Value, line: u64) -> &Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == line)
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_dry_run_reports_every_row_the_same_whichever_way_excel_saved_the_file(db: sqlx::PgPool) {
    let app = app(db).await;
    recorded_before(&app).await;
    let before = counts(&app).await;
    let expected = vec![
        // Already in the register, though written in capitals.
        fine(5, "existing"),
        // New members of that household: address and TDP from the head's row.
        fine(6, "new"),
        fine(7, "new"),
        fine(9, "new"),
        wrong(10, "birth_year", "invalid_format"),
        // Line 9 again, without diacritics.
        repeats(11, 9),
        wrong(12, "tdp", "unknown_reference"),
        // Its head's row (12) is wrong, so it belongs to no household.
        wrong(13, "relation", "no_household_head"),
        wrong(14, "gender", "required"),
        fine(15, "new"),
        repeats(16, 15),
    ];
    for (file, format, encoding) in [
        (XLSX, "xlsx", Value::Null),
        (CSV_UTF8, "csv", json!("UTF-8")),
        (CSV_1258, "csv", json!("windows-1258")),
        (UNICODE_TEXT, "csv", json!("UTF-16LE")),
    ] {
        let (status, report) = import(&app, file, "preview=true").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["format"], format);
        assert_eq!(report["encoding"], encoding, "{format}");
        assert_eq!(report["header_line"], 4);
        assert_eq!(
            report["mapping"],
            json!({ "tdp": 7, "address": 6, "head_name": null, "relation": 5, "full_name": 1,
                    "birth_year": 2, "gender": 3 }),
            "{encoding}"
        );
        assert_eq!(report["mapping_problems"], json!([]));
        assert_eq!(report["ignored_id_columns"], json!(["Số CCCD"]));
        assert_eq!(outcomes(&report), expected, "{encoding}");
        assert_eq!(report["households_new"], 2, "{encoding}");
        assert_eq!(report["residents_new"], 4, "{encoding}");
        assert_eq!(report["saved"], false);
        assert_eq!(row(&report, 5)["full_name"], "Nguyễn Văn Bình");
        assert_eq!(row(&report, 6)["address"], "Số 12, ngõ 5 Phú Diễn");
        assert_eq!(row(&report, 6)["head_name"], "Nguyễn Văn Bình");
        assert_eq!(row(&report, 6)["birth_year"], 1960);
        assert_eq!(row(&report, 10)["tdp_code"], "TDP-02");
        // Composed, whatever the file held.
        assert_eq!(row(&report, 15)["full_name"], "B\u{f9}i Quang Huy");
    }
    assert_eq!(counts(&app).await, before, "a dry run saves nothing");
}

#[sqlx::test(migrations = false)]
async fn importing_is_all_or_nothing_and_importing_again_adds_nobody(db: sqlx::PgPool) {
    let app = app(db).await;
    let household = recorded_before(&app).await;
    let before = counts(&app).await;

    let (status, err) = import(&app, CSV_1258, "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        field_errors(&err),
        [
            pair("rows[10].birth_year", "invalid_format"),
            pair("rows[12].tdp", "unknown_reference"),
            pair("rows[13].relation", "no_household_head"),
            pair("rows[14].gender", "required"),
        ]
    );
    assert_eq!(counts(&app).await, before, "a refused import saves nothing");

    let (status, report) = import(&app, FIXED, "").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["saved"], true);
    assert_eq!(report["households_new"], 4);
    assert_eq!(report["residents_new"], 8);
    assert_eq!(counts(&app).await, (before.0 + 4, before.1 + 8));
    // The new members joined the household recorded before.
    let (_, h) = app.get(&format!("/api/v1/households/{household}")).await;
    let mut names: Vec<&str> = h["residents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["full_name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Nguyen Van Cuong", "Nguyễn Văn Bình", "Trần Thị Lan"]
    );
    // Found by search like any resident, with the household the import made.
    let (_, found) = app
        .get(&format!("/api/v1/wards/{WARD}/search?q=pham+minh+tuan"))
        .await;
    let tuan = &found["residents"][0];
    assert_eq!(tuan["birth_year"], 1965, "{found}");
    let (_, r) = app
        .get(&format!(
            "/api/v1/residents/{}",
            tuan["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(r["household_address"], "7 ngõ 120 Phú Diễn");
    assert_eq!(r["tdp"]["code"], "TDP-02");
    // Identity-card numbers were in the file; nothing of them is kept, not even in the log.
    let kept = sqlx::query_scalar!(
        r#"select count(*) as "n!" from audit_log where change::text like '%001056012345%'"#
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(kept, 0);

    let after = counts(&app).await;
    for file in [FIXED, XLSX] {
        let (status, report) = import(&app, file, "preview=true").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(report["residents_new"], 0, "{report}");
    }
    let (status, report) = import(&app, FIXED, "").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (
            report["households_new"].clone(),
            report["residents_new"].clone()
        ),
        (json!(0), json!(0))
    );
    assert!(
        outcomes(&report)
            .iter()
            .all(|(_, outcome, _, _)| outcome == "existing" || outcome == "repeated")
    );
    assert_eq!(counts(&app).await, after, "importing again adds nobody");
}

#[sqlx::test(migrations = false)]
async fn columns_can_be_mapped_by_hand_and_a_mapping_missing_a_field_is_refused(db: sqlx::PgPool) {
    let app = app(db).await;
    // Headings the suggestions do not know, and a head's name on every row.
    let file = "Tổ;Nhà;Người đứng tên hộ;Tên người;Sinh;Phái\n\
                TDP-03;Số 3 Kiều Mai;Phan Văn Nam;Phan Văn Nam;1970;Nam\n\
                TDP-03;Số 3 Kiều Mai;Phan Văn Nam;Phan Thị Thu;1999;Nữ\n";
    let (status, report) = import(&app, file.as_bytes(), "preview=true").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        problems(&report["mapping_problems"]),
        [
            pair("mapping.address", "required"),
            pair("mapping.full_name", "required"),
            pair("mapping.birth_year", "required"),
            pair("mapping.head_name", "required"),
        ]
    );
    assert_eq!(report["rows"], json!([]));
    let mapping = "tdp=0&address=1&head_name=2&full_name=3&birth_year=4&gender=5";
    let (status, report) = import(&app, file.as_bytes(), &format!("preview=true&{mapping}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["mapping_problems"], json!([]));
    assert_eq!(
        (
            report["households_new"].clone(),
            report["residents_new"].clone()
        ),
        (json!(1), json!(2))
    );

    let (status, err) = import(
        &app,
        file.as_bytes(),
        "tdp=0&address=1&head_name=2&full_name=3&birth_year=4",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("mapping.gender", "required")]);
    let (status, err) = import(&app, file.as_bytes(), &format!("{mapping}&relation=1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("mapping.relation", "duplicate")]);
    let (status, err) = import(
        &app,
        file.as_bytes(),
        "tdp=0&address=1&head_name=2&full_name=3&birth_year=4&gender=9",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("mapping.gender", "out_of_range")]);

    let (status, report) = import(&app, file.as_bytes(), mapping).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let (_, found) = app
        .get(&format!("/api/v1/wards/{WARD}/search?q=phan+thi+thu"))
        .await;
    assert_eq!(found["residents"].as_array().unwrap().len(), 1, "{found}");
}

#[sqlx::test(migrations = false)]
async fn what_is_not_a_register_is_refused_and_only_ward_admins_import(db: sqlx::PgPool) {
    let app = app(db).await;
    let (status, err) = import(&app, b"", "preview=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("file", "required")]);
    let (status, err) = import(&app, b"PK\x03\x04 a broken workbook", "preview=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&err), [pair("file", "invalid_format")]);
    let leader = app.signed_in_as(WARD, Role::TeamLeader).await;
    let (status, _) = import(&leader, FIXED, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A body over the limit answers 413 with the JSON error body, for JSON and for files alike.
#[sqlx::test(migrations = false)]
async fn a_body_over_the_limit_is_too_large(db: sqlx::PgPool) {
    let app = app(db).await;
    let f = app.fixture(WARD).await;
    let huge = "a".repeat(3 * 1024 * 1024);
    let (status, body) = app
        .post(
            &format!("/api/v1/wards/{WARD}/households"),
            json!({ "tdp_id": f.tdp, "address": huge, "head_name": "Lê Văn Ba" }),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "payload_too_large");
    let file = vec![b'a'; 17 * 1024 * 1024];
    let (status, body) = app
        .request(
            Request::post(format!("/api/v1/wards/{WARD}/register?preview=true"))
                .header("content-type", "application/octet-stream")
                .body(Body::from(file))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "payload_too_large");
}

/// Two cells, at A1 and XFD1048576, in a 6 KB workbook: laid out as a grid that is 17 billion
/// cells, which aborted the whole server. Refused as a file no register is, and the server
/// goes on answering.
#[sqlx::test(migrations = false)]
async fn a_workbook_reaching_the_last_cell_is_refused(db: sqlx::PgPool) {
    let app = app(db).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Họ và tên").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let file = book.save_to_buffer().unwrap();
    let (status, body) = import(&app, &file, "preview=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("file", "too_long")]);
    assert_eq!(app.get("/api/v1/health").await.0, StatusCode::OK);
}

/// A "zip bomb": a 100 KB archive whose one entry inflates to 100 MB. Refused by what the
/// archive declares, before anything is inflated.
#[sqlx::test(migrations = false)]
async fn a_workbook_that_inflates_past_any_register_is_refused(db: sqlx::PgPool) {
    use std::io::Write;

    let app = app(db).await;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", deflated).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    zip.start_file("xl/sharedStrings.xml", deflated).unwrap();
    let block = vec![b'a'; 1024 * 1024];
    for _ in 0..100 {
        zip.write_all(&block).unwrap();
    }
    let file = zip.finish().unwrap().into_inner();
    assert!(file.len() < 1024 * 1024, "{} bytes", file.len());
    let (status, body) = import(&app, &file, "preview=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("file", "too_long")]);
}

/// An OpenDocument file of one sheet per `(rows, columns)`: `rows` repeated empty rows of
/// `columns` empty cells between a heading and one last cell.
fn ods(sheets: &[(u64, u64)]) -> Vec<u8> {
    use std::io::Write;

    let string = |text: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
        )
    };
    let tables: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (rows, columns))| {
            format!(
                r#"<table:table table:name="Sổ {i}">
<table:table-row>{}{}</table:table-row>
<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{columns}"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="{}"/>{}</table:table-row>
</table:table>"#,
                string("Họ và tên"),
                string("Năm sinh"),
                columns - 1,
                string("x"),
            )
        })
        .collect();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    let deflated = zip::write::SimpleFileOptions::default();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#,
    )
    .unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A 7 KB OpenDocument file whose second sheet says its rows and cells repeat, around two
/// cells: calamine laid every sheet out whole, and 49,000 rows of 2,000 columns took the
/// server to 6.3 GB for 16 s. Refused from its XML before any grid is laid out; a small sheet
/// is read.
#[sqlx::test(migrations = false)]
async fn an_opendocument_sheet_spanning_a_vast_grid_is_refused(db: sqlx::PgPool) {
    let app = app(db).await;
    let file = ods(&[(3, 2), (49_000, 2_000)]);
    assert!(file.len() < 8 * 1024, "{} bytes", file.len());
    let (status, body) = import(&app, &file, "preview=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("file", "too_long")]);

    let (status, body) = import(&app, &ods(&[(3, 2)]), "preview=true").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["format"], "ods");
    assert_eq!(body["columns"][0]["heading"], "Họ và tên");
}

/// An .xls with cells at A1 and IV65536 (5.5 KB): calamine lays every sheet out whole at
/// open, and it took the server from 182 MB to 1.2 GB per such sheet. And one whose
/// dimensions record claims two billion rows, for which calamine reserves room before reading
/// a cell. Both refused from the workbook's records first; a small register is read.
#[sqlx::test(migrations = false)]
async fn an_xls_spanning_a_vast_grid_is_refused(db: sqlx::PgPool) {
    let app = app(db).await;
    let far = include_bytes!("registers/hai-o-xa-nhau.xls");
    let (status, body) = import(&app, far, "preview=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("file", "too_long")]);

    let small = include_bytes!("registers/so-ho-nho.xls");
    let (status, body) = import(&app, small, "preview=true").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["format"], "xls");
    assert_eq!(body["columns"][0]["heading"], "Họ và tên");

    // The BIFF8 dimensions record (type 0x0200, 14 bytes): its last row, made 2^31.
    let mut lying = small.to_vec();
    let at = lying
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("a dimensions record");
    lying[at + 8..at + 12].copy_from_slice(&0x8000_0000u32.to_le_bytes());
    let (status, body) = import(&app, &lying, "preview=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("file", "too_long")]);
    assert_eq!(app.get("/api/v1/health").await.0, StatusCode::OK);
}

/// The zip bomb's other form: an archive that declares its 100 MB entry as 1,000 bytes, so
/// that the check of declared sizes lets it through. It is refused as the entry inflates past
/// what it declared, and nothing of it is kept.
#[sqlx::test(migrations = false)]
async fn a_workbook_lying_about_its_sizes_is_refused(db: sqlx::PgPool) {
    use std::io::{Read, Write};

    let app = app(db).await;
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(XLSX)).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        zip.start_file(&name, zip::write::SimpleFileOptions::default())
            .unwrap();
        if name == "xl/sharedStrings.xml" {
            let at = data.windows(5).position(|w| w == b"<sst ").unwrap() + 5;
            zip.write_all(&data[..at]).unwrap();
            zip.write_all(&vec![b' '; 100 * 1024 * 1024]).unwrap();
            zip.write_all(&data[at..]).unwrap();
        } else {
            zip.write_all(&data).unwrap();
        }
    }
    let mut file = zip.finish().unwrap().into_inner();
    // The entry's uncompressed size, in its local header (offset 22) and in the central
    // directory (offset 24), each written just before its name.
    let name = b"xl/sharedStrings.xml";
    let mut from = 0;
    while let Some(at) = file[from..].windows(name.len()).position(|w| w == name) {
        let at = from + at;
        if at >= 30 && file[at - 30..at - 26] == *b"PK\x03\x04" {
            file[at - 8..at - 4].copy_from_slice(&1000u32.to_le_bytes());
        } else if at >= 46 && file[at - 46..at - 42] == *b"PK\x01\x02" {
            file[at - 22..at - 18].copy_from_slice(&1000u32.to_le_bytes());
        }
        from = at + 1;
    }
    assert!(file.len() < 1024 * 1024, "{} bytes", file.len());
    let (status, body) = import(&app, &file, "preview=true").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_errors(&body), [pair("file", "invalid_format")]);
}
