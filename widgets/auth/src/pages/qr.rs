//! The enrolment QR code as inline SVG: one `rect` per run of dark modules. No image URL, no
//! `style` attribute and no script, so it renders under the page's CSP (`MfaEnrollment::qr_rows`
//! exists for this).

use yew::prelude::*;

/// The light margin around a QR code that scanners need, in modules (ISO/IEC 18004).
const QUIET_ZONE: usize = 4;

/// The code of `rows` (`'1'` dark, `'0'` light), `label` naming it for screen readers.
pub fn qr_code(rows: &[String], label: &str) -> Html {
    let size = (rows.len() + 2 * QUIET_ZONE).to_string();
    let modules = dark_runs(rows).into_iter().map(|(x, y, width)| {
        html! { <rect x={x.to_string()} y={y.to_string()} width={width.to_string()} height="1" /> }
    });
    html! {
        <svg viewBox={format!("0 0 {size} {size}")} width="216" height="216" role="img"
            aria-label={label.to_owned()} shape-rendering="crispEdges" data-testid="mfa-qr">
            <rect width={size.clone()} height={size} fill="#fff" />
            <g fill="#000">{ for modules }</g>
        </svg>
    }
}

/// Horizontal runs of dark modules as `(x, y, width)`, shifted by the quiet zone: one element
/// per run rather than per module keeps the DOM a few hundred nodes smaller.
fn dark_runs(rows: &[String]) -> Vec<(usize, usize, usize)> {
    let mut runs = Vec::new();
    for (y, row) in rows.iter().enumerate() {
        let mut start = None;
        for (x, module) in row.bytes().chain([b'0']).enumerate() {
            match (module == b'1', start) {
                (true, None) => start = Some(x),
                (false, Some(from)) => {
                    runs.push((from + QUIET_ZONE, y + QUIET_ZONE, x - from));
                    start = None;
                }
                _ => {}
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_modules_become_runs_inside_the_quiet_zone() {
        let rows = ["1101".to_owned(), "0111".to_owned()];
        assert_eq!(dark_runs(&rows), [(4, 4, 2), (7, 4, 1), (5, 5, 3)]);
    }
}
