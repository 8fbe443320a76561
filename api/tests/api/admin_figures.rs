//! `GET /admin/figures`: 30 UTC days of paid orders and their value, new accounts and refunds,
//! every day present; and the pending applications.

use crate::fixtures::{GSTIN_MH, apply, customer, json_of, send, staff};
use crate::helpers::spawn_app;
use contracts::admin::Figures;
use contracts::props::Role;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn the_figures_cover_thirty_days_and_count_what_happened_today() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (token, _) = customer(&app, "asha@example.com").await;
    apply(&app, &token, "Asha Textiles LLP", GSTIN_MH).await;

    let figures = send(&app, Method::GET, "/admin/figures", Some(&admin), None).await;
    let figures: Figures = serde_json::from_value(json_of(figures, StatusCode::OK).await).unwrap();
    assert_eq!(figures.days.len(), 30);
    let today = figures.days.last().unwrap();
    assert_eq!(today.day, app.clock.now() / 86_400 * 86_400);
    // The administrator and the applicant registered today (by the database's clock, which is
    // the real one: the test clock starts at the real now).
    assert!(figures.days.iter().map(|d| d.new_accounts).sum::<i64>() >= 2);
    assert_eq!(today.orders, 0);
    assert_eq!(figures.pending_applications, 1);
    assert_eq!(figures.reconciliation_items, 0);
    assert!(
        figures
            .days
            .windows(2)
            .all(|w| w[1].day - w[0].day == 86_400)
    );

    let (customer_token, _) = customer(&app, "ravi@example.com").await;
    let refused = send(
        &app,
        Method::GET,
        "/admin/figures",
        Some(&customer_token),
        None,
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
