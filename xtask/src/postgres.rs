//! A throwaway PostgreSQL cluster for the API's integration tests: `initdb` into a fresh
//! temporary folder, a server on a free loopback port, stopped and deleted when dropped.
//!
//! Debian's `postgresql` package provides the binaries (under `/usr/lib/postgresql/<major>/bin`,
//! not on PATH); `.ci/run` installs it. PostgreSQL refuses to run as root, so as root every
//! server command runs as the `postgres` system user (created by that package) through
//! `runuser`, in a folder that user owns.

use anyhow::{Context, Result, bail};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian puts each major version's server binaries.
const DEBIAN_POSTGRES_ROOT: &str = "/usr/lib/postgresql";

/// The `bin` folder of the newest PostgreSQL installed the Debian way, or an error that says
/// how to install it.
pub fn find_binaries() -> Result<PathBuf> {
    let newest = std::fs::read_dir(DEBIAN_POSTGRES_ROOT)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("pg_ctl").is_file().then_some((major, bin))
        })
        .max_by_key(|(major, _)| *major);
    match newest {
        Some((_, bin)) => Ok(bin),
        None => bail!(
            "no PostgreSQL server binaries in {DEBIAN_POSTGRES_ROOT}/*/bin: install Debian's \
             postgresql (apt-get install postgresql); the API tests must also run on PostgreSQL"
        ),
    }
}

/// A running cluster. Dropping it stops the server and deletes its folder, also when the tests
/// that used it failed.
pub struct Cluster {
    bin: PathBuf,
    /// The temporary folder: `data/` (the cluster), `server.log`, and the server's Unix socket.
    root: PathBuf,
    port: u16,
    /// Running as root: server commands go through `runuser -u postgres`.
    as_postgres_user: bool,
    started: bool,
}

impl Cluster {
    /// Creates and starts a cluster with the binaries in `bin`; returns once it accepts
    /// connections.
    pub fn start(bin: &Path) -> Result<Cluster> {
        let root = std::env::temp_dir().join(format!(
            "bazaar-postgres-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        std::fs::create_dir(&root).with_context(|| format!("creating {}", root.display()))?;
        // From here on, dropping `cluster` deletes the folder, whatever fails next.
        let mut cluster = Cluster {
            bin: bin.to_owned(),
            root,
            port: free_port()?,
            as_postgres_user: is_root()?,
            started: false,
        };
        if cluster.as_postgres_user {
            quiet(
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(&cluster.root),
            )
            .context("giving the cluster folder to the postgres user")?;
        }
        let data = cluster.root.join("data");
        // Trust authentication: the server listens on loopback and a private socket folder only,
        // holds nothing but test data, and lives for one test run. --no-sync: durability is
        // pointless for a cluster deleted minutes later.
        quiet(cluster.command("initdb").arg("--pgdata").arg(&data).args([
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        ]))
        .context("initdb")?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off",
            cluster.port,
            cluster.root.display()
        );
        let log = cluster.root.join("server.log");
        let started = quiet(
            cluster
                .command("pg_ctl")
                .arg("--pgdata")
                .arg(&data)
                .arg("--log")
                .arg(&log)
                .args(["--wait", "--options", &options, "start"]),
        );
        // Set before checking: a server that started late must still be stopped.
        cluster.started = true;
        if let Err(error) = started {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(error.context(format!("starting PostgreSQL; its log:\n{log}")));
        }
        Ok(cluster)
    }

    /// The URL of the cluster's `postgres` database, what `TEST_DATABASE_URL` expects.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// `program` from the PostgreSQL binaries, run as the postgres user when we are root.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.started {
            // Immediate: no checkpoint, since the data is deleted next.
            let stopped = quiet(
                self.command("pg_ctl")
                    .arg("--pgdata")
                    .arg(self.root.join("data"))
                    .args(["--mode=immediate", "--wait", "stop"]),
            );
            if let Err(error) = stopped {
                eprintln!("xtask: stopping the test PostgreSQL cluster: {error:#}");
            }
        }
        if let Err(error) = std::fs::remove_dir_all(&self.root) {
            eprintln!("xtask: deleting {}: {error}", self.root.display());
        }
    }
}

/// A port that was free a moment ago on loopback. Another process could take it before the
/// server binds it; then `pg_ctl start` fails and says so.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn is_root() -> Result<bool> {
    let output = Command::new("id")
        .arg("-u")
        .output()
        .context("running id -u")?;
    Ok(String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// Runs `command`, keeping its chatter off the terminal unless it fails.
fn quiet(command: &mut Command) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("starting {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
