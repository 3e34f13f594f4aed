//! Import of the registers wards already keep in Excel: which column holds what, each row
//! read and checked, and what importing it would add. Reading needs no database: the ward's
//! TDPs and what its register already holds come in, the plan goes out.

pub mod sheet;

use std::collections::{HashMap, HashSet};

use domain::api::{ColumnMapping, Gender, ImportColumn, ImportRow, RegisterImport, RowOutcome};
use domain::validate::{ADDRESS_MAX, BIRTH_YEAR_MIN, NAME_MAX};
use domain::{FieldCode, FieldError};
use uuid::Uuid;

use sheet::Sheet;

/// A TDP of the ward, as rows may name it.
pub struct Tdp {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

/// What the ward's register already holds, by the keys rows are compared with.
#[derive(Default)]
pub struct Existing {
    /// Households by TDP, address key and head's name key.
    pub households: HashMap<(Uuid, String, String), Uuid>,
    /// Residents by household, name key and birth year.
    pub residents: HashSet<(Uuid, String, i32)>,
}

impl Existing {
    pub fn household(&mut self, id: Uuid, tdp: Uuid, address: &str, head_name: &str) {
        self.households
            .insert((tdp, key(address), key(head_name)), id);
    }

    pub fn resident(&mut self, household: Uuid, full_name: &str, birth_year: i32) {
        self.residents
            .insert((household, key(full_name), birth_year));
    }
}

pub struct NewHousehold {
    pub id: Uuid,
    pub tdp_id: Uuid,
    pub address: String,
    pub head_name: String,
    pub line: usize,
}

pub struct NewResident {
    pub id: Uuid,
    pub household_id: Uuid,
    pub tdp_id: Uuid,
    pub full_name: String,
    pub birth_year: i32,
    pub gender: Gender,
    pub line: usize,
}

/// The report to show, and what to write if the person confirms.
pub struct Plan {
    pub report: RegisterImport,
    pub households: Vec<NewHousehold>,
    pub residents: Vec<NewResident>,
}

/// Text compared without case, diacritics or punctuation: "Số 12, ngõ 5" and "so 12 ngo 5"
/// are one address, "NGUYEN VAN AN" and "Nguyễn Văn An" one name.
fn key(s: &str) -> String {
    domain::text::fold(s)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The headings registers use for each field, as keys.
const HEADINGS: [(&str, &[&str]); 7] = [
    (
        "tdp",
        &[
            "to dan pho",
            "tdp",
            "to",
            "to so",
            "so to",
            "to dan pho so",
            "ten to",
            "thon",
            "khu pho",
            "to dp",
        ],
    ),
    (
        "address",
        &[
            "dia chi",
            "so nha",
            "noi o",
            "cho o",
            "cho o hien nay",
            "dia chi thuong tru",
            "noi thuong tru",
            "dia chi cu tru",
            "noi cu tru",
        ],
    ),
    (
        "head_name",
        &["chu ho", "ho ten chu ho", "ho va ten chu ho", "ten chu ho"],
    ),
    (
        "relation",
        &[
            "quan he voi chu ho",
            "quan he",
            "qh voi chu ho",
            "quan he chu ho",
            "qh voi ch",
        ],
    ),
    (
        "full_name",
        &[
            "ho va ten",
            "ho ten",
            "ten",
            "ho ten nguoi dan",
            "ho va ten nhan khau",
            "ho ten nhan khau",
        ],
    ),
    (
        "birth_year",
        &[
            "nam sinh",
            "ngay sinh",
            "ngay thang nam sinh",
            "sinh nam",
            "ns",
        ],
    ),
    ("gender", &["gioi tinh", "gioi", "nam nu", "phai", "gt"]),
];

/// Words of headings over identity-card numbers, which Ngõ Số never stores.
const ID_HEADINGS: [&str; 6] = [
    "cccd",
    "cmnd",
    "can cuoc",
    "dinh danh",
    "chung minh",
    "ho chieu",
];

/// A heading without what it says in brackets ("Năm sinh (dd/mm/yyyy)"), as a key.
fn heading_key(heading: &str) -> String {
    let mut depth = 0usize;
    let bare: String = heading
        .chars()
        .filter(|&c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect();
    key(&bare)
}

fn heading_field(heading: &str) -> Option<&'static str> {
    let k = heading_key(heading);
    HEADINGS
        .iter()
        .find(|(_, names)| names.contains(&k.as_str()))
        .map(|(field, _)| *field)
}

fn is_id_heading(heading: &str) -> bool {
    let k = format!(" {} ", key(heading));
    ID_HEADINGS.iter().any(|w| k.contains(&format!(" {w} ")))
}

/// The row of headings: the first, among the first 30, with at least two recognised; else the
/// first row. Registers often start with a title and the ward's name above the table.
fn header_index(rows: &[(usize, Vec<String>)]) -> usize {
    rows.iter()
        .take(30)
        .position(|(_, row)| row.iter().filter(|h| heading_field(h).is_some()).count() >= 2)
        .unwrap_or(0)
}

/// The mapping the headings suggest: each field to the first column headed like it.
fn suggest(headings: &[String]) -> ColumnMapping {
    let mut mapping = ColumnMapping::default();
    for (i, heading) in headings.iter().enumerate() {
        if let Some(field) = heading_field(heading) {
            let taken = mapping
                .fields()
                .iter()
                .any(|(f, c)| *f == field && c.is_some());
            if !taken {
                mapping.set(field, Some(i));
            }
        }
    }
    mapping
}

fn mapping_problems(mapping: &ColumnMapping, width: usize) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut used = HashSet::new();
    for (field, column) in mapping.fields() {
        let path = format!("mapping.{field}");
        match column {
            None if !matches!(field, "head_name" | "relation") => {
                problems.push(FieldError::new(path, FieldCode::Required));
            }
            None => {}
            Some(c) if c >= width => problems.push(FieldError::new(path, FieldCode::OutOfRange)),
            Some(c) if !used.insert(c) => {
                problems.push(FieldError::new(path, FieldCode::Duplicate))
            }
            Some(_) => {}
        }
    }
    if mapping.head_name.is_none() && mapping.relation.is_none() {
        problems.push(FieldError::new("mapping.head_name", FieldCode::Required));
    }
    problems
}

/// The TDP a cell names: by code or name, or by its number alone ("Tổ 5", "5", "TDP 05")
/// when exactly one TDP has that number.
fn which_tdp(cell: &str, tdps: &[Tdp]) -> Option<usize> {
    let k = key(cell);
    let numbers = |s: &str| -> Vec<u64> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect()
    };
    if let Some(i) = tdps
        .iter()
        .position(|t| key(&t.code) == k || key(&t.name) == k)
    {
        return Some(i);
    }
    let [n] = numbers(&k)[..] else { return None };
    let mut matching = tdps
        .iter()
        .enumerate()
        .filter(|(_, t)| numbers(&t.code) == [n] || numbers(&t.name) == [n]);
    match (matching.next(), matching.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// A birth year, or a whole birth date with the year in four digits ("12/03/1958",
/// "1958-03-12").
fn birth_year(cell: &str, this_year: i32) -> Result<i32, FieldCode> {
    if cell.is_empty() {
        return Err(FieldCode::Required);
    }
    if !cell
        .chars()
        .all(|c| c.is_ascii_digit() || "/-. ".contains(c))
    {
        return Err(FieldCode::InvalidFormat);
    }
    let groups: Vec<&str> = cell
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let mut years = groups.iter().filter(|g| g.len() == 4);
    // One group of four digits: "1958", "12/03/1958", or "1958.0" from a spreadsheet that
    // stored the year as a decimal number.
    let year: i32 = match (years.next(), years.next()) {
        (Some(y), None) => y.parse().map_err(|_| FieldCode::InvalidFormat)?,
        _ => return Err(FieldCode::InvalidFormat),
    };
    if year > this_year {
        Err(FieldCode::InFuture)
    } else if year < BIRTH_YEAR_MIN {
        Err(FieldCode::OutOfRange)
    } else {
        Ok(year)
    }
}

fn gender(cell: &str) -> Result<Gender, FieldCode> {
    match key(cell).as_str() {
        "" => Err(FieldCode::Required),
        "nam" | "m" | "male" | "trai" | "nam gioi" => Ok(Gender::Male),
        "nu" | "f" | "female" | "gai" | "nu gioi" => Ok(Gender::Female),
        "khac" | "other" => Ok(Gender::Other),
        _ => Err(FieldCode::InvalidFormat),
    }
}

fn is_head(relation: &str) -> bool {
    matches!(key(relation).as_str(), "chu ho" | "ch" | "chu")
}

/// A name as the app writes names: registers typed in capitals become "Nguyễn Văn An".
fn name(cell: &str) -> String {
    if cell.chars().any(char::is_lowercase) {
        return cell.to_owned();
    }
    cell.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn text(e: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.is_empty() {
        e.push(FieldError::new(field, FieldCode::Required));
    } else if value.chars().count() > max {
        e.push(FieldError::new(field, FieldCode::TooLong));
    }
}

/// The household a row belongs to: TDP, address and head's name.
#[derive(Clone, PartialEq)]
struct Household {
    tdp: usize,
    address: String,
    head_name: String,
}

/// Reads `sheet` with `mapping`, or with the one its headings suggest when none is given, and
/// plans what importing it adds to the register that `existing` describes.
pub fn plan(
    sheet: &Sheet,
    mapping: Option<ColumnMapping>,
    tdps: &[Tdp],
    existing: &Existing,
    this_year: i32,
) -> Plan {
    let header = header_index(&sheet.rows);
    let (header_line, headings) = &sheet.rows[header];
    let body = &sheet.rows[header + 1..];
    let width = sheet.rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
    let heading = |i: usize| headings.get(i).cloned().unwrap_or_default();
    let columns: Vec<ImportColumn> = (0..width)
        .map(|i| ImportColumn {
            index: i,
            heading: heading(i),
            samples: body
                .iter()
                .filter_map(|(_, r)| r.get(i).filter(|c| !c.is_empty()).cloned())
                .take(3)
                .collect(),
        })
        .collect();
    let ignored_id_columns: Vec<String> = columns
        .iter()
        .filter(|c| is_id_heading(&c.heading))
        .map(|c| c.heading.clone())
        .collect();
    let mapping = mapping.unwrap_or_else(|| suggest(&(0..width).map(heading).collect::<Vec<_>>()));
    let mapping_problems = mapping_problems(&mapping, width);
    let mut plan = Plan {
        report: RegisterImport {
            format: sheet.format.to_owned(),
            encoding: sheet.encoding.map(str::to_owned),
            header_line: *header_line,
            columns,
            mapping,
            mapping_problems,
            ignored_id_columns,
            rows: Vec::new(),
            households_new: 0,
            residents_new: 0,
            saved: false,
        },
        households: Vec::new(),
        residents: Vec::new(),
    };
    if !plan.report.mapping_problems.is_empty() {
        return plan;
    }
    let mut planned: HashMap<(usize, String, String), Uuid> = HashMap::new();
    let mut seen: HashMap<(usize, String, String, String, i32), usize> = HashMap::new();
    let mut current: Option<Household> = None;
    for (line, row) in body {
        let cell =
            |column: Option<usize>| column.and_then(|c| row.get(c)).map_or("", String::as_str);
        let mapped = mapping.fields().map(|(_, c)| cell(c));
        if mapped.iter().all(|c| c.is_empty()) {
            continue;
        }
        let mut problems = Vec::new();
        let full_name = name(cell(mapping.full_name));
        text(&mut problems, "full_name", &full_name, NAME_MAX);
        let year = birth_year(cell(mapping.birth_year), this_year)
            .map_err(|code| problems.push(FieldError::new("birth_year", code)))
            .ok();
        let gender = gender(cell(mapping.gender))
            .map_err(|code| problems.push(FieldError::new("gender", code)))
            .ok();
        let head_row = mapping.relation.is_some() && is_head(cell(mapping.relation));
        let member_of_current = mapping.head_name.is_none() && !head_row;
        let mut tdp_cell = cell(mapping.tdp).to_owned();
        let mut address = cell(mapping.address).to_owned();
        // Registers listed by household often write the TDP and the address on the head's
        // row only.
        if let Some(h) = current.as_ref().filter(|_| member_of_current) {
            if tdp_cell.is_empty() {
                tdp_cell = tdps[h.tdp].code.clone();
            }
            if address.is_empty() {
                address = h.address.clone();
            }
        }
        // A member row under no household says so, and only so: its missing TDP and address
        // are the head's row's to give.
        let orphan =
            member_of_current && current.is_none() && tdp_cell.is_empty() && address.is_empty();
        let tdp = if orphan {
            None
        } else if tdp_cell.is_empty() {
            problems.push(FieldError::new("tdp", FieldCode::Required));
            None
        } else {
            let found = which_tdp(&tdp_cell, tdps);
            if found.is_none() {
                problems.push(FieldError::new("tdp", FieldCode::UnknownReference));
            }
            found
        };
        if !orphan {
            text(&mut problems, "address", &address, ADDRESS_MAX);
        }
        let head_name = if mapping.head_name.is_some() {
            let head = name(cell(mapping.head_name));
            let head = if head.is_empty() && head_row {
                full_name.clone()
            } else {
                head
            };
            text(&mut problems, "head_name", &head, NAME_MAX);
            head
        } else if head_row {
            full_name.clone()
        } else {
            match &current {
                Some(h) if Some(h.tdp) == tdp && key(&h.address) == key(&address) => {
                    h.head_name.clone()
                }
                _ => {
                    problems.push(FieldError::new("relation", FieldCode::NoHouseholdHead));
                    String::new()
                }
            }
        };
        if head_row {
            current = tdp
                .filter(|_| !address.is_empty() && !full_name.is_empty())
                .map(|tdp| Household {
                    tdp,
                    address: address.clone(),
                    head_name: full_name.clone(),
                });
        }
        let mut report_row = ImportRow {
            line: *line,
            outcome: RowOutcome::Invalid,
            tdp_code: tdp.map(|t| tdps[t].code.clone()),
            address: address.clone(),
            head_name: head_name.clone(),
            full_name: full_name.clone(),
            birth_year: year,
            same_as: None,
            problems,
        };
        if let (true, Some(tdp), Some(year), Some(gender)) =
            (report_row.problems.is_empty(), tdp, year, gender)
        {
            let household_key = (tdp, key(&address), key(&head_name));
            let existing_household = existing
                .households
                .get(&(
                    tdps[tdp].id,
                    household_key.1.clone(),
                    household_key.2.clone(),
                ))
                .copied();
            let person = (
                household_key.0,
                household_key.1.clone(),
                household_key.2.clone(),
                key(&full_name),
                year,
            );
            report_row.outcome = if existing_household
                .is_some_and(|h| existing.residents.contains(&(h, person.3.clone(), year)))
            {
                RowOutcome::Existing
            } else if let Some(first) = seen.get(&person) {
                report_row.same_as = Some(*first);
                RowOutcome::Repeated
            } else {
                seen.insert(person, *line);
                let household_id = existing_household.unwrap_or_else(|| {
                    *planned.entry(household_key).or_insert_with(|| {
                        let id = Uuid::now_v7();
                        plan.households.push(NewHousehold {
                            id,
                            tdp_id: tdps[tdp].id,
                            address: address.clone(),
                            head_name: head_name.clone(),
                            line: *line,
                        });
                        id
                    })
                });
                plan.residents.push(NewResident {
                    id: Uuid::now_v7(),
                    household_id,
                    tdp_id: tdps[tdp].id,
                    full_name: full_name.clone(),
                    birth_year: year,
                    gender,
                    line: *line,
                });
                RowOutcome::New
            };
        }
        plan.report.rows.push(report_row);
    }
    plan.report.households_new = plan.households.len();
    plan.report.residents_new = plan.residents.len();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tdps() -> Vec<Tdp> {
        (1..=12)
            .map(|n| Tdp {
                id: Uuid::now_v7(),
                code: format!("TDP-{n:02}"),
                name: format!("Tổ dân phố số {n}"),
            })
            .collect()
    }

    #[test]
    fn tdps_are_found_by_code_name_or_number() {
        let tdps = tdps();
        for (cell, expected) in [
            ("TDP-05", Some(4)),
            ("tdp 05", Some(4)),
            ("Tổ dân phố số 5", Some(4)),
            ("to dan pho so 5", Some(4)),
            ("Tổ 5", Some(4)),
            ("5", Some(4)),
            ("Tổ 12", Some(11)),
            ("Tổ 99", None),
            ("Tổ 1, 2", None),
            ("Chợ", None),
        ] {
            assert_eq!(which_tdp(cell, &tdps), expected, "{cell}");
        }
    }

    #[test]
    fn birth_years_are_read_from_years_and_dates() {
        for (cell, expected) in [
            ("1958", Ok(1958)),
            ("1958.0", Ok(1958)),
            ("12/03/1958", Ok(1958)),
            ("1958-03-12", Ok(1958)),
            ("", Err(FieldCode::Required)),
            ("19x5", Err(FieldCode::InvalidFormat)),
            ("58", Err(FieldCode::InvalidFormat)),
            ("1958/1959", Err(FieldCode::InvalidFormat)),
            ("1890", Err(FieldCode::OutOfRange)),
            ("2031", Err(FieldCode::InFuture)),
        ] {
            assert_eq!(birth_year(cell, 2026), expected, "{cell}");
        }
    }

    #[test]
    fn headings_suggest_a_mapping_and_id_columns_are_named() {
        let headings: Vec<String> = [
            "STT",
            "Họ và tên",
            "Năm sinh (dd/mm/yyyy)",
            "Giới tính",
            "Số CCCD",
            "Quan hệ với chủ hộ",
            "Địa chỉ",
            "Tổ dân phố",
            "Ghi chú",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            suggest(&headings),
            ColumnMapping {
                tdp: Some(7),
                address: Some(6),
                head_name: None,
                relation: Some(5),
                full_name: Some(1),
                birth_year: Some(2),
                gender: Some(3),
            }
        );
        let ids: Vec<&String> = headings.iter().filter(|h| is_id_heading(h)).collect();
        assert_eq!(ids, ["Số CCCD"]);
        assert!(!is_id_heading("Chủ hộ"));
    }

    #[test]
    fn names_in_capitals_are_written_as_names() {
        assert_eq!(name("NGUYỄN THỊ HỒNG"), "Nguyễn Thị Hồng");
        assert_eq!(name("ĐỖ VĂN ĐỨC"), "Đỗ Văn Đức");
        assert_eq!(name("Lê thị Mai"), "Lê thị Mai");
    }
}
