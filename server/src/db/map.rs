//! The ward map's TDP boundaries.

use domain::map::{Boundaries, CollectionTag, FeatureTag, TdpFeature, TdpProperties};
use sqlx::PgPool;

use crate::error::Result;
/// The ward's TDP boundaries; TDPs without one are left out.
pub async fn boundaries(db: &PgPool, code: i32) -> Result<Boundaries> {
    let features = sqlx::query!(
        r#"select id, code, name, boundary as "boundary!" from tdps
           where ward_code = $1 and boundary is not null order by code"#,
        code
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|t| {
        Ok(TdpFeature {
            tag: FeatureTag::Feature,
            // Checked on the way in (`boundaries::read`) and by the column's constraint.
            geometry: serde_json::from_value(t.boundary).map_err(anyhow::Error::from)?,
            properties: TdpProperties {
                tdp_id: t.id,
                code: t.code,
                name: t.name,
            },
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(Boundaries {
        tag: CollectionTag::FeatureCollection,
        features,
    })
}
