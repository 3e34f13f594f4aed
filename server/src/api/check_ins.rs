//! Check-in by QR code: the team shows an activity's code on the projector or a phone, and
//! attendees scan it and check themselves in — a first use of their phone for some. The page
//! they open needs no account: the code is the permission, and it ends an hour after the
//! activity does.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::access::Action;
use domain::api::{Activity, AuditAction, CheckIn, CheckInActivity, CheckInCode};
use domain::{ErrorBody, FieldCode};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::{Access, ClientAddress, new_token, token_hash};
use crate::db::activities::activity;
use crate::error::{Error, Json, Path, Query, Result};
use crate::limits::Limit;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_code))
        .routes(routes!(check_in_page, check_in))
}

/// How long after its end an activity's code still works: people check in as they leave.
const GRACE: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// A new check-in code for an activity, by anyone who records its attendance. Codes made
/// earlier keep working until they end. For an activity over for more than an hour, 422
/// `ends_at: expired`: a code would be dead on arrival.
#[utoipa::path(post, path = "/activities/{id}/check-in-codes", tag = "activities",
    params(("id" = Uuid, Path)),
    responses((status = 201, body = CheckInCode), (status = 422, body = ErrorBody)))]
async fn create_code(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<CheckInCode>)> {
    let activity = activity(&state.db, id).await?;
    access.ward(activity.ward_code, Action::ViewFigures)?;
    access.activity(&activity, Action::Record)?;
    let expires_at = activity.ends_at + GRACE;
    if expires_at <= state.now() {
        return Err(Error::field("ends_at", FieldCode::Expired));
    }
    let (token, hash) = new_token();
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "insert into check_in_codes (token_hash, activity_id, created_by, expires_at)
         values ($1, $2, $3, $4)",
        hash,
        id,
        access.user.id,
        expires_at,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(
        activity.ward_code,
        AuditAction::Create,
        "check_in_codes",
        id,
        &serde_json::json!({ "expires_at": expires_at }),
    )
    .await?;
    let url = format!(
        "{}{}",
        super::origin(&state),
        domain::pages::check_in(id, &token)
    );
    Ok((
        StatusCode::CREATED,
        Json(CheckInCode {
            qr_svg: super::qr_svg(&url)?,
            url,
            expires_at,
        }),
    ))
}

/// Whether `code` opens `activity` at `now`: unknown, another activity's, or expired codes are
/// refused as the `code` field.
async fn check_code(db: &PgPool, activity: Uuid, code: &str, now: DateTime<Utc>) -> Result<()> {
    let found = sqlx::query!(
        r#"select activity_id, expires_at > $2 as "live!"
           from check_in_codes where token_hash = $1"#,
        token_hash(code),
        now,
    )
    .fetch_optional(db)
    .await?;
    match found {
        None => Err(Error::field("code", FieldCode::UnknownReference)),
        Some(c) if c.activity_id != activity => Err(Error::field("code", FieldCode::OtherActivity)),
        Some(c) if !c.live => Err(Error::field("code", FieldCode::Expired)),
        Some(_) => Ok(()),
    }
}

async fn public_view(db: &PgPool, activity: Activity) -> Result<CheckInActivity> {
    let ward_name =
        sqlx::query_scalar!("select name from wards where code = $1", activity.ward_code)
            .fetch_one(db)
            .await?;
    Ok(CheckInActivity {
        ward_name,
        kind: activity.kind,
        title: activity.title,
        place: activity.place,
        starts_at: activity.starts_at,
        ends_at: activity.ends_at,
    })
}

/// A resident of the ward with the name (diacritics aside) and birth year given.
struct Candidate {
    id: Uuid,
    tdp_id: Uuid,
    full_name: String,
}

/// Who checked in, if one person of the register fits: the only one with that name and birth
/// year in the ward, or else in the activity's TDP, or else spelt exactly so (case aside).
/// Common names repeat across a ward of 30,000; nobody is guessed.
fn the_one(candidates: Vec<Candidate>, tdp: Option<Uuid>, typed: &str) -> Option<Uuid> {
    let typed = typed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let narrowings: [&dyn Fn(&Candidate) -> bool; 2] = [&|c| Some(c.tdp_id) == tdp, &|c| {
        c.full_name.to_lowercase() == typed
    }];
    let mut left = candidates;
    for keep in narrowings {
        if left.len() > 1 && left.iter().any(keep) {
            left.retain(keep);
        }
    }
    match left.as_slice() {
        [one] => Some(one.id),
        _ => None,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CodeQuery {
    /// The code from the QR code's link.
    code: String,
}

/// The activity a check-in code opens, for the check-in page: what and where, nobody's name.
#[utoipa::path(get, path = "/activities/{id}/check-in", tag = "activities",
    params(("id" = Uuid, Path), CodeQuery),
    security(()),
    responses((status = 200, body = CheckInActivity), (status = 429, body = ErrorBody)))]
async fn check_in_page(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(id): Path<Uuid>,
    Query(query): Query<CodeQuery>,
) -> ApiResult<CheckInActivity> {
    state
        .limits
        .check(Limit::CheckIn, address, Some(&id.to_string()))?;
    let activity = activity(&state.db, id).await?;
    check_code(&state.db, id, &query.code, state.now()).await?;
    Ok(Json(public_view(&state.db, activity).await?))
}

/// An attendee checks in with the activity's code. Someone the ward's register knows by name
/// (diacritics optional) and birth year — one person, no more — joins the attendees; anyone
/// else is counted among those not on the register. Either way the answer is the same, so it
/// tells nobody who is on the register; sent twice, it counts once.
#[utoipa::path(post, path = "/activities/{id}/check-in", tag = "activities",
    params(("id" = Uuid, Path)),
    request_body = CheckIn,
    security(()),
    responses((status = 201, body = CheckInActivity), (status = 429, body = ErrorBody)))]
async fn check_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(id): Path<Uuid>,
    Json(body): Json<CheckIn>,
) -> Result<(StatusCode, Json<CheckInActivity>)> {
    state
        .limits
        .check(Limit::CheckIn, address, Some(&id.to_string()))?;
    let activity = activity(&state.db, id).await?;
    domain::validate::check_in(&body, state.today()).map_err(Error::Validation)?;
    check_code(&state.db, id, &body.code, state.now()).await?;
    let candidates = sqlx::query_as!(
        Candidate,
        // Someone who withdrew their consent (or was erased) is counted as a guest, unnamed.
        "select r.id, r.tdp_id, r.full_name from residents r join tdps t on t.id = r.tdp_id
         where t.ward_code = $1 and r.name_search = $2 and r.birth_year = $3
             and r.consent_withdrawn_at is null and r.erased_at is null
         limit 50",
        activity.ward_code,
        domain::text::fold(&body.full_name),
        body.birth_year,
    )
    .fetch_all(&state.db)
    .await?;
    let resident = the_one(candidates, activity.tdp_id, &body.full_name);
    let mut tx = state.db.begin().await?;
    let new = sqlx::query!(
        "insert into check_ins (id, activity_id, resident_id) values ($1, $2, $3)
         on conflict (id) do nothing",
        body.id,
        id,
        resident,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if new {
        match resident {
            Some(resident) => {
                sqlx::query!(
                    "insert into attendance (activity_id, resident_id) values ($1, $2)
                     on conflict do nothing",
                    id,
                    resident,
                )
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query!(
                    "update activities set unregistered = least(unregistered + 1, 10000)
                     where id = $1",
                    id
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    } else {
        let same = sqlx::query_scalar!(
            r#"select exists(select 1 from check_ins where id = $1 and activity_id = $2) as "yes!""#,
            body.id,
            id,
        )
        .fetch_one(&mut *tx)
        .await?;
        if !same {
            return Err(Error::field("id", FieldCode::Duplicate));
        }
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(public_view(&state.db, activity).await?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(tdp: u128, name: &str) -> Candidate {
        Candidate {
            id: Uuid::now_v7(),
            tdp_id: Uuid::from_u128(tdp),
            full_name: name.to_owned(),
        }
    }

    #[test]
    fn only_one_fitting_person_is_taken() {
        let ours = Some(Uuid::from_u128(1));
        assert_eq!(the_one(vec![], ours, "Nguyễn Văn An"), None);
        let alone = person(2, "Nguyễn Văn An");
        let id = alone.id;
        assert_eq!(the_one(vec![alone], ours, "nguyen van an"), Some(id));
        // Two in the ward, one in the activity's TDP.
        let here = person(1, "Nguyễn Văn An");
        let id = here.id;
        assert_eq!(
            the_one(
                vec![person(2, "Nguyễn Văn An"), here],
                ours,
                "nguyen van an"
            ),
            Some(id)
        );
        // Two in the TDP, told apart by the tones typed.
        let an = person(1, "Nguyễn Văn An");
        let id = an.id;
        assert_eq!(
            the_one(
                vec![person(1, "Nguyễn Văn Ân"), an],
                ours,
                " nguyễn  văn an"
            ),
            Some(id)
        );
        // Two spelt the same: nobody is guessed.
        assert_eq!(
            the_one(
                vec![person(1, "Nguyễn Văn An"), person(1, "Nguyễn Văn An")],
                ours,
                "Nguyễn Văn An"
            ),
            None
        );
    }
}
