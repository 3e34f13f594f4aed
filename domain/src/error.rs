//! The one JSON error body every failing API call answers with.
//!
//! `code` and each field's `code` are stable identifiers for programs (and the UI's translation
//! catalogue); `message` is Vietnamese text a person can read, so a client that knows nothing
//! about a new code still has something to show.

use serde::{Deserialize, Serialize};

choice! {
/// What went wrong, as a whole request.
pub enum ErrorCode {
    /// The body is not JSON of the expected shape (HTTP 400).
    BadRequest,
    /// One or more fields are invalid; see `fields` (HTTP 422).
    ValidationFailed,
    /// Not signed in, or the session has ended (HTTP 401).
    Unauthenticated,
    /// Wrong phone number or password; the same answer for both (HTTP 401).
    WrongCredentials,
    /// The caller's roles do not allow this (HTTP 403).
    Forbidden,
    /// The record does not exist, or is not visible to the caller (HTTP 404).
    NotFound,
    /// The invitation link has expired, was used already or was revoked (HTTP 410).
    InvitationUnusable,
    /// Too many failed sign-ins; try again after `Retry-After` seconds (HTTP 429).
    TooManyAttempts,
    /// The server is answering too many requests like this one, from this address or at all;
    /// try again after `Retry-After` seconds (HTTP 429).
    TooManyRequests,
    /// The request clashes with what is stored, e.g. a reused id with other content, or a
    /// record others depend on (then `fields` says which) (HTTP 409).
    Conflict,
    /// The body is over the endpoint's limit: 2 MB, or 16 MB for a file (HTTP 413).
    PayloadTooLarge,
    /// Something failed on the server; the cause is in the server's log (HTTP 500).
    Internal,
    /// The server cannot reach its database for now (restarting, or its disk is full): nothing
    /// was stored; try again after `Retry-After` seconds (HTTP 503).
    Unavailable,
}
}

impl ErrorCode {
    pub fn message_vi(self) -> &'static str {
        match self {
            Self::BadRequest => "Yêu cầu không hợp lệ.",
            Self::ValidationFailed => "Vui lòng kiểm tra lại các trường được đánh dấu.",
            Self::Unauthenticated => "Vui lòng đăng nhập để tiếp tục.",
            Self::WrongCredentials => "Số điện thoại hoặc mật khẩu không đúng.",
            Self::PayloadTooLarge => "Nội dung gửi lên quá lớn.",
            Self::Forbidden => "Tài khoản của bạn không có quyền làm việc này.",
            Self::NotFound => "Không tìm thấy dữ liệu.",
            Self::InvitationUnusable => {
                "Lời mời này đã hết hạn, đã được dùng hoặc đã bị thu hồi. \
                 Vui lòng xin tổ trưởng một lời mời mới."
            }
            Self::TooManyAttempts => {
                "Đăng nhập sai quá nhiều lần. Vui lòng chờ một lát rồi thử lại."
            }
            Self::TooManyRequests => {
                "Có quá nhiều yêu cầu cùng lúc. Vui lòng chờ vài giây rồi thử lại."
            }
            Self::Conflict => "Dữ liệu này đã được ghi với nội dung khác.",
            Self::Internal => "Máy chủ gặp lỗi. Vui lòng thử lại sau.",
            Self::Unavailable => {
                "Máy chủ tạm thời chưa ghi được dữ liệu. Chưa có gì bị mất: vui lòng thử lại \
                 sau ít phút."
            }
        }
    }
}

choice! {
/// Why one field was refused.
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
    /// Names a ward of another province.
    OtherProvince,
    /// Refers to a resident who does not live in the visited household.
    OtherHousehold,
    Duplicate,
    /// A password shorter than `validate::PASSWORD_MIN` characters.
    TooShort,
    /// A password found among the common ones, or as easy to guess.
    WeakPassword,
    /// The current password, asked again to change it, is wrong.
    WrongPassword,
    /// A role that holds for one TDP given without one, or a ward role given with one.
    RoleScope,
    /// An admin taking their own admin role away.
    OwnAdminRole,
    /// A resident chosen as their own mentor (Đại sứ số).
    OwnMentor,
    /// A register row under no household head: no "Chủ hộ" row at its address above it.
    NoHouseholdHead,
    /// An end that is not after the start.
    EndsBeforeStart,
    /// More attendees than the activity's capacity, not confirmed.
    OverCapacity,
    /// Free text holding what looks like an identity-card (CCCD) number, which is never stored.
    IdNumber,
    /// A code or link used after its time: a check-in code once its activity is over.
    Expired,
    /// A check-in code of another activity.
    OtherActivity,
    /// A map boundary with no points.
    EmptyGeometry,
    /// Coordinates written latitude first; GeoJSON puts longitude first.
    SwappedCoordinates,
    /// A boundary that crosses itself, or whose rings are not closed or overlap.
    InvalidGeometry,
    /// A boundary drawn with more points than a TDP needs: over `boundaries::MAX_RING_POINTS`
    /// in one ring, or over `MAX_FILE_POINTS` in the file.
    TooManyPoints,
    /// Text holding an invisible control character (NUL and the like), which no keyboard types:
    /// pasted from a broken file, or sent on purpose.
    ControlCharacters,
    /// A resident registered without their consent recorded.
    ConsentRequired,
    /// A new record (visit help, attendance, a mentor, a skill) for a resident who withdrew
    /// their consent or whose data was erased.
    ConsentWithdrawn,
    /// A visit sent again (from a phone's outbox) after it was voided, or a correction of a
    /// visit voided or corrected already.
    Voided,
    /// A new record (visit help, attendance, a mentor, a skill) for a resident who moved out
    /// of the ward or died.
    Departed,
    /// A resident or household entered twice and merged by the team leader into the record
    /// that stays: a change about the copy is refused, to be made again on that record.
    Merged,
    /// Two records that cannot be one: the same, of another ward (households: of another
    /// TDP), or erased.
    NotMergeable,
    /// A deadline on a day already gone.
    InPast,
    /// A ward's target under the one its province sets.
    BelowProvince,
    /// A ward's deadline after the one its province sets.
    AfterProvince,
    /// A skill a model's rule asks for, which cannot be retired until the model stops asking
    /// (HTTP 409; the field names the model's list in `ModelSettings`).
    InUse,
    /// A skill the province gives its wards, which only the province may retire (HTTP 409).
    SetByProvince,
}
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
            Self::OtherProvince => "Phường/xã này thuộc tỉnh/thành phố khác.",
            Self::OtherHousehold => "Người này không thuộc hộ gia đình được thăm.",
            Self::Duplicate => "Mục này bị trùng.",
            Self::TooShort => "Mật khẩu cần ít nhất 8 ký tự.",
            Self::WeakPassword => {
                "Mật khẩu này quá dễ đoán. Hãy dùng một câu ngắn dễ nhớ, \
                 không dấu, ví dụ: nha toi co ba cay cau."
            }
            Self::WrongPassword => "Mật khẩu hiện tại không đúng.",
            Self::OwnAdminRole => "Bạn không thể tự bỏ vai trò cán bộ phường của mình.",
            Self::OwnMentor => "Một người không thể tự làm Đại sứ số hướng dẫn chính mình.",
            Self::EndsBeforeStart => "Giờ kết thúc phải sau giờ bắt đầu.",
            Self::OverCapacity => {
                "Số người dự vượt quá sức chứa. Nếu đúng là đông hơn dự kiến, hãy bấm \"Vẫn ghi nhận\"."
            }
            Self::Expired => "Mã này đã hết hạn. Xin người tổ chức mở mã mới.",
            Self::OtherActivity => {
                "Mã này là của một hoạt động khác. Hãy quét mã của hoạt động bạn đang dự."
            }
            Self::IdNumber => {
                "Không ghi số CCCD hay số định danh: Ngõ Số không lưu các số này. \
                 Hãy xoá số đó rồi gửi lại."
            }
            Self::NoHouseholdHead => {
                "Không rõ người này thuộc hộ nào: phía trên chưa có dòng \"Chủ hộ\" cùng địa chỉ."
            }
            Self::EmptyGeometry => "Ranh giới không có điểm nào.",
            Self::SwappedCoordinates => {
                "Tọa độ bị đảo: GeoJSON ghi kinh độ trước, vĩ độ sau (ví dụ [105.76, 21.05])."
            }
            Self::InvalidGeometry => {
                "Ranh giới không hợp lệ: đường bao tự cắt nhau, không khép kín hoặc chồng lên nhau."
            }
            Self::TooManyPoints => {
                "Ranh giới có quá nhiều điểm (tối đa 5.000 điểm mỗi đường bao, 50.000 điểm mỗi tệp). \
                 Hãy đơn giản hóa ranh giới (ví dụ bằng chức năng Simplify của QGIS) rồi tải lên lại."
            }
            Self::RoleScope => {
                "Vai trò tổ trưởng và thành viên tổ cần chọn một tổ dân phố; các vai trò khác thì không."
            }
            Self::ControlCharacters => {
                "Nội dung có ký tự điều khiển không hiển thị được. Hãy gõ lại thay vì dán."
            }
            Self::ConsentRequired => {
                "Cần hỏi và được người dân đồng ý trước khi ghi thông tin của họ."
            }
            Self::ConsentWithdrawn => {
                "Người này đã rút lại sự đồng ý: không ghi thêm thông tin nào về họ."
            }
            Self::Departed => {
                "Người này đã chuyển khỏi phường hoặc đã mất: không ghi thêm hỗ trợ cho họ."
            }
            Self::Merged => {
                "Bản ghi này đã được tổ trưởng gộp vào một bản ghi khác trùng với nó. Hãy mở \
                 bản ghi đó và ghi lại."
            }
            Self::NotMergeable => {
                "Không gộp được hai bản ghi này (là một, khác phường, hộ khác tổ, hoặc đã bị \
                 xóa)."
            }
            Self::InPast => "Hạn không được là một ngày đã qua.",
            Self::BelowProvince => {
                "Chỉ tiêu của phường/xã không được thấp hơn chỉ tiêu tỉnh/thành phố giao."
            }
            Self::AfterProvince => "Hạn của phường/xã không được muộn hơn hạn tỉnh/thành phố giao.",
            Self::InUse => {
                "Một mô hình đang dùng kỹ năng này: hãy bỏ kỹ năng khỏi mô hình đó trước."
            }
            Self::SetByProvince => {
                "Tỉnh/thành phố giao kỹ năng này: chỉ tỉnh/thành phố mới thôi dùng được."
            }
            Self::Voided => {
                "Lượt thăm này đã bị hủy hoặc đã được sửa trước đó, nên không ghi lại hay sửa \
                 được nữa. Nếu cần, hãy ghi một lượt thăm mới."
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The app shows its catalogue's text for a code it knows, and a client that does not know
    /// the code shows the API's message: the two must say the same.
    #[test]
    fn every_message_is_the_apps_vietnamese_text() {
        let vi: serde_json::Value =
            serde_json::from_str(include_str!("../../app/locales/vi.json")).unwrap();
        for &code in ErrorCode::ALL {
            assert_eq!(vi["errors"][code.as_str()], code.message_vi(), "{code:?}");
        }
        for &code in FieldCode::ALL {
            assert_eq!(vi["fields"][code.as_str()], code.message_vi(), "{code:?}");
        }
    }
}
