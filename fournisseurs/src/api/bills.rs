//! Handlers of supplier bills and their payments: bills with their payment status, the
//! overdue list, and payments that never overpay.

use bascule_platform::db::Value;
use bascule_platform::db::record::{PageRequest, Stored};
use bascule_platform::db::search::{Comparison, ListQuery, Op, Order};
use bascule_proto::fournisseurs::v1 as pb;
use bascule_rpc::convert::{mask_paths, optional_text, parse_decimal, revision_from_etag};
use bascule_rpc::handler::required;
use bascule_rpc::{ApiResult, list_params};

use super::convert::{self as c, parse_date, required_date, today};
use super::fields;
use super::service::FournisseursApi;
use crate::domain::{BillState, Payment, SupplierBill};
use crate::storage::BillWithPayments;

const BILL_FIELDS: &[&str] = &[
    "po_number",
    "invoice_number",
    "invoice_date",
    "due_date",
    "amount_excl_tax",
    "tax_amount",
];

impl FournisseursApi {
    /// `bills` with their payments, read in one query.
    async fn with_payments(
        &self,
        bills: Vec<Stored<SupplierBill>>,
    ) -> ApiResult<Vec<BillWithPayments>> {
        let ids: Vec<&str> = bills.iter().map(|b| b.id.as_str()).collect();
        let mut payments = self.store.payments_of_bills(&ids).await?;
        Ok(bills
            .into_iter()
            .map(|bill| {
                let payments = payments.remove(&bill.id).unwrap_or_default();
                BillWithPayments { bill, payments }
            })
            .collect())
    }

    pub(super) async fn get_bill(&self, r: pb::GetBillRequest) -> ApiResult<pb::Bill> {
        self.gate.check_read().await?;
        Ok(c::bill(self.store.get_bill(&r.id).await?))
    }

    pub(super) async fn list_bills(
        &self,
        r: pb::ListBillsRequest,
    ) -> ApiResult<pb::ListBillsResponse> {
        let (bills, next_page_token) = self
            .page::<SupplierBill>(
                fields::BILLS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
            )
            .await?;
        Ok(pb::ListBillsResponse {
            bills: self
                .with_payments(bills)
                .await?
                .into_iter()
                .map(c::bill)
                .collect(),
            next_page_token,
        })
    }

    pub(super) async fn create_bill(&self, r: pb::CreateBillRequest) -> ApiResult<pb::Bill> {
        self.gate.check_write().await?;
        let given = required("bill", r.bill.as_ref())?;
        // Without a due date the supplier's payment terms give it.
        let terms = match parse_date("due_date", given.due_date.as_ref())? {
            Some(_) => None,
            None => Some(
                self.store
                    .get_supplier(&given.supplier_code)
                    .await?
                    .value
                    .payment_terms_days,
            ),
        };
        let bill = c::bill_from(given, terms)?;
        self.requests
            .once("CreateBill", &r.request_id, &r, || async {
                let stored = self.store.create_bill(bill).await?;
                Ok(c::bill(BillWithPayments {
                    bill: stored,
                    payments: Vec::new(),
                }))
            })
            .await
    }

    pub(super) async fn update_bill(&self, r: pb::UpdateBillRequest) -> ApiResult<pb::Bill> {
        self.gate.check_write().await?;
        let given = required("bill", r.bill.as_ref())?;
        let paths = mask_paths(r.update_mask.as_ref(), BILL_FIELDS)?;
        let current = self.store.get_bill(&given.id).await?;
        let revision = revision_from_etag(&given.etag, current.bill.revision)?;
        current.bill.value.check_editable()?;
        // Merged on the domain value: a bill taken over from GESCOM has no amount
        // excluding tax, which a message-level merge would require.
        let mut bill = current.bill.value;
        for path in paths {
            match path {
                "po_number" => bill.po_number = optional_text(&given.po_number),
                "invoice_number" => bill.invoice_number.clone_from(&given.invoice_number),
                "invoice_date" => {
                    bill.invoice_date = required_date("invoice_date", given.invoice_date.as_ref())?;
                }
                "due_date" => bill.due_date = required_date("due_date", given.due_date.as_ref())?,
                "amount_excl_tax" => {
                    bill.amount_excl_tax = Some(parse_decimal(
                        "amount_excl_tax",
                        given.amount_excl_tax.as_ref(),
                    )?);
                }
                _ => {
                    bill.tax_amount = Some(parse_decimal("tax_amount", given.tax_amount.as_ref())?);
                }
            }
        }
        if let (Some(excl), Some(tax)) = (bill.amount_excl_tax, bill.tax_amount) {
            bill.amount_incl_tax = excl + tax;
        }
        let stored = self.store.update_bill(&given.id, revision, bill).await?;
        Ok(c::bill(BillWithPayments {
            bill: stored,
            payments: current.payments,
        }))
    }

    pub(super) async fn post_bill(&self, r: pb::PostBillRequest) -> ApiResult<pb::Bill> {
        self.change_bill_state(&r.id, &r.etag, BillState::Posted)
            .await
    }

    pub(super) async fn cancel_bill(&self, r: pb::CancelBillRequest) -> ApiResult<pb::Bill> {
        self.change_bill_state(&r.id, &r.etag, BillState::Cancelled)
            .await
    }

    /// Moves a bill to `to`, at the revision of `etag` when one is given.
    async fn change_bill_state(&self, id: &str, etag: &str, to: BillState) -> ApiResult<pb::Bill> {
        self.gate.check_write().await?;
        let current = self.store.get_bill(id).await?;
        let revision = revision_from_etag(etag, current.bill.revision)?;
        self.store.change_bill_state(id, revision, to).await?;
        Ok(c::bill(self.store.get_bill(id).await?))
    }

    /// Bills due before `as_of`, not cancelled and not paid in full. Whether a bill is
    /// paid is known from its payments, not from a column: pages are read until one is
    /// full of unpaid bills, each read no larger than what is missing, so that the token
    /// returned never skips a bill.
    pub(super) async fn list_overdue_bills(
        &self,
        r: pb::ListOverdueBillsRequest,
    ) -> ApiResult<pb::ListOverdueBillsResponse> {
        self.gate.check_read().await?;
        let as_of = parse_date("as_of", r.as_of.as_ref())?.unwrap_or_else(today);
        let mut params = list_params(
            fields::BILLS,
            r.page_size,
            &r.page_token,
            &r.filter,
            &r.order_by,
        )?;
        params.criteria.all_of.push(vec![Comparison {
            column: "due_date",
            op: Op::Lt,
            value: Value::Date(as_of),
        }]);
        params.criteria.all_of.push(vec![Comparison {
            column: "state",
            op: Op::Ne,
            value: Value::Text(BillState::Cancelled.as_str().to_owned()),
        }]);
        let order = params.order.or(Some(Order {
            column: "due_date",
            descending: false,
        }));
        let wanted = match params.page.size {
            0 => PageRequest::DEFAULT_SIZE,
            n => n.min(PageRequest::MAX_SIZE),
        };
        let mut page = params.page.clone();
        let mut overdue = Vec::new();
        let next_page_token = loop {
            let missing = wanted - u32::try_from(overdue.len()).unwrap_or(wanted);
            page.size = missing;
            let query = ListQuery {
                fixed: &[],
                criteria: params.criteria.clone(),
                order,
                page: &page,
            };
            let found = self.store.search::<SupplierBill>(&query).await?;
            let bills = self.with_payments(found.items).await?;
            overdue.extend(bills.into_iter().filter(|b| b.is_overdue(as_of)));
            match found.next_token {
                Some(token) if overdue.len() < wanted as usize => page.token = Some(token),
                token => break token.unwrap_or_default(),
            }
        };
        Ok(pb::ListOverdueBillsResponse {
            bills: overdue.into_iter().map(c::bill).collect(),
            next_page_token,
        })
    }

    pub(super) async fn record_payment(
        &self,
        r: pb::RecordPaymentRequest,
    ) -> ApiResult<pb::Payment> {
        self.gate.check_write().await?;
        let payment = c::payment_from(required("payment", r.payment.as_ref())?)?;
        self.requests
            .once("RecordPayment", &r.request_id, &r, || async {
                Ok(c::payment(self.store.record_payment(payment).await?))
            })
            .await
    }

    pub(super) async fn get_payment(&self, r: pb::GetPaymentRequest) -> ApiResult<pb::Payment> {
        self.gate.check_read().await?;
        Ok(c::payment(self.store.get_payment(&r.id).await?))
    }

    pub(super) async fn list_payments(
        &self,
        r: pb::ListPaymentsRequest,
    ) -> ApiResult<pb::ListPaymentsResponse> {
        let (payments, next_page_token) = self
            .page::<Payment>(
                fields::PAYMENTS,
                r.page_size,
                &r.page_token,
                &r.filter,
                &r.order_by,
            )
            .await?;
        Ok(pb::ListPaymentsResponse {
            payments: payments.into_iter().map(c::payment).collect(),
            next_page_token,
        })
    }
}
