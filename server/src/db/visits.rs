//! Visits with their volunteers and help.

use std::collections::HashMap;

use domain::api::{TeamMember, TeamRole, Visit};
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::residents::help_records;
use crate::error::Result;
/// Visits by id, newest first, with their volunteers and help.
pub async fn load(db: &PgPool, ids: &[Uuid]) -> Result<Vec<Visit>> {
    let rows = sqlx::query!(
        "select id, household_id, visited_on, satisfaction, note, recorded_at, recorded_by
         from visits
         where id = any($1) order by visited_on desc, recorded_at desc",
        ids
    )
    .fetch_all(db)
    .await?;
    let mut volunteers: HashMap<Uuid, Vec<_>> = HashMap::new();
    for m in sqlx::query!(
        r#"select vv.visit_id, m.id, m.tdp_id, m.full_name, m.role as "role: TeamRole", m.phone
           from visit_volunteers vv join team_members m on m.id = vv.team_member_id
           where vv.visit_id = any($1) order by m.full_name"#,
        ids
    )
    .fetch_all(db)
    .await?
    {
        volunteers.entry(m.visit_id).or_default().push(TeamMember {
            id: m.id,
            tdp_id: m.tdp_id,
            full_name: m.full_name,
            role: m.role,
            phone: m.phone,
        });
    }
    let mut help: HashMap<Uuid, Vec<_>> = HashMap::new();
    for h in help_records(db, None, ids).await? {
        help.entry(h.visit_id).or_default().push(h);
    }
    Ok(rows
        .into_iter()
        .map(|v| Visit {
            id: v.id,
            household_id: v.household_id,
            visited_on: v.visited_on,
            volunteers: volunteers.remove(&v.id).unwrap_or_default(),
            help: help.remove(&v.id).unwrap_or_default(),
            satisfaction: v.satisfaction,
            note: v.note,
            recorded_at: v.recorded_at,
            recorded_by: v.recorded_by,
        })
        .collect())
}

/// The visits to these households, newest first.
pub async fn for_households(db: &PgPool, households: &[Uuid]) -> Result<Vec<Visit>> {
    let ids = sqlx::query_scalar!(
        "select id from visits where household_id = any($1)",
        households
    )
    .fetch_all(db)
    .await?;
    load(db, &ids).await
}
