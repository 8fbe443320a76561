//! The CSV export's format: RFC 4180 (every cell quoted, quotes doubled, CRLF), and safe to open
//! in a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
//! prefixed with `'`, so it is shown as text and never run as a formula (OWASP's CSV injection).

use crate::db::audit::AuditRow;

const COLUMNS: [&str; 15] = [
    "seq",
    "at",
    "actor_type",
    "actor_id",
    "action",
    "resource_type",
    "resource_id",
    "changes",
    "ip",
    "user_agent",
    "impersonation_flag",
    "impersonated_by",
    "status",
    "error_message",
    "hash",
];

/// The header line.
pub fn header() -> String {
    let mut out = String::new();
    line(&mut out, COLUMNS.iter().map(|c| Some(*c)));
    out
}

/// Appends `row` as a line.
pub fn push_row(out: &mut String, row: &AuditRow) {
    let seq = row.seq.to_string();
    let at = row.at.to_string();
    let flag = if row.impersonation_flag {
        "true"
    } else {
        "false"
    };
    line(
        out,
        [
            Some(seq.as_str()),
            Some(at.as_str()),
            Some(row.actor_type.as_str()),
            row.actor_id.as_deref(),
            Some(row.action.as_str()),
            Some(row.resource_type.as_str()),
            row.resource_id.as_deref(),
            Some(row.changes.as_str()),
            row.ip.as_deref(),
            row.user_agent.as_deref(),
            Some(flag),
            row.impersonated_by.as_deref(),
            Some(row.status.as_str()),
            row.error_message.as_deref(),
            Some(row.hash.as_str()),
        ]
        .into_iter(),
    );
}

fn line<'a>(out: &mut String, cells: impl Iterator<Item = Option<&'a str>>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell_text(cell.unwrap_or("")));
    }
    out.push_str("\r\n");
}

/// One cell, quoted and defused.
pub fn cell_text(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_quotes_doubled() {
        assert_eq!(cell_text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for start in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell_text(start).starts_with("\"'"), "{start}");
        }
        assert_eq!(cell_text("products:update"), "\"products:update\"");
    }
}
