//! `bascule fournisseurs suppliers …` and `… articles …`: who we buy from, and what
//! they sell us at what price and lead time.

use bascule_proto::fournisseurs::v1 as pb;
use clap::Subcommand;

use super::fournisseurs::{Client, dec, mask, opt_bool, opt_dec};
use super::fournisseurs_views::{list, show};
use super::{Failure, ListArgs, request_id};

#[derive(Debug, Subcommand)]
pub enum SupplierCommand {
    List(ListArgs),
    Get {
        code: String,
    },
    Create {
        /// The accounting code, such as F00012.
        code: String,
        #[arg(long)]
        name: String,
        /// First line of the address: number and street.
        #[arg(long, alias = "address")]
        address_line1: String,
        #[arg(long)]
        address_line2: Option<String>,
        #[arg(long)]
        postal_code: Option<String>,
        #[arg(long)]
        city: String,
        /// ISO 3166 country code.
        #[arg(long, default_value = "FR")]
        country: String,
        /// 14 digits (spaces allowed), for establishments in France.
        #[arg(long)]
        siret: Option<String>,
        /// Where purchase orders are sent (repeat for several).
        #[arg(long = "email", value_name = "EMAIL")]
        emails: Vec<String>,
        #[arg(long)]
        phone: Option<String>,
        /// FR76 3000 6000 0112 3456 7890 189 (spaces allowed).
        #[arg(long)]
        iban: Option<String>,
        #[arg(long)]
        bic: Option<String>,
        /// Days between invoice and payment, 0 for cash (default: the legal 30).
        #[arg(long, value_name = "DAYS")]
        payment_terms: Option<i32>,
        /// ISO 4217 currency (default EUR).
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields only ("" forgets an optional one).
    Update {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, alias = "address")]
        address_line1: Option<String>,
        #[arg(long)]
        address_line2: Option<String>,
        #[arg(long)]
        postal_code: Option<String>,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        siret: Option<String>,
        /// Replaces the ordering e-mails (repeat for several; '' for none).
        #[arg(long = "email", value_name = "EMAIL")]
        emails: Vec<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        iban: Option<String>,
        #[arg(long)]
        bic: Option<String>,
        #[arg(long, value_name = "DAYS")]
        payment_terms: Option<i32>,
        #[arg(long)]
        currency: Option<String>,
        /// oui or non.
        #[arg(long)]
        active: Option<String>,
        /// Refuse the change if the supplier changed since this etag was read.
        #[arg(long)]
        etag: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ArticleCommand {
    List(ListArgs),
    Get {
        supplier: String,
        article: String,
    },
    /// What SUPPLIER sells of the stock article ARTICLE.
    Create {
        supplier: String,
        article: String,
        /// In the supplier's currency (2,35 or 1 234,50).
        #[arg(long)]
        unit_price: String,
        /// The supplier's own reference.
        #[arg(long)]
        sku: Option<String>,
        #[arg(long)]
        min_order_quantity: Option<String>,
        #[arg(long, default_value_t = 0)]
        lead_time_days: i32,
        /// Order the article from this supplier by default (takes it from the others).
        #[arg(long)]
        preferred: bool,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Change the given fields only.
    Update {
        supplier: String,
        article: String,
        #[arg(long)]
        unit_price: Option<String>,
        #[arg(long)]
        sku: Option<String>,
        /// A quantity, or "" for any.
        #[arg(long)]
        min_order_quantity: Option<String>,
        #[arg(long)]
        lead_time_days: Option<i32>,
        /// oui or non.
        #[arg(long)]
        preferred: Option<String>,
        #[arg(long)]
        etag: Option<String>,
    },
}

pub(super) async fn suppliers(
    client: &mut Client,
    json: bool,
    command: &SupplierCommand,
) -> Result<(), Failure> {
    let supplier = match command {
        SupplierCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListSuppliersRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_suppliers(request).await?.into_inner();
                    Ok((r.suppliers, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        SupplierCommand::Get { code } => {
            client
                .get_supplier(pb::GetSupplierRequest { code: code.clone() })
                .await?
        }
        SupplierCommand::Create {
            code,
            name,
            address_line1,
            address_line2,
            postal_code,
            city,
            country,
            siret,
            emails,
            phone,
            iban,
            bic,
            payment_terms,
            currency,
            request_id: id,
        } => {
            let supplier = pb::Supplier {
                code: code.clone(),
                name: name.clone(),
                siret: siret.clone().unwrap_or_default(),
                order_emails: emails.clone(),
                phone: phone.clone().unwrap_or_default(),
                address: Some(pb::Address {
                    line1: address_line1.clone(),
                    line2: address_line2.clone().unwrap_or_default(),
                    postal_code: postal_code.clone().unwrap_or_default(),
                    city: city.clone(),
                    country: country.clone(),
                }),
                iban: iban.clone().unwrap_or_default(),
                bic: bic.clone().unwrap_or_default(),
                payment_terms_days: *payment_terms,
                currency: currency.clone().unwrap_or_default(),
                active: true,
                ..Default::default()
            };
            client
                .create_supplier(pb::CreateSupplierRequest {
                    supplier: Some(supplier),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        SupplierCommand::Update {
            code,
            name,
            address_line1,
            address_line2,
            postal_code,
            city,
            country,
            siret,
            emails,
            phone,
            iban,
            bic,
            payment_terms,
            currency,
            active,
            etag,
        } => {
            let address_given = address_line1.is_some()
                || address_line2.is_some()
                || postal_code.is_some()
                || city.is_some()
                || country.is_some();
            let update_mask = mask(
                &[
                    ("name", name.is_some()),
                    ("siret", siret.is_some()),
                    ("order_emails", !emails.is_empty()),
                    ("phone", phone.is_some()),
                    ("address", address_given),
                    ("iban", iban.is_some()),
                    ("bic", bic.is_some()),
                    ("payment_terms_days", payment_terms.is_some()),
                    ("currency", currency.is_some()),
                    ("active", active.is_some()),
                ],
                "--name, --address-line1, --address-line2, --postal-code, --city, --country, \
                 --siret, --email, --phone, --iban, --bic, --payment-terms, --currency or --active",
            )?;
            let mut etag = etag.clone().unwrap_or_default();
            // The address changes as a whole: the parts not given are read first, and the
            // change is refused if someone else changed the supplier meanwhile.
            let address = if address_given {
                let current = client
                    .get_supplier(pb::GetSupplierRequest { code: code.clone() })
                    .await?
                    .into_inner();
                if etag.is_empty() {
                    etag = current.etag;
                }
                let mut a = current.address.unwrap_or_default();
                let set = |to: &mut String, given: &Option<String>| {
                    if let Some(g) = given {
                        to.clone_from(g);
                    }
                };
                set(&mut a.line1, address_line1);
                set(&mut a.line2, address_line2);
                set(&mut a.postal_code, postal_code);
                set(&mut a.city, city);
                set(&mut a.country, country);
                Some(a)
            } else {
                None
            };
            client
                .update_supplier(pb::UpdateSupplierRequest {
                    supplier: Some(pb::Supplier {
                        code: code.clone(),
                        name: name.clone().unwrap_or_default(),
                        siret: siret.clone().unwrap_or_default(),
                        order_emails: emails.clone(),
                        phone: phone.clone().unwrap_or_default(),
                        address,
                        iban: iban.clone().unwrap_or_default(),
                        bic: bic.clone().unwrap_or_default(),
                        payment_terms_days: *payment_terms,
                        currency: currency.clone().unwrap_or_default(),
                        active: opt_bool("active", active.as_ref())?,
                        etag,
                        ..Default::default()
                    }),
                    update_mask: Some(update_mask),
                })
                .await?
        }
    };
    show(&supplier.into_inner(), json);
    Ok(())
}

pub(super) async fn articles(
    client: &mut Client,
    json: bool,
    command: &ArticleCommand,
) -> Result<(), Failure> {
    let article = match command {
        ArticleCommand::List(l) => {
            let (items, next) = l
                .fetch(async |token| {
                    let request = pb::ListSupplierArticlesRequest {
                        page_size: l.page_size,
                        page_token: token,
                        filter: l.filter(),
                        order_by: l.order_by(),
                    };
                    let r = client.list_supplier_articles(request).await?.into_inner();
                    Ok((r.supplier_articles, r.next_page_token))
                })
                .await?;
            list(&items, &next, json);
            return Ok(());
        }
        ArticleCommand::Get { supplier, article } => {
            client
                .get_supplier_article(pb::GetSupplierArticleRequest {
                    supplier_code: supplier.clone(),
                    article_code: article.clone(),
                })
                .await?
        }
        ArticleCommand::Create {
            supplier,
            article,
            unit_price,
            sku,
            min_order_quantity,
            lead_time_days,
            preferred,
            request_id: id,
        } => {
            client
                .create_supplier_article(pb::CreateSupplierArticleRequest {
                    supplier_article: Some(pb::SupplierArticle {
                        supplier_code: supplier.clone(),
                        article_code: article.clone(),
                        supplier_sku: sku.clone().unwrap_or_default(),
                        unit_price: Some(dec("unit-price", unit_price)?),
                        min_order_quantity: opt_dec(
                            "min-order-quantity",
                            min_order_quantity.as_ref(),
                        )?,
                        lead_time_days: *lead_time_days,
                        preferred: *preferred,
                        ..Default::default()
                    }),
                    request_id: request_id(id.as_deref()),
                })
                .await?
        }
        ArticleCommand::Update {
            supplier,
            article,
            unit_price,
            sku,
            min_order_quantity,
            lead_time_days,
            preferred,
            etag,
        } => {
            let update_mask = mask(
                &[
                    ("supplier_sku", sku.is_some()),
                    ("unit_price", unit_price.is_some()),
                    ("min_order_quantity", min_order_quantity.is_some()),
                    ("lead_time_days", lead_time_days.is_some()),
                    ("preferred", preferred.is_some()),
                ],
                "--unit-price, --sku, --min-order-quantity, --lead-time-days or --preferred",
            )?;
            client
                .update_supplier_article(pb::UpdateSupplierArticleRequest {
                    supplier_article: Some(pb::SupplierArticle {
                        supplier_code: supplier.clone(),
                        article_code: article.clone(),
                        supplier_sku: sku.clone().unwrap_or_default(),
                        unit_price: opt_dec("unit-price", unit_price.as_ref())?,
                        min_order_quantity: opt_dec(
                            "min-order-quantity",
                            min_order_quantity.as_ref(),
                        )?,
                        lead_time_days: lead_time_days.unwrap_or_default(),
                        preferred: opt_bool("preferred", preferred.as_ref())?,
                        etag: etag.clone().unwrap_or_default(),
                        ..Default::default()
                    }),
                    update_mask: Some(update_mask),
                })
                .await?
        }
    };
    show(&article.into_inner(), json);
    Ok(())
}
