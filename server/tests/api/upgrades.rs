//! Databases made by earlier versions (`fixtures/`), restored, then opened by this version's
//! server: it backs each up before it migrates it, and its figures stay what they were.

use domain::api::Dashboard;
use sqlx::PgPool;

use crate::common::{Served, WARD, assert_counts_match_a_recount, database_url, ngo_so, scratch};

/// What `fixtures/ward-at-0019.dump` held when the version before migration 20 made it.
const AT_0019: [(&str, i64); 6] = [
    ("select count(*) from tdps", 4),
    ("select count(*) from households", 59),
    ("select count(*) from residents", 238),
    ("select count(*) from visits", 26),
    ("select count(*) from visit_help", 364),
    (
        "select count(*) from resident_skills where status = 'achieved'",
        311,
    ),
];

#[sqlx::test(migrations = false)]
async fn a_database_at_migration_19_is_backed_up_then_migrated_with_its_figures(db: PgPool) {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/fixtures/ward-at-0019.dump"
    );
    let (ok, _, err) = ngo_so(&database_url(&db).await, &["restore", fixture]).await;
    assert!(ok, "{err}");
    assert_eq!(server::upgrade_pending(&db).await.unwrap().unwrap().0, 19);
    // One visit as that version recorded it through the API, with its audit entry (the
    // fixture's own visits are the demo's, which have none).
    let (through_api, by): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "insert into audit_log (ward_code, user_id, action, entity, entity_id, change)
         select v.ward_code, (select id from users order by phone limit 1), 'create', 'visits',
                v.id::text, v.request
         from visits v order by v.id limit 1
         returning entity_id::uuid, user_id",
    )
    .fetch_one(&db)
    .await
    .unwrap();

    let backups = scratch();
    // With --demo, for the demo admin to sign in; the ward is there, so nothing is loaded.
    let served = Served::start(&db, &["--demo", "--backup-dir", backups.to_str().unwrap()]).await;
    assert_eq!(server::upgrade_pending(&db).await.unwrap(), None);
    // The backup before migrating holds the database as it was: at migration 19.
    let taken = server::backup::list(&backups);
    assert_eq!(taken.len(), 1, "{taken:?}");
    let listed = std::process::Command::new("pg_restore")
        .arg("--list")
        .arg(&taken[0].path)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("_sqlx_migrations"));

    for (count, expected) in AT_0019 {
        let n: i64 = sqlx::query_scalar(count).fetch_one(&db).await.unwrap();
        assert_eq!(n, expected, "{count}");
    }
    assert_counts_match_a_recount(&db).await;
    // Migration 24: nobody's consent was recorded before it, and nobody has withdrawn it.
    let consented: i64 =
        sqlx::query_scalar("select count(*) from residents where consent_at is not null")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(consented, 0);
    // Migration 26: who recorded each visit, from its audit entry; nobody for the demo's.
    let recorded: Vec<(uuid::Uuid, uuid::Uuid)> =
        sqlx::query_as("select id, recorded_by from visits where recorded_by is not null")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(recorded, [(through_api, by)]);

    // The server reads it: the ward's dashboard totals are the records'.
    let client = served.signed_in("0900619001").await;
    let dashboard: Dashboard = serde_json::from_str(
        &client
            .get(format!("{}/api/v1/wards/{WARD}/dashboard", served.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(dashboard.totals.households_registered, 59);
    let visited: i64 = sqlx::query_scalar("select count(distinct household_id) from visits")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(dashboard.totals.households_visited, visited);
    assert_eq!(dashboard.tdps.len(), 4);
    drop(served);
    std::fs::remove_dir_all(backups).unwrap();
}
