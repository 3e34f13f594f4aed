//! The one JSON error body every failing API call answers with.
//!
//! `code` and each field's `code` are stable identifiers for programs (and the UI's translation
//! catalogue); `message` is Vietnamese text a person can read, so a client that knows nothing
//! about a new code still has something to show.

use serde::{Deserialize, Serialize};

/// What went wrong, as a whole request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not JSON of the expected shape (HTTP 400).
    BadRequest,
    /// One or more fields are invalid; see `fields` (HTTP 422).
    ValidationFailed,
    /// The record does not exist, or is not visible to the caller (HTTP 404).
    NotFound,
    /// The request clashes with what is stored, e.g. a reused id with other content (HTTP 409).
    Conflict,
    /// Something failed on the server; the cause is in the server's log (HTTP 500).
    Internal,
}

impl ErrorCode {
    pub fn message_vi(self) -> &'static str {
        match self {
            Self::BadRequest => "Yêu cầu không hợp lệ.",
            Self::ValidationFailed => "Vui lòng kiểm tra lại các trường được đánh dấu.",
            Self::NotFound => "Không tìm thấy dữ liệu.",
            Self::Conflict => "Dữ liệu này đã được ghi với nội dung khác.",
            Self::Internal => "Máy chủ gặp lỗi. Vui lòng thử lại sau.",
        }
    }
}

/// Why one field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    Required,
    TooLong,
    OutOfRange,
    InFuture,
    InvalidFormat,
    /// Refers to a record that does not exist.
    UnknownReference,
    /// Refers to a record of another ward.
    OtherWard,
    /// Refers to a resident who does not live in the visited household.
    OtherHousehold,
    Duplicate,
}

impl FieldCode {
    pub fn message_vi(self) -> &'static str {
        match self {
            Self::Required => "Trường này là bắt buộc.",
            Self::TooLong => "Nội dung quá dài.",
            Self::OutOfRange => "Giá trị nằm ngoài khoảng cho phép.",
            Self::InFuture => "Không được là một thời điểm trong tương lai.",
            Self::InvalidFormat => "Định dạng không hợp lệ.",
            Self::UnknownReference => "Không tìm thấy mục được chọn.",
            Self::OtherWard => "Mục này thuộc phường/xã khác.",
            Self::OtherHousehold => "Người này không thuộc hộ gia đình được thăm.",
            Self::Duplicate => "Mục này bị trùng.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's path in the request body, e.g. `birth_year` or `help[2].skill_id`.
    pub field: String,
    pub code: FieldCode,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldCode) -> Self {
        Self {
            field: field.into(),
            code,
            message: code.message_vi().to_owned(),
        }
    }
}

/// The body of every non-2xx API response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.message_vi().to_owned(),
            fields: Vec::new(),
        }
    }

    pub fn validation(fields: Vec<FieldError>) -> Self {
        Self {
            fields,
            ..Self::new(ErrorCode::ValidationFailed)
        }
    }

    /// The first error recorded for `field`, for showing next to a form input.
    pub fn field(&self, field: &str) -> Option<&FieldError> {
        self.fields.iter().find(|f| f.field == field)
    }
}
