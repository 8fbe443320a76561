//! The audit-viewer widget (`/admin/audit`): the append-only audit log as a table, filtered by
//! the audit API's filters or one of seed 000 §12.2's named queries, a page at a time (keyset,
//! "Load more"), each row's before/after changes on demand, the hash chain's verification as a
//! badge, and the same rows as a CSV download. Administrators with a second factor only (the
//! shell's route guard; the API checks again).

mod filters;
mod rows;

use contracts::audit::{AuditChainStatus, AuditEntry, AuditPage};
use shop_kit::http::{ApiError, Call, query_value};
use shop_kit::parts;
use widget_kit::WidgetProps;
use yew::platform::spawn_local;
use yew::prelude::*;

widget_kit::export_widget!(App);

/// Rows per page.
const PAGE_SIZE: u32 = 50;

/// The rows shown so far under one filter.
#[derive(Default, PartialEq)]
struct Log {
    rows: Vec<AuditEntry>,
    next_cursor: Option<String>,
    loading: bool,
    problem: Option<ApiError>,
}

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let mount = &props.mount;
    let api = mount.api_base.clone();
    let token = mount
        .session
        .as_ref()
        .map(|s| s.access_token.clone())
        .unwrap_or_default();
    // The filter as a query string (`actorType=ADMIN&preset=impersonations`), "" for all rows.
    let query = use_state(String::new);
    let log = use_state(|| Log {
        loading: true,
        ..Log::default()
    });
    let chain = use_state(|| None::<Result<AuditChainStatus, ApiError>>);
    let open = use_state(|| None::<i64>);
    let exporting = use_state(|| None::<ApiError>);

    let fetch = {
        let (log, api, token) = (log.clone(), api.clone(), token.clone());
        Callback::from(
            move |(filter, cursor, mut shown): (String, Option<String>, Vec<AuditEntry>)| {
                log.set(Log {
                    rows: shown.clone(),
                    loading: true,
                    ..Log::default()
                });
                let after =
                    cursor.map_or_else(String::new, |c| format!("&cursor={}", query_value(&c)));
                let url = format!("{api}/audit?limit={PAGE_SIZE}{}{after}", and(&filter));
                let (log, token) = (log.clone(), token.clone());
                spawn_local(async move {
                    log.set(
                        match Call::get(url, Some(&token)).json::<AuditPage>().await {
                            Ok(page) => {
                                shown.extend(page.items);
                                Log {
                                    rows: shown,
                                    next_cursor: page.next_cursor,
                                    ..Log::default()
                                }
                            }
                            Err(problem) => Log {
                                rows: shown,
                                problem: Some(problem),
                                ..Log::default()
                            },
                        },
                    );
                });
            },
        )
    };
    {
        let (fetch, chain, api, token) = (fetch.clone(), chain.clone(), api.clone(), token.clone());
        use_effect_with((), move |_| {
            fetch.emit((String::new(), None, Vec::new()));
            spawn_local(async move {
                let url = format!("{api}/audit/status");
                chain.set(Some(Call::get(url, Some(&token)).json().await));
            });
        });
    }
    let apply = {
        let (fetch, query, open) = (fetch.clone(), query.clone(), open.clone());
        Callback::from(move |filter: String| {
            query.set(filter.clone());
            open.set(None);
            fetch.emit((filter, None, Vec::new()));
        })
    };
    let more = {
        let (fetch, log, query) = (fetch.clone(), log.clone(), query.clone());
        Callback::from(move |_: MouseEvent| {
            fetch.emit(((*query).clone(), log.next_cursor.clone(), log.rows.clone()));
        })
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |seq: i64| open.set((*open != Some(seq)).then_some(seq)))
    };
    let export = {
        let (query, exporting, api, token) = (query.clone(), exporting.clone(), api, token);
        Callback::from(move |_: MouseEvent| {
            let url = format!("{api}/audit/export.csv{}", filters::leading(&query));
            let (exporting, token) = (exporting.clone(), token.clone());
            spawn_local(async move {
                exporting.set(
                    shop_kit::download::save(url, &token, "audit.csv")
                        .await
                        .err(),
                );
            });
        })
    };

    let table = if log.rows.is_empty() && log.loading {
        parts::loading()
    } else if log.rows.is_empty() && log.problem.is_none() {
        parts::empty("No audit rows match these filters.")
    } else {
        rows::table(&log.rows, *open, &toggle)
    };
    parts::page(
        "Audit log",
        html! { <>
            { rows::chain_badge(chain.as_ref()) }
            { filters::form(apply) }
            <p>
                <button type="button" onclick={export} data-testid="audit-export">{ "Export CSV" }</button>
            </p>
            if let Some(problem) = &*exporting {
                { parts::problem(problem) }
            }
            if let Some(problem) = &log.problem {
                { parts::problem(problem) }
            }
            { table }
            if log.next_cursor.is_some() {
                <button type="button" onclick={more} disabled={log.loading} data-testid="load-more">{ "Load more" }</button>
            }
        </> },
    )
}

/// `filter` appended to a query string that already has a parameter.
fn and(filter: &str) -> String {
    if filter.is_empty() {
        String::new()
    } else {
        format!("&{filter}")
    }
}
