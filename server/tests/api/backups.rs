//! Backups and restores through the real commands (`ngo-so backup`, `ngo-so restore`), on the
//! tests' PostgreSQL: what a backup taken while phones sync holds, and what a restore refuses.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::common::{
    WARD, assert_counts_match_a_recount, database_url, ngo_so, scratch, url_of, volunteer,
};

/// `ngo-so backup --to DIR`: the file it wrote.
async fn backup(url: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let (ok, out, err) = ngo_so(url, &["backup", "--to", dir.to_str().unwrap()]).await;
    assert!(ok, "{err}");
    let file = dir.join(out.split(" (").next().unwrap().rsplit('/').next().unwrap());
    assert!(file.is_file(), "{out}");
    file
}

async fn visit_ids(db: &PgPool) -> Vec<Uuid> {
    sqlx::query_scalar("select id from visits order by id")
        .fetch_all(db)
        .await
        .unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_backup_taken_while_phones_sync_restores_every_acknowledged_visit(db: PgPool) {
    let (app, f) = volunteer(db.clone()).await;
    let url = database_url(&db).await;
    // Two phones record visits one after another until told to stop; each acknowledged id
    // is noted as soon as its 201 arrives.
    let acknowledged = Arc::new(Mutex::new(Vec::<Uuid>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut phones = tokio::task::JoinSet::new();
    for _ in 0..2 {
        let (app, f, acknowledged, stop) =
            (app.clone(), f.clone(), acknowledged.clone(), stop.clone());
        phones.spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let visit = f.visit();
                let (status, body) = app
                    .post(&format!("/api/v1/wards/{WARD}/visits"), visit.clone())
                    .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                let id = visit["id"].as_str().unwrap().parse().unwrap();
                acknowledged.lock().unwrap().push(id);
            }
        });
    }
    while acknowledged.lock().unwrap().len() < 30 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let before: Vec<Uuid> = acknowledged.lock().unwrap().clone();
    let dir = scratch();
    let file = backup(&url, &dir).await;
    let during = acknowledged.lock().unwrap().len();
    // The phones go on a little after the backup, then stop.
    while acknowledged.lock().unwrap().len() < during + 10 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    phones.join_all().await;

    let name = format!("restored_{}", Uuid::now_v7().simple());
    sqlx::query(&format!("create database {name}"))
        .execute(&db)
        .await
        .unwrap();
    let (ok, _, err) = ngo_so(&url_of(&name), &["restore", file.to_str().unwrap()]).await;
    assert!(ok, "{err}");

    let restored = PgPool::connect(&url_of(&name)).await.unwrap();
    let kept = visit_ids(&restored).await;
    for id in &before {
        assert!(
            kept.contains(id),
            "visit {id} was acknowledged before the backup"
        );
    }
    // Nothing half-written: every visit in it is one the database holds, whole.
    let source = visit_ids(&db).await;
    assert!(kept.iter().all(|id| source.contains(id)));
    assert!(
        kept.len() < source.len(),
        "the visits after the backup are not in it"
    );
    assert_counts_match_a_recount(&restored).await;
    restored.close().await;
    sqlx::query(&format!("drop database {name} with (force)"))
        .execute(&db)
        .await
        .unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

#[sqlx::test(migrations = false)]
async fn a_restore_over_data_is_refused_unless_forced(db: PgPool) {
    let (app, f) = volunteer(db.clone()).await;
    let url = database_url(&db).await;
    let dir = scratch();
    let file = backup(&url, &dir).await;
    let at_backup = visit_ids(&db).await;
    let (status, _) = app
        .post(&format!("/api/v1/wards/{WARD}/visits"), f.visit())
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (ok, _, err) = ngo_so(&url, &["restore", file.to_str().unwrap()]).await;
    assert!(!ok);
    assert!(err.contains("already holds data"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(visit_ids(&db).await.len(), at_backup.len() + 1);

    // Not a backup at all: refused before anything is touched, even with --force.
    let junk = dir.join("ngoso-2026-12-06-020000.dump.txt");
    std::fs::write(&junk, "not a backup").unwrap();
    let (ok, _, err) = ngo_so(&url, &["restore", junk.to_str().unwrap(), "--force"]).await;
    assert!(!ok);
    assert!(err.contains("is not a backup"), "{err}");
    assert_eq!(visit_ids(&db).await.len(), at_backup.len() + 1);

    let (ok, _, err) = ngo_so(&url, &["restore", file.to_str().unwrap(), "--force"]).await;
    assert!(ok, "{err}");
    db.close().await;
    let restored = PgPool::connect(&url).await.unwrap();
    assert_eq!(visit_ids(&restored).await, at_backup);
    assert_counts_match_a_recount(&restored).await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[sqlx::test(migrations = false)]
async fn with_json_logs_every_line_is_a_json_object(db: PgPool) {
    crate::common::app(db.clone()).await;
    let dir = scratch();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_ngo-so"))
        .args([
            "--database-url",
            &database_url(&db).await,
            "--log-format",
            "json",
        ])
        .args(["--backup-dir", dir.to_str().unwrap(), "backup"])
        .env("RUST_LOG", "info")
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let taken = lines
        .iter()
        .find(|l| l["fields"]["message"] == "backup taken")
        .expect("the backup's line");
    assert_eq!(taken["level"], "INFO");
    assert_eq!(taken["fields"]["why"], "asked for");
    std::fs::remove_dir_all(dir).unwrap();
}
