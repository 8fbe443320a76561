//! The four roles and their permissions: seed 000 section 3.1, plus `payments:refund` for
//! the two administrator roles (the seed names no refund permission; refunds used to hang on
//! the read permission `orders:view`). Tokens carry the permissions of their role so checks
//! need no lookup; this table is the one source of them.

use contracts::props::Role;

/// The permissions of `role`, in seed 000's order.
pub fn permissions(role: Role) -> &'static [&'static str] {
    match role {
        Role::SuperAdmin => &[
            "users:all",
            "sellers:all",
            "products:all",
            "orders:view",
            "platform:config",
            "audit:view",
            "impersonate:execute",
            "payments:refund",
        ],
        Role::Admin => &[
            "users:manage",
            "sellers:manage",
            "products:view",
            "orders:view",
            "audit:view",
            "impersonate:execute",
            "payments:refund",
        ],
        Role::Seller => &[
            "shop:own_manage",
            "products:own_manage",
            "orders:own_view",
            "inventory:own_manage",
        ],
        Role::Customer => &[
            "products:view",
            "cart:own_manage",
            "orders:own_view",
            "invoices:own_view",
        ],
    }
}

/// The spelling stored in `users.role` (the same as on the wire).
pub fn as_str(role: Role) -> &'static str {
    match role {
        Role::SuperAdmin => "SUPER_ADMIN",
        Role::Admin => "ADMIN",
        Role::Seller => "SELLER",
        Role::Customer => "CUSTOMER",
    }
}

/// Reads a stored role; `None` for anything the CHECK constraint would have refused.
pub fn parse(value: &str) -> Option<Role> {
    [Role::SuperAdmin, Role::Admin, Role::Seller, Role::Customer]
        .into_iter()
        .find(|role| as_str(*role) == value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_spelling_and_matches_the_wire() {
        for role in [Role::SuperAdmin, Role::Admin, Role::Seller, Role::Customer] {
            assert_eq!(parse(as_str(role)), Some(role));
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", as_str(role))
            );
        }
        assert_eq!(parse("customer"), None);
    }

    #[test]
    fn only_administrators_may_refund() {
        for role in [Role::SuperAdmin, Role::Admin] {
            assert!(permissions(role).contains(&"payments:refund"));
        }
        for role in [Role::Seller, Role::Customer] {
            assert!(!permissions(role).contains(&"payments:refund"));
        }
    }

    #[test]
    fn only_administrators_may_impersonate_and_customers_see_only_their_own_orders() {
        assert!(permissions(Role::SuperAdmin).contains(&"impersonate:execute"));
        assert!(permissions(Role::Admin).contains(&"impersonate:execute"));
        assert!(!permissions(Role::Seller).contains(&"impersonate:execute"));
        assert_eq!(
            permissions(Role::Customer),
            &[
                "products:view",
                "cart:own_manage",
                "orders:own_view",
                "invoices:own_view"
            ]
        );
    }
}
