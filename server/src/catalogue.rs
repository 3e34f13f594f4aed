//! Skills catalogues and their targets, inherited downward: the movement's defaults (from
//! Plan 01-KH/BCĐTW and the provinces' plans), which a province changes, adds to and retires
//! from; and each ward's copy, which starts as its province's and may raise a target or bring
//! a deadline forward, never the other way. The models' targets and deadlines pass down the
//! same way. A TDP is judged by its ward's. These are data.

use chrono::NaiveDate;
use domain::api::{CatalogueSkill, ModelTargets, NewSkill, TargetChange};
use domain::models::SKILL_MODELS;
use domain::text::skill_code;
use domain::{FieldCode, FieldError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::{Error, Result};

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

/// The movement's defaults as province `province_code`'s catalogue: the city app's name is
/// Hà Nội's own.
fn defaults(province_code: i32) -> Vec<CatalogueSkill> {
    DEFAULT_SKILLS
        .iter()
        .map(|s| {
            let (name_vi, name_en) = match (s.code, province_code) {
                ("city_app", p) if p != HA_NOI => {
                    ("Ứng dụng của tỉnh/thành phố", "The province's app")
                }
                _ => (s.name_vi, s.name_en),
            };
            let (y, m, d) = s.deadline;
            CatalogueSkill {
                code: s.code.to_owned(),
                name_vi: name_vi.to_owned(),
                name_en: name_en.to_owned(),
                min_age: s.min_age,
                target_percent: s.target_percent,
                deadline: NaiveDate::from_ymd_opt(y, m, d).expect("valid date"),
                province: None,
                from_province: false,
            }
        })
        .collect()
}

/// Province `province_code`'s catalogue in order, its retired skills left out: its own rows,
/// or the movement's defaults until its first change.
pub async fn province_skills(
    db: &mut PgConnection,
    province_code: i32,
) -> Result<Vec<CatalogueSkill>> {
    let rows = sqlx::query!(
        "select code, name_vi, name_en, min_age, target_percent, deadline, retired_on
         from province_skills where province_code = $1 order by position, code",
        province_code
    )
    .fetch_all(&mut *db)
    .await?;
    if rows.is_empty() {
        return Ok(defaults(province_code));
    }
    Ok(rows
        .into_iter()
        .filter(|r| r.retired_on.is_none())
        .map(|r| CatalogueSkill {
            code: r.code,
            name_vi: r.name_vi,
            name_en: r.name_en,
            min_age: r.min_age,
            target_percent: r.target_percent,
            deadline: r.deadline,
            province: None,
            from_province: false,
        })
        .collect())
}

/// Ward `ward_code`'s catalogue in order, its retired skills left out, each skill with what
/// its province sets for it.
pub async fn ward_skills(
    db: &mut PgConnection,
    ward_code: i32,
    province_code: i32,
) -> Result<Vec<CatalogueSkill>> {
    let province = province_skills(db, province_code).await?;
    let rows = sqlx::query!(
        "select code, name_vi, name_en, min_age, target_percent, deadline from skills
         where ward_code = $1 and retired_on is null order by position, code",
        ward_code
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let given = province.iter().find(|p| p.code == r.code);
            CatalogueSkill {
                province: given.map(|p| TargetChange {
                    target_percent: p.target_percent,
                    deadline: p.deadline,
                }),
                from_province: given.is_some(),
                code: r.code,
                name_vi: r.name_vi,
                name_en: r.name_en,
                min_age: r.min_age,
                target_percent: r.target_percent,
                deadline: r.deadline,
            }
        })
        .collect())
}

/// A catalogue's skills as the columns `unnest` reads them, in order.
struct Columns {
    codes: Vec<String>,
    names_vi: Vec<String>,
    names_en: Vec<String>,
    min_ages: Vec<i32>,
    targets: Vec<f64>,
    deadlines: Vec<NaiveDate>,
}

impl Columns {
    fn of(skills: &[CatalogueSkill]) -> Self {
        Self {
            codes: skills.iter().map(|s| s.code.clone()).collect(),
            names_vi: skills.iter().map(|s| s.name_vi.clone()).collect(),
            names_en: skills.iter().map(|s| s.name_en.clone()).collect(),
            min_ages: skills.iter().map(|s| s.min_age).collect(),
            targets: skills.iter().map(|s| s.target_percent).collect(),
            deadlines: skills.iter().map(|s| s.deadline).collect(),
        }
    }
}

/// Gives a ward its province's catalogue, and the models' default settings over it, unless it
/// has a catalogue; returns the ward's skills' ids in catalogue order when it was seeded now.
pub async fn seed_ward(
    tx: &mut PgConnection,
    ward_code: i32,
    province_code: i32,
) -> Result<Vec<Uuid>> {
    let skills = province_skills(tx, province_code).await?;
    let ids: Vec<Uuid> = skills.iter().map(|_| Uuid::now_v7()).collect();
    let c = Columns::of(&skills);
    let inserted = sqlx::query_scalar!(
        "insert into skills (id, ward_code, code, name_vi, name_en, min_age, target_percent, deadline, position)
         select s.id, $2, s.code, s.name_vi, s.name_en, s.min_age, s.target_percent, s.deadline, s.position
         from unnest($1::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::float8[], $8::date[])
             with ordinality as s(id, code, name_vi, name_en, min_age, target_percent, deadline, position)
         where not exists (select from skills where ward_code = $2)
         returning id",
        &ids,
        ward_code,
        &c.codes,
        &c.names_vi,
        &c.names_en,
        &c.min_ages,
        &c.targets,
        &c.deadlines,
    )
    .fetch_all(&mut *tx)
    .await?;
    if inserted.is_empty() {
        return Ok(Vec::new());
    }
    let province = crate::db::models::province_models(&mut *tx, province_code).await?;
    let mut settings = crate::db::models::inheriting(province);
    // A model keeps the skills of its defaults that the province still gives.
    let given = |codes: &mut Vec<String>| codes.retain(|c| skills.iter().any(|s| s.code == *c));
    given(&mut settings.family_skills);
    given(&mut settings.identity_skills);
    crate::db::models::save_settings(tx, ward_code, &settings).await?;
    Ok(ids)
}

/// Writes the movement's defaults as the province's own rows, unless it has rows: before its
/// first change.
async fn own_province(tx: &mut PgConnection, province_code: i32) -> Result<()> {
    let c = Columns::of(&defaults(province_code));
    sqlx::query!(
        "insert into province_skills (province_code, code, name_vi, name_en, min_age, target_percent,
                                      deadline, position)
         select $1, s.code, s.name_vi, s.name_en, s.min_age, s.target_percent, s.deadline, s.position
         from unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::float8[], $7::date[])
             with ordinality as s(code, name_vi, name_en, min_age, target_percent, deadline, position)
         where not exists (select from province_skills where province_code = $1)
         on conflict do nothing",
        province_code,
        &c.codes,
        &c.names_vi,
        &c.names_en,
        &c.min_ages,
        &c.targets,
        &c.deadlines,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Sets a province's target and deadline for a skill, and passes them down: a ward that had
/// the province's old target or deadline (had not chosen its own) takes the new one, and one
/// below the new target or after the new deadline is brought up to it. 404 for a skill the
/// province does not give.
pub async fn set_province_target(
    tx: &mut PgConnection,
    province_code: i32,
    code: &str,
    change: &TargetChange,
    today: NaiveDate,
) -> Result<()> {
    own_province(tx, province_code).await?;
    let old = sqlx::query_as!(
        TargetChange,
        "select target_percent, deadline from province_skills
         where province_code = $1 and code = $2 and retired_on is null for update",
        province_code,
        code
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    domain::validate::target_change(change, &old, None, today).map_err(Error::Validation)?;
    sqlx::query!(
        "update province_skills set target_percent = $3, deadline = $4
         where province_code = $1 and code = $2",
        province_code,
        code,
        change.target_percent,
        change.deadline,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update skills k
         set target_percent = case when k.target_percent = $3 or k.target_percent < $4
                                   then $4 else k.target_percent end,
             deadline = case when k.deadline = $5 or k.deadline > $6 then $6 else k.deadline end
         from wards w
         where w.province_code = $1 and k.ward_code = w.code and k.code = $2
           and k.retired_on is null",
        province_code,
        code,
        old.target_percent,
        change.target_percent,
        old.deadline,
        change.deadline,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Sets a province's models' targets and deadlines, and passes them down as
/// `catalogue::set_province_target` does a skill's: a ward that had the province's old target
/// or deadline takes the new one, and one below the new target or after the new deadline is
/// brought to it.
pub async fn set_province_models(
    tx: &mut PgConnection,
    province_code: i32,
    new: &ModelTargets,
    today: NaiveDate,
) -> Result<()> {
    // Locks the province's row if it has one, so that two changes pass down one by one.
    sqlx::query!(
        "select from province_models where province_code = $1 for update",
        province_code
    )
    .execute(&mut *tx)
    .await?;
    let old = crate::db::models::province_models(&mut *tx, province_code).await?;
    domain::validate::model_targets(new, &old, None, today).map_err(Error::Validation)?;
    sqlx::query!(
        "insert into province_models (province_code, family_target, family_deadline,
                                      identity_target, identity_deadline)
         values ($1, $2, $3, $4, $5)
         on conflict (province_code) do update
         set family_target = excluded.family_target, family_deadline = excluded.family_deadline,
             identity_target = excluded.identity_target,
             identity_deadline = excluded.identity_deadline",
        province_code,
        new.family_target,
        new.family_deadline,
        new.identity_target,
        new.identity_deadline,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update model_settings s
         set family_target = case when s.family_target = $2 or s.family_target < $3
                                  then $3 else s.family_target end,
             family_deadline = case when s.family_deadline = $4 or s.family_deadline > $5
                                    then $5 else s.family_deadline end,
             identity_target = case when s.identity_target = $6 or s.identity_target < $7
                                    then $7 else s.identity_target end,
             identity_deadline = case when s.identity_deadline = $8 or s.identity_deadline > $9
                                      then $9 else s.identity_deadline end
         from wards w
         where w.province_code = $1 and s.ward_code = w.code",
        province_code,
        old.family_target,
        new.family_target,
        old.family_deadline,
        new.family_deadline,
        old.identity_target,
        new.identity_target,
        old.identity_deadline,
        new.identity_deadline,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Sets a ward's target and deadline for one of its skills, within what its province sets.
/// 404 for a skill the ward does not have.
pub async fn set_ward_target(
    tx: &mut PgConnection,
    ward_code: i32,
    province_code: i32,
    code: &str,
    change: &TargetChange,
    today: NaiveDate,
) -> Result<()> {
    let skill = ward_skills(tx, ward_code, province_code)
        .await?
        .into_iter()
        .find(|s| s.code == code)
        .ok_or(Error::NotFound)?;
    let was = TargetChange {
        target_percent: skill.target_percent,
        deadline: skill.deadline,
    };
    domain::validate::target_change(change, &was, skill.province.as_ref(), today)
        .map_err(Error::Validation)?;
    sqlx::query!(
        "update skills set target_percent = $3, deadline = $4 where ward_code = $1 and code = $2",
        ward_code,
        code,
        change.target_percent,
        change.deadline,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The skill `new` as a catalogue's entry, its code made from its name.
fn entry(new: &NewSkill) -> CatalogueSkill {
    let name_vi = new.name_vi.trim().to_owned();
    let name_en = match new.name_en.trim() {
        "" => name_vi.clone(),
        name => name.to_owned(),
    };
    CatalogueSkill {
        code: skill_code(&name_vi),
        name_vi,
        name_en,
        min_age: new.min_age,
        target_percent: new.target_percent,
        deadline: new.deadline,
        province: None,
        from_province: false,
    }
}

/// Adds a skill to a province's catalogue, or gives back one it retired, and to each of its
/// onboarded wards' (where a ward has it already, as its own or retired, it takes the
/// province's target if higher and deadline if earlier). 422 for a skill it gives already.
pub async fn add_province_skill(
    tx: &mut PgConnection,
    province_code: i32,
    new: &NewSkill,
    today: NaiveDate,
) -> Result<CatalogueSkill> {
    domain::validate::new_skill(new, today).map_err(Error::Validation)?;
    own_province(tx, province_code).await?;
    let skill = entry(new);
    let added = sqlx::query_scalar!(
        "insert into province_skills (province_code, code, name_vi, name_en, min_age, target_percent,
                                      deadline, position)
         values ($1, $2, $3, $4, $5, $6, $7,
                 (select coalesce(max(position), 0) + 1 from province_skills where province_code = $1))
         on conflict (province_code, code) do update
         set name_vi = excluded.name_vi, name_en = excluded.name_en, min_age = excluded.min_age,
             target_percent = excluded.target_percent, deadline = excluded.deadline,
             position = excluded.position, retired_on = null
         where province_skills.retired_on is not null
         returning code",
        province_code,
        skill.code,
        skill.name_vi,
        skill.name_en,
        skill.min_age,
        skill.target_percent,
        skill.deadline,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if added.is_none() {
        return Err(Error::field("name_vi", FieldCode::Duplicate));
    }
    let wards = sqlx::query_scalar!(
        "select w.code from wards w
         where w.province_code = $1 and exists (select from skills k where k.ward_code = w.code)",
        province_code
    )
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<Uuid> = wards.iter().map(|_| Uuid::now_v7()).collect();
    sqlx::query!(
        "insert into skills (id, ward_code, code, name_vi, name_en, min_age, target_percent, deadline,
                             position)
         select w.id, w.code, $3, $4, $5, $6, $7, $8,
                (select coalesce(max(position), 0) + 1 from skills where ward_code = w.code)
         from unnest($1::uuid[], $2::int[]) as w(id, code)
         on conflict (ward_code, code) do update
         set name_vi = excluded.name_vi, name_en = excluded.name_en, min_age = excluded.min_age,
             target_percent = greatest(skills.target_percent, excluded.target_percent),
             deadline = least(skills.deadline, excluded.deadline), retired_on = null",
        &ids,
        &wards,
        skill.code,
        skill.name_vi,
        skill.name_en,
        skill.min_age,
        skill.target_percent,
        skill.deadline,
    )
    .execute(&mut *tx)
    .await?;
    Ok(skill)
}

/// Adds a skill of the ward's own to its catalogue, or gives back one it retired. 422 for a
/// skill it has already.
pub async fn add_ward_skill(
    tx: &mut PgConnection,
    ward_code: i32,
    new: &NewSkill,
    today: NaiveDate,
) -> Result<CatalogueSkill> {
    domain::validate::new_skill(new, today).map_err(Error::Validation)?;
    let skill = entry(new);
    let added = sqlx::query_scalar!(
        "insert into skills (id, ward_code, code, name_vi, name_en, min_age, target_percent, deadline,
                             position)
         values ($1, $2, $3, $4, $5, $6, $7, $8,
                 (select coalesce(max(position), 0) + 1 from skills where ward_code = $2))
         on conflict (ward_code, code) do update
         set name_vi = excluded.name_vi, name_en = excluded.name_en, min_age = excluded.min_age,
             target_percent = excluded.target_percent, deadline = excluded.deadline,
             position = excluded.position, retired_on = null
         where skills.retired_on is not null
         returning id",
        Uuid::now_v7(),
        ward_code,
        skill.code,
        skill.name_vi,
        skill.name_en,
        skill.min_age,
        skill.target_percent,
        skill.deadline,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if added.is_none() {
        return Err(Error::field("name_vi", FieldCode::Duplicate));
    }
    Ok(skill)
}

/// 409 naming each model whose rule asks for skill `code` of the wards `ward_codes`.
async fn not_in_a_model(tx: &mut PgConnection, ward_codes: &[i32], code: &str) -> Result<()> {
    let models = sqlx::query_scalar!(
        "select distinct m.model from model_skills m join skills k on k.id = m.skill_id
         where m.ward_code = any($1) and k.code = $2",
        ward_codes,
        code
    )
    .fetch_all(&mut *tx)
    .await?;
    let fields: Vec<FieldError> = SKILL_MODELS
        .iter()
        .filter(|m| models.iter().any(|used| used == m.stored))
        .map(|m| FieldError {
            message: format!(
                "Mô hình \"{}\" đang dùng kỹ năng này: hãy bỏ kỹ năng khỏi mô hình đó trước.",
                m.name_vi
            ),
            ..FieldError::new(m.field, FieldCode::InUse)
        })
        .collect();
    if fields.is_empty() {
        Ok(())
    } else {
        Err(Error::InUse(fields))
    }
}

/// Retires a skill from a province's catalogue and from its wards'; answers whether it did
/// now (not already). 404 for a skill it never gave; 409 while a ward's model asks for it,
/// naming the model.
pub async fn retire_province_skill(
    tx: &mut PgConnection,
    province_code: i32,
    code: &str,
    today: NaiveDate,
) -> Result<bool> {
    own_province(tx, province_code).await?;
    let retired = sqlx::query_scalar!(
        "select retired_on from province_skills where province_code = $1 and code = $2 for update",
        province_code,
        code,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    if retired.is_some() {
        return Ok(false);
    }
    let wards = sqlx::query_scalar!(
        "select code from wards where province_code = $1",
        province_code
    )
    .fetch_all(&mut *tx)
    .await?;
    not_in_a_model(tx, &wards, code).await?;
    sqlx::query!(
        "update province_skills set retired_on = $3 where province_code = $1 and code = $2",
        province_code,
        code,
        today,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update skills set retired_on = $3
         where ward_code = any($1) and code = $2 and retired_on is null",
        &wards,
        code,
        today,
    )
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

/// Retires a skill of the ward's own; answers whether it did now (not already). 404 for a
/// skill it never had; 409 for one its province gives, or while one of its models asks for
/// it, naming the model.
pub async fn retire_ward_skill(
    tx: &mut PgConnection,
    ward_code: i32,
    province_code: i32,
    code: &str,
    today: NaiveDate,
) -> Result<bool> {
    let retired = sqlx::query_scalar!(
        "select retired_on from skills where ward_code = $1 and code = $2 for update",
        ward_code,
        code,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    if retired.is_some() {
        return Ok(false);
    }
    if province_skills(tx, province_code)
        .await?
        .iter()
        .any(|s| s.code == code)
    {
        return Err(Error::InUse(vec![FieldError::new(
            "code",
            FieldCode::SetByProvince,
        )]));
    }
    not_in_a_model(tx, &[ward_code], code).await?;
    sqlx::query!(
        "update skills set retired_on = $3 where ward_code = $1 and code = $2",
        ward_code,
        code,
        today,
    )
    .execute(&mut *tx)
    .await?;
    Ok(true)
}
