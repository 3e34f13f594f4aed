//! Import of a ward's existing register of households and residents from Excel or CSV: read
//! and checked row by row, previewed, then saved whole in one transaction or not at all.

use axum::extract::{DefaultBodyLimit, State};
use chrono::Datelike;
use domain::FieldError;
use domain::access::Action;
use domain::api::{AuditAction, ColumnMapping, RegisterImport, RowOutcome};
use serde::Serialize;
use sqlx::PgConnection;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use super::Preview;
use crate::AppState;
use crate::auth::Access;
use crate::error::{Body, Error, Json, Path, Query, Result};
use crate::register::{self, Existing, Plan, Tdp, sheet};

/// A register of a large ward's 30,000 residents as .xlsx is about 2 MB; as UTF-16 text, 6.
const MAX_FILE: usize = 16 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_register))
        .layer(DefaultBodyLimit::max(MAX_FILE))
}

/// What the audit log keeps of each record an import adds: where in which file it came from.
#[derive(Serialize)]
struct Imported<'a> {
    file_line: usize,
    tdp_id: Uuid,
    household_id: Option<Uuid>,
    name: &'a str,
}

/// Reads the ward's TDPs and what its register holds, and plans the import of `sheet` in
/// `year` (birth years after it are wrong).
async fn plan(
    db: &mut PgConnection,
    ward: i32,
    sheet: &sheet::Sheet,
    mapping: Option<ColumnMapping>,
    year: i32,
) -> Result<Plan> {
    let tdps: Vec<Tdp> = sqlx::query_as!(
        Tdp,
        "select id, code, name from tdps where ward_code = $1 order by code",
        ward
    )
    .fetch_all(&mut *db)
    .await?;
    let mut existing = Existing::default();
    for h in sqlx::query!(
        "select h.id, h.tdp_id, h.address, h.head_name
         from households h join tdps t on t.id = h.tdp_id where t.ward_code = $1",
        ward
    )
    .fetch_all(&mut *db)
    .await?
    {
        existing.household(h.id, h.tdp_id, &h.address, &h.head_name);
    }
    for r in sqlx::query!(
        "select r.household_id, r.full_name, r.birth_year
         from residents r join tdps t on t.id = r.tdp_id where t.ward_code = $1",
        ward
    )
    .fetch_all(&mut *db)
    .await?
    {
        existing.resident(r.household_id, &r.full_name, r.birth_year);
    }
    Ok(register::plan(sheet, mapping, &tdps, &existing, year))
}

/// Reads a register of households and residents: the first worksheet of an .xlsx, .xls or
/// .ods workbook, or CSV text (UTF-8, UTF-16 or Windows-1258; commas, semicolons or tabs) as
/// the request body. Columns are given by index in the query; with none given, they are
/// suggested from the headings. Every row is reported: `new`, `existing` (the same household,
/// name and birth year are in the register already), `repeated` (the same person as an
/// earlier row) or `invalid` with its problems. Columns of identity-card numbers are never
/// read.
///
/// With `preview`, nothing is saved. Without, the rows are read again, and if the mapping is
/// incomplete or any row is invalid the answer is 422 (`mapping.<field>`, or
/// `rows[<line>].<field>`) and nothing is saved; otherwise every new household and resident is
/// saved in one transaction. Importing the same file again adds nothing.
#[utoipa::path(post, path = "/wards/{code}/register", tag = "households",
    params(("code" = i32, Path, description = "Official ward code"), Preview, ColumnMapping),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file, as saved by Excel or LibreOffice"),
    responses((status = 200, body = RegisterImport)))]
async fn import_register(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(Preview { preview }): Query<Preview>,
    Query(mapping): Query<ColumnMapping>,
    Body(body): Body,
) -> ApiResult<RegisterImport> {
    access.ward(code, Action::ManageWard)?;
    let sheet = crate::parsing::off_thread(move || sheet::read(&body))
        .await?
        .map_err(|code| Error::field("file", code))?;
    let mapping = (!mapping.is_empty()).then_some(mapping);
    let year = state.today().year();
    if preview {
        let mut db = state.db.acquire().await?;
        return Ok(Json(
            plan(&mut db, code, &sheet, mapping, year).await?.report,
        ));
    }
    let mut tx = access.write(&state.db).await?;
    // One import at a time per ward, each planned against what the one before saved, so that
    // two people importing the same file at once cannot both add its people.
    sqlx::query!("select code from wards where code = $1 for update", code)
        .fetch_one(&mut *tx)
        .await?;
    let Plan {
        mut report,
        households,
        residents,
    } = plan(&mut tx, code, &sheet, mapping, year).await?;
    let mut problems = report.mapping_problems.clone();
    for row in report
        .rows
        .iter()
        .filter(|r| r.outcome == RowOutcome::Invalid)
    {
        problems.extend(
            row.problems
                .iter()
                .map(|p| FieldError::new(format!("rows[{}].{}", row.line, p.field), p.code)),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let searches: Vec<String> = households
        .iter()
        .map(|h| domain::text::household_search(&h.address, &h.head_name))
        .collect();
    sqlx::query!(
        "insert into households (id, tdp_id, address, head_name, search)
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])",
        &households.iter().map(|h| h.id).collect::<Vec<_>>(),
        &households.iter().map(|h| h.tdp_id).collect::<Vec<_>>(),
        &households
            .iter()
            .map(|h| h.address.clone())
            .collect::<Vec<_>>(),
        &households
            .iter()
            .map(|h| h.head_name.clone())
            .collect::<Vec<_>>(),
        &searches,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into residents (id, household_id, tdp_id, full_name, name_search, name_sort,
                                birth_year, gender)
         select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[],
                              $6::text[], $7::int[], $8::text[])",
        &residents.iter().map(|r| r.id).collect::<Vec<_>>(),
        &residents.iter().map(|r| r.household_id).collect::<Vec<_>>(),
        &residents.iter().map(|r| r.tdp_id).collect::<Vec<_>>(),
        &residents
            .iter()
            .map(|r| r.full_name.clone())
            .collect::<Vec<_>>(),
        &residents
            .iter()
            .map(|r| domain::text::fold(&r.full_name))
            .collect::<Vec<_>>(),
        &residents
            .iter()
            .map(|r| domain::text::name_sort_key(&r.full_name))
            .collect::<Vec<_>>(),
        &residents.iter().map(|r| r.birth_year).collect::<Vec<_>>(),
        &residents
            .iter()
            .map(|r| r.gender.as_str().to_owned())
            .collect::<Vec<_>>(),
    )
    .execute(&mut *tx)
    .await?;
    let household_changes: Vec<(Uuid, Imported)> = households
        .iter()
        .map(|h| {
            let change = Imported {
                file_line: h.line,
                tdp_id: h.tdp_id,
                household_id: None,
                name: &h.head_name,
            };
            (h.id, change)
        })
        .collect();
    let resident_changes: Vec<(Uuid, Imported)> = residents
        .iter()
        .map(|r| {
            let change = Imported {
                file_line: r.line,
                tdp_id: r.tdp_id,
                household_id: Some(r.household_id),
                name: &r.full_name,
            };
            (r.id, change)
        })
        .collect();
    for (entity, changes) in [
        ("households", &household_changes),
        ("residents", &resident_changes),
    ] {
        let changes: Vec<(Uuid, &Imported)> = changes.iter().map(|(id, c)| (*id, c)).collect();
        tx.audit_all(code, AuditAction::Create, entity, &changes)
            .await?;
    }
    tx.commit().await?;
    report.saved = true;
    Ok(Json(report))
}
