//! Calls to the API on `web-sys`'s `fetch`: any method, a JSON body (or a raw one, such as a
//! picked file: [`Call::upload`]), the bearer token and an `Idempotency-Key`, with
//! problem+json answers decoded into [`contracts::Problem`].
//!
//! One non-generic request path for every endpoint (callers encode and decode around it), so a
//! widget compiles it once; `fetch` through web-sys rather than gloo-net, whose request builder
//! costs wasm bytes every widget would pay for.

use contracts::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

/// Why a call failed: the API's problem, or one made up here for a network failure (status 0,
/// `network_error`) or an answer that does not decode (`unexpected_answer`). Shared, since a
/// page keeps it to render.
pub type ApiError = Rc<Problem>;

/// One call: `method url`, optionally with a JSON body, the session's token and an
/// idempotency key.
pub struct Call<'a> {
    pub method: &'static str,
    pub url: String,
    pub body: Option<String>,
    pub bearer: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

impl<'a> Call<'a> {
    pub fn get(url: String, bearer: Option<&'a str>) -> Self {
        Self::with_body("GET", url, None, bearer)
    }

    pub fn with_body(
        method: &'static str,
        url: String,
        body: Option<String>,
        bearer: Option<&'a str>,
    ) -> Self {
        Call {
            method,
            url,
            body,
            bearer,
            idempotency_key: None,
        }
    }

    /// The answer's text on 2xx, else its problem.
    pub async fn text(self) -> Result<String, ApiError> {
        let response = self.send(None).await?;
        answer_text(response).await
    }

    /// Sends `body` as it is (a `File` or `Blob` the person picked) with `content_type`
    /// instead of a JSON body; the answer decoded as `T`.
    pub async fn upload<T: DeserializeOwned>(
        self,
        body: &JsValue,
        content_type: &str,
    ) -> Result<T, ApiError> {
        let response = self.send(Some((body, content_type))).await?;
        let text = answer_text(response).await?;
        serde_json::from_str(&text).map_err(|e| unexpected(&e.to_string()))
    }

    /// The answer decoded as `T`.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let text = self.text().await?;
        serde_json::from_str(&text).map_err(|e| unexpected(&e.to_string()))
    }

    /// The answer's bytes as a blob (a PDF), on 2xx.
    pub async fn blob(self) -> Result<web_sys::Blob, ApiError> {
        let response = self.send(None).await?;
        if !response.ok() {
            let status = response.status();
            return Err(Rc::new(Problem::new(
                status,
                "unexpected_answer",
                format!("HTTP {status}"),
            )));
        }
        let promise = response.blob().map_err(network)?;
        let blob = JsFuture::from(promise).await.map_err(network)?;
        blob.dyn_into().map_err(network)
    }

    async fn send(self, raw: Option<(&JsValue, &str)>) -> Result<Response, ApiError> {
        let headers = Headers::new().map_err(network)?;
        let init = RequestInit::new();
        init.set_method(self.method);
        if let Some((body, content_type)) = raw {
            headers.set("content-type", content_type).map_err(network)?;
            init.set_body(body);
        } else if let Some(body) = &self.body {
            headers
                .set("content-type", "application/json")
                .map_err(network)?;
            init.set_body(&JsValue::from_str(body));
        }
        if let Some(token) = self.bearer {
            headers
                .set("authorization", &format!("Bearer {token}"))
                .map_err(network)?;
        }
        if let Some(key) = self.idempotency_key {
            headers.set("idempotency-key", key).map_err(network)?;
        }
        init.set_headers(&headers);
        let request = Request::new_with_str_and_init(&self.url, &init).map_err(network)?;
        let window = web_sys::window().ok_or_else(|| unexpected("no window"))?;
        let answer = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(network)?;
        answer.dyn_into().map_err(network)
    }
}

/// The text of `response` on 2xx, else its problem.
async fn answer_text(response: Response) -> Result<String, ApiError> {
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(network)?
            .as_string()
            .unwrap_or_default(),
        Err(e) => return Err(network(e)),
    };
    if response.ok() {
        return Ok(text);
    }
    let status = response.status();
    Err(Rc::new(serde_json::from_str(&text).unwrap_or_else(|_| {
        Problem::new(status, "unexpected_answer", format!("HTTP {status}"))
    })))
}

/// A fresh `Idempotency-Key`: 128 random bits from the browser's CSPRNG, as 32 hex digits
/// (never a clock or `Math.random`, which two tabs can repeat).
pub fn random_key() -> Result<String, JsValue> {
    let crypto = web_sys::window().ok_or("no window")?.crypto()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `body` as JSON. Contract request bodies are plain structs, which always encode.
pub fn encode(body: &impl Serialize) -> Option<String> {
    serde_json::to_string(body).ok()
}

/// `value` escaped for a query string.
pub fn query_value(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

fn network(error: JsValue) -> ApiError {
    let detail = error.dyn_ref::<js_sys::Error>().map_or_else(
        || "the request failed".into(),
        |e| String::from(e.message()),
    );
    Rc::new(Problem::new(0, "network_error", "The server could not be reached").with_detail(detail))
}

/// The problem of an answer that does not decode (`unexpected_answer`), for a widget that
/// decodes answers its own way.
pub fn unexpected(detail: &str) -> ApiError {
    Rc::new(
        Problem::new(
            0,
            "unexpected_answer",
            "The server's answer was not understood",
        )
        .with_detail(detail),
    )
}
