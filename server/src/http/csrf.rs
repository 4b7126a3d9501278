//! Cross-site request forgery protection, as OWASP recommends: Fetch Metadata first
//! (`security::refuse_cross_site_writes`), then a token in every form. The token is an
//! HMAC of the visitor's anonymous id under a key kept in the data folder, so it
//! needs no server-side session, survives restarts, and cannot be guessed or reused
//! by another visitor.

use crate::store::SharedSecrets;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;
use std::sync::Arc;
use telepath_app::backend::VisitorId;
use telepath_app::visitor::CSRF_FIELD;

const KEY_BYTES: usize = 32;
const KEY_FILE: &str = "csrf.key";
/// The form-token key's name among the secrets instances share.
const SHARED_KEY_NAME: &str = "form_token_key";

#[derive(Debug, thiserror::Error)]
pub enum CsrfError {
    #[error("cannot read or create the form-token key {path}: {source}")]
    Key {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the form-token key the instances share: {0}")]
    Shared(#[from] crate::store::SecretsError),
    #[error("the form-token key the instances share is {0} bytes, not {KEY_BYTES}")]
    SharedLength(usize),
}

/// The secret behind every form token. Its `Debug` never shows it.
#[derive(Clone)]
pub struct CsrfKey(Arc<[u8; KEY_BYTES]>);

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(<redacted>)")
    }
}

impl CsrfKey {
    /// Reads the key from `data_dir`, creating it (readable by the owner only) on first start.
    /// The key every instance sharing the database uses, or, for a database only
    /// this instance uses, the one in its data folder.
    pub async fn shared_or_own(secrets: &dyn SharedSecrets, data_dir: &Path) -> Result<CsrfKey, CsrfError> {
        let candidate = CsrfKey::random();
        match secrets.shared_secret(SHARED_KEY_NAME, candidate.0.as_slice()).await? {
            Some(shared) => {
                let key: [u8; KEY_BYTES] =
                    shared.try_into().map_err(|shared: Vec<u8>| CsrfError::SharedLength(shared.len()))?;
                Ok(CsrfKey(Arc::new(key)))
            }
            None => CsrfKey::load_or_create(data_dir),
        }
    }

    pub fn load_or_create(data_dir: &Path) -> Result<CsrfKey, CsrfError> {
        let path = data_dir.join(KEY_FILE);
        let error = |source| CsrfError::Key { path: path.clone(), source };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let key: [u8; KEY_BYTES] = bytes.try_into().map_err(|bytes: Vec<u8>| {
                    error(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "expected {KEY_BYTES} bytes, found {}; delete the file to make a new key",
                            bytes.len()
                        ),
                    ))
                })?;
                Ok(CsrfKey(Arc::new(key)))
            }
            Err(missing) if missing.kind() == std::io::ErrorKind::NotFound => {
                let key = CsrfKey::random();
                crate::data_dir::create_private_file(&path)
                    .and_then(|()| std::fs::write(&path, key.0.as_slice()))
                    .map_err(error)?;
                Ok(key)
            }
            Err(source) => Err(error(source)),
        }
    }

    pub fn random() -> CsrfKey {
        let mut key = [0u8; KEY_BYTES];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
        CsrfKey(Arc::new(key))
    }

    fn mac(&self, visitor: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.0.as_slice()).expect("HMAC takes keys of any length");
        mac.update(visitor.as_bytes());
        mac
    }

    /// The token the visitor's forms carry.
    pub fn token_for(&self, visitor: &VisitorId) -> String {
        hex::encode(self.mac(&visitor.0).finalize().into_bytes())
    }

    /// Compares in constant time, so the token cannot be learnt byte by byte.
    pub fn verify(&self, visitor: &VisitorId, token: &str) -> bool {
        hex::decode(token).is_ok_and(|bytes| self.mac(&visitor.0).verify_slice(&bytes).is_ok())
    }
}

/// Refuses a state-changing request (anything but GET, HEAD and OPTIONS) whose form
/// does not carry the visitor's token. Runs after the visitor id is known; the body
/// is read once and handed on unchanged.
pub async fn require_form_token(State(key): State<CsrfKey>, request: Request, next: Next) -> Response {
    if super::security::is_safe_method(request.method()) {
        return next.run(request).await;
    }
    let visitor = request.extensions().get::<VisitorId>().cloned();
    let (parts, body) = request.into_parts();
    let bytes = match super::read_form_body(body).await {
        Ok(bytes) => bytes,
        Err(refused) => return refused.for_client(&parts.headers),
    };
    let sent_token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .unwrap_or_default()
        .into_iter()
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, token)| token);
    let valid = matches!((&visitor, &sent_token), (Some(visitor), Some(token)) if key.verify(visitor, token));
    if !valid {
        tracing::info!(path = %parts.uri.path(), has_token = sent_token.is_some(), "refused a form without a valid token");
        return super::error::HttpError::FormNotChecked.for_client(&parts.headers);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_valid_only_for_its_visitor_and_key() {
        let key = CsrfKey::random();
        let (alice, bob) = (VisitorId("a".repeat(32)), VisitorId("b".repeat(32)));
        let token = key.token_for(&alice);
        assert!(key.verify(&alice, &token));
        assert!(!key.verify(&bob, &token), "another visitor's token is refused");
        assert!(!CsrfKey::random().verify(&alice, &token), "a token from another key is refused");
        for forged in ["", "zz", &token[..10], &"0".repeat(64)] {
            assert!(!key.verify(&alice, forged), "{forged:?}");
        }
    }

    #[test]
    fn the_key_is_kept_across_restarts_and_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let first = CsrfKey::load_or_create(dir.path()).unwrap();
        let again = CsrfKey::load_or_create(dir.path()).unwrap();
        let visitor = VisitorId("c".repeat(32));
        assert!(again.verify(&visitor, &first.token_for(&visitor)));
        assert_eq!(format!("{first:?}"), "CsrfKey(<redacted>)");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join(KEY_FILE), b"short").unwrap();
        let error = CsrfKey::load_or_create(dir.path()).unwrap_err().to_string();
        assert!(error.contains("expected 32 bytes, found 5"), "{error}");
    }
}
