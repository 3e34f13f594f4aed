//! Reading what the phone keeps, for when the server cannot be reached, and keeping what the
//! server sends on each pull. The answers have the API's own types, so pages do not know
//! which of the two they were given.

use std::collections::HashSet;
use std::future::Future;

use domain::api::{
    Activity, ActivityDetail, Attendee, Briefing, Dashboard, DuplicateCheck, FieldChange,
    Household, HouseholdFilter, HouseholdSummary, LikelyDuplicates, Market, MarketSummary,
    ModelSettings, ResidentHit, ResidentSummary, SearchResults, Skill, SkillStatus, Stall,
    SyncChanges, Tdp, TdpDetail, VisitCorrection, VisitVoiding, Ward,
};
use domain::text::fold;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::OutboxEntry;
use super::store::{
    self, ACTIVITIES, BRIEFINGS, Change, HOUSEHOLDS, MARKETS, OUTBOX, PERSON, TDPS, WARDS,
};
use crate::api::ApiError;

/// What the phone keeps of one ward besides its households.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WardCopy {
    pub ward: Ward,
    pub skills: Vec<Skill>,
    /// What the ward's models ask; absent from copies kept before the models were.
    #[serde(default)]
    pub models: Option<ModelSettings>,
    /// The last pull's cursor.
    pub cursor: String,
    /// The TDPs whose households are kept.
    pub tdps: Vec<Uuid>,
    /// The last dashboard seen online (figures only, no names).
    pub dashboard: Option<Dashboard>,
    /// The ward's markets as last listed online; absent until the list was read.
    #[serde(default)]
    pub markets: Option<Vec<MarketSummary>>,
}

/// The server's answer, or when there was none (offline) what the phone keeps, if it keeps
/// it. Any other failure is the server's to tell.
pub async fn or<T, F>(answer: Result<T, ApiError>, local: impl FnOnce() -> F) -> Result<T, ApiError>
where
    F: Future<Output = Option<T>>,
{
    match answer {
        Err(ApiError::Network) => local().await.ok_or(ApiError::Network),
        answer => answer,
    }
}

/// The key, in the person's own store, of the households they were last sent to.
const MY_HOUSEHOLDS: &str = "my_households";

/// The households the person was sent to (the server's list, or offline the one last read),
/// less those visited on this phone since: their visits wait in the outbox.
pub async fn my_households(
    answer: Result<Vec<HouseholdSummary>, ApiError>,
) -> Result<Vec<HouseholdSummary>, ApiError> {
    if let Ok(list) = &answer
        && let Ok(change) = Change::put(PERSON, MY_HOUSEHOLDS, list)
    {
        let _ = store::write(vec![change]).await;
    }
    let mut list = or(answer, || async {
        store::get::<Vec<HouseholdSummary>>(PERSON, MY_HOUSEHOLDS)
            .await
            .ok()
            .flatten()
    })
    .await?;
    let outbox: Vec<OutboxEntry> = store::all(OUTBOX).await.unwrap_or_default();
    list.retain(|h| {
        !outbox
            .iter()
            .any(|e| matches!(&e.change.change, FieldChange::Visit(v) if v.household_id == h.id))
    });
    Ok(list)
}

pub async fn ward_copy(ward: i32) -> Option<WardCopy> {
    store::get(WARDS, &ward.to_string()).await.ok().flatten()
}

pub async fn household(id: Uuid) -> Option<Household> {
    // All of them: a resident moved here on this phone comes from another.
    households().await?.into_iter().find(|h| h.id == id)
}

/// A resident as the phone's copy of their household has them, with that household and the
/// skills of the ward's catalogue they achieved.
pub async fn resident(id: Uuid) -> Option<(Household, ResidentSummary, Vec<Skill>)> {
    let (household, resident) = households().await?.into_iter().find_map(|h| {
        let r = h.residents.iter().find(|r| r.id == id)?.clone();
        Some((h, r))
    })?;
    let achieved = skills(household.tdp.ward_code)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|s| resident.achieved.contains(&s.code))
        .collect();
    Some((household, resident, achieved))
}

pub async fn tdp(id: Uuid) -> Option<TdpDetail> {
    store::get(TDPS, &id.to_string()).await.ok().flatten()
}

/// The ward's TDPs the phone keeps: the person's own.
pub async fn tdps(ward: i32) -> Option<Vec<Tdp>> {
    let copy = ward_copy(ward).await?;
    let mut kept = Vec::with_capacity(copy.tdps.len());
    for id in copy.tdps {
        kept.push(tdp(id).await?.tdp);
    }
    Some(kept)
}

pub async fn skills(ward: i32) -> Option<Vec<Skill>> {
    ward_copy(ward).await.map(|c| c.skills)
}

pub async fn models(ward: i32) -> Option<ModelSettings> {
    ward_copy(ward).await.and_then(|c| c.models)
}

pub async fn wards() -> Option<Vec<Ward>> {
    let copies: Vec<WardCopy> = store::all(WARDS).await.ok()?;
    Some(copies.into_iter().map(|c| c.ward).collect())
}

pub async fn dashboard(ward: i32) -> Option<Dashboard> {
    ward_copy(ward).await.and_then(|c| c.dashboard)
}

/// Keeps the dashboard just seen, for opening it offline, in a ward the phone keeps.
pub async fn keep_dashboard(dashboard: &Dashboard) {
    if let Some(mut copy) = ward_copy(dashboard.ward.code).await {
        copy.dashboard = Some(dashboard.clone());
        if let Ok(change) = Change::put(WARDS, copy.ward.code, &copy) {
            let _ = store::write(vec![change]).await;
        }
    }
}

pub async fn markets(ward: i32) -> Option<Vec<MarketSummary>> {
    ward_copy(ward).await.and_then(|c| c.markets)
}

/// Keeps the ward's markets just listed, for the list without signal, in a ward the phone
/// keeps.
pub async fn keep_markets(ward: i32, markets: &[MarketSummary]) {
    if let Some(mut copy) = ward_copy(ward).await {
        copy.markets = Some(markets.to_vec());
        if let Ok(change) = Change::put(WARDS, ward, &copy) {
            let _ = store::write(vec![change]).await;
        }
    }
}

/// A market as last read online, with the traders and 4T steps saved on this phone and not
/// yet sent.
pub async fn market(id: Uuid) -> Option<Market> {
    let mut market: Market = store::get(MARKETS, &id.to_string()).await.ok().flatten()?;
    for e in pending().await {
        if let FieldChange::Stall(s) = e.change.change
            && s.details.market_id == id
        {
            match market.stalls.iter_mut().find(|k| k.id == s.stall_id) {
                Some(kept) => kept.details = s.details,
                None => market.stalls.push(Stall {
                    id: s.stall_id,
                    details: s.details,
                }),
            }
        }
    }
    market
        .stalls
        .sort_by(|a, b| a.details.stall_code.cmp(&b.details.stall_code));
    Some(market)
}

/// Keeps a market just read online, for its page at the stalls without signal: only in a ward
/// the phone keeps, as its traders are people of the person's TDPs.
pub async fn keep_market(market: &Market) {
    if ward_copy(market.market.ward_code).await.is_some()
        && let Ok(change) = Change::put(MARKETS, market.market.id, market)
    {
        let _ = store::write(vec![change]).await;
    }
}

pub async fn briefing(ward: i32) -> Option<Briefing> {
    store::get(BRIEFINGS, &ward.to_string())
        .await
        .ok()
        .flatten()
}

/// Keeps the briefing just shown, for the projector to open offline.
pub async fn keep_briefing(briefing: &Briefing) {
    if let Ok(change) = Change::put(BRIEFINGS, briefing.ward.code, briefing) {
        let _ = store::write(vec![change]).await;
    }
}

async fn households() -> Option<Vec<Household>> {
    Some(with_pending(store::all(HOUSEHOLDS).await.ok()?).await)
}

/// What the phone keeps, with what was added or changed on this phone and not yet taken by the
/// server: its households, residents in them, their edits, departures and consent, guides and
/// visits voided. A change the server refused is on the sync page, not here.
async fn with_pending(mut kept: Vec<Household>) -> Vec<Household> {
    for e in &pending().await {
        match &e.change.change {
            FieldChange::Household(h) if !kept.iter().any(|k| k.id == e.change.id) => {
                // Its TDP is one the phone keeps, or the form would not have offered it.
                let Some(detail) = tdp(h.tdp_id).await else {
                    continue;
                };
                kept.push(Household {
                    id: e.change.id,
                    tdp: detail.tdp,
                    address: h.address.trim().to_owned(),
                    head_name: h.head_name.trim().to_owned(),
                    priority: h.priority,
                    location: h.location,
                    residents: Vec::new(),
                    guide_id: None,
                    visits: Vec::new(),
                    version: 1,
                    note: String::new(),
                });
            }
            FieldChange::Resident(r) => {
                let Some(home) = kept.iter_mut().find(|k| k.id == r.household_id) else {
                    continue;
                };
                if !home.residents.iter().any(|k| k.id == e.change.id) {
                    home.residents.push(ResidentSummary {
                        id: e.change.id,
                        household_id: r.household_id,
                        full_name: domain::text::tidy_name(&r.full_name),
                        birth_year: r.birth_year,
                        gender: r.gender,
                        achieved: Vec::new(),
                        consent_withdrawn: false,
                        departure: None,
                        version: 1,
                        note: String::new(),
                    });
                }
            }
            FieldChange::Guide(g) => {
                if let Some(h) = kept.iter_mut().find(|h| h.id == g.household_id) {
                    h.guide_id = g.resident_id;
                }
            }
            FieldChange::VoidVisit(VisitVoiding { visit_id, .. })
            | FieldChange::CorrectVisit(VisitCorrection { visit_id, .. }) => {
                // A correction's visit is shown with the visits not yet sent.
                for h in &mut kept {
                    h.visits.retain(|visit| visit.id != *visit_id);
                }
            }
            FieldChange::HouseholdEdit(edit) => {
                if let Some(h) = kept.iter_mut().find(|h| h.id == edit.household_id) {
                    edit.fields.apply_to(h);
                }
            }
            FieldChange::ResidentEdit(edit) => {
                let resident = kept
                    .iter_mut()
                    .flat_map(|h| h.residents.iter_mut())
                    .find(|r| r.id == edit.resident_id);
                if let Some(r) = resident {
                    edit.fields.apply_to(r);
                }
                if let Some(to) = edit.fields.household_id {
                    move_resident(&mut kept, edit.resident_id, to);
                }
            }
            FieldChange::Consent(c) => {
                let resident = kept
                    .iter_mut()
                    .flat_map(|h| h.residents.iter_mut())
                    .find(|r| r.id == c.resident_id);
                if let Some(r) = resident {
                    r.consent_withdrawn = !c.given;
                }
            }
            FieldChange::ResidentDeparture(d) => {
                let resident = kept
                    .iter_mut()
                    .flat_map(|h| h.residents.iter_mut())
                    .find(|r| r.id == d.resident_id);
                if let Some(r) = resident {
                    r.departure = d.departure;
                }
            }
            _ => {}
        }
    }
    kept
}

/// The changes on the phone the server has not taken and not refused, oldest first.
async fn pending() -> Vec<OutboxEntry> {
    let outbox: Vec<OutboxEntry> = store::all(OUTBOX).await.unwrap_or_default();
    let mut pending: Vec<OutboxEntry> =
        outbox.into_iter().filter(|e| e.problem.is_none()).collect();
    pending.sort_by_key(|e| e.change.made_at);
    pending
}

/// Moves a resident between the phone's households, as the server will: the household they
/// leave loses them as its guide. Moved to a household the phone does not keep, they leave
/// its copy.
fn move_resident(kept: &mut [Household], id: Uuid, to: Uuid) {
    let Some((from, i)) = kept.iter_mut().filter(|h| h.id != to).find_map(|h| {
        let i = h.residents.iter().position(|r| r.id == id)?;
        Some((h, i))
    }) else {
        return;
    };
    let mut resident = from.residents.remove(i);
    if from.guide_id == Some(id) {
        from.guide_id = None;
    }
    if let Some(home) = kept.iter_mut().find(|h| h.id == to) {
        resident.household_id = to;
        home.residents.push(resident);
    }
}

/// An activity the phone keeps, with the attendance taken on it and not yet sent.
pub async fn activity(id: Uuid) -> Option<ActivityDetail> {
    let mut detail: ActivityDetail = store::get(ACTIVITIES, &id.to_string()).await.ok()??;
    let outbox: Vec<OutboxEntry> = store::all(OUTBOX).await.unwrap_or_default();
    let mut pending: Vec<OutboxEntry> = outbox
        .into_iter()
        .filter(|e| e.problem.is_none())
        .filter(|e| match &e.change.change {
            FieldChange::Attendance(a) => a.activity_id == id,
            FieldChange::Learning(l) => l.activity_id == id,
            _ => false,
        })
        .collect();
    pending.sort_by_key(|e| e.change.made_at);
    let people = households().await.unwrap_or_default();
    for e in pending {
        let a = match e.change.change {
            FieldChange::Attendance(a) => a,
            FieldChange::Learning(l) => {
                // As the server will: the attendees ticked achieved, the others on their way.
                for x in &mut detail.attendees {
                    x.outcome = Some(if l.achieved.contains(&x.resident_id) {
                        SkillStatus::Achieved
                    } else {
                        SkillStatus::InProgress
                    });
                }
                detail.activity.confirmed_at = Some(e.change.made_at);
                continue;
            }
            _ => continue,
        };
        let before = detail.attendees.len();
        detail
            .attendees
            .retain(|x| !a.removed.contains(&x.resident_id));
        for id in &a.added {
            if detail.attendees.iter().any(|x| x.resident_id == *id) {
                continue;
            }
            let found = people
                .iter()
                .flat_map(|h| h.residents.iter().map(move |r| (h, r)))
                .find(|(_, r)| r.id == *id);
            if let Some((h, r)) = found {
                detail.attendees.push(Attendee {
                    resident_id: r.id,
                    full_name: r.full_name.clone(),
                    birth_year: r.birth_year,
                    household_address: h.address.clone(),
                    tdp_name: h.tdp.name.clone(),
                    outcome: None,
                });
            }
        }
        detail.activity.attendees += detail.attendees.len() as i64 - before as i64;
        if let Some(n) = a.unregistered {
            detail.activity.unregistered = n;
        }
    }
    Some(detail)
}

/// The ward's activities the phone keeps that overlap `from` to `to` (whole days in
/// Vietnam), earliest first, as the schedule lists them.
pub async fn activities(
    ward: i32,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Option<Vec<Activity>> {
    let kept: Vec<ActivityDetail> = store::all(ACTIVITIES).await.ok()?;
    let (start, end) = (
        domain::time::start_of(from),
        domain::time::start_of(to.succ_opt()?),
    );
    let mut list: Vec<Activity> = kept
        .into_iter()
        .map(|d| d.activity)
        .filter(|a| a.ward_code == ward && a.ends_at >= start && a.starts_at < end)
        .collect();
    list.sort_by_key(|a| (a.starts_at, a.id));
    Some(list)
}

/// A household as lists show it; whether it is "Gia đình số" needs the ward's settings.
fn summary(h: &Household, models: Option<&ModelSettings>) -> HouseholdSummary {
    HouseholdSummary {
        id: h.id,
        tdp_id: h.tdp.id,
        tdp_name: h.tdp.name.clone(),
        address: h.address.clone(),
        head_name: h.head_name.clone(),
        priority: h.priority,
        residents: h.residents.len() as i64,
        last_visit: h.visits.iter().map(|v| v.visited_on).max(),
        digital_family: models
            .is_some_and(|m| domain::models::family(&h.residents, h.guide_id, m).is_digital()),
        // The phone keeps no assignments: the team leader's list is read online.
        assigned_to: None,
    }
}

/// A TDP's households as the server lists them (priority first, then never visited, then by
/// address, narrowed by `show` with the same rules), over the households the phone keeps.
pub async fn tdp_households(
    tdp: Uuid,
    show: HouseholdFilter,
    offset: usize,
    limit: usize,
) -> Option<Vec<HouseholdSummary>> {
    let kept = households().await?;
    let ward = kept.iter().find(|h| h.tdp.id == tdp)?.tdp.ward_code;
    let models = models(ward).await;
    let year = chrono::Datelike::year(&crate::format::today());
    let missing_identity = |h: &Household| {
        models.as_ref().is_some_and(|m| {
            let (have, counted) = domain::models::household_identity(&h.residents, m, year);
            have < counted
        })
    };
    let mut list: Vec<(bool, bool, String, HouseholdSummary)> = kept
        .iter()
        .filter(|h| h.tdp.id == tdp)
        .filter(|h| show != HouseholdFilter::MissingIdentity || missing_identity(h))
        .map(|h| summary(h, models.as_ref()))
        .filter(|s| match show {
            HouseholdFilter::All | HouseholdFilter::MissingIdentity => true,
            HouseholdFilter::NotVisited => s.last_visit.is_none(),
            HouseholdFilter::NotDigital => !s.digital_family,
        })
        .map(|s| {
            let key = fold(&format!("{} {}", s.address, s.head_name));
            (!s.priority.any(), s.last_visit.is_some(), key, s)
        })
        .collect();
    list.sort_by(|a, b| (a.0, a.1, &a.2, a.3.id).cmp(&(b.0, b.1, &b.2, b.3.id)));
    Some(
        list.into_iter()
            .skip(offset)
            .take(limit)
            .map(|(.., s)| s)
            .collect(),
    )
}

/// The same search as the server's (every word of the query, accents ignored), over the
/// households the phone keeps.
pub async fn search(ward: i32, q: &str) -> Option<SearchResults> {
    const LIMIT: usize = 20;
    let q = fold(q.trim());
    let all = households().await?;
    let models = models(ward).await;
    let in_ward = || all.iter().filter(move |h| h.tdp.ward_code == ward);
    let mut found: Vec<(String, HouseholdSummary)> = in_ward()
        .map(|h| (fold(&format!("{} {}", h.address, h.head_name)), h))
        .filter(|(key, _)| key.contains(&q))
        .map(|(key, h)| (key, summary(h, models.as_ref())))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let mut residents: Vec<(String, ResidentHit)> = in_ward()
        .flat_map(|h| h.residents.iter().map(move |r| (h, r)))
        .map(|(h, r)| (fold(&r.full_name), h, r))
        .filter(|(key, ..)| key.contains(&q))
        .map(|(key, h, r)| {
            let hit = ResidentHit {
                id: r.id,
                full_name: r.full_name.clone(),
                birth_year: r.birth_year,
                household_id: h.id,
                household_address: h.address.clone(),
                tdp_name: h.tdp.name.clone(),
            };
            (key, hit)
        })
        .collect();
    residents.sort_by(|a, b| a.0.cmp(&b.0));
    Some(SearchResults {
        households: found.into_iter().take(LIMIT).map(|(_, s)| s).collect(),
        residents: residents.into_iter().take(LIMIT).map(|(_, r)| r).collect(),
    })
}

/// The same check as the server's (`domain::duplicates`), over the households the phone keeps
/// and those added on it: residents of the ward, those of the TDP first, and households of the
/// TDP.
pub async fn duplicates(ward: i32, check: &DuplicateCheck) -> Option<LikelyDuplicates> {
    let all = households().await?;
    let models = models(ward).await;
    let mut residents: Vec<(bool, ResidentHit)> = all
        .iter()
        .filter(|h| h.tdp.ward_code == ward)
        .flat_map(|h| h.residents.iter().map(move |r| (h, r)))
        .filter(|(_, r)| match (&check.full_name, check.birth_year) {
            (Some(name), Some(year)) => {
                domain::duplicates::same_person(name, year, &r.full_name, r.birth_year)
            }
            _ => false,
        })
        .map(|(h, r)| {
            let hit = ResidentHit {
                id: r.id,
                full_name: r.full_name.clone(),
                birth_year: r.birth_year,
                household_id: h.id,
                household_address: h.address.clone(),
                tdp_name: h.tdp.name.clone(),
            };
            (h.tdp.id != check.tdp_id, hit)
        })
        .collect();
    residents.sort_by_key(|(elsewhere, _)| *elsewhere);
    let households = all
        .iter()
        .filter(|h| h.tdp.id == check.tdp_id)
        .filter(|h| {
            check
                .address
                .as_deref()
                .is_some_and(|a| domain::duplicates::same_address(a, &h.address))
        })
        .map(|h| summary(h, models.as_ref()))
        .collect();
    Some(LikelyDuplicates {
        households,
        residents: residents.into_iter().map(|(_, r)| r).collect(),
    })
}

/// Keeps what a pull brought, in one transaction: changed households replace their old copy,
/// households merged into another or of TDPs the person is no longer on the team of are
/// forgotten, and the ward's activities are replaced.
pub async fn keep(changes: SyncChanges) -> store::Result<()> {
    let code = changes.ward.code;
    let old = ward_copy(code).await;
    let tdps: Vec<Uuid> = changes.tdps.iter().map(|t| t.tdp.id).collect();
    let mut writes = Vec::new();
    let same_tdps = old.as_ref().is_some_and(|o| o.tdps == tdps);
    if changes.full || !same_tdps {
        let keep: HashSet<Uuid> = tdps.iter().copied().collect();
        let stale = store::all::<Household>(HOUSEHOLDS)
            .await?
            .into_iter()
            .filter(|h| h.tdp.ward_code == code && (changes.full || !keep.contains(&h.tdp.id)));
        writes.extend(stale.map(|h| Change::Delete(HOUSEHOLDS, h.id.to_string())));
        if let Some(old) = &old {
            writes.extend(
                old.tdps
                    .iter()
                    .filter(|t| !keep.contains(t))
                    .map(|t| Change::Delete(TDPS, t.to_string())),
            );
        }
    }
    for h in &changes.households {
        writes.push(Change::put(HOUSEHOLDS, h.id, h)?);
    }
    for id in &changes.merged_households {
        writes.push(Change::Delete(HOUSEHOLDS, id.to_string()));
    }
    for t in &changes.tdps {
        writes.push(Change::put(TDPS, t.tdp.id, t)?);
    }
    // Each pull sends the ward's activities whole: those it no longer sends are over.
    let stale = store::all::<ActivityDetail>(ACTIVITIES)
        .await?
        .into_iter()
        .filter(|d| d.activity.ward_code == code);
    writes.extend(stale.map(|d| Change::Delete(ACTIVITIES, d.activity.id.to_string())));
    for d in &changes.activities {
        writes.push(Change::put(ACTIVITIES, d.activity.id, d)?);
    }
    let (dashboard, markets) = old.map(|o| (o.dashboard, o.markets)).unwrap_or_default();
    let copy = WardCopy {
        ward: changes.ward,
        skills: changes.skills,
        models: Some(changes.models),
        cursor: changes.cursor,
        tdps,
        dashboard,
        markets,
    };
    writes.push(Change::put(WARDS, code, &copy)?);
    store::write(writes).await
}
