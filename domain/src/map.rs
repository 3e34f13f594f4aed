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

    /// The (longitude, latitude) of a point of the drawing: `point` undone.
    pub fn lon_lat(&self, (x, y): (f64, f64)) -> [f64; 2] {
        [
            self.west + x / self.metres_per_lon,
            self.north - y / self.metres_per_lat,
        ]
    }

    /// The basemap tiles covering the drawing's rectangle `(x, y, w, h)` — along its longer
    /// side more than `across / 2` and at most `across` whole tiles, so never more than
    /// `(across + 1)²` in all — each with the rectangle it fills. Within a ward, Web Mercator differs
    /// from this projection by a scale that varies less than 0.1%, so a tile is drawn as a
    /// plain rectangle between its corners.
    pub fn tiles(&self, (x, y, w, h): (f64, f64, f64, f64), across: f64) -> Vec<(Tile, [f64; 4])> {
        let [_, lat] = self.lon_lat((x + w / 2.0, y + h / 2.0));
        let tiles_around_earth =
            EARTH_CIRCUMFERENCE * lat.to_radians().cos() * across / w.max(h).max(1.0);
        let z = tiles_around_earth
            .log2()
            .floor()
            .clamp(0.0, f64::from(Tile::MAX_ZOOM)) as u32;
        let first = Tile::at(self.lon_lat((x, y)), z);
        let last = Tile::at(self.lon_lat((x + w, y + h)), z);
        let mut tiles = Vec::new();
        for ty in first.y..=last.y {
            for tx in first.x..=last.x {
                let tile = Tile { z, x: tx, y: ty };
                let (left, top) = self.point(tile.north_west());
                let (right, bottom) = self.point(
                    Tile {
                        z,
                        x: tx + 1,
                        y: ty + 1,
                    }
                    .north_west(),
                );
                tiles.push((tile, [left, top, right - left, bottom - top]));
            }
        }
        tiles
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

const EARTH_CIRCUMFERENCE: f64 = 40_075_016.686;

/// A square of the Web Mercator tile grid that OpenStreetMap and most tile servers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    pub z: u32,
    pub x: u32,
    pub y: u32,
}

impl Tile {
    /// Street level; tile servers rarely go further.
    pub const MAX_ZOOM: u32 = 19;

    /// The tile holding a point at zoom `z`.
    pub fn at([lon, lat]: [f64; 2], z: u32) -> Self {
        let n = f64::from(1u32 << z);
        let lat = lat.clamp(-85.0511, 85.0511).to_radians();
        let x = ((lon + 180.0) / 360.0 * n).floor();
        let y = ((1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor();
        let last = n - 1.0;
        Self {
            z,
            x: x.clamp(0.0, last) as u32,
            y: y.clamp(0.0, last) as u32,
        }
    }

    /// The (longitude, latitude) of the tile's north-west corner.
    pub fn north_west(&self) -> [f64; 2] {
        let n = f64::from(1u32 << self.z);
        let lon = f64::from(self.x) / n * 360.0 - 180.0;
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * f64::from(self.y) / n))
            .sinh()
            .atan()
            .to_degrees();
        [lon, lat]
    }

    /// The tile's address from a template such as `https://tile.openstreetmap.org/{z}/{x}/{y}.png`.
    pub fn url(&self, template: &str) -> String {
        template
            .replace("{z}", &self.z.to_string())
            .replace("{x}", &self.x.to_string())
            .replace("{y}", &self.y.to_string())
    }
}

/// The origin (`https://host[:port]`) of a tile address template, for the Content-Security-Policy
/// that lets the app load its images: `None` unless the template is an http(s) address of a
/// plain host name with `{z}`, `{x}` and `{y}` in it, and nothing a header could be broken with.
pub fn tile_origin(template: &str) -> Option<String> {
    if !["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p))
        || template
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | ';' | ','))
    {
        return None;
    }
    let (scheme, rest) = template.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    (host_ok && port_ok).then(|| format!("{scheme}://{authority}"))
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

    #[test]
    fn tiles_are_found_and_placed_as_osm_numbers_them() {
        // Phú Diễn, Hà Nội, at zoom 15 and 16: the tiles OpenStreetMap serves for it.
        assert_eq!(
            Tile::at([105.76, 21.05], 15),
            Tile {
                z: 15,
                x: 26010,
                y: 14423
            }
        );
        assert_eq!(
            Tile::at([105.76, 21.05], 16),
            Tile {
                z: 16,
                x: 52021,
                y: 28846
            }
        );
        let [lon, lat] = Tile { z: 1, x: 1, y: 1 }.north_west();
        assert!(lon.abs() < 1e-9 && lat.abs() < 1e-9);
        assert_eq!(
            Tile {
                z: 15,
                x: 26010,
                y: 14423
            }
            .url("https://tile.example.vn/{z}/{x}/{y}.png"),
            "https://tile.example.vn/15/26010/14423.png"
        );
    }

    #[test]
    fn the_tiles_cover_the_view_at_a_fitting_zoom() {
        let ward = square(105.75, 21.04, 0.02);
        let p = Projection::fit([&ward]).unwrap();
        let view = (0.0, 0.0, p.width, p.height);
        let tiles = p.tiles(view, 4.0);
        let z = tiles[0].0.z;
        assert!(tiles.iter().all(|(t, _)| t.z == z));
        // About four tiles across a ward two kilometres wide: zoom 16, 570 m a tile.
        assert_eq!(z, 16);
        let (left, top) = tiles.iter().fold((f64::MAX, f64::MAX), |(l, t), (_, r)| {
            (l.min(r[0]), t.min(r[1]))
        });
        let (right, bottom) = tiles.iter().fold((f64::MIN, f64::MIN), |(r, b), (_, q)| {
            (r.max(q[0] + q[2]), b.max(q[1] + q[3]))
        });
        assert!(left <= 0.0 && top <= 0.0 && right >= p.width && bottom >= p.height);
        assert!(tiles.len() <= 25, "{}", tiles.len());
        // Closer in, more detail.
        assert!(
            p.tiles((0.0, 0.0, p.width / 8.0, p.height / 8.0), 4.0)[0]
                .0
                .z
                > z
        );
    }

    #[test]
    fn only_plain_tile_addresses_give_an_origin() {
        assert_eq!(
            tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_origin("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png").as_deref(),
            Some("http://10.0.0.5:8080")
        );
        for bad in [
            "https://tile.openstreetmap.org/{z}/{x}.png",
            "ftp://tiles.vn/{z}/{x}/{y}.png",
            "https://a.vn; script-src *;/{z}/{x}/{y}",
            "https://user@a.vn/{z}/{x}/{y}",
            "https://a.vn:/{z}/{x}/{y}",
            "/tiles/{z}/{x}/{y}.png",
        ] {
            assert_eq!(tile_origin(bad), None, "{bad}");
        }
    }
}
