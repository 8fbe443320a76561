//! The log as a table: who did what to which resource, when, and how it ended; acts done in a
//! support session flagged with the administrator's name; a row's details (its changes field
//! by field, before and after, and where it came from) opened under it; and the chain badge.

use contracts::audit::{AuditChainStatus, AuditEntry, AuditStatus, ChangeValue, FieldChange};
use shop_kit::http::ApiError;
use shop_kit::parts;
use yew::prelude::*;

/// The table; the row `open` (a sequence number) shows its details.
pub fn table(rows: &[AuditEntry], open: Option<i64>, toggle: &Callback<i64>) -> Html {
    html! {
        <table data-testid="audit-table">
            { parts::head(&[("When", false), ("Who", false), ("Did", false), ("To", false), ("Outcome", false), ("", false)]) }
            <tbody>
                { for rows.iter().map(|entry| row(entry, open == Some(entry.seq), toggle)) }
            </tbody>
        </table>
    }
}

fn row(entry: &AuditEntry, open: bool, toggle: &Callback<i64>) -> Html {
    let seq = entry.seq;
    let onclick = toggle.reform(move |_: MouseEvent| seq);
    let resource = match &entry.resource_id {
        Some(id) => format!("{} {id}", entry.resource_type),
        None => entry.resource_type.clone(),
    };
    html! {
        <>
            <tr data-testid="audit-row" data-action={entry.action.clone()}
                data-impersonated={entry.impersonation_flag.to_string()}>
                <td>{ parts::date_time(entry.at) }</td>
                <td>{ who(entry) }</td>
                <td><code>{ entry.action.clone() }</code></td>
                <td>{ resource }</td>
                <td>{ outcome(entry.status) }</td>
                <td>
                    <button type="button" {onclick} aria-expanded={open.to_string()}
                        aria-label={format!("Details of row {seq}")} data-testid="audit-details">
                        { if open { "Hide" } else { "Details" } }
                    </button>
                </td>
            </tr>
            if open {
                <tr data-testid="audit-detail"><td colspan="6">{ detail(entry) }</td></tr>
            }
        </>
    }
}

/// Who acted, in words: the account's name (else its id), the server's task, or nobody signed
/// in; an impersonated act names the administrator first, flagged.
fn who(entry: &AuditEntry) -> Html {
    let actor = match (&entry.actor_name, &entry.actor_id) {
        (Some(name), _) => name.clone(),
        (None, Some(id)) if entry.actor_type == contracts::audit::ActorType::System => {
            format!("System ({id})")
        }
        (None, Some(id)) => id.clone(),
        (None, None) => "Not signed in".to_owned(),
    };
    if !entry.impersonation_flag {
        return html! { <span data-testid="audit-actor">{ actor }</span> };
    }
    let admin = entry
        .impersonator_name
        .clone()
        .or_else(|| entry.impersonated_by.clone())
        .unwrap_or_else(|| "an administrator".to_owned());
    html! {
        <span data-testid="audit-actor">
            <strong class="status" data-testid="impersonated-badge">{ "Support session" }</strong>
            { format!(" {admin} acting as {actor}") }
        </span>
    }
}

fn outcome(status: AuditStatus) -> Html {
    let text = match status {
        AuditStatus::Success => "Succeeded",
        AuditStatus::Failure => "Failed",
    };
    html! { <span class="status" data-status={status.as_str()}>{ text }</span> }
}

fn detail(entry: &AuditEntry) -> Html {
    let facts = [
        ("Row", Some(entry.seq.to_string())),
        ("Actor id", entry.actor_id.clone()),
        ("Administrator id", entry.impersonated_by.clone()),
        ("Error", entry.error_message.clone()),
        ("IP address", entry.ip.clone()),
        ("Browser", entry.user_agent.clone()),
        ("Hash", Some(entry.hash.clone())),
    ];
    html! {
        <>
            if entry.changes.is_empty() {
                { parts::empty("No field changed.") }
            } else {
                <table data-testid="audit-diff">
                    <caption>{ "Changes" }</caption>
                    { parts::head(&[("Field", false), ("Before", false), ("After", false)]) }
                    <tbody>
                        { for entry.changes.iter().map(|(field, change)| change_row(field, change)) }
                    </tbody>
                </table>
            }
            <dl>
                { for facts.into_iter().filter_map(|(label, value)| value.map(|value| html! {
                    <><dt>{ label }</dt><dd><code>{ value }</code></dd></>
                })) }
            </dl>
        </>
    }
}

fn change_row(field: &str, change: &FieldChange) -> Html {
    html! {
        <tr data-field={field.to_owned()}>
            <th scope="row">{ field.to_owned() }</th>
            <td class="muted">{ value(change.before.as_ref()) }</td>
            <td>{ value(change.after.as_ref()) }</td>
        </tr>
    }
}

fn value(value: Option<&ChangeValue>) -> String {
    match value {
        None => "—".to_owned(),
        Some(ChangeValue::Bool(flag)) => flag.to_string(),
        Some(ChangeValue::Int(number)) => number.to_string(),
        Some(ChangeValue::Text(text)) => text.clone(),
    }
}

/// The chain's verification: verified with its row count, broken at a row with the reason, or
/// still being checked.
pub fn chain_badge(status: Option<&Result<AuditChainStatus, ApiError>>) -> Html {
    let (verified, text) = match status {
        None => {
            return html! { <p role="status" data-testid="chain-badge" aria-busy="true">{ "Checking the chain…" }</p> };
        }
        Some(Err(problem)) => (
            false,
            format!("Chain not checked: {}", parts::message(problem)),
        ),
        Some(Ok(status)) if status.verified => (
            true,
            format!(
                "Chain verified: {} rows, {} checkpoints",
                contracts::money::group_count(u64::try_from(status.rows).unwrap_or(0)),
                status.checkpoints
            ),
        ),
        Some(Ok(status)) => (
            false,
            format!(
                "Chain broken at row {}: {}",
                status
                    .first_bad_row
                    .map_or_else(|| "?".to_owned(), |row| row.to_string()),
                status.problem.as_deref().unwrap_or("unknown problem")
            ),
        ),
    };
    html! {
        <p role="status" class="status" data-testid="chain-badge" data-verified={verified.to_string()}>
            { if verified { "✔ " } else { "✖ " } }{ text }
        </p>
    }
}
