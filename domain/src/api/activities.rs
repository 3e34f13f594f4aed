//! Classes, help points and the check-ins of those who came.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::residents::{Skill, SkillStatus};

schema! {
    /// An activity to schedule (`POST /wards/{code}/activities`). Times are instants; the app
    /// enters and shows them in Vietnam's time (UTC+7).
    pub struct NewActivity {
        /// Made by the client, so that sending the same activity twice schedules it once.
        pub id: Uuid,
        pub kind: ActivityKind,
        pub title: String,
        /// The TDP it is for; none for the whole ward.
        pub tdp_id: Option<Uuid>,
        pub place: String,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
        pub organiser: String,
        /// The skills it teaches, by id, from the ward's catalogue.
        pub topics: Vec<Uuid>,
        pub capacity: Option<i32>,
    }

    /// An activity as the schedule shows it. No attendee is named, so anyone in the ward may
    /// read it.
    pub struct Activity {
        pub id: Uuid,
        pub ward_code: i32,
        pub kind: ActivityKind,
        pub title: String,
        pub tdp_id: Option<Uuid>,
        pub tdp_name: Option<String>,
        pub place: String,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
        pub organiser: String,
        pub topics: Vec<Uuid>,
        pub capacity: Option<i32>,
        /// Attendees from the register.
        pub attendees: i64,
        /// People who came without being on the register: counted, never named.
        pub unregistered: i32,
        /// When the organiser last confirmed what the attendees learnt.
        pub confirmed_at: Option<DateTime<Utc>>,
    }

    /// An activity with the attendees the person may see (`GET /activities/{id}`).
    pub struct ActivityDetail {
        pub activity: Activity,
        pub attendees: Vec<Attendee>,
        /// Attendees living in TDPs whose people the person may not see: counted only.
        pub attendees_elsewhere: i64,
    }

    pub struct Attendee {
        pub resident_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub household_address: String,
        pub tdp_name: String,
        /// What the organiser confirmed this attendee learnt; none before confirming.
        pub outcome: Option<SkillStatus>,
    }

    /// Who came (`PUT /activities/{id}/attendance`): the whole list as far as the person's
    /// TDPs go; attendees from other TDPs stay as they are.
    pub struct Attendance {
        pub resident_ids: Vec<Uuid>,
        pub unregistered: i32,
        /// Confirms a count above the activity's capacity.
        #[serde(default)]
        pub over_capacity: bool,
    }

    /// Who came, as a phone's outbox says it: residents added to the list or taken off it,
    /// and the count of people not on the register. Two phones at one class each add the
    /// people they saw: their changes add up.
    pub struct AttendanceChange {
        pub activity_id: Uuid,
        #[serde(default)]
        pub added: Vec<Uuid>,
        #[serde(default)]
        pub removed: Vec<Uuid>,
        /// The count as the person set it; none leaves it as it is.
        #[serde(default)]
        pub unregistered: Option<i32>,
        /// Confirms a count above the activity's capacity.
        #[serde(default)]
        pub over_capacity: bool,
    }

    /// What the attendees learnt (`PUT /activities/{id}/learning`): those listed achieved the
    /// activity's topics, the other attendees are on their way. Skill statuses only move
    /// forward, as with visits.
    pub struct Learning {
        pub achieved: Vec<Uuid>,
    }

    /// What the attendees learnt, as a phone's outbox says it (`PUT /activities/{id}/learning`
    /// online): the organiser confirms it at the end of the class, with signal or without.
    pub struct LearningChange {
        pub activity_id: Uuid,
        pub achieved: Vec<Uuid>,
    }

    /// A code attendees check themselves in with (`POST /activities/{id}/check-in-codes`): the
    /// check-in page's address and the same as a QR code (SVG), to show on a projector or a
    /// phone. It works until an hour after the activity ends.
    pub struct CheckInCode {
        pub url: String,
        pub qr_svg: String,
        pub expires_at: DateTime<Utc>,
    }

    /// What the check-in page shows (`GET /activities/{id}/check-in?code=`): the activity, and
    /// nothing about who came. Open to anyone holding the code.
    pub struct CheckInActivity {
        pub ward_name: String,
        pub kind: ActivityKind,
        pub title: String,
        pub place: String,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
    }

    /// An attendee checking in (`POST /activities/{id}/check-in`). Someone found in the ward's
    /// register by name (diacritics optional) and birth year is added to the attendees; anyone
    /// else is counted as not on the register. The answer is the same either way, so the page
    /// tells nobody who is on the register.
    pub struct CheckIn {
        /// Made by the phone, so that a check-in sent twice counts once.
        pub id: Uuid,
        pub code: String,
        pub full_name: String,
        pub birth_year: i32,
    }

    /// An activity a resident attended, on the resident's page.
    pub struct AttendedActivity {
        pub activity_id: Uuid,
        pub kind: ActivityKind,
        pub title: String,
        pub starts_at: DateTime<Utc>,
        pub outcome: Option<SkillStatus>,
    }
}

choice! {
    /// What kind of activity: the movement's classes, help points and sessions.
    pub enum ActivityKind {
        /// Lớp học cộng đồng.
        CommunityClass,
        /// Lớp cho người cao tuổi.
        ElderlyClass,
        /// Lớp cho người khuyết tật.
        DisabilityClass,
        /// Điểm "Bình dân học vụ số lưu động".
        MobileHelpPoint,
        /// Sinh hoạt chi bộ chuyên đề "Đảng viên tiên phong học tập kỹ năng số".
        PartyCellSession,
        /// Chiến dịch thanh niên.
        YouthCampaign,
        Other,
    }
}

/// The skills an activity teaches, in the order it lists them. An id missing from `skills` (a
/// skill since removed from the catalogue) is left out.
pub fn topics<'a>(ids: &'a [Uuid], skills: &'a [Skill]) -> impl Iterator<Item = &'a Skill> + 'a {
    ids.iter()
        .filter_map(|id| skills.iter().find(|s| s.id == *id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(code: &str) -> Skill {
        Skill {
            id: Uuid::now_v7(),
            ward_code: 26734,
            code: code.into(),
            name_vi: code.into(),
            name_en: code.into(),
            min_age: 15,
            target_percent: 80.0,
            deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            position: 0,
        }
    }

    #[test]
    fn topics_follow_the_activity_and_skip_unknown_skills() {
        let catalogue = [skill("vneid"), skill("dvc"), skill("qr")];
        let ids = [catalogue[2].id, Uuid::now_v7(), catalogue[0].id];
        let codes: Vec<_> = topics(&ids, &catalogue).map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["qr", "vneid"]);
    }
}
