//! `telepath staff …`: staff accounts from the command line, as Zammad, Gitea and
//! Atuin do it. Part of the binary (declared in main.rs), not the library; every
//! rule lives in the library's `auth::StaffAuth`, this file only reads and prints.

use anyhow::Context;
use clap::Subcommand;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;
use telepath_server::auth::{Password, StaffAuth};
use telepath_server::config::Config;
use telepath_server::store::SystemClock;
use telepath_server::store::staff::StaffRole;

#[derive(Subcommand)]
pub enum StaffAction {
    /// Add a staff account. The password is read from standard input, or asked for
    /// (without showing it) on a terminal.
    Add {
        email: String,
        /// The name colleagues know them by, shown on staff pages.
        #[arg(long)]
        name: String,
        /// agent takes chats; editor sees the editors' pages and insights; admin is both and manages staff.
        #[arg(long, value_parser = parse_role)]
        role: StaffRole,
    },
    /// List every staff account, disabled ones included.
    List,
    /// Disable an account; its sessions end at once.
    Disable { email: String },
    /// Set a new password (read like `add` does); the account's sessions end at once.
    Password { email: String },
}

fn parse_role(name: &str) -> Result<StaffRole, String> {
    StaffRole::parse(name).ok_or_else(|| format!("expected agent, editor or admin, not {name:?}"))
}

pub fn run(config: &Config, action: StaffAction) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        telepath_server::data_dir::create_private_dir(&config.data_dir)
            .with_context(|| format!("cannot create the data folder {}", config.data_dir.display()))?;
        let store = telepath_server::store::open(&config.database(), Arc::new(SystemClock)).await?;
        let auth = StaffAuth::new(store.clone(), store, false)?;
        #[allow(clippy::print_stdout, reason = "what was done is the command's output")]
        match action {
            StaffAction::Add { email, name, role } => {
                let password = read_new_password()?;
                let account = auth.add_account(&email, &name, role, password).await?;
                println!("Added {} ({}) as {}. They can sign in at /staff/sign-in.", account.email, account.name, account.role);
            }
            StaffAction::List => {
                let accounts = auth.accounts().await?;
                if accounts.is_empty() {
                    println!("No staff accounts yet. Add one with: telepath staff add EMAIL --name NAME --role admin");
                }
                for account in accounts {
                    let state = if account.is_disabled() { "disabled" } else { "active" };
                    println!("{:<8} {:<8} {:<40} {}", account.role, state, account.email, account.name);
                }
            }
            StaffAction::Disable { email } => {
                let account = auth.disable_account(&email).await?;
                println!("Disabled {}; any session they had has ended.", account.email);
            }
            StaffAction::Password { email } => {
                let password = read_new_password()?;
                auth.change_password(&email, password).await?;
                println!("New password set for {}; their sessions have ended.", email.trim().to_lowercase());
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// On a terminal, asked twice without echo; otherwise the first line of standard
/// input (so scripts can pipe it in, and it never appears in the process list).
fn read_new_password() -> anyhow::Result<Password> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
        let again = rpassword::prompt_password("The same password again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ; nothing was changed");
        return Ok(Password::new(&first));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    let typed = line.strip_suffix('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).unwrap_or(&line);
    anyhow::ensure!(
        !typed.is_empty(),
        "no password on standard input; pipe one in, or run this on a terminal"
    );
    Ok(Password::new(typed))
}
