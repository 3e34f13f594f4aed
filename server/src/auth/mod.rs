//! Who is asking, and what they may do.
//!
//! Sessions are tower-sessions' (random 128-bit ids, kept in PostgreSQL) managed by
//! axum-login; passwords are argon2id. Every handler that touches a ward's data takes an
//! [`Access`], which only exists for a signed-in person with a live session, and asks it for
//! the record's place before reading or writing: the rules themselves are `domain::access`.

pub mod devices;
pub mod password;
pub mod store;
pub mod throttle;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder, AuthUser, AuthnBackend};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::FieldCode;
use domain::access::{Action, ProvinceAction, Reach, Role};
use domain::api::{Activity, Grant, Me, ProvinceGrant};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use sqlx::types::Json;
use store::PgStore;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use uuid::Uuid;

use crate::AppState;
use crate::error::{Error, Result};

/// How long sessions last. A volunteer's phone stays signed in across a week of evenings off;
/// every session ends a month after its sign-in whatever happens.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(7 * 24 * 3600),
            absolute: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// The session's keys besides axum-login's own.
const SIGNED_IN_AT: &str = "signed_in_at";
const SEEN_AT: &str = "seen_at";
/// Saving the session (which slides its idle expiry) at most this often spares a database
/// write on every request.
const TOUCH_EVERY: i64 = 3600;

pub type AuthSession = axum_login::AuthSession<Backend>;

/// Looks accounts up for axum-login.
#[derive(Clone)]
pub struct Backend {
    db: PgPool,
}

impl From<PgPool> for Backend {
    fn from(db: PgPool) -> Self {
        Self { db }
    }
}

/// A signed-in person with the roles they hold.
#[derive(Clone)]
pub struct User {
    pub id: Uuid,
    pub phone: String,
    pub full_name: String,
    pub grants: Vec<Grant>,
    pub provinces: Vec<ProvinceGrant>,
    /// Changes when the password changes or the sessions are ended: every session holding the
    /// old value is over.
    auth_hash: Vec<u8>,
}

/// The account by its id only: axum-login logs the user it authenticates (at debug level), and
/// no log line may hold a phone number, a name or the password's hash.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("grants", &self.grants)
            .field("provinces", &self.provinces)
            .finish_non_exhaustive()
    }
}

impl AuthUser for User {
    type Id = Uuid;

    fn id(&self) -> Uuid {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

impl User {
    pub fn me(&self) -> Me {
        Me {
            id: self.id,
            phone: self.phone.clone(),
            full_name: self.full_name.clone(),
            grants: self.grants.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Credentials {
    /// Already normalised.
    pub phone: String,
    pub password: String,
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = Error;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>> {
        let row = sqlx::query!(
            "select id, password_hash from users where phone = $1 and not disabled",
            creds.phone
        )
        .fetch_optional(&self.db)
        .await?;
        let (id, hash) = row.map_or((None, None), |r| (Some(r.id), r.password_hash));
        if password::verify(creds.password, hash).await?
            && let Some(id) = id
        {
            return self.get_user(&id).await;
        }
        Ok(None)
    }

    async fn get_user(&self, id: &Uuid) -> Result<Option<User>> {
        let Some(row) = sqlx::query!(
            r#"select u.id, u.phone, u.full_name, u.password_hash, u.session_generation,
                      coalesce((select jsonb_agg(to_jsonb(g) order by g.ward_code, g.role, g.tdp_code)
                                from named_grants g where g.user_id = u.id), '[]')
                          as "grants!: Json<Vec<Grant>>",
                      coalesce((select jsonb_agg(jsonb_build_object(
                                    'province_code', g.province_code, 'province_name', p.name,
                                    'role', g.role) order by g.province_code, g.role)
                                from province_grants g join provinces p on p.code = g.province_code
                                where g.user_id = u.id), '[]')
                          as "provinces!: Json<Vec<ProvinceGrant>>"
               from users u
               where u.id = $1 and not u.disabled and u.password_hash is not null"#,
            id
        )
        .fetch_optional(&self.db)
        .await?
        else {
            return Ok(None);
        };
        let mut hasher = Sha256::new();
        hasher.update(row.password_hash.unwrap_or_default());
        hasher.update(row.session_generation.to_le_bytes());
        Ok(Some(User {
            id: row.id,
            phone: row.phone,
            full_name: row.full_name,
            grants: row.grants.0,
            provinces: row.provinces.0,
            auth_hash: hasher.finalize().to_vec(),
        }))
    }
}

/// A person's roles, in every ward or in one.
pub async fn grants(db: &PgPool, user: Uuid, ward: Option<i32>) -> Result<Vec<Grant>> {
    Ok(grants_of(db, &[user], ward)
        .await?
        .remove(&user)
        .unwrap_or_default())
}

/// The roles of several people at once, in every ward or in one, by person.
pub async fn grants_of(
    db: &PgPool,
    users: &[Uuid],
    ward: Option<i32>,
) -> Result<HashMap<Uuid, Vec<Grant>>> {
    let rows = sqlx::query!(
        r#"select user_id as "user_id!", ward_code as "ward_code!", ward_name as "ward_name!",
                  role as "role!: Role", tdp_id, tdp_name
           from named_grants
           where user_id = any($1) and ($2::int is null or ward_code = $2)
           order by ward_code, role, tdp_code"#,
        users,
        ward,
    )
    .fetch_all(db)
    .await?;
    let mut by_user: HashMap<Uuid, Vec<Grant>> = HashMap::new();
    for g in rows {
        by_user.entry(g.user_id).or_default().push(Grant {
            ward_code: g.ward_code,
            ward_name: g.ward_name,
            role: g.role,
            tdp_id: g.tdp_id,
            tdp_name: g.tdp_name,
        });
    }
    Ok(by_user)
}

/// The session cookie: `__Host-` prefixed and Secure when the app is served over https (the
/// prefix needs Secure), HttpOnly and SameSite=Strict always. The app's own requests are
/// same-site, so Strict costs nothing and stops cross-site requests from carrying it.
pub fn layer(state: &AppState) -> AuthManagerLayer<Backend, PgStore> {
    let secure = state.config.secure_cookies;
    let idle = time::Duration::try_from(state.config.sessions.idle)
        .expect("the idle timeout fits a time::Duration");
    let sessions = SessionManagerLayer::new(PgStore::new(state.db.clone()))
        .with_name(if secure { "__Host-ngoso" } else { "ngoso" })
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));
    AuthManagerLayerBuilder::new(Backend::from(state.db.clone()), sessions).build()
}

fn session_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("session: {e}"))
}

/// Signs `user` in on this request's session, under a new session id.
pub async fn sign_in(auth: &mut AuthSession, user: &User) -> Result<()> {
    // axum-login renews the id only for a session without a user; renew it always.
    auth.session.cycle_id().await.map_err(session_error)?;
    auth.login(user).await.map_err(session_error)?;
    let now = chrono::Utc::now().timestamp();
    auth.session
        .insert(SIGNED_IN_AT, now)
        .await
        .map_err(session_error)?;
    auth.session
        .insert(SEEN_AT, now)
        .await
        .map_err(session_error)?;
    Ok(())
}

pub async fn sign_out(auth: &mut AuthSession) -> Result<()> {
    auth.logout().await.map_err(session_error)?;
    Ok(())
}

/// The signed-in person, for every handler that touches a ward's data. Rejects with 401 when
/// nobody is signed in or the session has outlived its absolute timeout.
pub struct Access {
    pub user: User,
}

impl FromRequestParts<AppState> for Access {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let mut auth = parts
            .extensions
            .get::<AuthSession>()
            .cloned()
            .ok_or_else(|| session_error("the auth layer is missing"))?;
        let Some(user) = auth.user.clone() else {
            return Err(Error::Unauthenticated);
        };
        let now = chrono::Utc::now().timestamp();
        let absolute = i64::try_from(state.config.sessions.absolute.as_secs()).unwrap_or(i64::MAX);
        let signed_in: Option<i64> = auth
            .session
            .get(SIGNED_IN_AT)
            .await
            .map_err(session_error)?;
        if signed_in.is_none_or(|t| now - t >= absolute) {
            sign_out(&mut auth).await?;
            return Err(Error::Unauthenticated);
        }
        let seen: Option<i64> = auth.session.get(SEEN_AT).await.map_err(session_error)?;
        if seen.is_none_or(|t| now - t >= TOUCH_EVERY) {
            auth.session
                .insert(SEEN_AT, now)
                .await
                .map_err(session_error)?;
        }
        Ok(Self { user })
    }
}

/// `Option<Access>`: who is signed in, if anyone, for what anyone may read but a signed-in
/// person reads more of.
impl OptionalFromRequestParts<AppState> for Access {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>> {
        match <Self as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(access) => Ok(Some(access)),
            Err(Error::Unauthenticated) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Access {
    pub fn reach(&self, ward: i32, action: Action) -> Reach {
        Reach::of_person(
            &self.user.grants,
            &self.user.provinces,
            ward,
            crate::reference::province_of(ward),
            action,
        )
    }

    /// Whether the ward is one of the person's, by a role in it or over its province.
    fn in_ward(&self, ward: i32) -> bool {
        self.user.grants.iter().any(|g| g.ward_code == ward)
            || crate::reference::province_of(ward).is_some_and(|p| self.in_province(p))
    }

    fn in_province(&self, province: i32) -> bool {
        self.user
            .provinces
            .iter()
            .any(|g| g.province_code == province)
    }

    /// A province's figures and settings: 404 to anyone without a role over it, 403 to a
    /// role over it that does not allow `action`.
    pub fn province(&self, province: i32, action: ProvinceAction) -> Result<()> {
        let allowed = self
            .user
            .provinces
            .iter()
            .any(|g| g.province_code == province && g.role.may(action));
        if allowed {
            Ok(())
        } else if self.in_province(province) {
            Err(Error::Forbidden)
        } else {
            Err(Error::NotFound)
        }
    }

    /// A ward's figures and settings: 404 outside the person's wards (another ward's existence
    /// is none of their business), 403 in one of them.
    pub fn ward(&self, ward: i32, action: Action) -> Result<Reach> {
        let reach = self.reach(ward, action);
        if reach.is_nothing() {
            return Err(if self.in_ward(ward) {
                Error::Forbidden
            } else {
                Error::NotFound
            });
        }
        Ok(reach)
    }

    /// A TDP itself (its team, its list): the dashboard shows every TDP of the ward to everyone
    /// in it, so within the ward a refusal is 403.
    pub fn tdp(&self, ward: i32, tdp: Uuid, action: Action) -> Result<()> {
        if !self.in_ward(ward) {
            Err(Error::NotFound)
        } else if !self.reach(ward, action).includes(tdp) {
            Err(Error::Forbidden)
        } else {
            Ok(())
        }
    }

    /// A person's record (household, resident, visit): 404 when the person may not see it at
    /// all, 403 when they may see it but not do this to it.
    /// Who may act on an activity's people for `action`: its TDP's, or for a ward-wide
    /// activity anyone who may in some TDP of the ward — each within their own TDPs.
    pub fn activity(&self, activity: &Activity, action: Action) -> Result<Reach> {
        match activity.tdp_id {
            Some(tdp) => {
                self.tdp(activity.ward_code, tdp, action)?;
                Ok(self.reach(activity.ward_code, action))
            }
            None => self.ward(activity.ward_code, action),
        }
    }

    pub fn record(&self, place: Place, action: Action) -> Result<()> {
        if !self
            .reach(place.ward, Action::ViewPeople)
            .includes(place.tdp)
        {
            Err(Error::NotFound)
        } else if !self.reach(place.ward, action).includes(place.tdp) {
            Err(Error::Forbidden)
        } else {
            Ok(())
        }
    }

    /// Where a TDP is, checked for `action` like [`Access::tdp`].
    pub async fn tdp_place(&self, db: &PgPool, tdp: Uuid, action: Action) -> Result<Place> {
        let ward = sqlx::query_scalar!("select ward_code from tdps where id = $1", tdp)
            .fetch_optional(db)
            .await?
            .ok_or(Error::NotFound)?;
        self.tdp(ward, tdp, action)?;
        Ok(Place { ward, tdp })
    }

    /// Where a household is, checked for `action` like [`Access::record`].
    pub async fn household(&self, db: &PgPool, id: Uuid, action: Action) -> Result<Place> {
        let place = sqlx::query_as!(
            Place,
            "select t.ward_code as ward, t.id as tdp
             from households h join tdps t on t.id = h.tdp_id where h.id = $1",
            id
        )
        .fetch_optional(db)
        .await?
        .ok_or(Error::NotFound)?;
        self.record(place, action)?;
        Ok(place)
    }

    /// A household named in a request body for ward `ward`: refused with the field errors an
    /// unknown household gets when the person may not see it.
    pub async fn household_field(
        &self,
        db: &PgPool,
        id: Uuid,
        ward: i32,
        action: Action,
        field: &str,
    ) -> Result<Place> {
        let unknown = || Error::field(field, FieldCode::UnknownReference);
        let place = sqlx::query_as!(
            Place,
            "select t.ward_code as ward, t.id as tdp
             from households h join tdps t on t.id = h.tdp_id where h.id = $1",
            id
        )
        .fetch_optional(db)
        .await?
        .ok_or_else(unknown)?;
        if place.ward != ward {
            return Err(Error::field(field, FieldCode::OtherWard));
        }
        match self.record(place, action) {
            Err(Error::NotFound) => Err(unknown()),
            checked => checked.map(|()| place),
        }
    }

    pub async fn resident(&self, db: &PgPool, id: Uuid, action: Action) -> Result<Place> {
        let place = sqlx::query_as!(
            Place,
            "select t.ward_code as ward, t.id as tdp
             from residents r join tdps t on t.id = r.tdp_id where r.id = $1",
            id
        )
        .fetch_optional(db)
        .await?
        .ok_or(Error::NotFound)?;
        self.record(place, action)?;
        Ok(place)
    }

    pub async fn visit(&self, db: &PgPool, id: Uuid, action: Action) -> Result<Place> {
        let place = sqlx::query_as!(
            Place,
            "select ward_code as ward, tdp_id as tdp from visits where id = $1",
            id
        )
        .fetch_optional(db)
        .await?
        .ok_or(Error::NotFound)?;
        self.record(place, action)?;
        Ok(place)
    }
}

/// For a query's `($n::uuid[] is null or tdp_id = any($n))`: no filter for a ward-wide reach.
pub fn only_tdps(reach: &Reach) -> Option<Vec<Uuid>> {
    match reach {
        Reach::Ward => None,
        Reach::Tdps(tdps) => Some(tdps.clone()),
        Reach::Nothing => Some(Vec::new()),
    }
}

/// The ward and TDP a record belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub ward: i32,
    pub tdp: Uuid,
}

/// A new random token (256 bits, URL-safe) and the SHA-256 hash that is all the database keeps.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The client's address: the TCP peer, or with `--behind-proxy` the address the proxy put
/// last in `X-Forwarded-For`.
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if state.config.behind_proxy
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back()
        {
            return Ok(Self(ip));
        }
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    #[test]
    fn a_user_in_a_log_line_is_its_id_and_roles() {
        let user = super::User {
            id: Uuid::nil(),
            phone: "0912345678".into(),
            full_name: "Nguyễn Văn An".into(),
            grants: Vec::new(),
            provinces: Vec::new(),
            auth_hash: vec![201, 202, 203],
        };
        let logged = format!("{user:?}");
        assert!(logged.contains(&Uuid::nil().to_string()), "{logged}");
        for kept_out in ["0912345678", "Nguyễn", "201, 202"] {
            assert!(!logged.contains(kept_out), "{logged}");
        }
    }
}
