//! Fournisseurs operations on the target database: each method is one transaction.
//! Suppliers and their articles are here; orders and bills in the submodules.

mod articles;
mod bills;
mod orders;
mod receipts;
mod search;

use std::sync::Arc;

use bascule_platform::db::record::{self, Page, PageRequest, Stored};
use bascule_platform::db::{Db, DbError, Exec};

use crate::domain::{FournisseursError, Supplier, SupplierArticle};
use crate::notify::MailAddresses;

pub use bills::BillWithPayments;
pub use orders::OrderWithLines;
pub use receipts::ReceiptWithLines;

#[derive(Debug, Clone)]
pub struct FournisseursStore {
    db: Db,
    /// The e-mails of state changes are written only when set (see [`crate::notify`]).
    mail: Option<Arc<MailAddresses>>,
}

fn storage(e: DbError) -> FournisseursError {
    FournisseursError::Storage(Box::new(e))
}

/// Maps a storage error to the domain's, naming the entity concerned.
fn mapped(entity: &'static str, key: &str) -> impl FnOnce(DbError) -> FournisseursError {
    let key = key.to_owned();
    move |e| match e {
        DbError::Duplicate(_) => FournisseursError::AlreadyExists { entity, key },
        DbError::NotFound => FournisseursError::NotFound { entity, key },
        DbError::StaleRevision { expected } => FournisseursError::Conflict {
            entity,
            key,
            revision: expected,
        },
        DbError::TooLong { column, .. } => {
            FournisseursError::invalid("text", format!("{column} is too long"))
        }
        // On a write, a decode error is the portable check of a value against its column
        // (a decimal with too many digits, for instance): the caller's data is at fault.
        DbError::Decode(reason) => FournisseursError::invalid("value", reason),
        other => storage(other),
    }
}

fn not_found(entity: &'static str, key: &str) -> FournisseursError {
    FournisseursError::NotFound {
        entity,
        key: key.to_owned(),
    }
}

/// The supplier `code`, read inside the transaction `e` that relies on it.
async fn existing_supplier(
    e: &mut impl Exec,
    code: &str,
) -> Result<Stored<Supplier>, FournisseursError> {
    record::find_by(e, "code", code.into())
        .await
        .map_err(storage)?
        .ok_or_else(|| not_found("supplier", code))
}

impl FournisseursStore {
    /// A store that writes no e-mail: for tools and tests that want the data alone.
    /// The service uses [`FournisseursStore::with_mail`].
    pub fn new(db: Db) -> Self {
        Self { db, mail: None }
    }

    /// The same store writing the e-mails of state changes into the outbox, in their
    /// transactions (the control schema's outbox table must exist).
    pub fn with_mail(self, addresses: MailAddresses) -> Self {
        Self {
            mail: Some(Arc::new(addresses)),
            ..self
        }
    }

    pub async fn create_supplier(
        &self,
        supplier: Supplier,
    ) -> Result<Stored<Supplier>, FournisseursError> {
        let supplier = supplier.validate()?;
        let code = supplier.code.clone();
        record::insert(&mut self.db.clone(), supplier)
            .await
            .map_err(mapped("supplier", &code))
    }

    pub async fn get_supplier(&self, code: &str) -> Result<Stored<Supplier>, FournisseursError> {
        existing_supplier(&mut self.db.clone(), code).await
    }

    pub async fn list_suppliers(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Stored<Supplier>>, FournisseursError> {
        record::list(&mut self.db.clone(), &[], page)
            .await
            .map_err(storage)
    }

    /// Updates a supplier at `revision`; its code never changes.
    pub async fn update_supplier(
        &self,
        code: &str,
        revision: i64,
        supplier: Supplier,
    ) -> Result<Stored<Supplier>, FournisseursError> {
        let supplier = supplier.validate()?;
        if supplier.code != code {
            return Err(FournisseursError::invalid(
                "code",
                "a supplier's code cannot change",
            ));
        }
        let current = self.get_supplier(code).await?;
        record::update(&mut self.db.clone(), &current.id, revision, supplier)
            .await
            .map_err(mapped("supplier", code))
    }

    /// What a supplier sells, by article code.
    pub async fn list_supplier_articles(
        &self,
        supplier_code: &str,
        page: &PageRequest,
    ) -> Result<Page<Stored<SupplierArticle>>, FournisseursError> {
        record::list(
            &mut self.db.clone(),
            &[("supplier_code", supplier_code.into())],
            page,
        )
        .await
        .map_err(storage)
    }

    /// Every supplier of an article of the stock domain.
    pub async fn list_article_suppliers(
        &self,
        article_code: &str,
    ) -> Result<Vec<Stored<SupplierArticle>>, FournisseursError> {
        record::list_all(
            &mut self.db.clone(),
            &[("article_code", article_code.into())],
        )
        .await
        .map_err(storage)
    }
}
