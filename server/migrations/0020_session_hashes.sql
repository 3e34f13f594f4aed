-- Sessions are kept under the SHA-256 of their id (hex), not the id itself: whoever reads the
-- table (a backup, a leaked dump) cannot use a row to take over a session. The sessions
-- already open keep working: their ids are hashed here the way the server now looks them up.

update sessions set id = encode(sha256(convert_to(id, 'UTF8')), 'hex');
