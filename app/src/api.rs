//! Every call to the server goes through here: one place that knows the API's base path and
//! turns a failed response into [`ApiError`].

use domain::ErrorBody;
use domain::api::{
    Dashboard, Household, HouseholdSummary, NewVisit, Resident, SearchResults, Skill, TdpDetail,
    Visit, Ward,
};
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

const BASE: &str = "/api/v1";

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with its JSON error body.
    Server(ErrorBody),
    /// No answer: offline, or the server is down.
    Network,
}

async fn read<T: DeserializeOwned>(res: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let res = res.map_err(|_| ApiError::Network)?;
    if res.ok() {
        res.json().await.map_err(|_| ApiError::Network)
    } else {
        match res.json::<ErrorBody>().await {
            Ok(body) => Err(ApiError::Server(body)),
            Err(_) => Err(ApiError::Network),
        }
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::get(&format!("{BASE}{path}")).send().await).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let req = Request::post(&format!("{BASE}{path}"))
        .json(body)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

pub async fn wards() -> Result<Vec<Ward>, ApiError> {
    get("/wards").await
}

pub async fn dashboard(ward: i32) -> Result<Dashboard, ApiError> {
    get(&format!("/wards/{ward}/dashboard")).await
}

pub async fn skills(ward: i32) -> Result<Vec<Skill>, ApiError> {
    get(&format!("/wards/{ward}/skills")).await
}

pub async fn search(ward: i32, q: &str) -> Result<SearchResults, ApiError> {
    let q = js_sys::encode_uri_component(q);
    get(&format!("/wards/{ward}/search?q={q}")).await
}

pub async fn tdp(id: Uuid) -> Result<TdpDetail, ApiError> {
    get(&format!("/tdps/{id}")).await
}

pub async fn tdp_households(id: Uuid, offset: usize) -> Result<Vec<HouseholdSummary>, ApiError> {
    get(&format!(
        "/tdps/{id}/households?limit={PAGE}&offset={offset}"
    ))
    .await
}

/// How many households a TDP page shows at a time.
pub const PAGE: usize = 50;

pub async fn household(id: Uuid) -> Result<Household, ApiError> {
    get(&format!("/households/{id}")).await
}

pub async fn resident(id: Uuid) -> Result<Resident, ApiError> {
    get(&format!("/residents/{id}")).await
}

pub async fn record_visit(ward: i32, visit: &NewVisit) -> Result<Visit, ApiError> {
    post(&format!("/wards/{ward}/visits"), visit).await
}
