//! The shopper's part of the journey: browsing, a guest's cart, what a signed-out visitor is
//! refused, then a new customer: sign-up, sign-in, refresh, an order paid and its invoice, a
//! shop application, a second factor, and a second order cancelled.

use super::*;

impl Journey<'_> {
    /// Browsing, a guest's cart and a signed-out visitor's refusals; `facts.product` and
    /// `facts.guest`.
    pub(super) fn browse(&mut self, facts: &mut Facts) -> Result<()> {
        let anon = Role::Anonymous;
        let own_shop = facts.own_shop.clone();
        // Browsing.
        let page = self.get(
            anon,
            "GET /products",
            "/products?limit=100",
            json::<ProductPage>(),
        );
        let product = page.as_ref().and_then(|page| {
            let items = page["items"].as_array()?;
            let buyable = |p: &&Value| {
                p["active"].as_bool() == Some(true) && p["stock"].as_i64().unwrap_or(0) >= 5
            };
            let of_shop = items.iter().filter(buyable).find(|p| {
                own_shop
                    .as_deref()
                    .is_some_and(|shop| p["shopId"].as_str() == Some(shop))
            });
            of_shop
                .or_else(|| items.iter().find(buyable))
                .and_then(|p| p["id"].as_str().map(str::to_owned))
        });
        let product = product.context(
            "the catalog has no active product with stock to buy: seed the server (`api seed-demo`)",
        )?;
        self.get(
            anon,
            "GET /products/{id}",
            &format!("/products/{product}"),
            json::<Product>(),
        );

        // A guest's cart.
        let guest = self
            .call(
                anon,
                "POST /carts",
                "/carts",
                Extra::default(),
                &[201],
                json::<Cart>(),
            )
            .and_then(|a| text(&a, "cartId"));
        if let Some(guest) = &guest {
            let add = AddToCart {
                product_id: product.clone(),
                quantity: 1,
                seller_id: None,
            };
            let items = format!("/carts/{guest}/items");
            let line = format!("{items}/{product}");
            self.send(
                anon,
                "POST /carts/{cart_id}/items",
                &items,
                &add,
                vec![],
                &[201],
                json::<Cart>(),
            );
            let two = SetQuantity { quantity: 2 };
            self.send(
                anon,
                "PUT /carts/{cart_id}/items/{product_id}",
                &line,
                &two,
                vec![],
                &[200],
                json::<Cart>(),
            );
            self.call(
                anon,
                "DELETE /carts/{cart_id}/items/{product_id}",
                &line,
                Extra::default(),
                &[200],
                json::<Cart>(),
            );
            // Back in, for the customer to merge at sign-in (a quantity set on no line adds it).
            let one = SetQuantity { quantity: 1 };
            self.send(
                anon,
                "PUT /carts/{cart_id}/items/{product_id}",
                &line,
                &one,
                vec![],
                &[200],
                json::<Cart>(),
            );
            self.get(
                anon,
                "GET /carts/{cart_id}",
                &format!("/carts/{guest}"),
                json::<Cart>(),
            );
        }

        // What a signed-out visitor can be refused: the answers must still be the document's.
        let nobody = ForgotPassword {
            email: format!("nobody-{}@example.com", self.run_id),
        };
        self.send(
            anon,
            "POST /auth/password/forgot",
            "/auth/password/forgot",
            &nobody,
            vec![],
            &[202],
            Check::Empty,
        );
        let reset = ResetPassword {
            token: "not-a-reset-token-of-this-server".into(),
            password: "a new password of some length".into(),
        };
        self.send(
            anon,
            "POST /auth/password/reset",
            "/auth/password/reset",
            &reset,
            vec![],
            &[400, 401, 404, 410, 422],
            Check::Empty,
        );
        let verify = MfaVerify {
            challenge_token: "not-a-challenge".into(),
            code: "000000".into(),
        };
        self.send(
            anon,
            "POST /auth/mfa/verify",
            "/auth/mfa/verify",
            &verify,
            vec![],
            &[400, 401, 422],
            json::<SessionGrant>(),
        );
        // Unsigned gateway calls are refused (the kit holds no gateway secret).
        let unsigned = serde_json::json!({"event": "contract-test"});
        self.send(
            anon,
            "POST /webhooks/payment",
            "/webhooks/payment",
            &unsigned,
            vec![],
            &[400, 401, 403],
            Check::ApiJson,
        );
        self.send(
            anon,
            "POST /webhooks/razorpay",
            "/webhooks/razorpay",
            &unsigned,
            vec![],
            &[400, 401, 403, 404, 503],
            Check::ApiJson,
        );

        facts.product = product;
        facts.guest = guest;
        Ok(())
    }

    /// The customer's part; fills in who they are, their paid order and their application.
    pub(super) fn customer(&mut self, facts: &mut Facts) {
        let customer = Role::Customer;
        let (product, guest) = (facts.product.clone(), facts.guest.clone());
        // A new customer: sign up, sign in, refresh the session, read it.
        let email = format!("contract-{}@example.com", self.run_id);
        let password = "contract test password of some length".to_owned();
        let account = NewAccount {
            email: email.clone(),
            password: password.clone(),
            display_name: "Contract Test".into(),
        };
        let registered = if self.selected.contains(&customer) {
            self.tokens.insert(customer, String::new());
            self.send(
                customer,
                "POST /auth/register",
                "/auth/register",
                &account,
                vec![],
                &[201],
                json::<SessionGrant>(),
            )
        } else {
            None
        };
        let customer_id = registered
            .as_ref()
            .and_then(value)
            .and_then(|grant| grant["user"]["id"].as_str().map(str::to_owned));
        if let Some(grant) = registered.as_ref().and_then(value)
            && let Some(token) = grant["accessToken"].as_str()
        {
            self.tokens.insert(customer, token.to_owned());
        }
        let signed_in = self.sign_in(customer, &email, &password);
        // The device's cookies, rotated by each refresh; signing out at the end sends them.
        let mut device = None;
        if let Some(cookies) = signed_in.as_ref().map(|a| a.cookies.clone()) {
            let refreshed = self.call(
                customer,
                "POST /auth/refresh",
                "/auth/refresh",
                cookie_extra(&cookies),
                &[200],
                json::<SessionGrant>(),
            );
            if let Some(token) = refreshed.as_ref().and_then(|a| text(a, "accessToken")) {
                self.tokens.insert(customer, token);
            }
            device = refreshed.map(|a| a.cookies);
        }
        self.get(customer, "GET /auth/me", "/auth/me", json::<SessionUser>());
        let cart = self
            .get(customer, "GET /cart", "/cart", json::<Cart>())
            .and_then(|c| c["cartId"].as_str().map(str::to_owned));
        if let Some(guest) = &guest {
            let merge = MergeCart {
                guest_cart_id: guest.clone(),
            };
            self.send(
                customer,
                "POST /cart/merge",
                "/cart/merge",
                &merge,
                vec![],
                &[200],
                json::<Cart>(),
            );
        }

        // An order, paid on the mock gateway's page when the server uses it.
        let paid = match &cart {
            Some(cart) => self.order_and_pay(cart, &product, "first"),
            None => None,
        };
        self.get(
            customer,
            "GET /orders",
            "/orders?limit=5",
            json::<OrderPage>(),
        );
        if let Some(order) = &paid {
            self.get(
                customer,
                "GET /orders/{id}",
                &format!("/orders/{order}"),
                json::<Order>(),
            );
            let invoice = self
                .get(
                    customer,
                    "GET /orders/{id}/invoices",
                    &format!("/orders/{order}/invoices"),
                    json::<InvoiceList>(),
                )
                .and_then(|list| list["items"][0]["id"].as_str().map(str::to_owned));
            if let Some(invoice) = invoice {
                self.get(
                    customer,
                    "GET /invoices/{id}",
                    &format!("/invoices/{invoice}"),
                    json::<Invoice>(),
                );
                self.get(
                    customer,
                    "GET /invoices/{id}/pdf",
                    &format!("/invoices/{invoice}/pdf"),
                    Check::Pdf,
                );
            }
            // A return from Razorpay Checkout with a signature the server did not make.
            let forged = RazorpayReturn {
                razorpay_payment_id: "pay_contracttest".into(),
                razorpay_order_id: "order_contracttest".into(),
                razorpay_signature: "0".repeat(64),
            };
            self.send(
                customer,
                "POST /orders/{id}/razorpay-return",
                &format!("/orders/{order}/razorpay-return"),
                &forged,
                vec![],
                &[400, 401, 409, 422],
                json::<Order>(),
            );
        }
        self.get(
            customer,
            "GET /users/me/access-history",
            "/users/me/access-history",
            json::<AccessHistory>(),
        );

        // The customer applies to sell (an administrator turns it down below).
        let application = ShopApplication {
            legal_name: format!("Contract Test {} LLP", self.run_id),
            display_name: format!("Contract Test {}", self.run_id),
            gstin: gstin(&self.run_id),
            address: Address {
                line1: "1 Test Road".into(),
                line2: None,
                city: "Bengaluru".into(),
                state_code: "29".into(),
                pincode: "560001".into(),
            },
        };
        let applied = self
            .send(
                customer,
                "POST /shops",
                "/shops",
                &application,
                vec![],
                &[201],
                json::<Shop>(),
            )
            .and_then(|a| text(&a, "id"));
        self.get(customer, "GET /shops/mine", "/shops/mine", json::<Shop>());

        // A second factor for the customer.
        self.enrol_mfa(customer);

        // A second order, cancelled by the customer once paid.
        if let Some(cart) = &cart
            && let Some(order) = self.order_and_pay(cart, &product, "second")
        {
            let cancel = CancelOrder {
                reason: "Ordered by mistake (contract test)".into(),
            };
            let key = vec![(
                "Idempotency-Key",
                format!("contract-cancel-{}", self.run_id),
            )];
            self.send(
                customer,
                "POST /orders/{id}/cancel",
                &format!("/orders/{order}/cancel"),
                &cancel,
                key,
                &[200, 202],
                json::<Order>(),
            );
        }

        facts.customer_id = customer_id;
        facts.email = email;
        facts.password = password;
        facts.device = device;
        facts.paid = paid;
        facts.applied = applied;
    }

    /// Fills the customer's cart with one unit, places the order and pays it on the mock
    /// gateway's page; the order's id once paid (`None` with a gateway the kit cannot pay).
    fn order_and_pay(&mut self, cart: &str, product: &str, which: &str) -> Option<String> {
        let role = Role::Customer;
        let line = format!("/carts/{cart}/items/{product}");
        self.send(
            role,
            "PUT /carts/{cart_id}/items/{product_id}",
            &line,
            &SetQuantity { quantity: 1 },
            vec![],
            &[200],
            json::<Cart>(),
        );
        let place = PlaceOrder {
            cart_id: cart.to_owned(),
            address: DeliveryAddress {
                name: "Contract Test".into(),
                phone: "9876543210".into(),
                line1: "1 Test Road".into(),
                line2: None,
                city: "Pune".into(),
                state_code: "27".into(),
                pincode: "411001".into(),
            },
        };
        let key = vec![(
            "Idempotency-Key",
            format!("contract-{which}-{}", self.run_id),
        )];
        let order = self
            .send(
                role,
                "POST /orders",
                "/orders",
                &place,
                key,
                &[201],
                json::<Order>(),
            )
            .and_then(|a| value(&a))?;
        let id = order["id"].as_str()?.to_owned();
        // The mock gateway's page: approving calls the API's webhook before it answers.
        let pay = order["paymentUrl"].as_str()?;
        let approved = self
            .client
            .send(
                "POST",
                pay,
                Extra {
                    body: Some((
                        "application/x-www-form-urlencoded",
                        b"decision=approve".to_vec(),
                    )),
                    ..Extra::default()
                },
            )
            .ok()?;
        (approved.status == 303).then_some(id)
    }
}

/// A GSTIN of Karnataka unique to this run, with the right check character (found by
/// `contracts`' own validation rather than a second copy of its arithmetic).
pub(super) fn gstin(run_id: &str) -> String {
    let digits: String = run_id
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .chain(std::iter::repeat('1'))
        .take(4)
        .collect();
    let head = format!("29AAGCB{digits}J1Z");
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        .chars()
        .map(|check| format!("{head}{check}"))
        .find(|candidate| contracts::gstin::Gstin::parse(candidate).is_ok())
        .unwrap_or(head)
}
