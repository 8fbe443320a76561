//! The back office's part of the journey: the seller's dashboard, shop, products (one created,
//! changed, restocked, given an image) and fulfilment of the customer's order; then the
//! administrators, signed in with a second factor: their reads, a shop decision, a refund and
//! its credit note, a support session, and the account actions on the customer.

use super::*;

impl Journey<'_> {
    /// Signs the seller in and reads its shop's id.
    pub(super) fn seller_sign_in(&mut self, accounts: &Accounts) -> Option<String> {
        let seller = Role::Seller;
        // The seller first signs in and reads its shop, so the journey buys from that shop and
        // the seller can fulfil the order.
        if self.selected.contains(&seller) {
            let (email, password) = &accounts.seller;
            self.sign_in(seller, email, password);
        }
        self.get(
            seller,
            "GET /seller/shop",
            "/seller/shop",
            json::<ShopProfile>(),
        )
        .and_then(|profile| profile["shop"]["id"].as_str().map(str::to_owned))
    }

    /// The seller's back office, and the fulfilment of the customer's paid order.
    pub(super) fn seller(&mut self, facts: &Facts) {
        let seller = Role::Seller;
        let (own_shop, paid) = (&facts.own_shop, &facts.paid);
        self.get(
            seller,
            "GET /seller/dashboard",
            "/seller/dashboard",
            json::<SellerDashboard>(),
        );
        self.get(
            seller,
            "GET /seller/gst-summary",
            "/seller/gst-summary",
            json::<GstSummary>(),
        );
        self.get(
            seller,
            "GET /seller/gst-summary.csv",
            "/seller/gst-summary.csv",
            Check::Csv,
        );
        if own_shop.is_some() {
            // The description it has: the journey changes nothing a person set.
            let current = self
                .client
                .send(
                    "GET",
                    &format!("{API_BASE}/seller/shop"),
                    self.bearer(seller),
                )
                .ok()
                .and_then(|a| value(&a))
                .and_then(|s| s["description"].as_str().map(str::to_owned));
            let same = ShopChanges {
                description: current,
                ..ShopChanges::default()
            };
            self.send(
                seller,
                "PATCH /seller/shop",
                "/seller/shop",
                &same,
                vec![],
                &[200],
                json::<ShopProfile>(),
            );
        }
        self.get(
            seller,
            "GET /seller/products",
            "/seller/products?limit=5",
            json::<ProductPage>(),
        );
        self.seller_product(seller);
        if let (Some(order), true) = (&paid, own_shop.is_some()) {
            let at = |step: &str| format!("/seller/orders/{order}/{step}");
            self.call(
                seller,
                "POST /seller/orders/{id}/pack",
                &at("pack"),
                Extra::default(),
                &[200],
                json::<Order>(),
            );
            let ship = ShipOrder {
                carrier: "Contract Express".into(),
                tracking_number: format!("CT-{}", self.run_id).to_uppercase(),
            };
            self.send(
                seller,
                "POST /seller/orders/{id}/ship",
                &at("ship"),
                &ship,
                vec![],
                &[200],
                json::<Order>(),
            );
            self.call(
                seller,
                "POST /seller/orders/{id}/deliver",
                &at("deliver"),
                Extra::default(),
                &[200],
                json::<Order>(),
            );
        }
    }

    /// The administrators' part, then the customer's sign-out and the account actions on them.
    pub(super) fn admin(&mut self, accounts: &Accounts, facts: &Facts) {
        let (customer, admin) = (Role::Customer, Role::Admin);
        let Facts {
            product,
            paid,
            applied,
            customer_id,
            email,
            device,
            ..
        } = facts;
        // The administrators, signed in with a second factor.
        if self.selected.contains(&admin) {
            self.sign_in_admin(accounts);
        }
        self.get(
            admin,
            "GET /admin/figures",
            "/admin/figures",
            json::<Figures>(),
        );
        self.get(
            admin,
            "GET /admin/mail/dead",
            "/admin/mail/dead",
            json::<DeadMailList>(),
        );
        self.get(
            admin,
            "GET /admin/reconciliation",
            "/admin/reconciliation",
            json::<ReconciliationList>(),
        );
        self.get(
            admin,
            "GET /admin/shops",
            "/admin/shops?status=PENDING",
            json::<ApplicationPage>(),
        );
        if let Some(shop) = &applied {
            let decline = ShopDecision {
                approve: false,
                note: Some("Contract test application".into()),
            };
            self.send(
                admin,
                "POST /admin/shops/{id}/decision",
                &format!("/admin/shops/{shop}/decision"),
                &decline,
                vec![],
                &[200],
                json::<Shop>(),
            );
        }
        self.get(
            admin,
            "GET /admin/products/{id}/inventory",
            &format!("/admin/products/{product}/inventory"),
            json::<InventoryPage>(),
        );
        self.get(admin, "GET /audit", "/audit?limit=5", json::<AuditPage>());
        self.get(
            admin,
            "GET /audit/export.csv",
            "/audit/export.csv?limit=5",
            Check::Csv,
        );
        self.get(
            admin,
            "GET /audit/status",
            "/audit/status",
            json::<AuditChainStatus>(),
        );
        if let Some(order) = &paid {
            let refund = RefundRequest {
                amount: Some(Paise(100)),
                reason: "Contract test partial refund".into(),
            };
            let key = vec![(
                "Idempotency-Key",
                format!("contract-refund-{}", self.run_id),
            )];
            self.send(
                admin,
                "POST /orders/{id}/refunds",
                &format!("/orders/{order}/refunds"),
                &refund,
                key,
                &[200, 202],
                json::<Order>(),
            );
            let note = self
                .get(
                    customer,
                    "GET /orders/{id}/credit-notes",
                    &format!("/orders/{order}/credit-notes"),
                    json::<CreditNoteList>(),
                )
                .and_then(|list| list["items"][0]["id"].as_str().map(str::to_owned));
            if let Some(note) = note {
                self.get(
                    customer,
                    "GET /credit-notes/{id}",
                    &format!("/credit-notes/{note}"),
                    json::<CreditNote>(),
                );
                self.get(
                    customer,
                    "GET /credit-notes/{id}/pdf",
                    &format!("/credit-notes/{note}/pdf"),
                    Check::Pdf,
                );
            }
        }
        if let Some(user) = &customer_id {
            self.get(
                admin,
                "GET /admin/users",
                &format!("/admin/users?q={email}"),
                json::<contracts::users::UserPage>(),
            );
            self.get(
                admin,
                "GET /admin/users/{id}",
                &format!("/admin/users/{user}"),
                json::<AccountView>(),
            );
            let start = StartImpersonation {
                target_user_id: Some(user.clone()),
                reason: Some("Contract test support session".into()),
                duration_minutes: Some(15),
            };
            let support = self
                .send(
                    admin,
                    "POST /admin/impersonate",
                    "/admin/impersonate",
                    &start,
                    vec![],
                    &[201],
                    json::<ImpersonationGrant>(),
                )
                .and_then(|a| text(&a, "accessToken"));
            if let Some(support) = &support {
                let extra = Extra {
                    token: Some(support.clone()),
                    ..Extra::default()
                };
                self.call(
                    admin,
                    "POST /admin/impersonate/end",
                    "/admin/impersonate/end",
                    extra,
                    &[204],
                    Check::Empty,
                );
            }
            // The customer signs out: this device (its cookies), then everywhere (its token).
            if let Some(cookies) = &device {
                self.call(
                    customer,
                    "POST /auth/logout",
                    "/auth/logout",
                    cookie_extra(cookies),
                    &[204],
                    Check::Empty,
                );
            }
            self.call(
                customer,
                "POST /auth/logout-all",
                "/auth/logout-all",
                Extra::default(),
                &[204],
                Check::Empty,
            );
            let same_role = RoleChange {
                role: Some(contracts::props::Role::Customer),
            };
            let account = |step: &str| format!("/admin/users/{user}/{step}");
            // Only a super administrator changes roles: the demo administrator is refused (403).
            self.send(
                admin,
                "PUT /admin/users/{id}/role",
                &account("role"),
                &same_role,
                vec![],
                &[200, 403],
                json::<AccountView>(),
            );
            self.call(
                admin,
                "POST /admin/users/{id}/disable",
                &account("disable"),
                Extra::default(),
                &[200],
                json::<AccountView>(),
            );
            self.call(
                admin,
                "POST /admin/users/{id}/enable",
                &account("enable"),
                Extra::default(),
                &[200],
                json::<AccountView>(),
            );
            self.call(
                admin,
                "POST /admin/users/{id}/unlock",
                &account("unlock"),
                Extra::default(),
                &[200],
                json::<AccountView>(),
            );
        }
    }

    /// Signs the administrator in with a second factor: enrolling one first when the account
    /// has none (a fresh server's demo administrator), else with `CONTRACT_ADMIN_TOTP_SECRET`.
    fn sign_in_admin(&mut self, accounts: &Accounts) {
        let role = Role::Admin;
        let (email, password) = &accounts.admin;
        let credentials = Credentials {
            email: email.clone(),
            password: password.clone(),
        };
        let login = |j: &mut Journey<'_>| {
            j.tokens.entry(role).or_default();
            j.send(
                role,
                "POST /auth/login",
                "/auth/login",
                &credentials,
                vec![],
                &[200],
                json::<LoginOutcome>(),
            )
            .and_then(|a| value(&a))
        };
        let mut outcome = login(self);
        let mut secret = accounts.admin_totp.clone();
        let mut used_step = None;
        if let Some(token) = outcome
            .as_ref()
            .and_then(|o| o["session"]["accessToken"].as_str())
        {
            // No second factor yet: enrol one, as an authenticator app would.
            self.tokens.insert(role, token.to_owned());
            if let Some((new_secret, step)) = self.enrol_mfa(role) {
                used_step = Some(step);
                secret = Some(new_secret);
                outcome = login(self);
            }
        }
        self.tokens.remove(&role);
        let challenge = outcome.as_ref().and_then(|o| {
            o["mfaRequired"]["challengeToken"]
                .as_str()
                .map(str::to_owned)
        });
        let (Some(challenge), Some(secret)) = (challenge, secret) else {
            self.unavailable.insert(
                role,
                format!("{email} has a second factor the kit does not know: set CONTRACT_ADMIN_TOTP_SECRET"),
            );
            return;
        };
        // A code is good once: after an activation, the next step's.
        let Ok((code, _)) = totp_code(&secret, used_step.map(|s| s + 1)) else {
            return;
        };
        let verify = MfaVerify {
            challenge_token: challenge,
            code,
        };
        self.tokens.entry(role).or_default();
        let grant = self
            .send(
                role,
                "POST /auth/mfa/verify",
                "/auth/mfa/verify",
                &verify,
                vec![],
                &[200],
                json::<SessionGrant>(),
            )
            .and_then(|a| text(&a, "accessToken"));
        match grant {
            Some(token) => {
                self.tokens.insert(role, token);
            }
            None => {
                self.tokens.remove(&role);
                self.unavailable
                    .insert(role, format!("{email}'s second factor was refused"));
            }
        }
    }

    /// A product of the seller's own: created (inactive, so no shopper sees it), read,
    /// changed, restocked, its history, an image added, reordered, served and removed.
    fn seller_product(&mut self, role: Role) {
        let new = NewProduct {
            name: format!("Contract test product {}", self.run_id),
            description: "Created by cargo xtask contract-test".into(),
            sku: format!("CT-{}", self.run_id).to_uppercase(),
            hsn: "6205".into(),
            price: Paise(49_900),
            gst_rate: Rate(500),
            stock: 3,
            category: "testing".into(),
            active: false,
        };
        let Some(id) = self
            .send(
                role,
                "POST /seller/products",
                "/seller/products",
                &new,
                vec![],
                &[201],
                json::<Product>(),
            )
            .and_then(|a| text(&a, "id"))
        else {
            return;
        };
        let path = format!("/seller/products/{id}");
        let version = self
            .get(role, "GET /seller/products/{id}", &path, json::<Product>())
            .and_then(|p| p["version"].as_i64());
        let changes = ProductChanges {
            price: Some(Paise(45_000)),
            version,
            ..ProductChanges::default()
        };
        self.send(
            role,
            "PATCH /seller/products/{id}",
            &path,
            &changes,
            vec![],
            &[200],
            json::<Product>(),
        );
        let restock = StockAdjustment {
            delta: 2,
            reason: AdjustmentReason::Restock,
        };
        self.send(
            role,
            "POST /seller/products/{id}/stock",
            &format!("{path}/stock"),
            &restock,
            vec![],
            &[200],
            json::<Product>(),
        );
        self.get(
            role,
            "GET /seller/products/{id}/inventory",
            &format!("{path}/inventory"),
            json::<InventoryPage>(),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(PIXEL_PNG)
            .expect("a valid base64 PNG");
        let upload = Extra {
            body: Some(("image/png", png)),
            ..Extra::default()
        };
        let images: Vec<String> = self
            .call(
                role,
                "POST /seller/products/{id}/images",
                &format!("{path}/images"),
                upload,
                &[201],
                json::<Product>(),
            )
            .and_then(|a| value(&a))
            .and_then(|p| {
                let urls = p["images"].as_array()?;
                Some(
                    urls.iter()
                        .filter_map(|u| u.as_str()?.rsplit('/').next().map(str::to_owned))
                        .collect(),
                )
            })
            .unwrap_or_default();
        if let Some(key) = images.first() {
            let order = ImageOrder {
                keys: images.clone(),
            };
            self.send(
                role,
                "PUT /seller/products/{id}/images",
                &format!("{path}/images"),
                &order,
                vec![],
                &[200],
                json::<Product>(),
            );
            self.get(
                Role::Anonymous,
                "GET /images/{key}",
                &format!("/images/{key}"),
                Check::Image,
            );
            self.call(
                role,
                "DELETE /seller/products/{id}/images/{key}",
                &format!("{path}/images/{key}"),
                Extra::default(),
                &[200],
                json::<Product>(),
            );
        }
    }
}

/// A 1×1 PNG.
const PIXEL_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
