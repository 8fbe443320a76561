//! wrk runs: a scenario's throughput, latency percentiles and errors, read from wrk's summary.

use super::{CONNECTIONS, DURATION_SECS};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::process::Command;

#[derive(Debug, Serialize)]
pub struct Load {
    pub scenario: String,
    pub url_path: String,
    pub connections: u32,
    pub seconds: u32,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub non_2xx: u64,
}

/// Prints `loads` as a table, the first column headed `heading`.
pub fn print_loads(heading: &str, loads: &[Load]) {
    println!(
        "{heading:<52} {:>10} {:>9} {:>9} {:>8}",
        "req/s", "p50 ms", "p99 ms", "non-2xx"
    );
    for load in loads {
        println!(
            "{:<52} {:>10.0} {:>9.2} {:>9.2} {:>8}",
            load.scenario, load.requests_per_sec, load.p50_ms, load.p99_ms, load.non_2xx
        );
    }
}

/// Runs wrk against `addr` + `path` for [`DURATION_SECS`] and reads its summary.
pub fn wrk(scenario: &str, addr: &str, path: &str, token: Option<&str>) -> Result<Load> {
    wrk_for(scenario, addr, path, token, DURATION_SECS)
}

/// [`wrk`] for `seconds`.
pub fn wrk_for(
    scenario: &str,
    addr: &str,
    path: &str,
    token: Option<&str>,
    seconds: u32,
) -> Result<Load> {
    let mut command = Command::new("wrk");
    command.args([
        "-t2",
        &format!("-c{CONNECTIONS}"),
        &format!("-d{seconds}s"),
        "--latency",
        "--timeout",
        "10s",
    ]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let output = command
        .arg(format!("http://{addr}{path}"))
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut load = parse_wrk(scenario, path, &text)?;
    load.seconds = seconds;
    Ok(load)
}

fn parse_wrk(scenario: &str, path: &str, text: &str) -> Result<Load> {
    let field = |prefix: &str| -> Option<&str> {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
    };
    let percentile = |name: &str| -> Result<f64> {
        let value = field(name)
            .and_then(|rest| rest.split_whitespace().next())
            .with_context(|| format!("no {name} latency in wrk's output:\n{text}"))?;
        duration_ms(value)
    };
    let requests_per_sec = field("Requests/sec:")
        .context("no Requests/sec in wrk's output")?
        .parse()?;
    let non_2xx = field("Non-2xx or 3xx responses:")
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(0);
    Ok(Load {
        scenario: scenario.to_owned(),
        url_path: path.to_owned(),
        connections: CONNECTIONS,
        seconds: DURATION_SECS,
        requests_per_sec,
        p50_ms: percentile("50%")?,
        p99_ms: percentile("99%")?,
        non_2xx,
    })
}

/// wrk's durations (`812.00us`, `3.45ms`, `1.20s`) in milliseconds.
fn duration_ms(value: &str) -> Result<f64> {
    let (number, factor) = if let Some(n) = value.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = value.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix('s') {
        (n, 1000.0)
    } else {
        bail!("unknown duration {value:?}")
    };
    Ok(number.parse::<f64>()? * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRK_OUTPUT: &str = "Running 10s test @ http://127.0.0.1:4000/api/v1/auth/me
  2 threads and 256 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.51ms    3.20ms  48.18ms   80.00%
  Latency Distribution
     50%   10.02ms
     75%   11.89ms
     90%   14.20ms
     99%   23.41ms
  487655 requests in 10.01s, 120.04MB read
  Non-2xx or 3xx responses: 3
Requests/sec:  48718.52
Transfer/sec:     11.99MB
";

    #[test]
    fn reads_throughput_percentiles_and_errors_from_wrk() {
        let load = parse_wrk("s", "/p", WRK_OUTPUT).unwrap();

        assert_eq!(load.requests_per_sec, 48718.52);
        assert_eq!(load.p50_ms, 10.02);
        assert_eq!(load.p99_ms, 23.41);
        assert_eq!(load.non_2xx, 3);
    }

    #[test]
    fn reads_wrk_durations_in_every_unit() {
        assert_eq!(duration_ms("812.00us").unwrap(), 0.812);
        assert_eq!(duration_ms("3.5ms").unwrap(), 3.5);
        assert_eq!(duration_ms("1.20s").unwrap(), 1200.0);
        assert!(duration_ms("5m").is_err());
    }
}
