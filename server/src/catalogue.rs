//! The default skills catalogue a ward starts with, from the movement's documents (Plan
//! 01-KH/BCĐTW and the provinces' plans). Each ward edits its own copy: these are data.

use chrono::NaiveDate;
use uuid::Uuid;

pub struct DefaultSkill {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub min_age: i32,
    pub target_percent: f64,
    /// (year, month, day)
    pub deadline: (i32, u32, u32),
}

/// Hà Nội's city app; other provinces name theirs when they edit the catalogue.
const HA_NOI: i32 = 1;

pub const DEFAULT_SKILLS: [DefaultSkill; 9] = [
    DefaultSkill {
        code: "smartphone",
        name_vi: "Sử dụng điện thoại thông minh",
        name_en: "Uses a smartphone",
        min_age: 15,
        target_percent: 85.0,
        deadline: (2026, 12, 31),
    },
    DefaultSkill {
        code: "vneid_level2",
        name_vi: "Định danh điện tử VNeID mức độ 2",
        name_en: "VNeID level 2 digital identity",
        min_age: 16,
        target_percent: 100.0,
        deadline: (2026, 12, 31),
    },
    DefaultSkill {
        code: "public_services",
        name_vi: "Nộp hồ sơ trên Cổng Dịch vụ công",
        name_en: "Files on the public-service portal",
        min_age: 18,
        target_percent: 80.0,
        deadline: (2026, 12, 31),
    },
    DefaultSkill {
        code: "city_app",
        name_vi: "Ứng dụng của thành phố (iHanoi)",
        name_en: "City app (iHanoi)",
        min_age: 18,
        target_percent: 70.0,
        deadline: (2026, 12, 31),
    },
    DefaultSkill {
        code: "e_payment",
        name_vi: "Tài khoản thanh toán, trả tiền bằng mã QR",
        name_en: "Payment account and QR payments",
        min_age: 18,
        target_percent: 50.0,
        deadline: (2025, 12, 31),
    },
    DefaultSkill {
        code: "digital_signature",
        name_vi: "Chữ ký số cá nhân",
        name_en: "Personal digital signature",
        min_age: 18,
        target_percent: 50.0,
        deadline: (2026, 12, 31),
    },
    DefaultSkill {
        code: "online_safety",
        name_vi: "An toàn trên không gian mạng, nhận biết lừa đảo",
        name_en: "Online safety and fraud awareness",
        min_age: 15,
        target_percent: 100.0,
        deadline: (2026, 12, 31),
    },
    DefaultSkill {
        code: "basic_skills",
        name_vi: "Hoàn thành khóa kỹ năng số cơ bản",
        name_en: "Completed the basic digital skills course",
        min_age: 15,
        target_percent: 100.0,
        deadline: (2026, 12, 31),
    },
    DefaultSkill {
        code: "ai_tools",
        name_vi: "Sử dụng công cụ trí tuệ nhân tạo (AI)",
        name_en: "Uses AI tools",
        min_age: 18,
        target_percent: 30.0,
        deadline: (2027, 12, 31),
    },
];

/// Gives a ward the default catalogue, and the models' default settings over it, unless it has
/// a catalogue; returns the ward's skills' ids in catalogue order when it was seeded now.
pub async fn seed_defaults(
    tx: &mut sqlx::PgConnection,
    ward_code: i32,
    province_code: i32,
) -> crate::error::Result<Vec<Uuid>> {
    let ids: Vec<Uuid> = DEFAULT_SKILLS.iter().map(|_| Uuid::now_v7()).collect();
    let codes: Vec<&str> = DEFAULT_SKILLS.iter().map(|s| s.code).collect();
    let names_vi: Vec<&str> = DEFAULT_SKILLS
        .iter()
        .map(|s| match (s.code, province_code) {
            ("city_app", p) if p != HA_NOI => "Ứng dụng của tỉnh/thành phố",
            _ => s.name_vi,
        })
        .collect();
    let names_en: Vec<&str> = DEFAULT_SKILLS
        .iter()
        .map(|s| match (s.code, province_code) {
            ("city_app", p) if p != HA_NOI => "The province's app",
            _ => s.name_en,
        })
        .collect();
    let min_ages: Vec<i32> = DEFAULT_SKILLS.iter().map(|s| s.min_age).collect();
    let targets: Vec<f64> = DEFAULT_SKILLS.iter().map(|s| s.target_percent).collect();
    let deadlines: Vec<NaiveDate> = DEFAULT_SKILLS
        .iter()
        .map(|s| {
            NaiveDate::from_ymd_opt(s.deadline.0, s.deadline.1, s.deadline.2).expect("valid date")
        })
        .collect();
    let positions: Vec<i32> = (1..=DEFAULT_SKILLS.len() as i32).collect();
    let inserted = sqlx::query_scalar!(
        "insert into skills (id, ward_code, code, name_vi, name_en, min_age, target_percent, deadline, position)
         select s.id, $2, s.code, s.name_vi, s.name_en, s.min_age, s.target_percent, s.deadline, s.position
         from unnest($1::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::float8[], $8::date[], $9::int[])
             as s(id, code, name_vi, name_en, min_age, target_percent, deadline, position)
         where not exists (select from skills where ward_code = $2)
         returning id",
        &ids,
        ward_code,
        &codes as &[&str],
        &names_vi as &[&str],
        &names_en as &[&str],
        &min_ages,
        &targets,
        &deadlines,
        &positions,
    )
    .fetch_all(&mut *tx)
    .await?;
    if inserted.is_empty() {
        return Ok(Vec::new());
    }
    crate::db::models::save_settings(tx, ward_code, &domain::models::default_settings()).await?;
    Ok(ids)
}
