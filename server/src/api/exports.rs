//! Reports as files for those who work in Excel, as .xlsx or as CSV (UTF-8 with a byte-order
//! mark, so that Excel reads Vietnamese right): the indicators of every TDP with targets and
//! shares (figures only, for the party committee and the city), a TDP's households the team
//! still has to reach (names, for its leader and the ward's admins), the ward's activities
//! (figures) and an activity's attendees (names); and a province's wards side by side
//! (figures only, for the province's steering committee).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use domain::access::{Action, ProvinceAction};
use domain::api::{
    ActivityKind, Figure, HouseholdFilter, Poverty, ProvinceOverview, SkillStatus, TdpIndicators,
};
use domain::indicators::Progress;
use domain::indicators::latest_eligible_birth_year;
use domain::models::{IDENTITY_MIN_AGE, Model};
use rust_xlsxwriter::{Format, Workbook};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Access;
use crate::db::dashboard::{Figures, figures};
use crate::db::households::summaries;
use crate::error::{Error, Path, Query};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(indicators))
        .routes(routes!(households))
        .routes(routes!(activities))
        .routes(routes!(attendance))
        .routes(routes!(province_wards))
}

/// One cell of a report.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Self::Number(n as f64)
    }
}

impl From<Option<f64>> for Cell {
    fn from(n: Option<f64>) -> Self {
        n.map_or(Self::Empty, Self::Number)
    }
}

/// A report's one sheet: a header row, then the rows.
struct Table {
    sheet: &'static str,
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold().set_text_wrap();
        let sheet = workbook.add_worksheet().set_name(self.sheet)?;
        for (col, title) in self.header.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, title, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => {
                        sheet.write_string(r, col as u16, t)?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, col as u16, *n)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 2)?;
        sheet.set_column_width(1, 24)?;
        workbook.save_to_buffer()
    }

    /// The table as a file to download, named `name` and the format's extension.
    fn respond(&self, format: FileFormat, name: &str) -> crate::error::Result<Response> {
        let failed = |e: String| Error::Internal(anyhow::anyhow!("report: {e}"));
        Ok(match format {
            FileFormat::Xlsx => file(
                self.xlsx().map_err(|e| failed(e.to_string()))?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{name}.xlsx"),
            ),
            FileFormat::Csv => file(
                self.csv().map_err(|e| failed(e.to_string()))?,
                "text/csv; charset=utf-8",
                format!("{name}.csv"),
            ),
        })
    }

    fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        out.write_record(&self.header)?;
        for row in &self.rows {
            out.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => as_text(t),
                Cell::Number(n) => n.to_string(),
                Cell::Empty => String::new(),
            }))?;
        }
        out.into_inner().map_err(|e| e.into_error().into())
    }
}

/// Text a spreadsheet opening the CSV keeps as text: one starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return would be read as a formula (an address of `=HYPERLINK(..)` runs when a
/// leader opens the file), so it gets the apostrophe that marks text, as OWASP advises.
fn as_text(t: &str) -> String {
    if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{t}")
    } else {
        t.to_owned()
    }
}

/// The indicators table: a row per TDP, then the ward's total, each figure as achieved,
/// population, share and target.
fn indicators_table(f: &Figures) -> Table {
    let mut header: Vec<String> = [
        "Mã tổ",
        "Tổ dân phố",
        "Hộ theo sổ",
        "Hộ đã thăm",
        "Tỷ lệ hộ đã thăm (%)",
        "Mức hài lòng (1–5)",
        "Lượt đánh giá",
    ]
    .map(String::from)
    .to_vec();
    let figure_header = |name: &str| {
        [
            format!("{name}: đạt"),
            format!("{name}: tổng"),
            format!("{name}: tỷ lệ (%)"),
            format!("{name}: chỉ tiêu (%)"),
        ]
    };
    for model in Model::ALL {
        header.extend(figure_header(model.name_vi()));
    }
    for skill in &f.skills {
        header.extend(figure_header(&skill.name_vi));
    }
    let figure_cells = |fig: &Figure, target: f64| {
        [
            fig.achieved.into(),
            fig.population.into(),
            fig.share.into(),
            Cell::Number(target),
        ]
    };
    let row = |t: &TdpIndicators, code: &str, name: &str| {
        let mut cells = vec![
            Cell::Text(code.to_owned()),
            Cell::Text(name.to_owned()),
            t.households_registered.into(),
            t.households_visited.into(),
            t.visit_coverage.into(),
            t.satisfaction.into(),
            t.ratings.into(),
        ];
        for model in Model::ALL {
            cells.extend(figure_cells(
                model.figure(&t.models),
                model.target(&f.models),
            ));
        }
        for (skill, fig) in f.skills.iter().zip(&t.skills) {
            cells.extend(figure_cells(&fig.figure(), skill.target_percent));
        }
        cells
    };
    let mut rows: Vec<Vec<Cell>> = f.tdps.iter().map(|t| row(t, &t.code, &t.name)).collect();
    rows.push(row(&f.totals, "", "Toàn phường"));
    Table {
        sheet: "Chỉ số",
        header,
        rows,
    }
}

/// The province's table: a row per ward of the official list, started or not, with where it
/// stands as the province's page shows it.
fn province_table(p: &ProvinceOverview) -> Table {
    let mut header: Vec<String> = [
        "Mã phường/xã",
        "Phường/xã",
        "Tình trạng",
        "Hạng thi đua",
        "Điểm thi đua",
        "Số tổ",
        "Hộ theo sổ",
        "Hộ đã thăm",
        "Tỷ lệ hộ đã thăm (%)",
        "Mức hài lòng (1–5)",
        "Lượt thăm tuần này",
        "Yêu cầu hỗ trợ chưa xong",
    ]
    .map(String::from)
    .to_vec();
    for model in Model::ALL {
        let name = model.name_vi();
        header.extend([format!("{name}: tỷ lệ (%)"), format!("{name}: tiến độ")]);
    }
    for skill in &p.skills {
        let name = &skill.name_vi;
        header.extend([
            format!("{name}: tỷ lệ (%)"),
            format!("{name}: chỉ tiêu (%)"),
            format!("{name}: hạn"),
            format!("{name}: tiến độ"),
        ]);
    }
    let progress = |p: Progress| Cell::Text(p.name_vi().to_owned());
    let width = header.len();
    let rows = p
        .wards
        .iter()
        .map(|w| {
            let mut cells = vec![Cell::Number(f64::from(w.code)), Cell::Text(w.name.clone())];
            let Some(s) = &w.standing else {
                cells.push(Cell::Text("Chưa triển khai".into()));
                cells.resize(width, Cell::Empty);
                return cells;
            };
            let t = &s.totals;
            cells.extend([
                Cell::Text("Đã triển khai".into()),
                Cell::Number(s.rank as f64),
                Cell::Number((s.score * 10.0).round() / 10.0),
                s.tdps.into(),
                t.households_registered.into(),
                t.households_visited.into(),
                t.visit_coverage.into(),
                t.satisfaction.into(),
                s.visits_this_week.into(),
                s.open_tickets.into(),
            ]);
            for model in Model::ALL {
                let f = model.figure(&t.models);
                cells.extend([f.share.into(), progress(f.progress)]);
            }
            for column in &p.skills {
                let i = s.skills.iter().position(|k| k.code == column.code);
                match i.and_then(|i| Some((&s.skills[i], t.skills.get(i)?))) {
                    Some((target, figure)) => cells.extend([
                        figure.share.into(),
                        Cell::Number(target.target_percent),
                        Cell::Text(target.deadline.format("%d/%m/%Y").to_string()),
                        progress(figure.progress),
                    ]),
                    None => cells.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]),
                }
            }
            cells
        })
        .collect();
    Table {
        sheet: "Phường, xã",
        header,
        rows,
    }
}

#[derive(Debug, Clone, Copy, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
enum FileFormat {
    #[default]
    Xlsx,
    Csv,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `xlsx` (the default) or `csv`.
    #[serde(default)]
    #[param(inline)]
    format: FileFormat,
}

fn file(bytes: Vec<u8>, content_type: &str, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Every TDP's indicators — visits, satisfaction, the models and each skill, as achieved,
/// population, share and target — and the ward's total, as a spreadsheet. Figures only.
#[utoipa::path(get, path = "/wards/{code}/exports/indicators", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code"), ExportQuery),
    responses((status = 200, description = "The .xlsx workbook, or with `format=csv` the CSV file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv")))))]
async fn indicators(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(query): Query<ExportQuery>,
) -> crate::error::Result<Response> {
    access.ward(code, Action::ViewFigures)?;
    crate::db::wards::ward(&state.db, code).await?;
    let today = state.today();
    let table = indicators_table(&figures(&state.db, code, None, today).await?);
    table.respond(query.format, &format!("chi-so-{code}-{today}"))
}

/// Every ward of the province, started or not, as its page shows them: the emulation rank and
/// score, households visited, satisfaction, the week, the models and each skill against its
/// target, deadline and pace. Figures only, for the province's roles.
#[utoipa::path(get, path = "/provinces/{code}/exports/wards", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code"), ExportQuery),
    responses((status = 200, description = "The .xlsx workbook, or with `format=csv` the CSV file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv")))))]
async fn province_wards(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(query): Query<ExportQuery>,
) -> crate::error::Result<Response> {
    access.province(code, ProvinceAction::ViewFigures)?;
    let overview = crate::db::provinces::overview(&state, code, false).await?;
    let table = province_table(&overview);
    table.respond(query.format, &format!("tinh-{code}-{}", state.today()))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct HouseholdsQuery {
    /// `all` (the default), `not_visited`, `not_digital` or `missing_identity`.
    #[serde(default)]
    #[param(inline)]
    show: HouseholdFilter,
    /// `xlsx` (the default) or `csv`.
    #[serde(default)]
    #[param(inline)]
    format: FileFormat,
}

/// A TDP's households, all or those still to reach (as `GET /tdps/{id}/households?show=`),
/// in the order the team visits them, with who in each still lacks a digital identity and who
/// was sent there: the list a team leader prints or shares. Team leaders and ward admins.
#[utoipa::path(get, path = "/tdps/{id}/exports/households", tag = "tdps",
    params(("id" = Uuid, Path), HouseholdsQuery),
    responses((status = 200, description = "The .xlsx workbook, or with `format=csv` the CSV file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv")))))]
async fn households(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Query(query): Query<HouseholdsQuery>,
) -> crate::error::Result<Response> {
    access.tdp_place(&state.db, id, Action::ManageTeam).await?;
    let code = sqlx::query_scalar!("select code from tdps where id = $1", id)
        .fetch_one(&state.db)
        .await?;
    let today = state.today();
    let ids = crate::db::tdps::household_ids(&state.db, id, query.show, today, i64::MAX, 0).await?;
    let list = summaries(&state.db, &ids).await?;
    let mut missing: HashMap<Uuid, String> = sqlx::query!(
        r#"select r.household_id, string_agg(r.full_name, ', ' order by r.name_sort) as "names!"
           from residents r
           where r.household_id = any($1) and r.birth_year <= $2
               and not exists (select from model_people mp where mp.resident_id = r.id and mp.identity)
           group by r.household_id"#,
        &ids,
        latest_eligible_birth_year(IDENTITY_MIN_AGE, today.year()),
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| (r.household_id, r.names))
    .collect();
    let text = |s: &str| Cell::Text(s.to_owned());
    let rows = list
        .into_iter()
        .map(|h| {
            let p = h.priority;
            let priority = [
                (p.elderly_alone, "Người cao tuổi sống một mình"),
                (p.disability, "Người khuyết tật"),
                (p.poverty == Poverty::NearPoor, "Hộ cận nghèo"),
                (p.poverty == Poverty::Poor, "Hộ nghèo"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join("; ");
            vec![
                Cell::Text(h.head_name),
                Cell::Text(h.address),
                Cell::Text(priority),
                h.residents.into(),
                h.last_visit.map_or(Cell::Empty, |d| {
                    Cell::Text(d.format("%d/%m/%Y").to_string())
                }),
                text(if h.digital_family { "Có" } else { "Chưa" }),
                missing.remove(&h.id).map_or(Cell::Empty, Cell::Text),
                h.assigned_to.map_or(Cell::Empty, Cell::Text),
            ]
        })
        .collect();
    let table = Table {
        sheet: "Hộ gia đình",
        header: [
            "Chủ hộ",
            "Địa chỉ",
            "Ưu tiên",
            "Số người",
            "Lần thăm gần nhất",
            "Gia đình số",
            "Người từ 16 tuổi chưa có danh tính số",
            "Giao cho",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    };
    let name = format!("ho-{}-{}-{}", code, query.show.as_str(), today);
    table.respond(query.format, &name)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ActivitiesQuery {
    /// The first day (Vietnam's time), inclusive.
    from: Option<NaiveDate>,
    /// The last day, inclusive.
    to: Option<NaiveDate>,
    /// `xlsx` (the default) or `csv`.
    #[serde(default)]
    #[param(inline)]
    format: FileFormat,
}

/// The ward's activities in the period (all of them without one): when, what, where, for
/// whom, topics, capacity and how many came, and whether the organiser confirmed what was
/// learnt. Figures only.
#[utoipa::path(get, path = "/wards/{code}/exports/activities", tag = "activities",
    params(("code" = i32, Path, description = "Official ward code"), ActivitiesQuery),
    responses((status = 200, description = "The .xlsx workbook, or with `format=csv` the CSV file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv")))))]
async fn activities(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(query): Query<ActivitiesQuery>,
) -> crate::error::Result<Response> {
    access.ward(code, Action::ViewFigures)?;
    let list = crate::db::activities::in_period(&state.db, code, query.from, query.to).await?;
    let topics: HashMap<Uuid, String> =
        sqlx::query!("select id, name_vi from skills where ward_code = $1", code)
            .fetch_all(&state.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name_vi))
            .collect();
    let rows = list
        .into_iter()
        .map(|a| {
            let (start, end) = (
                domain::time::local(a.starts_at),
                domain::time::local(a.ends_at),
            );
            vec![
                Cell::Text(start.format("%d/%m/%Y").to_string()),
                Cell::Text(format!("{}–{}", start.format("%H:%M"), end.format("%H:%M"))),
                Cell::Text(activity_kind(a.kind).to_owned()),
                Cell::Text(a.title),
                Cell::Text(a.tdp_name.unwrap_or_else(|| "Toàn phường".to_owned())),
                Cell::Text(a.place),
                Cell::Text(a.organiser),
                Cell::Text(
                    a.topics
                        .iter()
                        .filter_map(|t| topics.get(t).cloned())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                a.capacity.map_or(Cell::Empty, |c| i64::from(c).into()),
                a.attendees.into(),
                i64::from(a.unregistered).into(),
                (a.attendees + i64::from(a.unregistered)).into(),
                Cell::Text(
                    if a.confirmed_at.is_some() {
                        "Đã xác nhận"
                    } else {
                        "Chưa"
                    }
                    .to_owned(),
                ),
            ]
        })
        .collect();
    let table = Table {
        sheet: "Hoạt động",
        header: [
            "Ngày",
            "Giờ",
            "Loại",
            "Tên hoạt động",
            "Dành cho",
            "Địa điểm",
            "Tổ chức",
            "Nội dung hướng dẫn",
            "Sức chứa",
            "Người dự có trong sổ",
            "Người dự chưa có trong sổ",
            "Tổng số người dự",
            "Kết quả học",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    };
    table.respond(query.format, &format!("hoat-dong-{code}-{}", state.today()))
}

/// The names in the activity kinds' Vietnamese, as the ward's reports write them.
fn activity_kind(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::CommunityClass => "Lớp học cộng đồng",
        ActivityKind::ElderlyClass => "Lớp cho người cao tuổi",
        ActivityKind::DisabilityClass => "Lớp cho người khuyết tật",
        ActivityKind::MobileHelpPoint => "Điểm hỗ trợ lưu động",
        ActivityKind::PartyCellSession => "Sinh hoạt chi bộ chuyên đề",
        ActivityKind::YouthCampaign => "Chiến dịch thanh niên",
        ActivityKind::Other => "Hoạt động khác",
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct FormatQuery {
    /// `xlsx` (the default) or `csv`.
    #[serde(default)]
    #[param(inline)]
    format: FileFormat,
}

/// Who attended an activity, and what each learnt: the attendees from the TDPs whose people the
/// person may see (as `GET /activities/{id}`); all but viewers.
#[utoipa::path(get, path = "/activities/{id}/exports/attendance", tag = "activities",
    params(("id" = Uuid, Path), FormatQuery),
    responses((status = 200, description = "The .xlsx workbook, or with `format=csv` the CSV file",
            content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv")))))]
async fn attendance(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Query(query): Query<FormatQuery>,
) -> crate::error::Result<Response> {
    let activity = crate::db::activities::activity(&state.db, id).await?;
    let seen = access.ward(activity.ward_code, Action::ViewPeople)?;
    let detail = crate::db::activities::detail(&state.db, activity, &seen).await?;
    let rows = detail
        .attendees
        .into_iter()
        .map(|a| {
            vec![
                Cell::Text(a.full_name),
                i64::from(a.birth_year).into(),
                Cell::Text(a.household_address),
                Cell::Text(a.tdp_name),
                Cell::Text(
                    match a.outcome {
                        Some(SkillStatus::Achieved) => "Đã đạt",
                        Some(SkillStatus::InProgress) => "Đang hướng dẫn",
                        None => "Chưa xác nhận",
                    }
                    .to_owned(),
                ),
            ]
        })
        .collect();
    let table = Table {
        sheet: "Người tham dự",
        header: [
            "Họ và tên",
            "Năm sinh",
            "Địa chỉ",
            "Tổ dân phố",
            "Kết quả học",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    };
    let day = domain::time::day(detail.activity.starts_at);
    table.respond(
        query.format,
        &format!("nguoi-du-{day}-{}", detail.activity.id),
    )
}
