//! API versioning (seed 000 §13): how an operation of `/api/v1` is retired. When its successor
//! ships, the route table marks it [`Deprecation`]; from then on every answer carries a
//! `Deprecation` header (RFC 9745) and, once its end is announced, a `Sunset` header (RFC 8594),
//! the OpenAPI document flags it `deprecated` with its dates, and after the sunset it answers
//! 410 `sunset`.
//!
//! The policy is checked when the router is built, so a table that breaks it fails every test:
//! an operation is kept [`SUPPORT_MONTHS`] after its successor ships, and its sunset is
//! announced at least [`ANNOUNCE_MONTHS`] before the day.

use crate::clock::Clock;
use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use contracts::calendar::Date;
use std::time::{Duration, UNIX_EPOCH};

/// How long a deprecated operation keeps answering after its successor ships.
pub const SUPPORT_MONTHS: u32 = 24;
/// How long before its sunset the date must have been announced.
pub const ANNOUNCE_MONTHS: u32 = 6;

/// Where the versioning policy is explained; the `rel="deprecation"` link of RFC 9745.
const POLICY_DOC: &str = "/api/v1/openapi.json";

/// An operation on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecation {
    /// The day its successor shipped: answers carry `Deprecation` from then on.
    pub since: Date,
    /// Its last day, once announced.
    pub sunset: Option<Sunset>,
    /// The path (under `/api/v1`) of the operation that replaces it, if one does.
    pub successor: Option<&'static str>,
}

/// The announced end of a deprecated operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sunset {
    /// From this day (00:00 UTC) the operation answers 410 `sunset`.
    pub on: Date,
    /// The day the date was published (the release that set it).
    pub announced: Date,
}

/// How a [`Deprecation`] breaks the policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyBreach {
    #[error("sunset {sunset} is sooner than {SUPPORT_MONTHS} months after {since}")]
    TooSoonAfterSuccessor { since: Date, sunset: Date },
    #[error("sunset {sunset} was announced on {announced}, under {ANNOUNCE_MONTHS} months before")]
    AnnouncedTooLate { announced: Date, sunset: Date },
}

impl Deprecation {
    /// Whether this deprecation keeps the policy.
    pub fn check(&self) -> Result<(), PolicyBreach> {
        let Some(sunset) = self.sunset else {
            return Ok(());
        };
        if self
            .since
            .plus_months(SUPPORT_MONTHS)
            .is_none_or(|kept| sunset.on < kept)
        {
            return Err(PolicyBreach::TooSoonAfterSuccessor {
                since: self.since,
                sunset: sunset.on,
            });
        }
        if sunset
            .announced
            .plus_months(ANNOUNCE_MONTHS)
            .is_none_or(|notice| sunset.on < notice)
        {
            return Err(PolicyBreach::AnnouncedTooLate {
                announced: sunset.announced,
                sunset: sunset.on,
            });
        }
        Ok(())
    }

    /// The headers an answer carries at `now` (unix seconds): none before `since`.
    fn headers(&self, now: i64) -> Vec<(header::HeaderName, HeaderValue)> {
        if now < midnight(self.since) {
            return Vec::new();
        }
        let mut headers = Vec::new();
        // RFC 9745: a structured-field date, `@` and unix seconds.
        let deprecation = format!("@{}", midnight(self.since));
        headers.push((
            header::HeaderName::from_static("deprecation"),
            value(&deprecation),
        ));
        if let Some(sunset) = self.sunset {
            headers.push((
                header::HeaderName::from_static("sunset"),
                value(&http_date(sunset.on)),
            ));
        }
        headers.push((
            header::LINK,
            value(&format!(
                "<{POLICY_DOC}>; rel=\"deprecation\"; type=\"application/json\""
            )),
        ));
        if let Some(successor) = self.successor {
            headers.push((
                header::LINK,
                value(&format!("</api/v1{successor}>; rel=\"successor-version\"")),
            ));
        }
        headers
    }

    /// Whether the operation is past its sunset at `now`.
    fn is_gone(&self, now: i64) -> bool {
        self.sunset.is_some_and(|sunset| now >= midnight(sunset.on))
    }

    /// What the OpenAPI document says of it, after the operation's own description.
    pub fn describe(&self) -> String {
        let mut text = format!("Deprecated since {}", self.since);
        if let Some(sunset) = self.sunset {
            text.push_str(&format!(
                "; answers 410 `sunset` from {} (announced {})",
                sunset.on, sunset.announced
            ));
        }
        if let Some(successor) = self.successor {
            text.push_str(&format!("; use `{successor}` instead"));
        }
        text.push('.');
        text
    }
}

/// The layer in front of a deprecated route: 410 after its sunset, else the handler's answer
/// with the headers added (errors included, so a client sees them whatever it gets).
pub async fn announce(
    deprecation: Deprecation,
    clock: Clock,
    request: Request,
    next: Next,
) -> Response {
    let now = clock.now();
    let mut response = if deprecation.is_gone(now) {
        ApiError::Sunset.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    for (name, value) in deprecation.headers(now) {
        headers.append(name, value);
    }
    response
}

/// 00:00 UTC of `date`, in unix seconds.
fn midnight(date: Date) -> i64 {
    date.unix_days() * 86_400
}

/// `date` at 00:00 UTC as an HTTP date (IMF-fixdate).
fn http_date(date: Date) -> String {
    let secs = u64::try_from(midnight(date)).unwrap_or(0);
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

fn value(text: &str) -> HeaderValue {
    // Only ASCII we wrote ourselves: dates, numbers and our own paths.
    HeaderValue::from_str(text).expect("a header value of printable ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt as _;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn deprecation(since: &str, sunset: Option<(&str, &str)>) -> Deprecation {
        Deprecation {
            since: d(since),
            sunset: sunset.map(|(on, announced)| Sunset {
                on: d(on),
                announced: d(announced),
            }),
            successor: Some("/products/search"),
        }
    }

    #[test]
    fn the_policy_keeps_an_operation_two_years_and_announces_its_end_six_months_ahead() {
        // Deprecated with no date yet: allowed.
        assert_eq!(deprecation("2027-01-15", None).check(), Ok(()));
        // 24 months to the day, announced on the day the successor shipped.
        assert_eq!(
            deprecation("2027-01-15", Some(("2029-01-15", "2027-01-15"))).check(),
            Ok(())
        );
        // One day short of 24 months.
        assert_eq!(
            deprecation("2027-01-15", Some(("2029-01-14", "2027-01-15"))).check(),
            Err(PolicyBreach::TooSoonAfterSuccessor {
                since: d("2027-01-15"),
                sunset: d("2029-01-14"),
            })
        );
        // Announced exactly six months ahead, then one day too late.
        assert_eq!(
            deprecation("2027-01-15", Some(("2029-03-01", "2028-09-01"))).check(),
            Ok(())
        );
        assert_eq!(
            deprecation("2027-01-15", Some(("2029-03-01", "2028-09-02"))).check(),
            Err(PolicyBreach::AnnouncedTooLate {
                announced: d("2028-09-02"),
                sunset: d("2029-03-01"),
            })
        );
    }

    async fn call(deprecation: Deprecation, clock: Clock) -> axum::response::Response {
        let app = Router::new()
            .route("/old", get(|| async { "still here" }))
            .layer(axum::middleware::from_fn(move |request, next| {
                announce(deprecation, clock.clone(), request, next)
            }));
        app.oneshot(
            axum::http::Request::get("/old")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap()
    }

    /// A clock at `date` 12:00 UTC.
    fn clock_at(date: &str) -> Clock {
        let clock = Clock::adjustable();
        clock.advance(midnight(d(date)) + 43_200 - clock.now());
        clock
    }

    #[tokio::test]
    async fn answers_carry_the_headers_from_the_day_of_deprecation_and_410_after_the_sunset() {
        let retiring = deprecation("2027-01-15", Some(("2029-01-15", "2027-01-15")));

        let before = call(retiring, clock_at("2027-01-14")).await;
        assert_eq!(before.status(), StatusCode::OK);
        assert!(before.headers().get("deprecation").is_none());

        let during = call(retiring, clock_at("2028-06-01")).await;
        assert_eq!(during.status(), StatusCode::OK);
        // 2027-01-15T00:00:00Z.
        assert_eq!(during.headers()["deprecation"], "@1799971200");
        assert_eq!(during.headers()["sunset"], "Mon, 15 Jan 2029 00:00:00 GMT");
        let links: Vec<_> = during.headers().get_all(header::LINK).iter().collect();
        assert_eq!(
            links,
            [
                "</api/v1/openapi.json>; rel=\"deprecation\"; type=\"application/json\"",
                "</api/v1/products/search>; rel=\"successor-version\"",
            ]
        );

        let after = call(retiring, clock_at("2029-01-15")).await;
        assert_eq!(after.status(), StatusCode::GONE);
        assert_eq!(after.headers()["sunset"], "Mon, 15 Jan 2029 00:00:00 GMT");
    }

    #[test]
    fn the_document_says_when_and_what_instead() {
        assert_eq!(
            deprecation("2027-01-15", Some(("2029-01-15", "2027-01-15"))).describe(),
            "Deprecated since 2027-01-15; answers 410 `sunset` from 2029-01-15 (announced \
             2027-01-15); use `/products/search` instead."
        );
    }
}
