//! Errors as responses: every failure is `{"error": {"code", "message", "field"?}}` with its status.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    error: ErrorBody,
}

/// What went wrong.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable, machine-readable code (`stale_turn`, `not_found`...).
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// For `stale_turn`: the turn the session is waiting on now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_turn: Option<usize>,
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, body: ErrorBody { code, message: message.into(), field: None, current_turn: None } }
    }

    /// The same error, blaming a request field.
    pub fn field(mut self, field: &'static str) -> ApiError {
        self.body.field = Some(field);
        self
    }

    /// 404: the thing does not exist, or belongs to someone else (who must not learn it exists).
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no {what} with that id"))
    }

    /// 422: the request is well-formed but says something impossible.
    pub fn invalid(code: &'static str, field: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).field(field)
    }

    /// 409: the reply answers a turn that is no longer current.
    pub fn stale_turn(sent: usize, current: usize) -> ApiError {
        let mut error = ApiError::new(
            StatusCode::CONFLICT,
            "stale_turn",
            format!("the reply answers turn {sent}, but the session is at turn {current}"),
        )
        .field("turn");
        error.body.current_turn = Some(current);
        error
    }

    /// The status of this error.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = self.body.code, message = %self.body.message, "request failed");
        }
        (self.status, axum::Json(ErrorEnvelope { error: self.body })).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "storage failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            "the session store is unavailable; try again",
        )
    }
}

/// A JSON body axum could not take: bad syntax (400), wrong fields (422), wrong content type
/// (415) or too large (413), each in the common error format.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
            _ => "malformed_json",
        };
        ApiError::new(status, code, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_path", rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_query", rejection.body_text())
    }
}
