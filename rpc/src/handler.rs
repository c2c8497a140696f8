//! What every domain's gRPC handlers share: a result turned into a response or a status
//! of the domain's error domain, a required message field, and the query and next-page
//! token of a checked List request.

use bascule_platform::db::record::{Filter, Page};
use bascule_platform::db::search::ListQuery;
use tonic::{Response, Status};

use crate::{ApiError, ApiResult, ListParams};

/// A handler's result as gRPC answers it; errors carry `error_domain` in their details.
pub fn reply<T>(error_domain: &str, result: ApiResult<T>) -> Result<Response<T>, Status> {
    result
        .map(Response::new)
        .map_err(|e| e.into_status(error_domain))
}

/// A message field that must be set.
pub fn required<'a, T>(field: &str, value: Option<&'a T>) -> ApiResult<&'a T> {
    value.ok_or_else(|| ApiError::invalid(field, "is required"))
}

/// The query of a checked List, under the `fixed` conditions of its parent (`&[]` for
/// none).
pub fn page_query<'a>(params: &'a ListParams, fixed: Filter<'a>) -> ListQuery<'a> {
    ListQuery {
        fixed,
        criteria: params.criteria.clone(),
        order: params.order,
        page: &params.page,
    }
}

/// The token of the next page; empty on the last one.
pub fn next_token<T>(page: &Page<T>) -> String {
    page.next_token.clone().unwrap_or_default()
}
