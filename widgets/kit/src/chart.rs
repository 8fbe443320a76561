//! Bar charts drawn as SVG from Rust: no JavaScript chart library, and nothing a strict CSP
//! refuses (colours come from the scoped stylesheet's classes, not `style=` attributes).
//!
//! A chart is a `<figure>`: its caption, the SVG (axes, a labelled tick every so often, a bar
//! per point with its value as a tooltip) whose `aria-label` summarises it, and the same
//! figures as a table in a `<details>` for anyone who cannot read the picture. No data, or only
//! zeros, gives the empty text instead of a flat line.

use crate::style;
use contracts::money::{Paise, group_count};
use yew::prelude::*;

/// What a chart's values count, which decides how they are written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unit {
    /// Money in paise, written in rupees with Indian grouping.
    Paise,
    /// A number of things (orders, accounts), with Indian grouping.
    Count,
}

impl Unit {
    /// `value` as a reader sees it beside a bar or in the table.
    pub fn write(self, value: i64) -> String {
        match self {
            Unit::Paise => Paise(value).to_inr(),
            Unit::Count => count(value),
        }
    }

    /// `value` as an axis tick, where ticks are round (whole rupees).
    fn tick(self, value: i64) -> String {
        match self {
            Unit::Paise => Paise(value).to_inr_whole(),
            Unit::Count => count(value),
        }
    }
}

fn count(value: i64) -> String {
    let grouped = group_count(value.unsigned_abs());
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// One bar: its label on the x axis (e.g. `02 Dec`) and its value.
#[derive(Clone, PartialEq, Debug)]
pub struct Point {
    pub label: String,
    pub value: i64,
}

const CHART: &str = "
& { margin: 0 0 1rem; }
& figcaption { font-weight: bold; margin-bottom: .25rem; }
& svg { width: 100%; max-width: 40rem; height: auto; display: block; }
& .bar { fill: var(--mfe-accent, #2f6fdb); }
& .axis { stroke: var(--mfe-ink, #222); stroke-width: 1; }
& .grid { stroke: var(--mfe-border, #ddd); stroke-width: 1; }
& text { font-size: 11px; fill: var(--mfe-ink, #222); }
& details { font-size: .85rem; }
";

// The drawing's coordinate system; the SVG scales to its box.
const WIDTH: i64 = 640;
const HEIGHT: i64 = 220;
const LEFT: i64 = 72;
const BOTTOM: i64 = 24;
const TOP: i64 = 8;

/// The smallest "nice" number (1, 2 or 5 times a power of ten) at or above `max`, so that the
/// axis ends on a round tick.
pub fn nice_ceiling(max: i64) -> i64 {
    if max <= 1 {
        return 1;
    }
    let mut power = 1i64;
    while power.saturating_mul(10) < max {
        power = power.saturating_mul(10);
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|step| power.saturating_mul(step))
        .find(|&ceiling| ceiling >= max)
        .unwrap_or(i64::MAX)
}

/// A bar chart of `points` titled `title`, or `empty` when there is nothing to draw.
/// `testid` names the figure for tests.
pub fn bars(title: &str, testid: &str, points: &[Point], unit: Unit, empty: &str) -> Html {
    let caption = html! { <figcaption>{ title.to_owned() }</figcaption> };
    let max = points.iter().map(|p| p.value).max().unwrap_or(0);
    if max <= 0 {
        return html! {
            <figure class={style::class(CHART)} data-testid={testid.to_owned()}>
                { caption }
                <p class="muted" data-testid="chart-empty">{ empty.to_owned() }</p>
            </figure>
        };
    }
    let ceiling = nice_ceiling(max);
    let plot_height = HEIGHT - TOP - BOTTOM;
    let plot_width = WIDTH - LEFT;
    let slot = plot_width / points.len() as i64;
    let y = |value: i64| {
        TOP + plot_height - (plot_height as i128 * value.max(0) as i128 / ceiling as i128) as i64
    };
    // A label under every bar would overlap past a dozen; every n-th is enough to read days.
    let every = (points.len() as i64 / 10).max(1) as usize;
    let ticks = [0, ceiling / 2, ceiling].into_iter().map(|value| {
        let at = y(value).to_string();
        html! { <>
            <line class="grid" x1={LEFT.to_string()} x2={WIDTH.to_string()} y1={at.clone()} y2={at.clone()} />
            <text x={(LEFT - 6).to_string()} y={at} text-anchor="end" dominant-baseline="middle">{ unit.tick(value) }</text>
        </> }
    });
    let bars = points.iter().enumerate().map(|(i, point)| {
        let x = LEFT + i as i64 * slot;
        let top = y(point.value);
        let label = (i % every == 0).then(|| html! {
            <text x={(x + slot / 2).to_string()} y={(HEIGHT - 6).to_string()} text-anchor="middle">{ point.label.clone() }</text>
        });
        html! { <>
            <rect class="bar" x={(x + 1).to_string()} y={top.to_string()}
                width={(slot - 2).max(1).to_string()} height={(TOP + plot_height - top).to_string()}>
                <title>{ format!("{}: {}", point.label, unit.write(point.value)) }</title>
            </rect>
            { for label }
        </> }
    });
    let total: i64 = points.iter().map(|p| p.value).sum();
    let highest = points
        .iter()
        .max_by_key(|p| p.value)
        .map(|p| p.label.as_str())
        .unwrap_or("");
    let summary = format!(
        "{title}: {} bars from {} to {}, total {}, highest on {highest} at {}",
        points.len(),
        points.first().map(|p| p.label.as_str()).unwrap_or(""),
        points.last().map(|p| p.label.as_str()).unwrap_or(""),
        unit.write(total),
        unit.write(max),
    );
    let rows = points.iter().map(|point| html! {
        <tr><td>{ point.label.clone() }</td><td class="num">{ unit.write(point.value) }</td></tr>
    });
    let base = (TOP + plot_height).to_string();
    html! {
        <figure class={style::class(CHART)} data-testid={testid.to_owned()}>
            { caption }
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={summary}>
                { for ticks }
                { for bars }
                <line class="axis" x1={LEFT.to_string()} x2={WIDTH.to_string()} y1={base.clone()} y2={base} />
                <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={(TOP + plot_height).to_string()} />
            </svg>
            <details>
                <summary>{ "The figures as a table" }</summary>
                <table><tbody>{ for rows }</tbody></table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_number_at_or_above_the_highest_bar() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(10), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(199), 200);
        assert_eq!(nice_ceiling(201), 500);
        assert_eq!(nice_ceiling(12_345_678), 20_000_000);
        assert!(nice_ceiling(i64::MAX) >= i64::MAX / 2);
    }

    #[test]
    fn values_are_written_in_their_unit() {
        assert_eq!(Unit::Paise.write(12_345_678), "₹1,23,456.78");
        assert_eq!(Unit::Paise.tick(12_345_600), "₹1,23,456");
        assert_eq!(Unit::Count.write(1_234_567), "12,34,567");
        assert_eq!(Unit::Count.write(-1_000), "-1,000");
    }
}
