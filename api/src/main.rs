//! The `api` binary: reads the command line and the environment, then hands over to the
//! library. Everything testable lives in `lib.rs`.

use anyhow::Context as _;
use api::cli::{AuditCommand, Cli, Command};
use api::{Application, Config, Db};
use clap::Parser as _;
use std::io::Write as _;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Before parsing, so `--help` and usage errors need no logging set up.
    let cli = Cli::parse();
    // A `.env` is a development convenience; real environment variables win over it, and a
    // missing file is normal. A malformed one is an error rather than half-applied settings.
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(error) if error.not_found() => {}
        Err(error) => return Err(error).context("reading .env"),
    }
    api::telemetry::init();

    match cli.command {
        Command::Serve(args) => {
            // Only in a build with the `failpoints` feature (the crash tests'): the fault
            // points `FAILPOINTS` names, held for the server's life. Other builds ignore it.
            let _faults = fail::has_failpoints().then(fail::FailScenario::setup);
            let config = args.apply_to(Config::from_env()?);
            let application = Application::build(config).await?;
            // The one line on stdout, machine-read by test harnesses that start the server on
            // port 0: `listening on http://IP:PORT`. Flushed now, because a harness waits for it.
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "listening on http://{}", application.local_addr())?;
            stdout.flush()?;
            drop(stdout);
            application.run_until_stopped().await?;
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            let db = Db::connect_with(
                config.database_url.expose(),
                config.database_max_connections,
            )
            .await?;
            db.migrate().await.context("migrating the database")?;
            db.close().await;
            tracing::info!(database = db.kind().as_str(), "migrations applied");
        }
        Command::CreateAdmin(args) => {
            let config = Config::from_env()?;
            let from_env = std::env::var(api::cli::ADMIN_PASSWORD_VAR).ok();
            if from_env.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprintln!(
                    "password (visible as you type; pipe it or set ADMIN_PASSWORD to avoid that):"
                );
            }
            let password = api::cli::read_admin_password(from_env, &mut std::io::stdin().lock())?;
            api::cli::create_admin_command(args, &config, password, &mut std::io::stdout()).await?;
        }
        Command::Keys(command) => {
            let config = Config::from_env()?;
            api::cli::keys::keys_command(&command, &config, &mut std::io::stdout()).await?;
        }
        Command::SeedDemo => {
            let config = Config::from_env()?;
            api::cli::seed_demo_command(&config, &mut std::io::stdout()).await?;
        }
        Command::SeedCatalog { products } => {
            let config = Config::from_env()?;
            api::catalog_seed::command(&config, products, &mut std::io::stdout()).await?;
        }
        Command::Backup { dir } => {
            let config = Config::from_env()?;
            api::cli::backup::backup_command(&config, &dir, &mut std::io::stdout()).await?;
        }
        Command::Restore { dir } => {
            let config = Config::from_env()?;
            api::cli::backup::restore_command(&config, &dir, &mut std::io::stdout()).await?;
        }
        Command::Audit(AuditCommand::Verify { checkpoints }) => {
            let config = Config::from_env()?;
            let valid =
                api::cli::audit_verify_command(&config, checkpoints, &mut std::io::stdout())
                    .await?;
            if !valid {
                std::process::exit(1);
            }
        }
    }
    Ok(())
}
