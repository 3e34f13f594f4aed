//! TDP boundaries: a GeoJSON FeatureCollection read into one polygon per TDP, with every
//! problem of the file reported at once (nothing is saved from a file with any), and the demo
//! ward's generated boundaries, which tile the ward without overlapping.

use domain::{FieldCode, FieldError};
use geo::orient::{Direction, Orient};
use geo::{Coord, GeodesicArea, LineString, MultiPolygon, Polygon, Validation};
use rand::Rng;

/// A TDP a feature may name: by its id (as exported), its code ("TDP-01") or its name ("Tổ
/// dân phố số 1").
pub struct Named {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
}

/// Points one ring may have, and the whole file. Checking that a ring does not cross itself
/// takes time that grows with the square of its points (geo's validation): a ring of 5,000
/// takes about 0.3 s, one of 100,000 took 46 s. A TDP's boundary, even traced from a cadastral
/// map, has a few hundred.
pub const MAX_RING_POINTS: usize = 5_000;
pub const MAX_FILE_POINTS: usize = 50_000;

/// A feature matched to a TDP: its index in the file, the TDP's index in the list given, the
/// geometry as GeoJSON, and its area.
#[derive(Debug)]
pub struct Matched {
    pub feature: usize,
    pub tdp: usize,
    pub geometry: serde_json::Value,
    pub area_km2: f64,
}

/// Reads `body` as the boundaries of `tdps`.
pub fn read(body: serde_json::Value, tdps: &[Named]) -> Result<Vec<Matched>, Vec<FieldError>> {
    if body.get("type").and_then(|t| t.as_str()) != Some("FeatureCollection") {
        return Err(vec![FieldError::new("type", FieldCode::InvalidFormat)]);
    }
    let collection: geojson::FeatureCollection = serde_json::from_value(body)
        .map_err(|_| vec![FieldError::new("features", FieldCode::InvalidFormat)])?;
    if collection.features.is_empty() {
        return Err(vec![FieldError::new("features", FieldCode::Required)]);
    }
    let points: usize = collection
        .features
        .iter()
        .filter_map(|f| f.geometry.as_ref())
        .flat_map(rings)
        .map(Vec::len)
        .sum();
    if points > MAX_FILE_POINTS {
        return Err(vec![FieldError::new("features", FieldCode::TooManyPoints)]);
    }
    let mut errors = Vec::new();
    let mut matched: Vec<Matched> = Vec::new();
    let mut claimed = Vec::new();
    for (i, feature) in collection.features.into_iter().enumerate() {
        let tdp = match which_tdp(feature.properties.as_ref(), tdps) {
            None => {
                errors.push(FieldError::new(
                    format!("features[{i}].properties"),
                    FieldCode::UnknownReference,
                ));
                None
            }
            Some(t) if claimed.contains(&t) => {
                errors.push(FieldError::new(
                    format!("features[{i}].properties"),
                    FieldCode::Duplicate,
                ));
                None
            }
            Some(t) => {
                claimed.push(t);
                Some(t)
            }
        };
        let shape = shape(feature.geometry)
            .map_err(|code| errors.push(FieldError::new(format!("features[{i}].geometry"), code)));
        if let (Some(tdp), Ok((geometry, area))) = (tdp, shape) {
            matched.push(Matched {
                feature: i,
                tdp,
                geometry,
                area_km2: area / 1e6,
            });
        }
    }
    if errors.is_empty() {
        Ok(matched)
    } else {
        Err(errors)
    }
}

/// The TDP a feature's properties name: by `tdp_id`, else `code`, else `name`, the last two
/// ignoring case, spaces around and diacritics.
fn which_tdp(properties: Option<&geojson::JsonObject>, tdps: &[Named]) -> Option<usize> {
    let text = |key: &str| {
        properties
            .and_then(|p| p.get(key))
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_owned())
    };
    let folded = |key: &str| text(key).map(|s| domain::text::fold(&s));
    let by_id = text("tdp_id")
        .and_then(|id| id.parse::<uuid::Uuid>().ok())
        .and_then(|id| tdps.iter().position(|t| t.id == id));
    by_id
        .or_else(|| {
            folded("code").and_then(|w| tdps.iter().position(|t| domain::text::fold(&t.code) == w))
        })
        .or_else(|| {
            folded("name").and_then(|w| tdps.iter().position(|t| domain::text::fold(&t.name) == w))
        })
}

/// A polygon's or a multipolygon's rings, as written; nothing for other geometries.
fn rings(geometry: &geojson::Geometry) -> Vec<&Vec<geojson::Position>> {
    match &geometry.value {
        geojson::GeometryValue::Polygon { coordinates } => coordinates.iter().collect(),
        geojson::GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter().flatten().collect()
        }
        _ => Vec::new(),
    }
}

/// Vietnam's extent, for telling coordinates written latitude first.
fn in_vietnam(lon: f64, lat: f64) -> bool {
    (102.0..=110.0).contains(&lon) && (8.0..=24.0).contains(&lat)
}

/// A feature's geometry checked and turned into GeoJSON to keep, with its area in m².
fn shape(geometry: Option<geojson::Geometry>) -> Result<(serde_json::Value, f64), FieldCode> {
    let geometry = geometry.ok_or(FieldCode::Required)?;
    let polygonal = matches!(
        geometry.value,
        geojson::GeometryValue::Polygon { .. } | geojson::GeometryValue::MultiPolygon { .. }
    );
    let rings = rings(&geometry);
    if polygonal && rings.iter().all(|r| r.is_empty()) {
        return Err(FieldCode::EmptyGeometry);
    }
    if rings.iter().any(|r| r.len() > MAX_RING_POINTS) {
        return Err(FieldCode::TooManyPoints);
    }
    let shape: MultiPolygon = match geo::Geometry::<f64>::try_from(geometry.clone()) {
        Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Ok(geo::Geometry::MultiPolygon(m)) => m,
        _ => return Err(FieldCode::InvalidFormat),
    };
    let points: Vec<Coord> = shape
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.0.iter().copied())
        .collect();
    if points.is_empty() {
        return Err(FieldCode::EmptyGeometry);
    }
    if points.iter().all(|c| in_vietnam(c.y, c.x)) && !points.iter().all(|c| in_vietnam(c.x, c.y)) {
        return Err(FieldCode::SwappedCoordinates);
    }
    if points
        .iter()
        .any(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y))
    {
        return Err(FieldCode::OutOfRange);
    }
    if !shape.is_valid() {
        return Err(FieldCode::InvalidGeometry);
    }
    // Kept the way RFC 7946 says (outer rings counter-clockwise), which the geodesic area
    // needs too: the other way round, it measures the rest of the Earth.
    let shape = shape.orient(Direction::Default);
    let kept = match geometry.value {
        geojson::GeometryValue::Polygon { .. } => geojson::Geometry::from(&shape.0[0]),
        _ => geojson::Geometry::from(&shape),
    };
    let value = serde_json::to_value(&kept).map_err(|_| FieldCode::InvalidFormat)?;
    Ok((value, shape.geodesic_area_unsigned()))
}

/// `n` boundaries tiling a ward of `width` × `height` degrees around `center` (lon, lat):
/// rows of cells whose shared edges are the same jittered lines, so neighbours meet exactly
/// and never overlap. In TDP order, west to east, north to south.
pub fn tiling(
    n: usize,
    center: (f64, f64),
    (width, height): (f64, f64),
    rng: &mut impl Rng,
) -> Vec<Polygon> {
    if n == 0 {
        return Vec::new();
    }
    // Samples along each row line; every cell edge starts and ends on one of them.
    const SAMPLES: usize = 48;
    let rows = ((n as f64).sqrt().floor() as usize).max(1);
    let (west, north) = (center.0 - width / 2.0, center.1 + height / 2.0);
    let row_height = height / rows as f64;
    let x = |j: usize| west + width * j as f64 / SAMPLES as f64;
    // Row line k (k = 0 the northern edge, k = rows the southern): straight on the outer
    // edges; inside, a street that wanders gently (a random offset every few samples, joined
    // by straight pieces).
    const STEP: usize = 6;
    let lines: Vec<Vec<f64>> = (0..=rows)
        .map(|k| {
            let outer = k == 0 || k == rows;
            let knots: Vec<f64> = (0..=SAMPLES / STEP)
                .map(|_| {
                    if outer {
                        0.0
                    } else {
                        rng.random_range(-0.15..0.15) * row_height
                    }
                })
                .collect();
            (0..=SAMPLES)
                .map(|j| {
                    let (i, t) = (j / STEP, (j % STEP) as f64 / STEP as f64);
                    let wobble = knots[i] + (knots[(i + 1).min(knots.len() - 1)] - knots[i]) * t;
                    north - row_height * k as f64 + wobble
                })
                .collect()
        })
        .collect();
    let mut cells = Vec::with_capacity(n);
    for r in 0..rows {
        let in_row = n / rows + usize::from(r < n % rows);
        let cuts: Vec<usize> = (0..=in_row).map(|c| c * SAMPLES / in_row).collect();
        // Each inner edge bends once, halfway down, by up to a fifth of the narrowest cell.
        let bends: Vec<(f64, f64)> = cuts
            .iter()
            .enumerate()
            .map(|(c, &j)| {
                let middle = (lines[r][j] + lines[r + 1][j]) / 2.0;
                let bend = if c == 0 || c == in_row {
                    0.0
                } else {
                    rng.random_range(-0.2..0.2) * width / in_row as f64
                };
                (x(j) + bend, middle)
            })
            .collect();
        for c in 0..in_row {
            let (a, b) = (cuts[c], cuts[c + 1]);
            let mut ring: Vec<Coord> = (a..=b)
                .map(|j| Coord {
                    x: x(j),
                    y: lines[r][j],
                })
                .collect();
            ring.push(bends[c + 1].into());
            ring.extend((a..=b).rev().map(|j| Coord {
                x: x(j),
                y: lines[r + 1][j],
            }));
            ring.push(bends[c].into());
            ring.push(ring[0]);
            // Drawn clockwise; GeoJSON wants outer rings counter-clockwise.
            ring.reverse();
            cells.push(Polygon::new(LineString(ring), Vec::new()));
        }
    }
    cells
}

/// A random point inside the polygon, as (lat, lon): for placing the demo's households.
pub fn point_inside(polygon: &Polygon, rng: &mut impl Rng) -> (f64, f64) {
    use geo::{BoundingRect, Contains, Point};
    let Some(rect) = polygon.bounding_rect() else {
        return (0.0, 0.0);
    };
    for _ in 0..1000 {
        let x = rng.random_range(rect.min().x..=rect.max().x);
        let y = rng.random_range(rect.min().y..=rect.max().y);
        if polygon.contains(&Point::new(x, y)) {
            return (y, x);
        }
    }
    let c = rect.center();
    (c.y, c.x)
}

#[cfg(test)]
mod tests {
    use geo::{Area, BooleanOps, Validation};
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn the_demo_tiling_covers_the_ward_without_overlaps() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let (w, h) = (0.024, 0.018);
        let cells = tiling(52, (105.76, 21.05), (w, h), &mut rng);
        assert_eq!(cells.len(), 52);
        assert!(cells.iter().all(|c| c.is_valid()));
        assert!(
            cells.iter().all(|c| c.signed_area() > 0.0),
            "counter-clockwise"
        );
        let total: f64 = cells.iter().map(|c| c.unsigned_area()).sum();
        assert!((total - w * h).abs() < 1e-9, "{total} vs {}", w * h);
        for cell in &cells {
            let (lat, lon) = point_inside(cell, &mut rng);
            assert!(geo::Contains::contains(cell, &geo::Point::new(lon, lat)));
        }
        for (i, a) in cells.iter().enumerate() {
            for b in &cells[i + 1..] {
                let overlap = a.intersection(b).unsigned_area();
                assert!(overlap < 1e-12, "cells {i} overlap by {overlap}");
            }
        }
    }
}
