-- A person's roles with the names the app shows them by, in the order it lists them: read
-- on their own (an account's page) and, as JSON, with the person on every signed-in request
-- (`auth::Backend::get_user`), which then takes one statement instead of two.
create view named_grants as
select g.user_id, g.ward_code, w.name as ward_name, g.role, g.tdp_id, t.name as tdp_name,
       t.code as tdp_code
from role_grants g
join wards w on w.code = g.ward_code
left join tdps t on t.id = g.tdp_id;
