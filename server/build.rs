//! sqlx's `migrate!` embeds server/migrations at compile time; without this a new
//! migration file would not rebuild the crate and would silently not run.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
