//! Credit notes (issue 15, point 8): a refund of an invoiced order issues one per seller,
//! numbered in each seller's own series, crediting the invoice lines' taxes to the paisa and
//! never beyond them; read (JSON and PDF) by exactly the invoices' readers; a refund of an
//! order without invoices is refused and changes nothing.

use crate::fixtures::{
    GSTIN_KA, GSTIN_MH, add_product, customer, json_of, product_body, seller, send, staff,
};
use crate::helpers::{
    TEST_DATABASE_MAX_CONNECTIONS, TestApp, expected_backend, problem, spawn_app,
};
use crate::invoice_pdf::text_of;
use crate::orders::{answer, fill_cart, order_body, order_of, place};
use api::ApiError;
use api::app::{Actor, Task, credit_notes};
use api::db::DbKind;
use contracts::credit_notes::{CreditNote, CreditNoteList, credit_note_number};
use contracts::gst::{LineTax, Rate};
use contracts::impersonation::ImpersonationGrant;
use contracts::invoices::{Invoice, InvoiceList, financial_year};
use contracts::orders::Order;
use contracts::props::Role;
use contracts::{Paise, Problem};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A confirmed order of two sellers' lines, delivered in Maharashtra: Asha's ₹1000 shirt at
/// 18% from Maharashtra (CGST + SGST) and Ravi's two ₹500 pots at 18% from Karnataka (IGST),
/// ₹1180 each, ₹2360 in all.
struct World {
    app: TestApp,
    admin: String,
    asha: String,
    ravi: String,
    customer: String,
    customer_id: String,
    order: Order,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (asha, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let (ravi, _) = seller(&app, &admin, "ravi@example.com", GSTIN_KA).await;
    let shirt = add_product(&app, &asha, product_body("Shirt", "SH-1", 100_000)).await;
    let pot = add_product(&app, &ravi, product_body("Clay pot", "POT-1", 50_000)).await;
    let (customer, customer_id) = customer(&app, "buyer@example.com").await;
    let cart = fill_cart(&app, &customer, &shirt.id, 1).await;
    let added = send(
        &app,
        Method::POST,
        &format!("/carts/{cart}/items"),
        Some(&customer),
        Some(json!({ "productId": pot.id, "quantity": 2 })),
    )
    .await;
    assert!(added.status().is_success());
    let body = order_body(&cart, "27");
    let order = order_of(
        place(&app, &customer, Some("k"), &body).await,
        StatusCode::CREATED,
    )
    .await;
    answer(&app, order.payment_url.as_deref().unwrap(), "approve").await;
    World {
        app,
        admin,
        asha,
        ravi,
        customer,
        customer_id,
        order,
    }
}

/// An administrator refunds `amount` paise (all that is left when `None`) of the order.
async fn refund(w: &World, amount: Option<i64>) -> reqwest::Response {
    let mut body = json!({ "reason": "returned" });
    if let Some(amount) = amount {
        body["amount"] = json!(amount);
    }
    refund_request(w, &body).send().await.unwrap()
}

/// The administrator's refund request with `body`, under an `Idempotency-Key` of its own (a
/// click of the refund form).
fn refund_request(w: &World, body: &serde_json::Value) -> reqwest::RequestBuilder {
    w.app
        .client
        .post(w.app.url(&format!("/api/v1/orders/{}/refunds", w.order.id)))
        .bearer_auth(&w.admin)
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .json(body)
}

/// The order's credit notes as `token` reads them.
async fn notes(w: &World, token: &str) -> Vec<CreditNote> {
    let path = format!("/orders/{}/credit-notes", w.order.id);
    let response = send(&w.app, Method::GET, &path, Some(token), None).await;
    let list: CreditNoteList =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    list.items
}

/// The order's invoices, as its customer reads them.
async fn invoices(w: &World) -> Vec<Invoice> {
    let path = format!("/orders/{}/invoices", w.order.id);
    let response = send(&w.app, Method::GET, &path, Some(&w.customer), None).await;
    let list: InvoiceList =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    list.items
}

/// The invoice of the seller with `gstin`.
fn invoice_of<'i>(invoices: &'i [Invoice], gstin: &str) -> &'i Invoice {
    let by = |invoice: &&Invoice| invoice.supplier.gstin.as_deref() == Some(gstin);
    invoices.iter().find(by).unwrap()
}

/// The notes of the seller with `gstin`, in number order.
fn of_seller<'n>(notes: &'n [CreditNote], gstin: &str) -> Vec<&'n CreditNote> {
    let by = |note: &&CreditNote| note.supplier.gstin.as_deref() == Some(gstin);
    notes.iter().filter(by).collect()
}

/// The numbers of the seller's 1st to `n`th credit notes this financial year.
fn series(w: &World, n: u64) -> Vec<String> {
    let fy = financial_year(w.app.clock.india_today()).0;
    (1..=n)
        .map(|serial| credit_note_number(fy, serial).unwrap())
        .collect()
}

fn numbers(notes: &[&CreditNote]) -> Vec<String> {
    notes.iter().map(|note| note.number.clone()).collect()
}

fn credit(taxable: i64, cgst: i64, sgst: i64, igst: i64) -> LineTax {
    LineTax {
        taxable: Paise(taxable),
        rate: Rate(1_800),
        cgst: Paise(cgst),
        sgst: Paise(sgst),
        igst: Paise(igst),
        total: Paise(taxable + cgst + sgst + igst),
    }
}

/// Checks that `notes` of `invoice`'s seller credit, line by line and tax by tax, exactly it.
fn assert_credit_the_whole_invoice(notes: &[&CreditNote], invoice: &Invoice) {
    for (n, line) in invoice.lines.iter().enumerate() {
        let mut sum = credit(0, 0, 0, 0);
        for note in notes {
            let part = &note.lines[n].tax;
            assert_eq!(note.lines[n].description, line.description);
            sum = LineTax {
                taxable: Paise(sum.taxable.0 + part.taxable.0),
                cgst: Paise(sum.cgst.0 + part.cgst.0),
                sgst: Paise(sum.sgst.0 + part.sgst.0),
                igst: Paise(sum.igst.0 + part.igst.0),
                total: Paise(sum.total.0 + part.total.0),
                rate: part.rate,
            };
        }
        assert_eq!(sum, line.tax, "{}", line.description);
    }
}

#[tokio::test]
async fn refunds_issue_a_credit_note_per_seller_and_in_all_credit_exactly_the_invoices() {
    let w = world().await;
    let mark = w.app.audit_mark().await;
    let invoices = invoices(&w).await;
    let invoice_of = |gstin| invoice_of(&invoices, gstin);

    // ₹180: ₹90 of each seller's ₹1180, split back at 18% (contracts::gst::credit's example).
    order_of(refund(&w, Some(18_000)).await, StatusCode::OK).await;
    let first = notes(&w, &w.admin).await;
    assert_eq!(first.len(), 2, "one per seller");
    let (asha, ravi) = (of_seller(&first, GSTIN_MH), of_seller(&first, GSTIN_KA));
    assert_eq!(
        (numbers(&asha), numbers(&ravi)),
        (series(&w, 1), series(&w, 1))
    );
    let shirt = asha[0];
    assert_eq!(shirt.lines.len(), 1);
    assert_eq!(shirt.lines[0].tax, credit(7_627, 687, 686, 0));
    assert_eq!(ravi[0].lines[0].tax, credit(7_627, 0, 0, 1_373));
    // Rule 53(1A): nature, the invoice's number and date, the parties as on the invoice.
    let invoice = invoice_of(GSTIN_MH);
    assert_eq!(shirt.nature, "Credit Note");
    assert_eq!(
        (&shirt.invoice.id, &shirt.invoice.number, shirt.invoice.date),
        (&invoice.id, &invoice.number, invoice.date)
    );
    assert_eq!(shirt.date, w.app.clock.india_today());
    assert_eq!(
        (&shirt.supplier, &shirt.recipient),
        (&invoice.supplier, &invoice.recipient)
    );
    assert_eq!(shirt.place_of_supply_name, "Maharashtra");
    assert_eq!((shirt.totals.tax.0, shirt.totals.total.0), (1_373, 9_000));
    assert_eq!(shirt.total_in_words, "Rupees Ninety Only");

    // One paisa: a tie between the lines, which goes to the first, the shirt.
    order_of(refund(&w, Some(1)).await, StatusCode::OK).await;
    let second = notes(&w, &w.customer).await;
    assert_eq!(second.len(), 3);
    let asha = of_seller(&second, GSTIN_MH);
    assert_eq!(numbers(&asha), series(&w, 2));
    assert_eq!(asha[1].lines[0].tax, credit(1, 0, 0, 0));

    // The rest: each seller's next number, and the notes add up to the invoices exactly.
    let rest = order_of(refund(&w, None).await, StatusCode::OK).await;
    assert_eq!(rest.refunded, rest.totals.total);
    let all = notes(&w, &w.admin).await;
    let (asha, ravi) = (of_seller(&all, GSTIN_MH), of_seller(&all, GSTIN_KA));
    assert_eq!(
        (numbers(&asha), numbers(&ravi)),
        (series(&w, 3), series(&w, 2))
    );
    assert_credit_the_whole_invoice(&asha, invoice_of(GSTIN_MH));
    assert_credit_the_whole_invoice(&ravi, invoice_of(GSTIN_KA));

    let issued = w.app.audited(mark, "credit_notes:issue").await;
    assert_eq!(issued.len(), 5, "one audit row per note");
    for row in &issued {
        for personal in ["Meera", "Lake View", "Pune", GSTIN_MH, GSTIN_KA] {
            assert!(!row.changes.contains(personal), "{}", row.changes);
        }
    }
}

#[tokio::test]
async fn credit_notes_are_read_by_their_invoices_readers_as_json_and_pdf() {
    let w = world().await;
    order_of(refund(&w, Some(18_000)).await, StatusCode::OK).await;
    let all = notes(&w, &w.admin).await;
    let (shirt, pot) = (of_seller(&all, GSTIN_MH)[0], of_seller(&all, GSTIN_KA)[0]);
    let read = |token: &str, path: String| {
        let (app, token) = (&w.app, token.to_owned());
        async move { send(app, Method::GET, &path, Some(&token), None).await }
    };
    let (stranger, _) = customer(&w.app, "stranger@example.com").await;

    assert_eq!(notes(&w, &w.customer).await, all, "the customer's own");
    assert!(notes(&w, &stranger).await.is_empty());
    assert_eq!(
        notes(&w, &w.asha).await,
        std::slice::from_ref(shirt),
        "a seller its shop's"
    );
    assert_eq!(notes(&w, &w.ravi).await, std::slice::from_ref(pot));
    for (token, note, status) in [
        (&w.customer, shirt, StatusCode::OK),
        (&w.asha, shirt, StatusCode::OK),
        (&w.admin, pot, StatusCode::OK),
        (&w.asha, pot, StatusCode::NOT_FOUND),
        (&stranger, shirt, StatusCode::NOT_FOUND),
    ] {
        let response = read(token, format!("/credit-notes/{}", note.id)).await;
        assert_eq!(response.status(), status, "{}", note.number);
        if status == StatusCode::OK {
            assert_eq!(&response.json::<CreditNote>().await.unwrap(), note);
        }
    }
    let malformed = read(&w.customer, "/credit-notes/not-an-id".into()).await;
    assert_eq!(malformed.status(), StatusCode::NOT_FOUND);

    let pdf = read(&w.customer, format!("/credit-notes/{}/pdf", shirt.id)).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let disposition = pdf.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.contains(&format!("{}.pdf", shirt.number)));
    let text = text_of(&pdf.bytes().await.unwrap());
    for needle in [
        shirt.number.as_str(),
        shirt.invoice.number.as_str(),
        "Credit Note",
        GSTIN_MH,
        "₹90.00",
        "₹6.87",
    ] {
        assert!(text.contains(needle), "the PDF shows {needle}");
    }
    let by_stranger = read(&stranger, format!("/credit-notes/{}/pdf", shirt.id)).await;
    assert_eq!(by_stranger.status(), StatusCode::NOT_FOUND);

    // Administrators' reads are audited, the customer's own are not.
    let mark = w.app.audit_mark().await;
    notes(&w, &w.customer).await;
    read(&w.admin, format!("/credit-notes/{}", shirt.id)).await;
    notes(&w, &w.admin).await;
    assert_eq!(w.app.audited(mark, "credit_notes:read").await.len(), 2);
}

#[tokio::test]
async fn support_sees_credit_notes_masked_as_invoices_are() {
    let w = world().await;
    order_of(refund(&w, Some(18_000)).await, StatusCode::OK).await;
    let body = json!({
        "targetUserId": w.customer_id, "reason": "a refund question", "durationMinutes": 30
    });
    let grant = send(
        &w.app,
        Method::POST,
        "/admin/impersonate",
        Some(&w.admin),
        Some(body),
    )
    .await;
    let grant: ImpersonationGrant =
        serde_json::from_value(json_of(grant, StatusCode::CREATED).await).unwrap();

    let masked = notes(&w, &grant.access_token).await;

    let shirt = of_seller(&notes(&w, &w.customer).await, GSTIN_MH)[0].clone();
    let seen = masked.iter().find(|note| note.id == shirt.id).unwrap();
    assert_eq!(seen.recipient.address, ["4 Lake View", "[MASKED]"]);
    assert_eq!(seen.supplier.gstin.as_deref(), Some("27AAPF****ZV"));
    let path = format!("/credit-notes/{}/pdf", shirt.id);
    let pdf = send(&w.app, Method::GET, &path, Some(&grant.access_token), None).await;
    let text = text_of(&pdf.bytes().await.unwrap());
    assert!(text.contains(&shirt.number) && !text.contains(GSTIN_MH));
    assert!(!text.contains("Pune"), "the city is masked in the PDF too");
}

#[tokio::test]
async fn a_refund_of_an_order_without_invoices_is_refused_and_changes_nothing() {
    let w = world().await;
    // An order confirmed before invoices were issued (or whose invoices failed): none here.
    let order = api::db::Id::parse(&w.order.id).unwrap();
    api::db::sql("DELETE FROM invoices WHERE order_id = $1")
        .bind(order)
        .execute(&mut w.app.db.conn().await.unwrap())
        .await
        .unwrap();

    let response = refund(&w, Some(18_000)).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Problem = problem(response).await;
    assert_eq!(body.code, "not_invoiced");
    assert_eq!(
        (body.errors[0].field.as_str(), body.errors[0].code.as_str()),
        ("orderId", "not_invoiced")
    );
    assert_eq!(w.app.count("SELECT count(*) FROM refunds").await, 0);
    assert_eq!(w.app.count("SELECT count(*) FROM credit_notes").await, 0);
    let gateway = "SELECT count(*) FROM mock_gateway_sessions WHERE refunded > 0";
    assert_eq!(w.app.count(gateway).await, 0, "the gateway was not called");
    let path = format!("/orders/{}", w.order.id);
    let after = send(&w.app, Method::GET, &path, Some(&w.admin), None).await;
    assert_eq!(order_of(after, StatusCode::OK).await.refunded, Paise(0));
}

#[tokio::test]
async fn concurrent_partial_refunds_credit_each_paisa_once_in_unbroken_series() {
    let w = world().await;

    let mut tasks = Vec::new();
    for _ in 0..8 {
        let request = refund_request(&w, &json!({ "amount": 10_001, "reason": "returned" }));
        tasks.push(tokio::spawn(async move { request.send().await.unwrap() }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().status(), StatusCode::OK);
    }
    order_of(refund(&w, None).await, StatusCode::OK).await;

    let all = notes(&w, &w.admin).await;
    let invoices = invoices(&w).await;
    for gstin in [GSTIN_MH, GSTIN_KA] {
        let mut of_it = of_seller(&all, gstin);
        of_it.sort_by(|a, b| a.number.cmp(&b.number));
        assert_eq!(numbers(&of_it), series(&w, 9), "{gstin}: 1 to 9, no gap");
        assert_credit_the_whole_invoice(&of_it, invoice_of(&invoices, gstin));
    }
}

/// A refund row for `amount` of the order, as a refund use case writes one before it issues
/// its credit notes; its id.
async fn refund_row(w: &World, amount: i64) -> api::db::Id {
    let id = api::db::Id::new();
    api::db::sql(
        "INSERT INTO refunds (id, order_id, payment_txn_id, amount, reason, state, automatic, \
           gateway_key, gateway_ref, created_at) \
         SELECT $1, $2, e.gateway_txn_id, $3, 'returned', 'DONE', FALSE, $4, $4, $5 \
         FROM payment_events e WHERE e.order_id = $2 AND e.outcome = 'SUCCESS'",
    )
    .bind(id)
    .bind(api::db::Id::parse(&w.order.id).unwrap())
    .bind(amount)
    .bind(format!("rfnd_{id}"))
    .bind(w.app.clock.now())
    .execute(&mut w.app.db.conn().await.unwrap())
    .await
    .unwrap();
    id
}

/// PostgreSQL only (SQLite's write transactions run one at a time): two refunds' credit notes
/// issued at once, whatever their caller locked, see each other. The second, issued while the
/// first is uncommitted, waits for it, finds only ₹360 left, and is refused; it used to read
/// the whole ₹2360 as left and credit ₹1000 more than the invoices.
#[tokio::test]
async fn credit_notes_issued_at_once_wait_for_each_other_and_never_exceed_the_invoices() {
    // The test itself holds two transactions and counts beside them: three connections.
    let pool = std::env::var(TEST_DATABASE_MAX_CONNECTIONS).ok();
    let small_pool = pool
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n < 3);
    if expected_backend() != DbKind::Postgres || small_pool {
        return;
    }
    let w = world().await;
    let order = api::db::Id::parse(&w.order.id).unwrap();
    let (first, second) = (refund_row(&w, 200_000).await, refund_row(&w, 100_000).await);
    let (today, now) = (w.app.clock.india_today(), w.app.clock.now());
    let actor = Actor::system(Task::Operator);

    let mut tx = w.app.db.begin().await.unwrap();
    let vault = &w.app.vault;
    let issued = credit_notes::issue_for_refund(
        &mut tx,
        &actor,
        vault,
        order,
        first,
        Paise(200_000),
        today,
        now,
    )
    .await
    .unwrap();
    assert_eq!(issued.len(), 2);
    let (db, vault) = (w.app.db.clone(), w.app.vault.clone());
    let racing = tokio::spawn(async move {
        let mut tx = db.begin().await.unwrap();
        let actor = Actor::system(Task::Operator);
        let amount = Paise(100_000);
        let result = credit_notes::issue_for_refund(
            &mut tx, &actor, &vault, order, second, amount, today, now,
        )
        .await;
        tx.commit().await.unwrap();
        result
    });
    // Wait (for a state, not a time) until the second waits for a lock the first holds.
    let waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
        AND datname = current_database()";
    for _ in 0..1_000 {
        if racing.is_finished() || w.app.count(waiting).await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    tx.commit().await.unwrap();

    let result = racing.await.unwrap();
    assert!(
        matches!(result, Err(ApiError::RefundRefused { .. })),
        "{result:?}"
    );
    let credited = "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM credit_note_lines";
    assert_eq!(w.app.count(credited).await, 200_000);
}

#[tokio::test]
async fn a_refund_issues_its_credit_notes_once() {
    let w = world().await;
    let order = api::db::Id::parse(&w.order.id).unwrap();
    let refund = refund_row(&w, 18_000).await;
    let (today, now) = (w.app.clock.india_today(), w.app.clock.now());
    let actor = Actor::system(Task::Operator);

    let mut issued = Vec::new();
    for _ in 0..2 {
        let mut tx = w.app.db.begin().await.unwrap();
        let (vault, amount) = (&w.app.vault, Paise(18_000));
        issued.push(
            credit_notes::issue_for_refund(
                &mut tx, &actor, vault, order, refund, amount, today, now,
            )
            .await
            .unwrap(),
        );
        tx.commit().await.unwrap();
    }

    assert_eq!(issued[0].len(), 2);
    assert_eq!(issued[1], issued[0], "the same notes again");
    assert_eq!(w.app.count("SELECT count(*) FROM credit_notes").await, 2);
    let serials = "SELECT CAST(SUM(last_serial) AS BIGINT) FROM credit_note_counters";
    assert_eq!(
        w.app.count(serials).await,
        2,
        "no serial spent on the repeat"
    );
}
