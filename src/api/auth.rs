//! Who is calling: an organizer (tokens configured by the operator), a firm (its own token,
//! issued at registration, stored only as a sha256 hash), or nobody. Handlers state what
//! they allow with the `require_*` methods; a missing or unknown token is 401, a valid
//! token without the right is 403.

use super::error::ApiError;
use super::AppState;
use crate::app::tokens::{hash_token, FIRM_TOKEN_PREFIX};
use crate::domain::FirmId;
use crate::store::TokenHash;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use std::collections::HashSet;

/// The organizer tokens in force, kept as hashes so a memory dump does not show them.
#[derive(Debug, Clone, Default)]
pub struct OrganizerTokens(HashSet<TokenHash>);

impl OrganizerTokens {
    pub fn new<'a>(tokens: impl IntoIterator<Item = &'a str>) -> OrganizerTokens {
        OrganizerTokens(tokens.into_iter().map(hash_token).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, hash: &TokenHash) -> bool {
        self.0.contains(hash)
    }
}

/// Failed bearer tokens per client address, to slow down guessing: from the
/// [`FailedTokens::FREE`]-th failure within [`FailedTokens::WINDOW`], each further 401 to
/// that address waits longer (doubling, at most [`FailedTokens::MAX_DELAY`]). Valid tokens
/// from the same address (a forum venue's shared connection) are never slowed.
#[derive(Debug, Default)]
pub struct FailedTokens {
    enabled: bool,
    seen: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (u32, std::time::Instant)>>,
}

impl FailedTokens {
    pub fn new(enabled: bool) -> FailedTokens {
        FailedTokens {
            enabled,
            seen: Default::default(),
        }
    }

    pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(60);
    pub const FREE: u32 = 5;
    pub const MAX_DELAY: std::time::Duration = std::time::Duration::from_secs(5);
    /// Addresses remembered at most; the oldest are forgotten first.
    const CAPACITY: usize = 10_000;

    /// Counts a failure from `addr`; returns how long its answer waits.
    pub fn fail(&self, addr: std::net::IpAddr) -> std::time::Duration {
        if !self.enabled {
            return std::time::Duration::ZERO;
        }
        let now = std::time::Instant::now();
        let mut map = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= Self::CAPACITY {
            map.retain(|_, (_, since)| now.duration_since(*since) < Self::WINDOW);
            if map.len() >= Self::CAPACITY {
                map.clear();
            }
        }
        let entry = map.entry(addr).or_insert((0, now));
        if now.duration_since(entry.1) >= Self::WINDOW {
            *entry = (0, now);
        }
        entry.0 += 1;
        Self::delay(entry.0)
    }

    /// The wait of the `n`-th failure in a window.
    pub fn delay(n: u32) -> std::time::Duration {
        if n <= Self::FREE {
            return std::time::Duration::ZERO;
        }
        let steps = (n - Self::FREE - 1).min(10);
        (std::time::Duration::from_millis(100) * 2u32.pow(steps)).min(Self::MAX_DELAY)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Organizer,
    Firm(FirmId),
    Anonymous,
}

impl Caller {
    /// Organizers only.
    pub fn require_organizer(&self) -> Result<(), ApiError> {
        match self {
            Caller::Organizer => Ok(()),
            Caller::Firm(_) => Err(ApiError::Forbidden("only organizers may do this".into())),
            Caller::Anonymous => Err(ApiError::Unauthorized),
        }
    }

    /// Organizers, or the firm `id` itself.
    pub fn require_firm(&self, id: &FirmId) -> Result<(), ApiError> {
        match self {
            Caller::Organizer => Ok(()),
            Caller::Firm(own) if own == id => Ok(()),
            Caller::Firm(_) => Err(ApiError::Forbidden(
                "a firm may only do this for itself".into(),
            )),
            Caller::Anonymous => Err(ApiError::Unauthorized),
        }
    }

    /// Anyone with a valid token.
    pub fn require_signed_in(&self) -> Result<(), ApiError> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthorized),
            Caller::Organizer | Caller::Firm(_) => Ok(()),
        }
    }

    /// Whether contact details of firm `id` may be shown to this caller.
    pub fn sees_contact_of(&self, id: &FirmId) -> bool {
        match self {
            Caller::Organizer => true,
            Caller::Firm(own) => own == id,
            Caller::Anonymous => false,
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Caller, ApiError>>;

    /// The caller that [`authenticate`] established for this request.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(req
            .extensions()
            .get::<Caller>()
            .cloned()
            .unwrap_or(Caller::Anonymous)))
    }
}

/// Middleware of the `/v1` routes: resolves the bearer token before anything else is read,
/// so a request without a valid token is a 401 whatever its body. Anonymous callers pass
/// only to the public directory, when enabled.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let caller = resolve(req.request()).await?;
    if caller == Caller::Anonymous {
        let public = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.public_directory)
            && req.method() == actix_web::http::Method::GET
            && req.path() == "/v1/firms";
        if !public {
            return Err(ApiError::Unauthorized.into());
        }
    }
    req.extensions_mut().insert(caller);
    next.call(req).await
}

/// Who the bearer token of `req` belongs to: [`Caller::Anonymous`] without one, 401 for a
/// token nobody holds. For routes outside `/v1` that check tokens themselves (`/metrics`).
pub async fn resolve(req: &HttpRequest) -> Result<Caller, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(Caller::Anonymous);
    };
    let value = value.to_str().unwrap_or("");
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("application state missing"))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let found = match token {
        None => None,
        Some(token) => {
            let hash = hash_token(token);
            if state.organizer_tokens.contains(&hash) {
                return Ok(Caller::Organizer);
            }
            if token.starts_with(FIRM_TOKEN_PREFIX) {
                let store = state.store.clone();
                web::block(move || store.firm_of_token(&hash)).await??
            } else {
                None
            }
        }
    };
    match found {
        Some(id) => Ok(Caller::Firm(id)),
        None => {
            if let Some(addr) = req.peer_addr() {
                let wait = state.failed_tokens.fail(addr.ip());
                if !wait.is_zero() {
                    actix_web::rt::time::sleep(wait).await;
                }
            }
            Err(ApiError::Unauthorized)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_beyond_the_free_ones_wait_longer_each_time_up_to_a_cap() {
        assert!(FailedTokens::delay(FailedTokens::FREE).is_zero());
        let waits: Vec<_> = (FailedTokens::FREE + 1..FailedTokens::FREE + 12)
            .map(FailedTokens::delay)
            .collect();
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(waits[0], std::time::Duration::from_millis(100));
        assert_eq!(*waits.last().unwrap(), FailedTokens::MAX_DELAY);
        assert!(FailedTokens::default()
            .fail("10.0.0.1".parse().unwrap())
            .is_zero());
        let failed = FailedTokens::new(true);
        let (a, b): (std::net::IpAddr, std::net::IpAddr) =
            ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..FailedTokens::FREE {
            assert!(failed.fail(a).is_zero());
        }
        assert!(!failed.fail(a).is_zero());
        assert!(failed.fail(b).is_zero(), "another address is not slowed");
    }
}
