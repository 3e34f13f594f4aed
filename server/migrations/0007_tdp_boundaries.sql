-- Each TDP's boundary on the ward map: a GeoJSON Polygon or MultiPolygon in WGS84, checked on
-- import (`server/src/boundaries.rs`).
alter table tdps
    add column boundary jsonb
        check (boundary is null or boundary->>'type' in ('Polygon', 'MultiPolygon'));
