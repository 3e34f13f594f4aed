//! Campaigns and their burn-up: what was achieved each day against the line to the target.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::FieldCode;
use domain::api::{
    Campaign, CampaignProgress, CampaignStanding, CampaignTarget, CampaignTdp, IndicatorBurnUp,
    IndicatorStanding,
};
use domain::campaigns::{HOUSEHOLDS_VISITED, burn_up};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::{Error, Result};
/// The ward's campaigns (or the one `only`), latest first.
pub async fn campaigns(db: &PgPool, ward: i32, only: Option<Uuid>) -> Result<Vec<Campaign>> {
    let rows = sqlx::query!(
        r#"select c.id, c.ward_code, c.name, c.starts_on, c.ends_on,
                  coalesce((select array_agg(t.tdp_id order by t.tdp_id) from campaign_tdps t
                            where t.campaign_id = c.id), '{}') as "tdp_ids!",
                  coalesce((select array_agg(g.indicator order by g.position)
                            from campaign_targets g where g.campaign_id = c.id), '{}')
                      as "indicators!",
                  coalesce((select array_agg(g.target order by g.position)
                            from campaign_targets g where g.campaign_id = c.id), '{}')
                      as "targets!"
           from campaigns c
           where c.ward_code = $1 and ($2::uuid is null or c.id = $2)
           order by c.starts_on desc, c.id"#,
        ward,
        only,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| Campaign {
            id: c.id,
            ward_code: c.ward_code,
            name: c.name,
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            tdp_ids: c.tdp_ids,
            targets: c
                .indicators
                .into_iter()
                .zip(c.targets)
                .map(|(indicator, target)| CampaignTarget { indicator, target })
                .collect(),
        })
        .collect())
}

/// A TDP in a campaign's scope, with what its share of a target is weighed by.
struct ScopeTdp {
    id: Uuid,
    name: String,
    households_registered: i32,
    adults_registered: i32,
}

/// The ward's campaigns running `today`, each indicator against its target and the straight
/// line to it: for the projector and the weekly report.
pub async fn standings(db: &PgPool, ward: i32, today: NaiveDate) -> Result<Vec<CampaignStanding>> {
    let mut out = Vec::new();
    for c in campaigns(db, ward, None).await? {
        if !matches!(
            domain::campaigns::phase(c.starts_on, c.ends_on, today),
            domain::campaigns::Phase::Running(_)
        ) {
            continue;
        }
        let p = progress(db, c, None, today).await?;
        out.push(CampaignStanding {
            name: p.campaign.name,
            starts_on: p.campaign.starts_on,
            ends_on: p.campaign.ends_on,
            indicators: p
                .indicators
                .into_iter()
                .map(|i| IndicatorStanding {
                    expected: i
                        .days
                        .iter()
                        .find(|d| d.day == today)
                        .map_or(0.0, |d| d.line),
                    name_vi: i.name_vi,
                    name_en: i.name_en,
                    achieved: i.achieved,
                    target: i.target,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// A campaign's burn-up per indicator for its scope, or `tdp` of it, and each TDP's results,
/// as they stand `today`.
pub async fn progress(
    db: &PgPool,
    campaign: Campaign,
    tdp: Option<Uuid>,
    today: NaiveDate,
) -> Result<CampaignProgress> {
    let ward = campaign.ward_code;
    let tdps: Vec<ScopeTdp> = sqlx::query_as!(
        ScopeTdp,
        "select id, name, households_registered, adults_registered from tdps
         where ward_code = $1 and (cardinality($2::uuid[]) = 0 or id = any($2))
         order by code",
        ward,
        &campaign.tdp_ids,
    )
    .fetch_all(db)
    .await?;
    if tdp.is_some_and(|t| !tdps.iter().any(|s| s.id == t)) {
        return Err(Error::field("tdp", FieldCode::UnknownReference));
    }
    let ids: Vec<Uuid> = tdps.iter().map(|t| t.id).collect();
    let (from, to) = (campaign.starts_on, campaign.ends_on);
    // New achievements per TDP, indicator and day.
    let mut daily: HashMap<(Uuid, String), Vec<(NaiveDate, i64)>> = HashMap::new();
    for r in sqlx::query!(
        r#"select tdp_id, first_day as "day!", count(*) as "n!" from (
               select household_id, tdp_id, min(visited_on) as first_day from visits
               where ward_code = $1 and tdp_id = any($2) and visited_on between $3 and $4
               group by household_id, tdp_id) first
           group by tdp_id, first_day"#,
        ward,
        &ids,
        from,
        to,
    )
    .fetch_all(db)
    .await?
    {
        daily
            .entry((r.tdp_id, HOUSEHOLDS_VISITED.to_owned()))
            .or_default()
            .push((r.day, r.n));
    }
    for r in sqlx::query!(
        r#"select rs.tdp_id, s.code, rs.since, count(*) as "n!"
           from resident_skills rs join skills s on s.id = rs.skill_id
           where s.ward_code = $1 and rs.tdp_id = any($2) and rs.status = 'achieved'
               and rs.since between $3 and $4
           group by rs.tdp_id, s.code, rs.since"#,
        ward,
        &ids,
        from,
        to,
    )
    .fetch_all(db)
    .await?
    {
        daily
            .entry((r.tdp_id, r.code))
            .or_default()
            .push((r.since, r.n));
    }
    let names: HashMap<String, (String, String)> = sqlx::query!(
        "select code, name_vi, name_en from skills where ward_code = $1",
        ward
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| (s.code, (s.name_vi, s.name_en)))
    .collect();
    let days_of = |tdp: Uuid, indicator: &str| -> Vec<(NaiveDate, i64)> {
        daily
            .get(&(tdp, indicator.to_owned()))
            .cloned()
            .unwrap_or_default()
    };
    let so_far = |days: &[(NaiveDate, i64)]| -> i64 {
        days.iter()
            .filter(|(d, _)| *d <= today)
            .map(|(_, n)| n)
            .sum()
    };
    let indicators = campaign
        .targets
        .iter()
        .map(|t| {
            let weight = |s: &ScopeTdp| {
                f64::from(if t.indicator == HOUSEHOLDS_VISITED {
                    s.households_registered
                } else {
                    s.adults_registered
                })
            };
            let shown: Vec<&ScopeTdp> = tdps
                .iter()
                .filter(|s| tdp.is_none_or(|only| s.id == only))
                .collect();
            let total: f64 = tdps.iter().map(weight).sum();
            let target = match tdp {
                None => f64::from(t.target),
                Some(_) if total > 0.0 => {
                    f64::from(t.target) * shown.iter().map(|s| weight(s)).sum::<f64>() / total
                }
                Some(_) => f64::from(t.target) / tdps.len().max(1) as f64,
            };
            let days: Vec<(NaiveDate, i64)> = shown
                .iter()
                .flat_map(|s| days_of(s.id, &t.indicator))
                .collect();
            let (name_vi, name_en) = match names.get(&t.indicator) {
                Some(n) => n.clone(),
                None => (
                    "Hộ được đến thăm trong chiến dịch".to_owned(),
                    "Households visited during the campaign".to_owned(),
                ),
            };
            IndicatorBurnUp {
                indicator: t.indicator.clone(),
                name_vi,
                name_en,
                target,
                achieved: so_far(&days),
                days: burn_up(from, to, today, target, &days),
            }
        })
        .collect();
    let per_tdp = tdps
        .iter()
        .map(|s| CampaignTdp {
            tdp_id: s.id,
            tdp_name: s.name.clone(),
            achieved: campaign
                .targets
                .iter()
                .map(|t| so_far(&days_of(s.id, &t.indicator)))
                .collect(),
        })
        .collect();
    Ok(CampaignProgress {
        campaign,
        tdp_id: tdp,
        indicators,
        tdps: per_tdp,
    })
}
