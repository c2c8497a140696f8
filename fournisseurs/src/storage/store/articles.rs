//! What suppliers sell us: one row per supplier and article, and one preferred supplier
//! per article at most.

use bascule_platform::db::Exec;
use bascule_platform::db::record::{self, Stored};

use super::{FournisseursStore, existing_supplier, mapped, not_found, storage};
use crate::domain::{FournisseursError, SupplierArticle};

/// How a supplier article is written.
#[derive(Debug, Clone, Copy)]
enum Save {
    /// Created, or replaced whatever its revision.
    Put,
    /// Created; an existing one is AlreadyExists.
    Create,
    /// Replaced if still at this revision.
    Update(i64),
}

/// Takes the preference for `article`'s article from its other suppliers.
async fn demote_others(
    e: &mut impl Exec,
    article: &SupplierArticle,
) -> Result<(), FournisseursError> {
    let others = record::lock_all::<SupplierArticle>(
        e,
        &[
            ("article_code", (&article.article_code).into()),
            ("preferred", true.into()),
        ],
    )
    .await
    .map_err(storage)?;
    for other in others
        .into_iter()
        .filter(|o| o.value.supplier_code != article.supplier_code)
    {
        let other_key = format!("{}/{}", other.value.supplier_code, article.article_code);
        let demoted = SupplierArticle {
            preferred: false,
            ..other.value
        };
        record::update(e, &other.id, other.revision, demoted)
            .await
            .map_err(mapped("supplier article", &other_key))?;
    }
    Ok(())
}

impl FournisseursStore {
    /// Creates what a supplier sells for an article, or replaces it. A preferred one
    /// takes the preference from the other suppliers of the article: one per article.
    pub async fn put_supplier_article(
        &self,
        article: SupplierArticle,
    ) -> Result<Stored<SupplierArticle>, FournisseursError> {
        self.save_supplier_article(article, Save::Put).await
    }

    /// Creates what a supplier sells for an article; refused when it already exists.
    pub async fn create_supplier_article(
        &self,
        article: SupplierArticle,
    ) -> Result<Stored<SupplierArticle>, FournisseursError> {
        self.save_supplier_article(article, Save::Create).await
    }

    /// Replaces what a supplier sells for an article, if still at `revision`.
    pub async fn update_supplier_article(
        &self,
        revision: i64,
        article: SupplierArticle,
    ) -> Result<Stored<SupplierArticle>, FournisseursError> {
        self.save_supplier_article(article, Save::Update(revision))
            .await
    }

    pub async fn get_supplier_article(
        &self,
        supplier_code: &str,
        article_code: &str,
    ) -> Result<Stored<SupplierArticle>, FournisseursError> {
        record::list_all::<SupplierArticle>(
            &mut self.db.clone(),
            &[
                ("supplier_code", supplier_code.into()),
                ("article_code", article_code.into()),
            ],
        )
        .await
        .map_err(storage)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            not_found(
                "supplier article",
                &format!("{supplier_code}/{article_code}"),
            )
        })
    }

    async fn save_supplier_article(
        &self,
        article: SupplierArticle,
        save: Save,
    ) -> Result<Stored<SupplierArticle>, FournisseursError> {
        let article = article.validate()?;
        let key = format!("{}/{}", article.supplier_code, article.article_code);
        let mut tx = self.db.begin().await.map_err(storage)?;
        existing_supplier(&mut tx, &article.supplier_code).await?;
        let existing = record::lock_all::<SupplierArticle>(
            &mut tx,
            &[
                ("supplier_code", (&article.supplier_code).into()),
                ("article_code", (&article.article_code).into()),
            ],
        )
        .await
        .map_err(storage)?
        .into_iter()
        .next();
        let revision = match (&existing, save) {
            (Some(_), Save::Create) => {
                return Err(FournisseursError::AlreadyExists {
                    entity: "supplier article",
                    key,
                });
            }
            (None, Save::Update(_)) => return Err(not_found("supplier article", &key)),
            (Some(current), Save::Update(revision)) if current.revision != revision => {
                return Err(FournisseursError::Conflict {
                    entity: "supplier article",
                    key,
                    revision,
                });
            }
            (Some(current), _) => Some(current.revision),
            (None, _) => None,
        };
        if article.preferred {
            demote_others(&mut tx, &article).await?;
        }
        let stored = match (existing, revision) {
            (Some(current), Some(revision)) => {
                record::update(&mut tx, &current.id, revision, article).await
            }
            _ => record::insert(&mut tx, article).await,
        }
        .map_err(mapped("supplier article", &key))?;
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }
}
