//! The ward map: TDP boundaries as the API sends them (a GeoJSON FeatureCollection, WGS84,
//! longitude first) and their projection onto a flat drawing, north up. A ward is a few
//! kilometres across, so an equirectangular projection scaled by the cosine of its latitude
//! keeps shapes true to within a fraction of a percent.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A ring of (longitude, latitude) points, first and last the same.
pub type Ring = Vec<[f64; 2]>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CollectionTag {
    FeatureCollection,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FeatureTag {
    Feature,
}

/// `GET /wards/{code}/boundaries`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boundaries {
    #[serde(rename = "type")]
    pub tag: CollectionTag,
    pub features: Vec<TdpFeature>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TdpFeature {
    #[serde(rename = "type")]
    pub tag: FeatureTag,
    pub geometry: Shape,
    pub properties: TdpProperties,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TdpProperties {
    pub tdp_id: Uuid,
    pub code: String,
    pub name: String,
}

/// A TDP's boundary: one polygon, or several (a TDP split by a main road).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "coordinates")]
pub enum Shape {
    /// Outer ring first, then holes.
    Polygon(Vec<Ring>),
    MultiPolygon(Vec<Vec<Ring>>),
}

impl Shape {
    pub fn polygons(&self) -> Vec<&[Ring]> {
        match self {
            Self::Polygon(p) => vec![p.as_slice()],
            Self::MultiPolygon(ps) => ps.iter().map(Vec::as_slice).collect(),
        }
    }

    fn points(&self) -> impl Iterator<Item = &[f64; 2]> {
        self.polygons().into_iter().flat_map(|p| p.iter().flatten())
    }
}

/// Onto a drawing whose units are metres, origin at the north-west corner of the ward.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    west: f64,
    north: f64,
    metres_per_lon: f64,
    metres_per_lat: f64,
    pub width: f64,
    pub height: f64,
}

const METRES_PER_DEGREE: f64 = 111_320.0;

impl Projection {
    /// The projection that fits all the shapes; `None` when there are none.
    pub fn fit<'a>(shapes: impl IntoIterator<Item = &'a Shape>) -> Option<Self> {
        let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for [lon, lat] in shapes.into_iter().flat_map(Shape::points) {
            west = west.min(*lon);
            east = east.max(*lon);
            south = south.min(*lat);
            north = north.max(*lat);
        }
        if west > east {
            return None;
        }
        let metres_per_lon = METRES_PER_DEGREE * ((south + north) / 2.0).to_radians().cos();
        Some(Self {
            west,
            north,
            metres_per_lon,
            metres_per_lat: METRES_PER_DEGREE,
            width: (east - west) * metres_per_lon,
            height: (north - south) * METRES_PER_DEGREE,
        })
    }

    pub fn point(&self, [lon, lat]: [f64; 2]) -> (f64, f64) {
        (
            (lon - self.west) * self.metres_per_lon,
            (self.north - lat) * self.metres_per_lat,
        )
    }

    /// An SVG path of the shape, holes included (drawn with `fill-rule: evenodd`).
    pub fn path(&self, shape: &Shape) -> String {
        let mut d = String::new();
        for ring in shape.polygons().into_iter().flatten() {
            for (i, p) in ring.iter().enumerate() {
                let (x, y) = self.point(*p);
                d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
        d
    }

    /// Where to put the TDP's label: the middle of its largest polygon's outer ring.
    pub fn label(&self, shape: &Shape) -> (f64, f64) {
        let outer = shape
            .polygons()
            .into_iter()
            .filter_map(|p| p.first())
            .max_by_key(|ring| ring.len())
            .cloned()
            .unwrap_or_default();
        let n = outer.len().saturating_sub(1).max(1) as f64;
        let (sx, sy) = outer
            .iter()
            .take(outer.len().saturating_sub(1).max(1))
            .map(|p| self.point(*p))
            .fold((0.0, 0.0), |(ax, ay), (x, y)| (ax + x, ay + y));
        (sx / n, sy / n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lon: f64, lat: f64, side: f64) -> Shape {
        Shape::Polygon(vec![vec![
            [lon, lat],
            [lon + side, lat],
            [lon + side, lat + side],
            [lon, lat + side],
            [lon, lat],
        ]])
    }

    #[test]
    fn north_is_up_and_east_is_right_in_metres() {
        let shapes = [square(105.75, 21.04, 0.01), square(105.76, 21.05, 0.01)];
        let p = Projection::fit(&shapes).unwrap();
        // 0.02° of longitude at 21.05° N is about 2,078 m; of latitude, 2,226 m.
        assert!((p.width - 2078.0).abs() < 5.0, "{}", p.width);
        assert!((p.height - 2226.4).abs() < 1.0, "{}", p.height);
        let (x, y) = p.point([105.75, 21.06]);
        assert!(
            x.abs() < 1e-6 && y.abs() < 1e-6,
            "north-west corner at the origin"
        );
        let (x, y) = p.point([105.77, 21.04]);
        assert!((x - p.width).abs() < 1e-6 && (y - p.height).abs() < 1e-6);
        let (lx, ly) = p.label(&shapes[0]);
        assert!(
            lx < p.width / 2.0 && ly > p.height / 2.0,
            "south-west square"
        );
        assert!(p.path(&shapes[0]).starts_with("M0.0 2226.4L"));
    }

    #[test]
    fn nothing_to_fit_is_no_projection() {
        assert_eq!(Projection::fit(&[]), None);
    }

    #[test]
    fn reads_the_geojson_the_server_sends() {
        let json = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "geometry":{"type":"MultiPolygon","coordinates":[[[[1,2],[3,2],[3,4],[1,2]]]]},
            "properties":{"tdp_id":"0191e9a8-0000-7000-8000-000000000001","code":"TDP-01","name":"Tổ 1"}}]}"#;
        let b: Boundaries = serde_json::from_str(json).unwrap();
        assert_eq!(b.features[0].geometry.polygons().len(), 1);
        assert_eq!(b.features[0].properties.code, "TDP-01");
    }
}
