//! The command line: subcommands and the flags that override the environment's settings, and
//! the account commands (`create-admin`, `seed-demo`) as library functions the binary and the
//! tests call alike; the key commands (`keys rotate`, `keys status`) are in [`keys`], backup
//! and restore in [`backup`].

pub mod backup;
pub mod keys;

use crate::app::audit::checkpoint::Checkpoints;
use crate::app::{Actor, Task, accounts, audit};
use crate::config::{AppEnv, Config};
use crate::crypto::Vault;
use crate::db::Db;
use crate::error::ApiError;
use crate::object_store::ObjectStore;
use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use contracts::auth::NewAccount;
use contracts::props::Role;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The storefront server: the /api/v1 REST API and the built front end on one origin.
///
/// Settings come from the environment (and a `.env` file, see `.env.example`); flags override
/// them.
#[derive(Debug, Parser)]
#[command(version, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What the binary is asked to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending database migrations, then serve the API and the front end until ctrl-c or
    /// SIGTERM.
    Serve(ServeArgs),
    /// Apply pending database migrations (DATABASE_URL) and exit. Safe to run again: applied
    /// migrations are skipped.
    ///
    /// There is no flag for the URL: a command line is visible to every user of the machine
    /// (`ps`), and the URL may carry a password.
    Migrate,
    /// Create an administrator account (migrating the database first). The password is read
    /// from the ADMIN_PASSWORD environment variable or, when that is unset, from the first
    /// line of standard input; never from the command line, which every user of the machine
    /// can read (`ps`). It must meet the sign-up policy (at least 12 characters).
    ///
    /// The new administrator signs in, enrols an authenticator (`/auth/mfa/enroll`), and signs
    /// in again with a code: administrator permissions need a second factor.
    CreateAdmin(CreateAdminArgs),
    /// Create the demo accounts (a customer, a seller and an administrator) with their
    /// development passwords, and print them. Dev and staging only; refused when
    /// APP_ENV=production. Safe to run again: existing accounts are left alone.
    SeedDemo,
    /// Add a large synthetic catalog for benchmarks (`cargo xtask bench --catalog N`):
    /// products spread over several approved shops, categories and GST slabs, written straight
    /// through the storage layer. Dev and staging only; use a fresh database.
    SeedCatalog {
        /// How many products.
        #[arg(long, default_value_t = 100_000)]
        products: usize,
    },
    /// Field-encryption keys: `rotate` re-encrypts stored personal data under the active key
    /// (FIELD_KEY_ACTIVE) in small batches while servers keep serving; `status` counts the
    /// values each key id still seals, so an old key is removed from FIELD_KEYS only when
    /// nothing uses it.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// The audit log: `api audit verify` checks its hash chain and its signed checkpoints.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Copy the database (DATABASE_URL) and the audit checkpoint file (AUDIT_CHECKPOINT_FILE)
    /// into DIR, with a manifest, while servers keep serving: SQLite by `VACUUM INTO` (one
    /// consistent snapshot, WAL included), PostgreSQL by `pg_dump -Fc`. Keys are never
    /// copied: restore under the same ones.
    Backup {
        /// A new or empty folder for this backup.
        dir: PathBuf,
    },
    /// Restore the backup in DIR into DATABASE_URL and AUDIT_CHECKPOINT_FILE, after checking
    /// every file against the manifest. Refuses to overwrite: the SQLite file's folder must be
    /// empty (development key files aside) and the PostgreSQL database must have no tables.
    Restore {
        /// The folder `api backup` wrote.
        dir: PathBuf,
    },
}

/// `api audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every row of the audit log (DATABASE_URL) against its hash chain, and every
    /// checkpoint (AUDIT_CHECKPOINT_FILE, signed with AUDIT_CHECKPOINT_KEY) against the rows.
    /// Prints `N/N rows valid, M/M checkpoints valid`; on any tampering names the first bad row
    /// and exits with status 1.
    Verify {
        /// The checkpoint file to check (overrides AUDIT_CHECKPOINT_FILE), e.g. a copy kept
        /// elsewhere.
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<PathBuf>,
    },
}

/// Arguments of `create-admin`.
#[derive(Debug, Args)]
pub struct CreateAdminArgs {
    /// The administrator's email, used to sign in.
    pub email: String,
    /// The name shown in the app.
    pub display_name: String,
    /// Which administrator role.
    #[arg(long, value_enum, default_value_t = AdminRole::Admin)]
    pub role: AdminRole,
}

/// The roles `create-admin` grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdminRole {
    Admin,
    SuperAdmin,
}

impl AdminRole {
    pub fn role(self) -> Role {
        match self {
            AdminRole::Admin => Role::Admin,
            AdminRole::SuperAdmin => Role::SuperAdmin,
        }
    }
}

/// The variable `create-admin` reads the password from.
pub const ADMIN_PASSWORD_VAR: &str = "ADMIN_PASSWORD";

/// A demo account of `seed-demo`: email, development password (printed, documented, never for
/// production), display name, role.
pub struct DemoAccount {
    pub email: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    pub role: Role,
}

/// The demo accounts. `.test` is a reserved top-level domain: no mail can reach a real person.
pub const DEMO_ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        email: "customer@bazaar.test",
        password: "demo-customer-pass",
        display_name: "Demo Customer",
        role: Role::Customer,
    },
    DemoAccount {
        email: "seller@bazaar.test",
        password: "demo-seller-pass",
        display_name: "Demo Seller",
        role: Role::Seller,
    },
    DemoAccount {
        email: "admin@bazaar.test",
        password: "demo-admin-pass",
        display_name: "Demo Admin",
        role: Role::Admin,
    },
];

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account with this email already exists")]
    EmailTaken,
    /// Field by field, as the sign-up form would show it.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Creates an account with `role`, after the same checks as sign-up (email, display name,
/// password policy); its id.
pub async fn create_account(
    db: &Db,
    vault: &Vault,
    email: &str,
    display_name: &str,
    role: Role,
    password: String,
) -> Result<String, AccountError> {
    let account = NewAccount {
        email: email.to_owned(),
        password,
        display_name: display_name.to_owned(),
    };
    match accounts::create_account(
        &Actor::system(Task::Operator),
        db,
        vault,
        &crate::clock::Clock::system(),
        account,
        role,
    )
    .await
    {
        Ok(id) => Ok(id.to_string()),
        Err(ApiError::EmailTaken) => Err(AccountError::EmailTaken),
        Err(ApiError::Validation(errors)) => {
            let text = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ");
            Err(AccountError::Invalid(text))
        }
        Err(other) => Err(AccountError::Other(
            anyhow::Error::new(other).context("creating the account"),
        )),
    }
}

/// The password for `create-admin`: `from_env` (the [`ADMIN_PASSWORD_VAR`] value) when set and
/// not empty, else the first line of `input` without its line ending.
pub fn read_admin_password(
    from_env: Option<String>,
    input: &mut impl BufRead,
) -> anyhow::Result<String> {
    if let Some(password) = from_env.filter(|p| !p.is_empty()) {
        return Ok(password);
    }
    let mut line = String::new();
    input
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    anyhow::ensure!(
        !password.is_empty(),
        "no password: set {ADMIN_PASSWORD_VAR} or pipe it on standard input"
    );
    Ok(password)
}

/// `create-admin`: migrates, creates the administrator, prints its id to `out`.
pub async fn create_admin_command(
    args: CreateAdminArgs,
    config: &Config,
    password: String,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let vault = Vault::from_config(config)?;
    let db = connect_and_migrate(config).await?;
    let created = create_account(
        &db,
        &vault,
        &args.email,
        &args.display_name,
        args.role.role(),
        password,
    )
    .await;
    db.close().await;
    let id = created.context("creating the administrator")?;
    writeln!(
        out,
        "created {} {id}; sign in, enrol an authenticator, and sign in again with a code",
        crate::auth::roles::as_str(args.role.role())
    )?;
    Ok(())
}

/// `seed-demo`: refuses production; migrates; creates each of [`DEMO_ACCOUNTS`] that does not
/// exist yet and prints every one with its password to `out`; gives the demo seller an approved
/// shop with a demo catalog (`demo`).
pub async fn seed_demo_command(config: &Config, out: &mut impl Write) -> anyhow::Result<()> {
    anyhow::ensure!(
        config.app_env != AppEnv::Production,
        "seed-demo refuses APP_ENV=production: demo accounts have published passwords"
    );
    let vault = Vault::from_config(config)?;
    let db = connect_and_migrate(config).await?;
    let store = ObjectStore::Local(config.upload_dir.clone());
    let result = seed_demo(&db, &vault, &store, out).await;
    db.close().await;
    result
}

/// Creates the missing demo accounts and prints them all; then the demo shop, its pictures
/// stored in `store`.
pub async fn seed_demo(
    db: &Db,
    vault: &Vault,
    store: &ObjectStore,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "demo accounts (development passwords; never use them for real):"
    )?;
    for demo in &DEMO_ACCOUNTS {
        let state = match create_account(
            db,
            vault,
            demo.email,
            demo.display_name,
            demo.role,
            demo.password.to_owned(),
        )
        .await
        {
            Ok(_) => "created",
            Err(AccountError::EmailTaken) => "exists",
            Err(error) => return Err(anyhow::anyhow!("creating {}: {error}", demo.email)),
        };
        writeln!(
            out,
            "  {:<12} {:<22} {:<20} ({state})",
            crate::auth::roles::as_str(demo.role),
            demo.email,
            demo.password
        )?;
    }
    crate::demo::seed_shop(db, vault, store, out).await
}

/// `audit verify`: prints the report to `out`; whether everything verified.
pub async fn audit_verify_command(
    config: &Config,
    checkpoints: Option<PathBuf>,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let mut config = config.clone();
    if let Some(file) = checkpoints {
        config.audit.checkpoint_file = file;
    }
    let keys = Checkpoints::from_config(&config).context("loading the audit checkpoint key")?;
    let db = Db::connect_with(config.database_url.expose(), Some(1)).await?;
    let report = audit::verify::verify(&Actor::system(Task::Operator), &db, &keys).await;
    db.close().await;
    let report = report.map_err(|error| anyhow::anyhow!("verifying the audit log: {error}"))?;
    writeln!(out, "{}", report.summary())?;
    if report.checkpoints == 0 {
        writeln!(
            out,
            "warning: no checkpoints in {}: a truncated tail would go unnoticed",
            keys.path().display()
        )?;
    }
    if let Some(seq) = report.first_bad_row {
        writeln!(out, "first bad row: {seq}")?;
    }
    for problem in &report.problems {
        writeln!(out, "  {problem}")?;
    }
    Ok(report.is_valid())
}

/// The database of `config`, migrated.
pub async fn connect_and_migrate(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect_with(
        config.database_url.expose(),
        config.database_max_connections,
    )
    .await?;
    db.migrate().await.context("migrating the database")?;
    Ok(db)
}

/// Flags of `serve`; each one, when given, replaces the matching environment setting.
#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on, IP:PORT (overrides API_ADDR). Port 0 picks a free port.
    #[arg(long, value_name = "IP:PORT")]
    pub addr: Option<SocketAddr>,
    /// Directory of the built front end (overrides DIST_DIR).
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
}

impl ServeArgs {
    /// `config` with the flags that were given applied on top.
    pub fn apply_to(self, mut config: Config) -> Config {
        if let Some(addr) = self.addr {
            config.addr = addr;
        }
        if let Some(dist) = self.dist {
            config.dist_dir = dist;
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_override_the_environment_and_absent_flags_keep_it() {
        let env = Config::from_lookup(|_| Ok(None)).unwrap();
        let cli = Cli::try_parse_from(["api", "serve", "--addr", "127.0.0.1:0"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("parsed as {:?}", cli.command);
        };

        let config = args.apply_to(env);

        assert_eq!(config.addr, "127.0.0.1:0".parse().unwrap());
        assert_eq!(config.dist_dir, PathBuf::from("dist"));
    }

    #[test]
    fn create_admin_takes_email_name_and_role_but_no_password_flag() {
        let cli = Cli::try_parse_from([
            "api",
            "create-admin",
            "root@example.com",
            "Root",
            "--role",
            "super-admin",
        ])
        .unwrap();
        let Command::CreateAdmin(args) = cli.command else {
            panic!("parsed as {:?}", cli.command);
        };

        assert_eq!(args.email, "root@example.com");
        assert_eq!(args.role, AdminRole::SuperAdmin);
        assert!(
            Cli::try_parse_from(["api", "create-admin", "a@b.co", "A", "--password", "x"]).is_err()
        );
        assert!(
            Cli::try_parse_from(["api", "create-admin", "a@b.co", "A", "--role", "seller"])
                .is_err()
        );
    }

    #[test]
    fn the_admin_password_comes_from_the_environment_else_the_first_line_of_input() {
        let mut input = &b"from stdin password\nsecond line\n"[..];

        assert_eq!(
            read_admin_password(Some("from env password".into()), &mut input).unwrap(),
            "from env password"
        );
        assert_eq!(
            read_admin_password(Some(String::new()), &mut input).unwrap(),
            "from stdin password"
        );
        assert!(read_admin_password(None, &mut &b""[..]).is_err());
    }

    #[test]
    fn demo_passwords_meet_the_policy() {
        for demo in &DEMO_ACCOUNTS {
            assert_eq!(
                crate::auth::password::check_policy(demo.password),
                Ok(()),
                "{}",
                demo.email
            );
        }
    }

    #[test]
    fn migrate_takes_no_flags() {
        let cli = Cli::try_parse_from(["api", "migrate"]).unwrap();

        assert!(matches!(cli.command, Command::Migrate));
        assert!(Cli::try_parse_from(["api", "migrate", "--addr", "127.0.0.1:0"]).is_err());
    }
}
