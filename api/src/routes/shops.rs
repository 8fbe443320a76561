//! `/api/v1/shops` and `/api/v1/admin/shops`: a customer applies to sell, follows the
//! application, and administrators approve or reject it (approval makes the customer a seller).

use crate::auth::token;
use crate::db::Db;
use crate::db::shops::{self, Decided, NewShop};
use crate::error::{ApiError, Result};
use crate::extractor::{AuthUser, Json, Query};
use crate::routes::auth::field_error;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::routes::{PROBLEM, page_limit};
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use contracts::gstin::{Gstin, StateCode};
use contracts::props::Role;
use contracts::shops::{Shop, ShopApplication, ShopDecision, ShopPage, ShopStatus};
use contracts::{FieldError, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

/// Who reviews applications: administrators (`sellers:manage`) and super administrators
/// (`sellers:all`), seed 000 §3.1.
const REVIEW_SHOPS: &[&str] = &["sellers:manage", "sellers:all"];
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 100;
/// Longest names and address lines, in characters.
const MAX_NAME_CHARS: usize = 200;
const MAX_NOTE_CHARS: usize = 500;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::POST, "/shops", Policy::SignedIn, apply)
        .route(Method::GET, "/shops/mine", Policy::SignedIn, mine)
        .route(
            Method::GET,
            "/admin/shops",
            Policy::AnyOf(REVIEW_SHOPS),
            list,
        )
        .route(
            Method::POST,
            "/admin/shops/{id}/decision",
            Policy::AnyOf(REVIEW_SHOPS),
            decide,
        )
}

/// `POST /shops`: a customer applies to sell. One shop per account.
#[utoipa::path(post, path = "/shops", tag = "shops", request_body = ShopApplication,
    responses(
        (status = 201, description = "Applied; an administrator reviews it", body = Shop),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: only customers apply", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_exists`: this account already has a shop or an application", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field (`gstin`, `address.stateCode`, ...)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn apply(
    State(db): State<Db>,
    user: AuthUser,
    Json(application): Json<ShopApplication>,
) -> Result<(StatusCode, Json<Shop>)> {
    if user.claims.role != Role::Customer {
        return Err(ApiError::Forbidden);
    }
    let valid = validate_application(&application)?;
    let id = uuid::Uuid::new_v4().to_string();
    let new_shop = NewShop {
        id: &id,
        owner_id: &user.claims.sub,
        legal_name: &valid.legal_name,
        display_name: &valid.display_name,
        gstin: valid.gstin.as_str(),
        address: &valid.address,
        created_at: token::now(),
    };
    shops::store_shop(&db, &new_shop).await.map_err(|error| {
        // UNIQUE (owner_id) decides, so two racing applications cannot both land.
        if error
            .as_database_error()
            .is_some_and(|e| e.is_unique_violation())
        {
            ApiError::ShopExists
        } else {
            ApiError::from(error)
        }
    })?;
    let shop = shops::of_owner(&db, &user.claims.sub)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a stored shop was not found")))?;
    Ok((StatusCode::CREATED, Json(shop)))
}

/// `GET /shops/mine`: the caller's shop or application.
#[utoipa::path(get, path = "/shops/mine", tag = "shops",
    responses(
        (status = 200, description = "The caller's shop, whatever its status", body = Shop),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no application yet", body = Problem, content_type = PROBLEM),
    ))]
pub async fn mine(State(db): State<Db>, user: AuthUser) -> Result<Json<Shop>> {
    shops::of_owner(&db, &user.claims.sub)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// The query string of `GET /admin/shops`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListShops {
    /// `PENDING`, `APPROVED` or `REJECTED`; all when absent.
    status: Option<ShopStatus>,
    /// Page size, 1 to 100 (default 50).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    after: Option<String>,
}

/// `GET /admin/shops`: shops and applications, oldest first (the review queue with
/// `?status=PENDING`).
#[utoipa::path(get, path = "/admin/shops", tag = "back office", params(ListShops),
    responses(
        (status = 200, description = "One page of shops", body = ShopPage),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit` out of range, unknown `after`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list(State(db): State<Db>, Query(query): Query<ListShops>) -> Result<Json<ShopPage>> {
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)
        .map_err(|error| ApiError::Validation(vec![error]))?;
    shops::list(&db, query.status, limit, query.after.as_deref())
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::Validation(vec![field_error(
                "after",
                "unknown_cursor",
                "is not the cursor of a page",
            )])
        })
}

/// `POST /admin/shops/{id}/decision`: approve (the owner becomes a seller) or reject with a
/// note. Final: a decided application answers 409.
#[utoipa::path(post, path = "/admin/shops/{id}/decision", tag = "back office",
    params(("id" = String, Path, description = "The shop's id")),
    request_body = ShopDecision,
    responses(
        (status = 200, description = "Decided", body = Shop),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_decided`: approved or rejected before", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: a rejection without a `note`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn decide(
    State(db): State<Db>,
    admin: AuthUser,
    Path(id): Path<String>,
    Json(decision): Json<ShopDecision>,
) -> Result<Json<Shop>> {
    let note = decision
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if !decision.approve && note.is_none() {
        return Err(ApiError::Validation(vec![field_error(
            "note",
            "required",
            "say why the application is rejected",
        )]));
    }
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(ApiError::Validation(vec![field_error(
            "note",
            "too_long",
            "must be at most 500 characters",
        )]));
    }
    let outcome = shops::decide(
        &db,
        &id,
        decision.approve,
        note,
        &admin.claims.sub,
        token::now(),
    )
    .await?;
    match outcome {
        Decided::Done(shop) => Ok(Json(*shop)),
        Decided::NotFound => Err(ApiError::NotFound),
        Decided::AlreadyDecided(_) => Err(ApiError::ShopDecided),
    }
}

/// An application that passed every check, trimmed and normalised.
struct ValidApplication {
    legal_name: String,
    display_name: String,
    gstin: Gstin,
    address: contracts::shops::Address,
}

/// Checks every field and reports every failure at once, named as the form names them.
fn validate_application(application: &ShopApplication) -> Result<ValidApplication> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut text = |field: &str, value: &str, max: usize| -> String {
        let value = value.trim();
        if value.is_empty() {
            errors.push(field_error(field, "required", "must not be empty"));
        } else if value.chars().count() > max {
            errors.push(field_error(
                field,
                "too_long",
                &format!("must be at most {max} characters"),
            ));
        }
        value.to_owned()
    };
    let legal_name = text("legalName", &application.legal_name, MAX_NAME_CHARS);
    let display_name = text("displayName", &application.display_name, 100);
    let address = &application.address;
    let line1 = text("address.line1", &address.line1, MAX_NAME_CHARS);
    let line2 = match address.line2.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(line) => Some(text("address.line2", line, MAX_NAME_CHARS)),
    };
    let city = text("address.city", &address.city, 100);
    let state = StateCode::parse(address.state_code.trim());
    if state.is_none() {
        errors.push(field_error(
            "address.stateCode",
            "unknown_state",
            "is not a GST state code",
        ));
    }
    let pincode = address.pincode.trim().to_owned();
    if !is_pincode(&pincode) {
        errors.push(field_error(
            "address.pincode",
            "pincode_format",
            "must be six digits, not starting with 0",
        ));
    }
    let gstin = match Gstin::parse(&application.gstin) {
        Ok(gstin) => Some(gstin),
        Err(error) => {
            errors.push(field_error("gstin", error.code(), &error.to_string()));
            None
        }
    };
    if let (Some(gstin), Some(state)) = (&gstin, state)
        && gstin.state() != state
    {
        // A GSTIN is registered in one state: the principal place of business is there.
        errors.push(field_error(
            "address.stateCode",
            "state_mismatch",
            "must be the state of the GSTIN",
        ));
    }
    match (gstin, state) {
        (Some(gstin), Some(state)) if errors.is_empty() => Ok(ValidApplication {
            legal_name,
            display_name,
            gstin,
            address: contracts::shops::Address {
                line1,
                line2,
                city,
                state_code: state.to_string(),
                pincode,
            },
        }),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// An Indian PIN code: six ASCII digits, the first not 0.
pub fn is_pincode(text: &str) -> bool {
    text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::shops::Address;

    fn application() -> ShopApplication {
        ShopApplication {
            legal_name: " Asha Textiles LLP ".into(),
            display_name: "Asha".into(),
            gstin: "27aapfu0939f1zv".into(),
            address: Address {
                line1: "12 Mill Road".into(),
                line2: Some("  ".into()),
                city: "Mumbai".into(),
                state_code: "27".into(),
                pincode: "400001".into(),
            },
        }
    }

    fn fields(result: Result<ValidApplication>) -> Vec<(String, String)> {
        match result {
            Err(ApiError::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            Err(other) => panic!("not a validation error: {other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn a_good_application_is_trimmed_and_normalised() {
        let valid = validate_application(&application()).unwrap();
        assert_eq!(valid.legal_name, "Asha Textiles LLP");
        assert_eq!(valid.gstin.as_str(), "27AAPFU0939F1ZV");
        assert_eq!(valid.address.line2, None);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut bad = application();
        bad.legal_name = " ".into();
        bad.gstin = "27AAPFU0939F1ZW".into();
        bad.address.pincode = "012345".into();
        bad.address.state_code = "99".into();
        assert_eq!(
            fields(validate_application(&bad)),
            [
                ("legalName".into(), "required".into()),
                ("address.stateCode".into(), "unknown_state".into()),
                ("address.pincode".into(), "pincode_format".into()),
                ("gstin".into(), "gstin_check_character".into()),
            ]
        );
    }

    #[test]
    fn the_address_must_be_in_the_gstins_state() {
        let mut elsewhere = application();
        elsewhere.address.state_code = "29".into();
        assert_eq!(
            fields(validate_application(&elsewhere)),
            [("address.stateCode".into(), "state_mismatch".into())]
        );
    }

    #[test]
    fn pin_codes_are_six_digits_not_starting_with_zero() {
        assert!(is_pincode("400001"));
        for bad in ["40001", "4000011", "040001", "40 001", "४००००१"] {
            assert!(!is_pincode(bad), "{bad}");
        }
    }
}
