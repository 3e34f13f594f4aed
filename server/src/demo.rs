//! A deterministic demo ward, so that every screen shows something real-looking, and the same
//! generator at any size for benchmarks.
//!
//! Everything comes from one seeded random stream per ward: the same ward code gives the same
//! TDPs, teams, households, residents and visits on every machine. Visit dates are counted back
//! from the day of loading, so the demo always shows the last weeks' work.
#![expect(
    clippy::type_complexity,
    reason = "rows are gathered as tuples of columns, one Vec per UNNEST parameter of the bulk inserts"
)]

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};
use domain::access::{ProvinceRole, Role};
use domain::api::{HelpItem, NewVisit, SkillStatus};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::PgPool;
use uuid::Uuid;

use crate::catalogue;

/// Phường Phú Diễn, Hà Nội: the demo ward.
pub const DEMO_WARD: i32 = 619;
const HA_NOI: i32 = 1;

/// The password of every demo account. A server started with `--demo` shows it on the
/// sign-in page; nothing else should ever use it.
pub const DEMO_PASSWORD: &str = "phudien-demo-2026";

/// A demo account's phone number: `09`, the ward code in five digits, the role's number.
pub fn demo_phone(ward_code: i32, role: Role) -> String {
    let n = Role::ALL.iter().position(|r| *r == role).unwrap_or(0) + 1;
    format!("09{ward_code:05}{n:03}")
}

/// A province's demo account's phone number: `09`, the province code in five digits, and the
/// role's number from 11, apart from any ward's demo accounts.
pub fn demo_province_phone(province_code: i32, role: ProvinceRole) -> String {
    let n = ProvinceRole::ALL
        .iter()
        .position(|r| *r == role)
        .unwrap_or(0)
        + 11;
    format!("09{province_code:05}{n:03}")
}

/// The demo accounts (a demo phone number of a ward they hold a role in, with the published
/// demo password) sign in only while the server runs with `--demo`. Started without it, each is
/// disabled and its sessions end; started with it again, each is enabled. Returns how many
/// changed.
pub async fn demo_accounts_only_in_demo(db: &PgPool, demo: bool) -> anyhow::Result<usize> {
    let candidates = sqlx::query!(
        r#"select distinct u.id, u.phone, u.password_hash,
                  g.ward_code as "ward_code?", pg.province_code as "province_code?"
           from users u
           left join role_grants g on g.user_id = u.id
           left join province_grants pg on pg.user_id = u.id
           where u.disabled = $1 and u.phone like '09%' and length(u.phone) = 10"#,
        demo,
    )
    .fetch_all(db)
    .await?;
    let mut changed = Vec::new();
    for c in candidates {
        let demo_phone = c
            .ward_code
            .is_some_and(|w| Role::ALL.iter().any(|&r| demo_phone(w, r) == c.phone))
            || c.province_code.is_some_and(|p| {
                ProvinceRole::ALL
                    .iter()
                    .any(|&r| demo_province_phone(p, r) == c.phone)
            });
        if demo_phone
            && !changed.contains(&c.id)
            && crate::auth::password::verify(DEMO_PASSWORD.to_owned(), c.password_hash).await?
        {
            changed.push(c.id);
        }
    }
    sqlx::query!(
        "update users set disabled = not $1,
             session_generation = session_generation + case when $1 then 0 else 1 end
         where id = any($2)",
        demo,
        &changed,
    )
    .execute(db)
    .await?;
    Ok(changed.len())
}

/// How much to generate for one ward.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub tdps: usize,
    pub households: usize,
    /// Days of visits counted back from today.
    pub visit_days: u64,
}

/// Phú Diễn's real scale: 52 TDPs, about 10,000 households and 30,000 residents.
pub const WARD: Size = Size {
    tdps: 52,
    households: 10_000,
    visit_days: 42,
};

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub tdps: usize,
    pub team_members: usize,
    pub households: usize,
    pub residents: usize,
    pub visits: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Self) {
        self.tdps += o.tdps;
        self.team_members += o.team_members;
        self.households += o.households;
        self.residents += o.residents;
        self.visits += o.visits;
    }
}

/// Loads the demo ward, as it stands at `now`, unless the database already holds a TDP.
pub async fn load_if_empty(db: &PgPool, now: DateTime<Utc>) -> anyhow::Result<Option<Counts>> {
    let any = sqlx::query_scalar!(r#"select exists (select from tdps) as "any!""#)
        .fetch_one(db)
        .await?;
    if any {
        return Ok(None);
    }
    Ok(Some(generate_ward(db, DEMO_WARD, HA_NOI, WARD, now).await?))
}

const FAMILY: [(&str, u32); 14] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 50),
    ("Phan", 45),
    ("Vũ", 40),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
];
const MIDDLE_MALE: [&str; 8] = [
    "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân", "Tiến",
];
const MIDDLE_FEMALE: [&str; 8] = [
    "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thị",
];
const GIVEN_MALE: [&str; 24] = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hùng", "Huy", "Khánh",
    "Long", "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Toàn", "Trung", "Tuấn",
    "Việt",
];
const GIVEN_FEMALE: [&str; 24] = [
    "An", "Anh", "Bích", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan",
    "Liên", "Linh", "Mai", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Vân",
    "Yến",
];
const STREETS: [&str; 10] = [
    "Phú Diễn",
    "Cầu Diễn",
    "Đức Diễn",
    "Phúc Diễn",
    "Văn Trì",
    "Tân Xuân",
    "Kiều Mai",
    "Nguyên Xá",
    "Đông Ngạc",
    "Hoàng Công Chất",
];

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn family(rng: &mut ChaCha8Rng) -> &'static str {
    let total: u32 = FAMILY.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total);
    for (name, weight) in FAMILY {
        if n < weight {
            return name;
        }
        n -= weight;
    }
    FAMILY[0].0
}

fn person(rng: &mut ChaCha8Rng, family_name: &str, female: bool) -> String {
    let (middle, given) = if female {
        (pick(rng, &MIDDLE_FEMALE), pick(rng, &GIVEN_FEMALE))
    } else {
        (pick(rng, &MIDDLE_MALE), pick(rng, &GIVEN_MALE))
    };
    format!("{family_name} {middle} {given}")
}

/// A random UUID drawn from the seeded stream, so that the same seed gives the same ids.
fn id(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

#[derive(Default)]
struct Rows {
    tdp: (Vec<Uuid>, Vec<String>, Vec<String>, Vec<i32>, Vec<i32>),
    team: (
        Vec<Uuid>,
        Vec<Uuid>,
        Vec<String>,
        Vec<String>,
        Vec<Option<String>>,
    ),
    household: (
        Vec<Uuid>,
        Vec<Uuid>,
        Vec<String>,
        Vec<String>,
        Vec<String>,
        Vec<bool>,
        Vec<bool>,
        Vec<String>,
    ),
    resident: (
        Vec<Uuid>,
        Vec<Uuid>,
        Vec<Uuid>,
        Vec<String>,
        Vec<String>,
        Vec<String>,
        Vec<i32>,
        Vec<String>,
    ),
}

struct Person {
    id: Uuid,
    birth_year: i32,
}

/// Generates one ward of `size` as it stands at `now` (its visits, classes and tickets counted
/// around that instant) and stores it in one transaction.
pub async fn generate_ward(
    db: &PgPool,
    ward_code: i32,
    province_code: i32,
    size: Size,
    now: DateTime<Utc>,
) -> anyhow::Result<Counts> {
    let today = domain::time::day(now);
    let mut rng = ChaCha8Rng::seed_from_u64(0x6e67_6f73_6f00_0000 ^ ward_code as u64);
    let year = today.year();
    let mut rows = Rows::default();
    // Per TDP: team member ids, and households with their residents.
    let mut tdps: Vec<(Uuid, Vec<Uuid>, Vec<(Uuid, Vec<Person>)>)> = Vec::new();
    let per_tdp = size.households.div_ceil(size.tdps.max(1));
    let mut households_left = size.households;

    for t in 1..=size.tdps {
        let tdp_id = id(&mut rng);
        let count = households_left.min(
            rng.random_range(per_tdp * 7 / 10..=per_tdp * 13 / 10)
                .max(1),
        );
        households_left -= count;
        let mut households = Vec::with_capacity(count);
        let mut adults = 0;
        for _ in 0..count {
            let household_id = id(&mut rng);
            let fam = family(&mut rng);
            let members = [1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6][rng.random_range(0..12)];
            let elderly_alone = members == 1 && rng.random_bool(0.6);
            let mut people = Vec::with_capacity(members);
            let mut head = String::new();
            for m in 0..members {
                let female = if m == 1 { true } else { rng.random_bool(0.5) };
                let birth_year = match (m, elderly_alone) {
                    (_, true) => year - rng.random_range(70..=92),
                    (0 | 1, _) => year - rng.random_range(24..=75),
                    _ => year - rng.random_range(0..=30),
                };
                let own_family = if m == 1 { family(&mut rng) } else { fam };
                let name = person(&mut rng, own_family, female);
                if m == 0 {
                    head.clone_from(&name);
                }
                if year - birth_year >= 18 {
                    adults += 1;
                }
                let resident_id = id(&mut rng);
                let r = &mut rows.resident;
                r.0.push(resident_id);
                r.1.push(household_id);
                r.2.push(tdp_id);
                r.4.push(domain::text::fold(&name));
                r.5.push(domain::text::name_sort_key(&name));
                r.3.push(name);
                r.6.push(birth_year);
                r.7.push(if female { "female" } else { "male" }.to_owned());
                people.push(Person {
                    id: resident_id,
                    birth_year,
                });
            }
            let address = format!(
                "Số {}, ngõ {}, {}",
                rng.random_range(1..=120),
                rng.random_range(1..=80),
                pick(&mut rng, &STREETS)
            );
            let poverty = match rng.random_range(0..100) {
                0 => "poor",
                1..=3 => "near_poor",
                _ => "none",
            };
            let h = &mut rows.household;
            h.0.push(household_id);
            h.1.push(tdp_id);
            h.4.push(domain::text::household_search(&address, &head));
            h.2.push(address);
            h.3.push(head);
            h.5.push(elderly_alone);
            h.6.push(rng.random_bool(0.03));
            h.7.push(poverty.to_owned());
            households.push((household_id, people));
        }
        // The register counts a few more than the team has recorded so far.
        let registered_households = (count as f64 * rng.random_range(1.0..1.08)) as i32;
        let registered_adults = (adults as f64 * rng.random_range(1.0..1.08)) as i32;
        rows.tdp.0.push(tdp_id);
        rows.tdp.1.push(format!("TDP-{t:02}"));
        rows.tdp.2.push(format!("Tổ dân phố số {t}"));
        rows.tdp.3.push(registered_households);
        rows.tdp.4.push(registered_adults);

        let roles: &[&str] = &[
            "leader",
            "party_secretary",
            "tdp_head",
            "police",
            "youth_union",
            "youth_union",
            "teacher_student",
            "telecom",
            "youth_union",
        ];
        let team_size = rng.random_range(3..=9);
        let mut team = Vec::with_capacity(team_size);
        for role in &roles[..team_size] {
            let member_id = id(&mut rng);
            let female = rng.random_bool(0.5);
            let member_family = family(&mut rng);
            let name = person(&mut rng, member_family, female);
            let phone = format!("09{:08}", rng.random_range(0..100_000_000u32));
            rows.team.0.push(member_id);
            rows.team.1.push(tdp_id);
            rows.team.2.push(name);
            rows.team.3.push((*role).to_owned());
            rows.team.4.push(Some(phone));
            team.push(member_id);
        }
        tdps.push((tdp_id, team, households));
    }

    // Around Phú Diễn's real place, 2.4 km by 2 km; a generator of its own, so the map does
    // not change the people generated.
    let mut map_rng = ChaCha8Rng::seed_from_u64(0x6d61_7073 ^ ward_code as u64);
    let shapes =
        crate::boundaries::tiling(size.tdps, (105.76, 21.05), (0.024, 0.018), &mut map_rng);
    let boundaries = shapes
        .iter()
        .map(|p| serde_json::to_value(geojson::Geometry::from(p)))
        .collect::<Result<Vec<_>, _>>()?;
    // Each household somewhere inside its TDP.
    let (lats, lons): (Vec<f64>, Vec<f64>) = rows
        .household
        .1
        .iter()
        .map(|tdp| {
            let t = rows.tdp.0.iter().position(|id| id == tdp).unwrap_or(0);
            crate::boundaries::point_inside(&shapes[t], &mut map_rng)
        })
        .unzip();
    let mut tx = db.begin().await?;
    let t = &rows.tdp;
    sqlx::query!(
        "insert into tdps (id, ward_code, code, name, households_registered, adults_registered, boundary)
         select id, $2, code, name, h, a, b
         from unnest($1::uuid[], $3::text[], $4::text[], $5::int[], $6::int[], $7::jsonb[])
             as t(id, code, name, h, a, b)",
        &t.0, ward_code, &t.1, &t.2, &t.3, &t.4, &boundaries,
    )
    .execute(&mut *tx)
    .await?;
    let m = &rows.team;
    sqlx::query!(
        "insert into team_members (id, tdp_id, full_name, role, phone)
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])",
        &m.0,
        &m.1,
        &m.2,
        &m.3,
        &m.4 as &[Option<String>],
    )
    .execute(&mut *tx)
    .await?;
    let h = &rows.household;
    for r in batches(h.0.len(), 20_000) {
        sqlx::query!(
            "insert into households (id, tdp_id, address, head_name, search, elderly_alone, disability, poverty, lat, lon)
             select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[], $8::text[],
                                  $9::float8[], $10::float8[])",
            &h.0[r.clone()], &h.1[r.clone()], &h.2[r.clone()], &h.3[r.clone()], &h.4[r.clone()],
            &h.5[r.clone()], &h.6[r.clone()], &h.7[r.clone()], &lats[r.clone()], &lons[r],
        )
        .execute(&mut *tx)
        .await?;
    }
    let p = &rows.resident;
    for r in batches(p.0.len(), 20_000) {
        sqlx::query!(
            "insert into residents (id, household_id, tdp_id, full_name, name_search, name_sort, birth_year, gender)
             select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])",
            &p.0[r.clone()], &p.1[r.clone()], &p.2[r.clone()], &p.3[r.clone()], &p.4[r.clone()],
            &p.5[r.clone()], &p.6[r.clone()], &p.7[r],
        )
        .execute(&mut *tx)
        .await?;
    }

    let skills = catalogue::seed_ward(&mut tx, ward_code, province_code).await?;
    let visits = if skills.is_empty() {
        0
    } else {
        let visits = visit(&mut tx, &mut rng, ward_code, &tdps, &skills, size, today).await?;
        guides(&mut tx, ward_code).await?;
        ambassadors(&mut tx, ward_code, year).await?;
        visits
    };
    let tdp_ids: Vec<Uuid> = tdps.iter().map(|(id, _, _)| *id).collect();
    markets(&mut tx, &mut rng, ward_code, &tdp_ids, today).await?;
    let hash = crate::auth::password::hash(DEMO_PASSWORD.to_owned()).await?;
    accounts(&mut tx, &mut rng, ward_code, &rows.team, &hash).await?;
    province_accounts(&mut tx, province_code, &hash).await?;
    activities(&mut tx, &mut rng, ward_code, &tdp_ids, &skills, today).await?;
    tickets(&mut tx, &mut rng, ward_code, &tdp_ids, &skills, now).await?;
    tx.commit().await?;
    Ok(Counts {
        tdps: rows.tdp.0.len(),
        team_members: rows.team.0.len(),
        households: rows.household.0.len(),
        residents: rows.resident.0.len(),
        visits,
    })
}

/// One account per role. The team leader and the volunteer are members of the first TDP's
/// team (its leader and its third member), so their visits are theirs.
async fn accounts(
    tx: &mut sqlx::PgConnection,
    rng: &mut ChaCha8Rng,
    ward_code: i32,
    team: &(
        Vec<Uuid>,
        Vec<Uuid>,
        Vec<String>,
        Vec<String>,
        Vec<Option<String>>,
    ),
    hash: &str,
) -> anyhow::Result<()> {
    for &role in Role::ALL {
        let user_id = id(rng);
        let phone = demo_phone(ward_code, role);
        let member = match role {
            Role::TeamLeader => Some(0),
            Role::Volunteer => Some(2),
            _ => None,
        };
        let name = match member {
            Some(m) => team.2[m].clone(),
            None => {
                let female = rng.random_bool(0.5);
                let family_name = family(rng);
                person(rng, family_name, female)
            }
        };
        sqlx::query!(
            "insert into users (id, phone, full_name, password_hash) values ($1, $2, $3, $4)",
            user_id,
            phone,
            name,
            hash,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "insert into role_grants (user_id, ward_code, role, tdp_id) values ($1, $2, $3, $4)",
            user_id,
            ward_code,
            role.as_str(),
            member.map(|m| team.1[m]),
        )
        .execute(&mut *tx)
        .await?;
        if let Some(m) = member {
            sqlx::query!(
                "update team_members set user_id = $1, phone = $2 where id = $3",
                user_id,
                phone,
                team.0[m],
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

/// One account per province role, made with the province's first demo ward. Their names come
/// from a stream of the province's own, so each ward's stays as it was.
async fn province_accounts(
    tx: &mut sqlx::PgConnection,
    province_code: i32,
    hash: &str,
) -> anyhow::Result<()> {
    let rng = &mut ChaCha8Rng::seed_from_u64(0x7469_6e68 ^ province_code as u64);
    for &role in ProvinceRole::ALL {
        let female = rng.random_bool(0.5);
        let family_name = family(rng);
        let name = person(rng, family_name, female);
        let user_id = id(rng);
        let phone = demo_province_phone(province_code, role);
        sqlx::query!(
            "with made as (
                 insert into users (id, phone, full_name, password_hash) values ($1, $2, $3, $4)
                 on conflict (phone) do nothing
                 returning id
             )
             insert into province_grants (user_id, province_code, role)
             select id, $5, $6 from made",
            user_id,
            phone,
            name,
            hash,
            province_code,
            role.as_str(),
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Index ranges of at most `size` rows, one bulk insert each, so that a statement's arrays
/// stay small at any dataset size.
fn batches(len: usize, size: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..len)
        .step_by(size)
        .map(move |start| start..(start + size).min(len))
}

/// How likely a visited adult already had, or learned, each default skill (catalogue order):
/// smartphones are common, digital signatures and AI rare.
const SKILL_UPTAKE: [f64; 9] = [0.9, 0.8, 0.55, 0.5, 0.6, 0.2, 0.7, 0.45, 0.15];

/// Weeks of door-to-door work: each TDP's team reaches a share of its households that depends
/// on how active the team is, so the TDPs differ the way real ones do.
async fn visit(
    tx: &mut sqlx::PgConnection,
    rng: &mut ChaCha8Rng,
    ward_code: i32,
    tdps: &[(Uuid, Vec<Uuid>, Vec<(Uuid, Vec<Person>)>)],
    skills: &[Uuid],
    size: Size,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let year = today.year();
    let mut v: (
        Vec<Uuid>,
        Vec<Uuid>,
        Vec<Uuid>,
        Vec<NaiveDate>,
        Vec<Option<i32>>,
        Vec<serde_json::Value>,
    ) = Default::default();
    let mut vol: (Vec<Uuid>, Vec<Uuid>) = Default::default();
    let mut help: (Vec<Uuid>, Vec<Uuid>, Vec<Uuid>, Vec<String>, Vec<NaiveDate>) =
        Default::default();
    for (tdp_id, team, households) in tdps {
        let activity = rng.random_range(0.15..0.85);
        for (household_id, people) in households {
            if !rng.random_bool(activity) {
                continue;
            }
            let visit_id = id(rng);
            let visited_on = today - Days::new(rng.random_range(1..=size.visit_days.max(1)));
            let volunteers: Vec<Uuid> = if team.len() > 1 && rng.random_bool(0.5) {
                let a = rng.random_range(0..team.len());
                vec![team[a], team[(a + 1) % team.len()]]
            } else {
                vec![team[rng.random_range(0..team.len())]]
            };
            let mut items = Vec::new();
            for p in people.iter().filter(|p| year - p.birth_year >= 15) {
                for (s, skill) in skills.iter().enumerate() {
                    if rng.random_bool(SKILL_UPTAKE[s % SKILL_UPTAKE.len()]) {
                        let outcome = if rng.random_bool(0.85) {
                            SkillStatus::Achieved
                        } else {
                            SkillStatus::InProgress
                        };
                        items.push(HelpItem {
                            resident_id: p.id,
                            skill_id: *skill,
                            outcome,
                        });
                    }
                }
            }
            let satisfaction = rng.random_bool(0.8).then(|| rng.random_range(3..=5));
            let request = NewVisit {
                id: Some(visit_id),
                household_id: *household_id,
                visited_on,
                volunteer_ids: volunteers.clone(),
                help: items.clone(),
                satisfaction,
                note: String::new(),
            };
            v.0.push(visit_id);
            v.1.push(*tdp_id);
            v.2.push(*household_id);
            v.3.push(visited_on);
            v.4.push(satisfaction);
            v.5.push(serde_json::to_value(&request)?);
            for member in volunteers {
                vol.0.push(visit_id);
                vol.1.push(member);
            }
            for item in items {
                help.0.push(visit_id);
                help.1.push(item.resident_id);
                help.2.push(item.skill_id);
                help.3.push(item.outcome.as_str().to_owned());
                help.4.push(visited_on);
            }
        }
    }
    // Each recorded on the evening of its day: the database's own now() would be another
    // instant than the ward's clock when a test runs the demo on a chosen day.
    sqlx::query!(
        "insert into visits (id, ward_code, tdp_id, household_id, visited_on, satisfaction, request,
                             recorded_at)
         select id, $2, tdp, household, d, s, r,
                (d + time '20:00') at time zone 'Asia/Ho_Chi_Minh'
         from unnest($1::uuid[], $3::uuid[], $4::uuid[], $5::date[], $6::int[], $7::jsonb[])
             as v(id, tdp, household, d, s, r)",
        &v.0, ward_code, &v.1, &v.2, &v.3, &v.4 as &[Option<i32>], &v.5,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into visit_volunteers (visit_id, team_member_id) select * from unnest($1::uuid[], $2::uuid[])",
        &vol.0, &vol.1,
    )
    .execute(&mut *tx)
    .await?;
    for r in batches(help.0.len(), 50_000) {
        sqlx::query!(
            "insert into visit_help (visit_id, resident_id, skill_id, outcome)
             select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[])",
            &help.0[r.clone()],
            &help.1[r.clone()],
            &help.2[r.clone()],
            &help.3[r.clone()],
        )
        .execute(&mut *tx)
        .await?;
        // Each household is visited once here, so every (resident, skill) pair is new.
        sqlx::query!(
            "insert into resident_skills (resident_id, tdp_id, birth_year, skill_id, status, since, visit_id)
             select r.id, r.tdp_id, r.birth_year, h.skill_id, h.outcome, h.since, h.visit_id
             from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::date[])
                 as h(visit_id, resident_id, skill_id, outcome, since)
             join residents r on r.id = h.resident_id",
            &help.0[r.clone()], &help.1[r.clone()], &help.2[r.clone()], &help.3[r.clone()], &help.4[r],
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(v.0.len())
}

/// Each visited household's guide ("Gia đình số"), as the teams mark them at the door: the
/// member with the most of the ward's "digitally capable" skills.
async fn guides(tx: &mut sqlx::PgConnection, ward_code: i32) -> anyhow::Result<()> {
    sqlx::query!(
        "update households h set guide_id = g.resident_id
         from (select distinct on (r.household_id) r.household_id, r.id as resident_id
               from residents r
               join resident_skills rs on rs.resident_id = r.id and rs.status = 'achieved'
               join model_skills m on m.skill_id = rs.skill_id and m.model = 'digital_family'
               where m.ward_code = $1
               group by r.household_id, r.id
               order by r.household_id, count(*) desc, r.id) g
         where h.id = g.household_id",
        ward_code,
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// "Đại sứ số": up to three household guides per TDP become mentors, and adults of their TDP
/// their learners, five to a mentor until the TDP's few run out: in most TDPs a mentor or two
/// is still short of the quota, so that the flag has something to show.
async fn ambassadors(tx: &mut sqlx::PgConnection, ward_code: i32, year: i32) -> anyhow::Result<()> {
    sqlx::query!(
        "insert into mentors (id, ward_code, tdp_id, resident_id)
         select md5(guide_id::text || 'mentor')::uuid, $1, tdp_id, guide_id
         from (select h.tdp_id, h.guide_id,
                      row_number() over (partition by h.tdp_id order by h.guide_id) as n
               from households h join tdps t on t.id = h.tdp_id
               where t.ward_code = $1 and h.guide_id is not null) g
         where n <= 3",
        ward_code,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "with m as (
             select id, tdp_id, resident_id,
                    row_number() over (partition by tdp_id order by id) - 1 as n,
                    count(*) over (partition by tdp_id) as k
             from mentors where ward_code = $1
         ),
         l as (
             select r.id, r.tdp_id, row_number() over (partition by r.tdp_id order by r.id) - 1 as n
             from residents r join tdps t on t.id = r.tdp_id
             where t.ward_code = $1 and r.birth_year <= $2
                 and not exists (select 1 from mentors x where x.resident_id = r.id)
         )
         insert into mentor_learners (resident_id, tdp_id, ward_code, mentor_id, mentor_resident_id)
         select l.id, l.tdp_id, $1, m.id, m.resident_id
         from l join m on m.tdp_id = l.tdp_id and m.n = l.n / 5
         where l.n < m.k * 5 - abs(hashtext(l.tdp_id::text)) % 7",
        ward_code,
        domain::indicators::latest_eligible_birth_year(domain::models::IDENTITY_MIN_AGE, year),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

const GOODS: [&str; 8] = [
    "Rau củ",
    "Thịt lợn",
    "Hoa quả",
    "Thủy sản",
    "Tạp hóa",
    "Quần áo",
    "Gạo",
    "Đồ khô",
];

/// "Chợ số": two markets and a cooperative, their traders living across the ward, each step
/// of 4T reached by some: one market past the cashless threshold, the others on their way.
async fn markets(
    tx: &mut sqlx::PgConnection,
    rng: &mut ChaCha8Rng,
    ward_code: i32,
    tdps: &[Uuid],
    today: NaiveDate,
) -> anyhow::Result<()> {
    if tdps.is_empty() {
        return Ok(());
    }
    for (name, kind, traders, cashless) in [
        ("Chợ dân sinh", "market", 24, 0.9),
        ("Chợ tạm ven đường", "market", 12, 0.5),
        ("Hợp tác xã rau an toàn", "cooperative", 10, 0.6),
    ] {
        let market = id(rng);
        sqlx::query!(
            "insert into markets (id, ward_code, name, kind) values ($1, $2, $3, $4)",
            market,
            ward_code,
            name,
            kind,
        )
        .execute(&mut *tx)
        .await?;
        for stall in 1..=traders {
            let tdp = tdps[rng.random_range(0..tdps.len())];
            let (family_name, female) = (family(rng), rng.random_bool(0.7));
            let trader = person(rng, family_name, female);
            let mut day = |p: f64| {
                rng.random_bool(p)
                    .then(|| today - Days::new(rng.random_range(1..=300)))
            };
            let (trained, ecommerce, paid, savings) = (day(0.9), day(0.3), day(cashless), day(0.4));
            sqlx::query!(
                "insert into stalls (id, market_id, ward_code, tdp_id, trader_name, stall_code,
                                     goods, trained_on, ecommerce_on, cashless_on, savings_on)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                id(rng),
                market,
                ward_code,
                tdp,
                trader,
                format!("{}-{stall:02}", if kind == "market" { "S" } else { "HX" }),
                pick(rng, &GOODS),
                trained,
                ecommerce,
                paid,
                savings,
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

/// Classes and help points around today, so the schedule is never empty: each of the first
/// TDPs holds a class in the coming days and held one last week, whose attendance was taken
/// but whose learning its organiser has still to confirm; the ward runs a mobile help point on
/// Saturday morning and a party-cell session next week.
async fn activities(
    tx: &mut sqlx::PgConnection,
    rng: &mut ChaCha8Rng,
    ward_code: i32,
    tdps: &[Uuid],
    skills: &[Uuid],
    today: NaiveDate,
) -> anyhow::Result<()> {
    // Vietnam's wall clock, as the ward schedules.
    let at = |day: NaiveDate, hour: u32, minute: u32| {
        domain::time::instant(
            day,
            NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time"),
        )
    };
    let topic = |i: usize| skills.get(i).copied().into_iter().collect::<Vec<Uuid>>();
    let saturday = today + Days::new(u64::from((12 - today.weekday().num_days_from_monday()) % 7));
    let mut planned = vec![
        (
            None,
            "mobile_help_point",
            "Bình dân học vụ số lưu động: VNeID và dịch vụ công".to_owned(),
            "Sân UBND phường".to_owned(),
            at(saturday, 7, 30),
            240,
            "Đoàn Thanh niên phường".to_owned(),
            [topic(1), topic(2)].concat(),
            None,
            false,
        ),
        (
            None,
            "party_cell_session",
            "Sinh hoạt chuyên đề: Đảng viên tiên phong học tập kỹ năng số".to_owned(),
            "Hội trường UBND phường".to_owned(),
            at(today + Days::new(7), 8, 0),
            120,
            "Đảng uỷ phường".to_owned(),
            topic(8),
            Some(120),
            false,
        ),
    ];
    for (i, tdp) in tdps.iter().take(6).enumerate() {
        let n = i + 1;
        planned.push((
            Some(*tdp),
            "elderly_class",
            format!("Cài và dùng VNeID cho người cao tuổi – tổ {n}"),
            format!("Nhà văn hoá tổ {n}"),
            at(today + Days::new(1 + i as u64 % 5), 19, 30),
            90,
            format!("Tổ công nghệ số tổ {n}"),
            topic(1),
            Some(30),
            false,
        ));
        planned.push((
            Some(*tdp),
            "community_class",
            format!("Thanh toán bằng mã QR – tổ {n}"),
            format!("Nhà văn hoá tổ {n}"),
            at(today - Days::new(2 + i as u64 % 3), 19, 30),
            90,
            format!("Tổ công nghệ số tổ {n}"),
            topic(4),
            Some(25),
            true,
        ));
    }
    for (tdp, kind, title, place, starts, minutes, organiser, topics, capacity, held) in planned {
        let activity = id(rng);
        sqlx::query!(
            "insert into activities (id, ward_code, tdp_id, kind, title, place, starts_at, ends_at,
                                     organiser, capacity)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            activity,
            ward_code,
            tdp,
            kind,
            title,
            place,
            starts,
            starts + chrono::TimeDelta::minutes(minutes),
            organiser,
            capacity,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "insert into activity_topics (activity_id, skill_id) select $1, unnest($2::uuid[])",
            activity,
            &topics,
        )
        .execute(&mut *tx)
        .await?;
        if held {
            sqlx::query!(
                "insert into attendance (activity_id, resident_id)
                 select $1, id from residents where tdp_id = $2 and birth_year <= $3
                 order by id limit 8",
                activity,
                tdp,
                today.year() - 18,
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

/// A week of the rapid-response team's work: tickets resolved, in progress and waiting, about
/// households and about a place. The first TDP's are opened by its volunteer, the others' by
/// the ward's admin on a team's behalf.
async fn tickets(
    tx: &mut sqlx::PgConnection,
    rng: &mut ChaCha8Rng,
    ward_code: i32,
    tdps: &[Uuid],
    skills: &[Uuid],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if tdps.is_empty() {
        return Ok(());
    }
    let user = async |tx: &mut sqlx::PgConnection, role: Role| {
        sqlx::query_scalar!(
            "select user_id from role_grants where ward_code = $1 and role = $2",
            ward_code,
            role.as_str()
        )
        .fetch_one(tx)
        .await
    };
    let volunteer = user(&mut *tx, Role::Volunteer).await?;
    let admin = user(&mut *tx, Role::WardAdmin).await?;
    let responder = user(&mut *tx, Role::Responder).await?;
    // Counted back from now, so that nothing was opened or resolved in the future.
    let ago = |hours: i64| now - chrono::TimeDelta::hours(hours);
    let skill = |i: usize| skills.get(i).copied();
    // (TDP, about a household, skill, title, opened, taken on, resolved with a note)
    let planned = [
        (
            0,
            true,
            skill(1),
            "Không kích hoạt được VNeID mức 2: ảnh khuôn mặt không khớp",
            ago(120),
            Some(ago(118)),
            Some((
                ago(72),
                "Đưa bà ra công an phường cập nhật ảnh; đã kích hoạt được mức 2.",
            )),
        ),
        (
            1 % tdps.len(),
            true,
            skill(2),
            "Không nộp được hồ sơ trên Cổng dịch vụ công: báo lỗi ký số",
            ago(34),
            Some(ago(22)),
            None,
        ),
        (
            2 % tdps.len(),
            true,
            skill(4),
            "Ứng dụng ngân hàng báo lỗi khi quét mã QR thanh toán",
            ago(2),
            None,
            None,
        ),
        (
            0,
            false,
            None,
            "Wi-Fi nhà văn hoá yếu, không tải được VNeID khi hướng dẫn",
            ago(10),
            None,
            None,
        ),
        (
            3 % tdps.len(),
            true,
            skill(1),
            "Điện thoại cũ (Android 7) không cài được VNeID",
            ago(216),
            Some(ago(214)),
            Some((
                ago(190),
                "Máy không nâng cấp được; con trai cài VNeID trên máy mới và hướng dẫn bà dùng.",
            )),
        ),
        (
            4 % tdps.len(),
            true,
            skill(1),
            "Quên mật khẩu VNeID, không nhận được mã OTP",
            ago(20),
            None,
            None,
        ),
    ];
    for (i, household, skill, title, opened, taken, resolved) in planned {
        let tdp = tdps[i];
        let opener = if i == 0 { volunteer } else { admin };
        let (household, resident, place) = if household {
            let h = sqlx::query!(
                r#"select h.id, (select r.id from residents r where r.household_id = h.id
                                 order by r.birth_year, r.id limit 1) as resident
                   from households h where h.tdp_id = $1 order by h.id limit 1"#,
                tdp
            )
            .fetch_one(&mut *tx)
            .await?;
            (Some(h.id), h.resident, None)
        } else {
            (None, None, Some("Nhà văn hoá tổ dân phố"))
        };
        let ticket = id(rng);
        let status = match (taken, resolved) {
            (_, Some(_)) => "resolved",
            (Some(_), None) => "in_progress",
            (None, None) => "open",
        };
        sqlx::query!(
            "insert into tickets (id, ward_code, tdp_id, household_id, resident_id, place,
                                  skill_id, title, status, assignee_id, opened_by, opened_at,
                                  resolved_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            ticket,
            ward_code,
            tdp,
            household,
            resident,
            place,
            skill,
            title,
            status,
            taken.map(|_| responder),
            opener,
            opened,
            resolved.map(|(at, _)| at),
        )
        .execute(&mut *tx)
        .await?;
        let mut events = vec![(opened, opener, "opened", Some("open"), None, None)];
        if let Some(taken) = taken {
            events.push((taken, responder, "assigned", None, Some(responder), None));
            let next_minute = taken + chrono::TimeDelta::minutes(1);
            events.push((
                next_minute,
                responder,
                "status",
                Some("in_progress"),
                None,
                None,
            ));
        }
        if let Some((at, note)) = resolved {
            events.push((at, responder, "status", Some("resolved"), None, Some(note)));
        }
        for (at, author, kind, status, assignee, text) in events {
            sqlx::query!(
                "insert into ticket_events (id, ticket_id, at, author_id, kind, status,
                                            assignee_id, text)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
                id(rng),
                ticket,
                at,
                author,
                kind,
                status,
                assignee,
                text,
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}
