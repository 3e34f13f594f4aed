-- Where a household is, when the team has recorded it (optional): personal data, sent only to
-- those who may see the household.
alter table households
    add column lat double precision check (lat between -90 and 90),
    add column lon double precision check (lon between -180 and 180),
    add constraint households_location_check check ((lat is null) = (lon is null));
