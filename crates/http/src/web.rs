//! The counselor web page: three static files embedded in the binary, served at `/`.

use axum::http::header;
use axum::response::IntoResponse;

/// Scripts and styles come only from this origin; nothing inline can run, so a scenario or a reply
/// that smuggles in markup stays text even if a rendering bug let it into the page.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

fn file(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

/// `GET /`.
pub async fn index() -> impl IntoResponse {
    file("text/html; charset=utf-8", include_str!("../web/index.html"))
}

/// `GET /app.js`.
pub async fn script() -> impl IntoResponse {
    file("text/javascript; charset=utf-8", include_str!("../web/app.js"))
}

/// `GET /app.css`.
pub async fn style() -> impl IntoResponse {
    file("text/css; charset=utf-8", include_str!("../web/app.css"))
}
