//! Filtered, ordered keyset pages of customers, contacts, consents and orders, as the
//! List methods of the service ask for them.

use bascule_platform::db::DbError;
use bascule_platform::db::record::{Page, Record, Stored};
use bascule_platform::db::search::{self, ListQuery};

use super::contacts::ContactRecord;
use super::orders::lines_of;
use super::records::{ConsentRecord, map_stored};
use super::store::{ClientsStore, StoredOrder, customer_in, storage};
use crate::domain::{ClientsError, Consent, Contact, Customer, CustomerOrder};

/// A page token from another list, or forged, is bad input; anything else is storage.
fn searched(e: DbError) -> ClientsError {
    match e {
        DbError::InvalidPageToken => ClientsError::invalid(
            "page_token",
            "does not come from the previous page of this same list",
        ),
        other => storage(other),
    }
}

/// `q` restricted to the rows of one parent (`column = id`).
fn within<'a>(
    q: &ListQuery<'a>,
    fixed: &'a [(&'static str, bascule_platform::db::Value)],
) -> ListQuery<'a> {
    ListQuery {
        fixed,
        criteria: q.criteria.clone(),
        order: q.order,
        page: q.page,
    }
}

impl ClientsStore {
    async fn search<T: Record>(&self, q: &ListQuery<'_>) -> Result<Page<Stored<T>>, ClientsError> {
        search::search(&mut self.db.clone(), q)
            .await
            .map_err(searched)
    }

    pub async fn search_customers(
        &self,
        q: &ListQuery<'_>,
    ) -> Result<Page<Stored<Customer>>, ClientsError> {
        self.search(q).await
    }

    /// One page of order headers, each with its lines.
    pub async fn search_orders(
        &self,
        q: &ListQuery<'_>,
    ) -> Result<Page<StoredOrder>, ClientsError> {
        let page = self.search::<CustomerOrder>(q).await?;
        let mut db = self.db.clone();
        let mut items = Vec::with_capacity(page.items.len());
        // Lines are written with their header only, in one transaction that also bumps
        // the header's revision: lines read after the header are that revision's
        // unless the order changed in between, which only a draft can.
        for order in page.items {
            let lines = lines_of(&mut db, &order.id).await?;
            items.push(StoredOrder { order, lines });
        }
        Ok(Page {
            items,
            next_token: page.next_token,
        })
    }

    /// One page of a customer's contacts.
    pub async fn search_contacts(
        &self,
        customer_code: &str,
        q: &ListQuery<'_>,
    ) -> Result<Page<Stored<Contact>>, ClientsError> {
        let customer = self.get_customer(customer_code).await?;
        let fixed = [("customer_id", customer.id.into())];
        let page = self.search::<ContactRecord>(&within(q, &fixed)).await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|s| map_stored(s, |r| r.contact))
                .collect(),
            next_token: page.next_token,
        })
    }

    /// One page of a customer's consents (one per purpose at most).
    pub async fn search_consents(
        &self,
        customer_code: &str,
        q: &ListQuery<'_>,
    ) -> Result<Page<Stored<Consent>>, ClientsError> {
        let customer = customer_in(&mut self.db.clone(), customer_code).await?;
        let fixed = [("customer_id", customer.id.into())];
        let page = self.search::<ConsentRecord>(&within(q, &fixed)).await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|s| map_stored(s, |r| r.consent))
                .collect(),
            next_token: page.next_token,
        })
    }
}
