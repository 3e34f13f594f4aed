-- `refresh_model_people` is called with one resident (a visit) and with every achiever of a
-- ward (its skill sets changed). PL/pgSQL caches a generic plan after a few calls, and the
-- generic plan, costed for a handful of ids, took 29 s for the 20,000 achievers of the demo
-- ward where a plan made for the call takes 0.13 s: plan each call for its own ids.
alter function refresh_model_people(uuid[]) set plan_cache_mode = force_custom_plan;
