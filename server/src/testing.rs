//! A small help centre in a temporary folder, for tests that start the real server.

use crate::config::Config;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub struct Fixture {
    dir: tempfile::TempDir,
}

pub const FIXTURE_ARTICLE: &str = "send-an-invoice";

impl Fixture {
    /// Two categories, three articles, site settings and one media file.
    pub fn new() -> Fixture {
        let fixture = Fixture { dir: tempfile::tempdir().expect("a temporary folder can be created") };
        fixture.write(
            "site.toml",
            "product_name = \"Acme\"\ntagline = \"Help for Acme.\"\nsupport_hours = \"weekdays 9 to 5\"\n",
        );
        fixture.write(
            "articles/invoices/_index.md",
            "+++\ntitle = \"Invoices\"\ndescription = \"Bills you send.\"\norder = 1\n+++\n",
        );
        fixture.write(
            "articles/account/_index.md",
            "+++\ntitle = \"Account\"\ndescription = \"Your login.\"\norder = 2\n+++\n",
        );
        fixture.write(
            "articles/invoices/send-an-invoice.md",
            &article("Send an invoice", "newcomer", "guide", &["void-an-invoice"], "## Steps\n\n1. Open **Invoices**.\n2. Select *Send*.\n\nSee [voiding](void-an-invoice.md).\n"),
        );
        fixture.write(
            "articles/invoices/void-an-invoice.md",
            &article("Void an invoice", "technical", "explanation", &[], "Voiding keeps the number.\n"),
        );
        fixture.write(
            "articles/account/reset-your-password.md",
            &article("Reset your password", "all", "guide", &[], "Use the link on the sign-in page.\n"),
        );
        fixture.write("media/logo.txt", "a media file\n");
        fixture
    }

    /// A copy of the bundled help centre (content/), plus a notice shown everywhere
    /// whatever today's date, so journeys do not depend on the calendar.
    pub fn bundled() -> Fixture {
        let fixture = Fixture { dir: tempfile::tempdir().expect("a temporary folder can be created") };
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        copy_folder(&bundled, &fixture.content_dir()).expect("the bundled content can be copied");
        fixture.write(
            "notices/test-everywhere.md",
            "+++\ntitle = \"Our phone line is closed on Friday\"\nseverity = \"info\"\nstarts = 2020-01-01T00:00:00Z\nends = 2099-01-01T00:00:00Z\n+++\nChat and email answer as usual.\n",
        );
        fixture
    }

    pub fn content_dir(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    /// Writes `text` to `relative` under the content folder, creating folders.
    pub fn write(&self, relative: &str, text: &str) {
        self.write_bytes(relative, text.as_bytes());
    }

    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) {
        let path = self.content_dir().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("fixture folders can be created");
        }
        std::fs::write(&path, bytes).expect("fixture files can be written");
    }

    /// Makes a named pipe at `relative` under the content folder, with the system's
    /// `mkfifo` (std has no call for it). Nothing ever writes to it, so opening it
    /// for reading the ordinary way would wait forever.
    #[cfg(unix)]
    pub fn make_fifo(&self, relative: &str) -> PathBuf {
        let path = self.content_dir().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("fixture folders can be created");
        }
        remove_if_present(&path);
        let status = std::process::Command::new("mkfifo").arg(&path).status().expect("mkfifo runs");
        assert!(status.success(), "mkfifo {}", path.display());
        path
    }

    /// Makes a symbolic link at `relative` under the content folder pointing to `target`.
    #[cfg(unix)]
    pub fn symlink(&self, relative: &str, target: &Path) -> PathBuf {
        let path = self.content_dir().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("fixture folders can be created");
        }
        remove_if_present(&path);
        std::os::unix::fs::symlink(target, &path).expect("fixture links can be made");
        path
    }

    /// A configuration on port 0 with this content, a fresh data folder and the
    /// given browser bundle folder.
    pub fn config(&self, site_dir: &Path) -> Config {
        Config {
            listen: "127.0.0.1:0".parse().expect("a valid address"),
            content_dir: self.content_dir(),
            data_dir: self.dir.path().join("data"),
            site_dir: site_dir.to_owned(),
            shutdown_timeout: Duration::from_secs(5),
            development: false,
            ..Config::default()
        }
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

/// Makes room for a pipe or link in place of a fixture file of the same name.
#[cfg(unix)]
fn remove_if_present(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => panic!("cannot remove {}: {error}", path.display()),
    }
}

fn copy_folder(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_folder(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// An article file with valid front matter.
pub fn article(title: &str, level: &str, kind: &str, next: &[&str], body: &str) -> String {
    let next = next.iter().map(|slug| format!("\"{slug}\"")).collect::<Vec<_>>().join(", ");
    format!(
        "+++\ntitle = \"{title}\"\nsummary = \"All about: {title}.\"\nlevel = \"{level}\"\nkind = \"{kind}\"\nnext = [{next}]\nupdated = 2026-10-01\n+++\n{body}"
    )
}

/// A signed-in staff member made straight in the database (no password, no hashing).
#[derive(Clone, Debug)]
pub struct StaffLogin {
    /// The session cookie as `name=value`.
    pub cookie: String,
    pub name: String,
    /// The staff account's id.
    pub id: i64,
}

/// A signed-in staff member with `role` and a new account, made straight in the
/// database at `database` (no password, no hashing), for tests that only need to
/// be signed in: the session cookie as `name=value`, and the account's name.
pub async fn staff_session(database: &Path, role: crate::store::staff::StaffRole) -> (String, String) {
    let login = staff_login(database, role).await;
    (login.cookie, login.name)
}

/// Like [`staff_session`], with the account's id too.
pub async fn staff_login(database: &Path, role: crate::store::staff::StaffRole) -> StaffLogin {
    staff_login_named(database, role, None).await
}

/// Like [`staff_login`], for an account called `name` (by default "Staff Member N").
pub async fn staff_login_named(
    database: &Path,
    role: crate::store::staff::StaffRole,
    name: Option<&str>,
) -> StaffLogin {
    let clock = std::sync::Arc::new(crate::store::SystemClock);
    let store = crate::store::SqliteStore::open(database, clock).await.expect("the database opens");
    let login = staff_login_in(&store, role, name).await;
    store.close().await;
    login
}

/// Like [`staff_login_named`], in an open store (e.g. a PostgreSQL schema several
/// test servers share).
pub async fn staff_login_in<S>(
    store: &S,
    role: crate::store::staff::StaffRole,
    name: Option<&str>,
) -> StaffLogin
where
    S: crate::store::staff::StaffAccounts + crate::store::staff::StaffSessions + ?Sized,
{
    use crate::store::staff::{NewStaffAccount, StoredPassword};
    static ACCOUNTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = ACCOUNTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let name = name.map_or_else(|| format!("Staff Member {n}"), str::to_owned);
    let account = NewStaffAccount {
        email: format!("staff{n}@example.com"),
        name: name.clone(),
        role,
        password: StoredPassword("$argon2id$v=19$never-verified".into()),
    };
    let account = store.add_account(account).await.expect("the account is stored");
    let token = crate::auth::SessionToken::generate();
    store.start_session(account.id, &token.digest(), crate::auth::SESSION_LIMITS).await.expect("stored");
    let cookie = format!("{}={}", crate::auth::SessionCookie::new(false).name(), token.cookie_value());
    StaffLogin { cookie, name, id: account.id }
}

/// A task file in the invoices category with five mistakes and no fields, whose
/// "How it works" is the article `how_it_works`.
pub fn task_file(title: &str, how_it_works: &str) -> String {
    let mistake =
        "[[mistake]]\ntitle = \"M\"\nwhat_people_do = \"D\"\nwhy_it_fails = \"F\"\nhow_to_avoid = \"A\"\n";
    format!(
        "+++\ntitle = \"{title}\"\nsummary = \"S\"\ncategory = \"invoices\"\nwhat_happens_next = \"N\"\nhow_it_works = \"{how_it_works}\"\n{}+++\n",
        mistake.repeat(5)
    )
}
