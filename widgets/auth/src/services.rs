//! The auth endpoints this widget calls (`contracts::auth` has the table), behind one request
//! type and one async function: every form submits a [`Request`] and gets an [`Answer`], so the
//! widget compiles one request path instead of one per endpoint (wasm bytes, docs/MFE.md §11).

use contracts::auth::{
    Credentials, ForgotPassword, LoginOutcome, MfaActivate, MfaChallenge, MfaEnrollment, MfaVerify,
    NewAccount, RecoveryCodes, ResetPassword, SessionGrant,
};
use widget_kit::api::{self, ApiError, encode as json};

/// What a form asks of the API.
pub enum Request {
    Login(Credentials),
    Verify(MfaVerify),
    Register(NewAccount),
    Forgot(ForgotPassword),
    Reset(ResetPassword),
    /// Needs the session's token.
    Enroll,
    /// Needs the session's token.
    Activate(MfaActivate),
}

/// What the API answered, as the pages use it.
pub enum Answer {
    SignedIn(SessionGrant),
    /// The password was right; a second factor is due.
    Challenge(MfaChallenge),
    /// A reset link went out, if the address (given) has an account.
    Sent(String),
    PasswordChanged,
    Enrollment(MfaEnrollment),
    RecoveryCodes(Vec<String>),
}

/// Sends `request` to the API under `api` (`/api/v1`), with the session's `token` where the
/// endpoint needs one.
pub async fn perform(api: &str, token: Option<&str>, request: Request) -> Result<Answer, ApiError> {
    let (path, body, bearer) = match &request {
        Request::Login(credentials) => ("/auth/login", json(credentials), None),
        Request::Verify(answer) => ("/auth/mfa/verify", json(answer), None),
        Request::Register(account) => ("/auth/register", json(account), None),
        Request::Forgot(forgot) => ("/auth/password/forgot", json(forgot), None),
        Request::Reset(reset) => ("/auth/password/reset", json(reset), None),
        Request::Enroll => ("/auth/mfa/enroll", String::new(), token),
        Request::Activate(code) => ("/auth/mfa/activate", json(code), token),
    };
    let text = api::post(&format!("{api}{path}"), &body, bearer).await?;
    Ok(match request {
        Request::Login(_) => match api::decode(&text)? {
            LoginOutcome::Session(grant) => Answer::SignedIn(grant),
            LoginOutcome::MfaRequired(challenge) => Answer::Challenge(challenge),
        },
        Request::Verify(_) | Request::Register(_) => Answer::SignedIn(api::decode(&text)?),
        Request::Forgot(forgot) => Answer::Sent(forgot.email),
        Request::Reset(_) => Answer::PasswordChanged,
        Request::Enroll => Answer::Enrollment(api::decode(&text)?),
        Request::Activate(_) => Answer::RecoveryCodes(api::decode::<RecoveryCodes>(&text)?.codes),
    })
}
