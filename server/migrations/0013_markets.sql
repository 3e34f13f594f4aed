-- "Chợ số – Nông thôn số" (4T): markets, and for rural wards cooperatives, with their traders
-- (stalls, or farmers) and the date each step of the 4T model was reached. The badge
-- threshold is a ward setting (model_settings.cashless_market_percent).

create table markets (
    id uuid primary key,
    ward_code integer not null references wards (code),
    name text not null check (length(name) between 1 and 120),
    kind text not null check (kind in ('market', 'cooperative')),
    created_at timestamptz not null default now(),
    constraint markets_ward_name_key unique (ward_code, name),
    unique (id, ward_code)
);

create table stalls (
    id uuid primary key,
    market_id uuid not null,
    ward_code integer not null,
    -- Where the trader lives: the per-TDP figures count stalls by it.
    tdp_id uuid not null,
    trader_name text not null check (length(trader_name) between 1 and 120),
    stall_code text not null check (length(stall_code) between 1 and 20),
    goods text not null default '' check (length(goods) <= 120),
    -- The 4T steps: Tiểu thương trained, Thương mại điện tử, Thanh toán không dùng tiền mặt,
    -- Tiết kiệm số. Null until reached.
    trained_on date,
    ecommerce_on date,
    cashless_on date,
    savings_on date,
    created_at timestamptz not null default now(),
    foreign key (market_id, ward_code) references markets (id, ward_code) on delete cascade,
    foreign key (tdp_id, ward_code) references tdps (id, ward_code),
    constraint stalls_market_code_key unique (market_id, stall_code)
);
create index stalls_tdp_idx on stalls (tdp_id) include (cashless_on);

-- Markets' and stalls' figures show on the dashboard.
create trigger markets_noted_on_insert after insert on markets
    referencing new table as new_rows for each statement execute function note_rows_ward_changes();
create trigger markets_noted_on_update after update on markets
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_ward_changes();
create trigger markets_noted_on_delete after delete on markets
    referencing old table as old_rows for each statement execute function note_rows_ward_changes();
create trigger stalls_noted_on_insert after insert on stalls
    referencing new table as new_rows for each statement execute function note_rows_ward_changes();
create trigger stalls_noted_on_update after update on stalls
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_ward_changes();
create trigger stalls_noted_on_delete after delete on stalls
    referencing old table as old_rows for each statement execute function note_rows_ward_changes();
