//! Carries a reactivation pass from the request's metadata to the switch-over gate: a
//! tower layer puts the `x-bascule-check` header in a task-local for the time the
//! request is handled, so that handlers need not pass it along.

use std::task::{Context, Poll};

use bascule_platform::check_token::CHECK_TOKEN_HEADER;
use http::Request;
use tokio::task::futures::TaskLocalFuture;

tokio::task_local! {
    static CHECK_TOKEN: Option<String>;
}

/// The pass the request being handled carries, if any.
pub fn current() -> Option<String> {
    CHECK_TOKEN.try_with(Clone::clone).ok().flatten()
}

#[derive(Debug, Clone, Copy, Default)]
pub struct CheckPassLayer;

impl<S> tower::Layer<S> for CheckPassLayer {
    type Service = CheckPass<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CheckPass { inner }
    }
}

#[derive(Debug, Clone)]
pub struct CheckPass<S> {
    inner: S,
}

impl<S, B> tower::Service<Request<B>> for CheckPass<S>
where
    S: tower::Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = TaskLocalFuture<Option<String>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let token = request
            .headers()
            .get(CHECK_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        CHECK_TOKEN.scope(token, self.inner.call(request))
    }
}
