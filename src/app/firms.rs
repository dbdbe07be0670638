//! Firm writes: register, replace, delete, issue a new token. Each keeps the matcher in
//! step with the store, so the next ranking sees the change.

use super::tokens::{hash_token, new_firm_id, new_firm_token};
use super::{AppError, Mitra};
use crate::domain::{FieldError, Firm, FirmId, FirmInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A newly issued firm token.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IssuedToken {
    pub firm_id: String,
    pub token: String,
}

/// Registers a firm (its slug `id`, or a generated one) and returns it with its token,
/// which is stored only as a hash.
pub fn create(app: &Mitra, input: &FirmInput) -> Result<(Firm, String), AppError> {
    let (id, profile) = input.parse(app.reference)?;
    let now = chrono::Utc::now();
    let id = id.unwrap_or_else(|| new_firm_id(now));
    let token = new_firm_token();
    let firm = app
        .store
        .create_firm(id, profile, hash_token(&token), now)?;
    app.firms_changed(std::slice::from_ref(&firm));
    Ok((firm, token))
}

/// Replaces the profile of firm `id` (only over version `expected`, when given: else
/// [`AppError::VersionMismatch`]). The input may not name another id.
pub fn replace(
    app: &Mitra,
    id: &FirmId,
    input: &FirmInput,
    expected: Option<u64>,
) -> Result<Firm, AppError> {
    let (body_id, profile) = input.parse(app.reference)?;
    if body_id.as_ref().is_some_and(|b| b != id) {
        return Err(AppError::invalid(
            FieldError::coded(
                "id",
                "id_mismatch",
                format!("a firm's id cannot change (the path says '{id}')"),
            )
            .with("value", id),
        ));
    }
    let firm = app
        .store
        .replace_firm(id, profile, expected, chrono::Utc::now())?;
    app.firms_changed(std::slice::from_ref(&firm));
    Ok(firm)
}

/// Deletes a firm and revokes its token (only at version `expected`, when given).
pub fn delete(app: &Mitra, id: &FirmId, expected: Option<u64>) -> Result<Firm, AppError> {
    let deleted = app.store.delete_firm(id, expected)?;
    app.firm_removed(&deleted.id);
    Ok(deleted)
}

/// Issues a new token for a firm; the previous one stops working at once.
pub fn reissue_token(app: &Mitra, id: &FirmId) -> Result<IssuedToken, AppError> {
    let token = new_firm_token();
    app.store.reissue_token(id, hash_token(&token))?;
    Ok(IssuedToken {
        firm_id: id.to_string(),
        token,
    })
}

/// A stored firm, or [`AppError::NotFound`].
pub fn get(app: &Mitra, id: &FirmId) -> Result<Firm, AppError> {
    app.store
        .get_firm(id.as_str())?
        .ok_or_else(|| AppError::not_found("firm", id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::MatchQuery;
    use crate::store::Store;

    fn input(id: &str, province: &str, regency: &str, json: serde_json::Value) -> FirmInput {
        let mut value = serde_json::json!({
            "id": id, "name": format!("CV {id}"), "province": province, "regency": regency,
            "kbli": ["10761"], "size": "small", "employees": 10,
        });
        value
            .as_object_mut()
            .unwrap()
            .extend(json.as_object().unwrap().clone());
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn writes_keep_the_matcher_in_step() {
        let dir = tempfile::tempdir().unwrap();
        let app = Mitra::open(Store::open(dir.path()).unwrap()).unwrap();
        let seller = input(
            "kopi-sembalun",
            "NTB",
            "Lombok Timur",
            serde_json::json!({
            "products": [{"name": "Kopi arabika sangrai", "hs_code": "0901.21",
                          "capacity": {"amount": 300, "unit": "kg", "per": "month"}}]}),
        );
        let buyer = input(
            "kafe-surabaya",
            "JATIM",
            "Surabaya",
            serde_json::json!({
            "kbli": ["56303"], "needs": [{"name": "Kopi arabika sangrai", "hs_code": "0901.21",
                                      "volume": {"amount": 200, "unit": "kg", "per": "month"}}]}),
        );
        let (firm, token) = create(&app, &seller).unwrap();
        assert!(token.starts_with("mitra_firm_"));
        assert_eq!(
            app.store.firm_of_token(&hash_token(&token)).unwrap(),
            Some(firm.id.clone())
        );
        let (buyer_firm, _) = create(&app, &buyer).unwrap();
        let matches = |app: &Mitra| {
            app.matcher()
                .matches_for(&firm.id, &MatchQuery::default())
                .unwrap()
        };
        assert_eq!(matches(&app)[0].partner.id, buyer_firm.id);
        assert!(matches!(create(&app, &seller), Err(AppError::Conflict(_))));

        // A replaced profile that no longer needs coffee is no longer a partner.
        let plain = input(
            "kafe-surabaya",
            "JATIM",
            "Surabaya",
            serde_json::json!({"kbli": ["56303"]}),
        );
        assert!(matches!(
            replace(&app, &buyer_firm.id, &plain, Some(7)),
            Err(AppError::VersionMismatch {
                expected: 7,
                current: 1,
                ..
            })
        ));
        let moved = input("other-id", "JATIM", "Surabaya", serde_json::json!({}));
        assert!(matches!(
            replace(&app, &buyer_firm.id, &moved, None),
            Err(AppError::Invalid(_))
        ));
        assert_eq!(
            replace(&app, &buyer_firm.id, &plain, Some(1))
                .unwrap()
                .version,
            2
        );
        assert!(matches(&app).is_empty());

        let issued = reissue_token(&app, &firm.id).unwrap();
        assert_eq!(app.store.firm_of_token(&hash_token(&token)).unwrap(), None);
        assert_eq!(
            app.store.firm_of_token(&hash_token(&issued.token)).unwrap(),
            Some(firm.id.clone())
        );

        delete(&app, &firm.id, None).unwrap();
        assert!(app.matcher().get(&firm.id).is_none());
        assert!(matches!(
            get(&app, &firm.id),
            Err(AppError::NotFound { what: "firm", .. })
        ));
        assert!(matches!(
            reissue_token(&app, &firm.id),
            Err(AppError::NotFound { .. })
        ));
    }
}
