-- An optional basemap under the ward map: the address template of a tile server the ward
-- chooses (OpenStreetMap's, or its own), and the credit the tile server asks for.

alter table wards
    add column tile_url text check (length(tile_url) between 1 and 300),
    add column tile_attribution text check (length(tile_attribution) between 1 and 200),
    add constraint wards_tile_check check ((tile_url is null) = (tile_attribution is null));
