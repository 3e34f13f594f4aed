// `sqlx::migrate!()` embeds `migrations/` into the binary when it compiles, but Cargo cannot
// see that a macro read those files: without this line, a new or edited migration is left out
// of an incremental build, and the server runs the schema of its last full compile.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
