//! Importing a ward's household register from a spreadsheet.

use serde::{Deserialize, Serialize};

schema! {
    /// What a register file (.xlsx, .xls, .ods or .csv) gives
    /// (`POST /wards/{code}/register`): how it was read, its columns, and for each row what
    /// importing it would do. With `preview`, nothing is saved; without, everything or nothing.
    pub struct RegisterImport {
        /// `xlsx`, `xls`, `ods` or `csv`.
        pub format: String,
        /// How a CSV file's text was written: `UTF-8`, `UTF-16LE`, `UTF-16BE` or `windows-1258`.
        pub encoding: Option<String>,
        /// The line read as the column headings, counted from 1 as the spreadsheet does.
        pub header_line: usize,
        pub columns: Vec<ImportColumn>,
        /// The mapping the rows were read with: the one asked for, or else the one suggested by
        /// the headings.
        pub mapping: ColumnMapping,
        /// Why the mapping cannot be used (`mapping.full_name`: `required`…); rows are read only
        /// when there is none.
        pub mapping_problems: Vec<crate::FieldError>,
        /// Headings of columns of identity-card numbers (CCCD/CMND), which are never read.
        pub ignored_id_columns: Vec<String>,
        /// Every row with something in the mapped columns, in the file's order.
        pub rows: Vec<ImportRow>,
        pub households_new: usize,
        pub residents_new: usize,
        pub saved: bool,
    }

    /// A column of a register file: its heading and the first few values under it.
    pub struct ImportColumn {
        pub index: usize,
        pub heading: String,
        pub samples: Vec<String>,
    }

    /// One row of a register file, read.
    pub struct ImportRow {
        /// Its line in the file, counted from 1.
        pub line: usize,
        pub outcome: RowOutcome,
        /// The TDP it was matched to, by code.
        pub tdp_code: Option<String>,
        pub address: String,
        pub head_name: String,
        pub full_name: String,
        pub birth_year: Option<i32>,
        /// For a `repeated` row, the line it repeats.
        pub same_as: Option<usize>,
        /// For an `invalid` row, what is wrong, by field (`tdp`, `birth_year`…).
        pub problems: Vec<crate::FieldError>,
    }
}

choice! {
    /// What importing one row of a register file does.
    pub enum RowOutcome {
        /// A resident the register does not have yet: imported.
        New,
        /// Already in the register (same household, name and birth year): left as it is.
        Existing,
        /// The same person as an earlier row of the file: imported once.
        Repeated,
        /// Something is wrong with the row; the file cannot be imported until it is fixed.
        Invalid,
    }
}

/// Which column of a register file holds what, by index from 0 (query parameters of
/// `POST /wards/{code}/register`). Households are told apart either by a column naming each
/// row's household head, or by a relation column ("Quan hệ với chủ hộ") where a row saying
/// "Chủ hộ" starts a household and the rows under it are its members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ColumnMapping {
    pub tdp: Option<usize>,
    pub address: Option<usize>,
    pub head_name: Option<usize>,
    pub relation: Option<usize>,
    pub full_name: Option<usize>,
    pub birth_year: Option<usize>,
    pub gender: Option<usize>,
}

impl ColumnMapping {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Each field with its column, in the order the mapping form shows them.
    pub fn fields(&self) -> [(&'static str, Option<usize>); 7] {
        [
            ("tdp", self.tdp),
            ("address", self.address),
            ("head_name", self.head_name),
            ("relation", self.relation),
            ("full_name", self.full_name),
            ("birth_year", self.birth_year),
            ("gender", self.gender),
        ]
    }

    pub fn set(&mut self, field: &str, column: Option<usize>) {
        let slot = match field {
            "tdp" => &mut self.tdp,
            "address" => &mut self.address,
            "head_name" => &mut self.head_name,
            "relation" => &mut self.relation,
            "full_name" => &mut self.full_name,
            "birth_year" => &mut self.birth_year,
            "gender" => &mut self.gender,
            _ => return,
        };
        *slot = column;
    }
}
