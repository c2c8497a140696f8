//! Handlers of suppliers and of what they sell (supplier articles).

use bascule_proto::fournisseurs::v1 as pb;
use bascule_rpc::ApiResult;
use bascule_rpc::convert::{mask_paths, revision_from_etag};
use bascule_rpc::handler::required;

use super::service::FournisseursApi;
use super::{convert as c, fields};
use crate::domain::{Supplier, SupplierArticle};

const SUPPLIER_FIELDS: &[&str] = &[
    "name",
    "siret",
    "order_emails",
    "phone",
    "address",
    "iban",
    "bic",
    "payment_terms_days",
    "currency",
    "active",
];

const ARTICLE_FIELDS: &[&str] = &[
    "supplier_sku",
    "unit_price",
    "min_order_quantity",
    "lead_time_days",
    "preferred",
];

impl FournisseursApi {
    pub(super) async fn get_supplier(&self, r: pb::GetSupplierRequest) -> ApiResult<pb::Supplier> {
        self.gate.check_read().await?;
        Ok(c::supplier(self.store.get_supplier(&r.code).await?))
    }

    pub(super) async fn list_suppliers(
        &self,
        r: pb::ListSuppliersRequest,
    ) -> ApiResult<pb::ListSuppliersResponse> {
        let (items, next_page_token) = self
            .page::<Supplier>(
                fields::SUPPLIERS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
            )
            .await?;
        Ok(pb::ListSuppliersResponse {
            suppliers: items.into_iter().map(c::supplier).collect(),
            next_page_token,
        })
    }

    pub(super) async fn create_supplier(
        &self,
        r: pb::CreateSupplierRequest,
    ) -> ApiResult<pb::Supplier> {
        self.gate.check_write().await?;
        let supplier = c::supplier_from(required("supplier", r.supplier.as_ref())?)?;
        self.requests
            .once("CreateSupplier", &r.request_id, &r, || async {
                Ok(c::supplier(self.store.create_supplier(supplier).await?))
            })
            .await
    }

    pub(super) async fn update_supplier(
        &self,
        r: pb::UpdateSupplierRequest,
    ) -> ApiResult<pb::Supplier> {
        self.gate.check_write().await?;
        let given = required("supplier", r.supplier.as_ref())?;
        let paths = mask_paths(r.update_mask.as_ref(), SUPPLIER_FIELDS)?;
        let current = self.store.get_supplier(&given.code).await?;
        let revision = revision_from_etag(&given.etag, current.revision)?;
        let mut merged = c::supplier(current);
        for path in paths {
            match path {
                "name" => merged.name.clone_from(&given.name),
                "siret" => merged.siret.clone_from(&given.siret),
                "order_emails" => merged.order_emails.clone_from(&given.order_emails),
                "phone" => merged.phone.clone_from(&given.phone),
                "address" => merged.address.clone_from(&given.address),
                "iban" => merged.iban.clone_from(&given.iban),
                "bic" => merged.bic.clone_from(&given.bic),
                "payment_terms_days" => merged.payment_terms_days = given.payment_terms_days,
                "currency" => merged.currency.clone_from(&given.currency),
                _ => merged.active = given.active,
            }
        }
        let supplier = c::supplier_from(&merged)?;
        Ok(c::supplier(
            self.store
                .update_supplier(&given.code, revision, supplier)
                .await?,
        ))
    }

    pub(super) async fn get_supplier_article(
        &self,
        r: pb::GetSupplierArticleRequest,
    ) -> ApiResult<pb::SupplierArticle> {
        self.gate.check_read().await?;
        Ok(c::article(
            self.store
                .get_supplier_article(&r.supplier_code, &r.article_code)
                .await?,
        ))
    }

    pub(super) async fn list_supplier_articles(
        &self,
        r: pb::ListSupplierArticlesRequest,
    ) -> ApiResult<pb::ListSupplierArticlesResponse> {
        let (items, next_page_token) = self
            .page::<SupplierArticle>(
                fields::SUPPLIER_ARTICLES,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
            )
            .await?;
        Ok(pb::ListSupplierArticlesResponse {
            supplier_articles: items.into_iter().map(c::article).collect(),
            next_page_token,
        })
    }

    pub(super) async fn create_supplier_article(
        &self,
        r: pb::CreateSupplierArticleRequest,
    ) -> ApiResult<pb::SupplierArticle> {
        self.gate.check_write().await?;
        let article = c::article_from(required("supplier_article", r.supplier_article.as_ref())?)?;
        self.requests
            .once("CreateSupplierArticle", &r.request_id, &r, || async {
                Ok(c::article(
                    self.store.create_supplier_article(article).await?,
                ))
            })
            .await
    }

    pub(super) async fn update_supplier_article(
        &self,
        r: pb::UpdateSupplierArticleRequest,
    ) -> ApiResult<pb::SupplierArticle> {
        self.gate.check_write().await?;
        let given = required("supplier_article", r.supplier_article.as_ref())?;
        let paths = mask_paths(r.update_mask.as_ref(), ARTICLE_FIELDS)?;
        let current = self
            .store
            .get_supplier_article(&given.supplier_code, &given.article_code)
            .await?;
        let revision = revision_from_etag(&given.etag, current.revision)?;
        let mut merged = c::article(current);
        for path in paths {
            match path {
                "supplier_sku" => merged.supplier_sku.clone_from(&given.supplier_sku),
                "unit_price" => merged.unit_price.clone_from(&given.unit_price),
                "min_order_quantity" => merged
                    .min_order_quantity
                    .clone_from(&given.min_order_quantity),
                "lead_time_days" => merged.lead_time_days = given.lead_time_days,
                _ => merged.preferred = given.preferred,
            }
        }
        let article = c::article_from(&merged)?;
        Ok(c::article(
            self.store
                .update_supplier_article(revision, article)
                .await?,
        ))
    }
}
