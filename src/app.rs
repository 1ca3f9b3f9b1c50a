//! The HTML shell, the router and the page frame shared by every route.

use crate::components::session::{provide_session, use_session, CsrfField};
use crate::pages::{
    account::AccountPage,
    admin::AdminUsersPage,
    admin_user::AdminUserPage,
    audit::AuditPage,
    board_pack::{BoardPackPage, BoardPacksPage, FrozenBoardPackPage},
    commitment::CommitmentPage,
    evidence::EvidencePage,
    figures::FiguresPage,
    home::HomePage,
    ics::IcsPage,
    ics_list::IcsListPage,
    me::MyOrganisationPage,
    metrics::MetricsPage,
    not_found::NotFoundPage,
    organisation::OrganisationPage,
    organisations::OrganisationsPage,
    readings::ReadingsPage,
    review::ReviewQueuePage,
    review_submission::ReviewSubmissionPage,
    set_password::SetPasswordPage,
    sign_in::SignInPage,
    sign_up::SignUpPage,
    status::StatusMatrixPage,
    status_cell::StatusCellPage,
    trend::MetricTrendPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The response's Content Security Policy names the nonce this render puts
    // on its scripts.
    #[cfg(feature = "ssr")]
    crate::server::headers::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();

    // Async rendering: every page arrives complete, so it reads and works without
    // JavaScript and can carry a real status code (404 for an unknown ICS).
    view! {
        <Stylesheet id="leptos" href="/pkg/concordat_tracker.css" />
        <Title formatter=|page: String| format!("{page} · Concordat Tracker") />
        <Router>
            <RestoredQuery />
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/ics") view=IcsListPage ssr=SsrMode::Async />
                    <Route path=path!("/ics/:code") view=IcsPage ssr=SsrMode::Async />
                    <Route path=path!("/organisations") view=OrganisationsPage ssr=SsrMode::Async />
                    <Route path=path!("/organisations/:id") view=OrganisationPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-up") view=SignUpPage ssr=SsrMode::Async />
                    <Route path=path!("/review") view=ReviewQueuePage ssr=SsrMode::Async />
                    <Route path=path!("/board-pack") view=BoardPackPage ssr=SsrMode::Async />
                    <Route path=path!("/board-packs") view=BoardPacksPage ssr=SsrMode::Async />
                    <Route path=path!("/board-packs/:id") view=FrozenBoardPackPage ssr=SsrMode::Async />
                    <Route path=path!("/review/:organisation/:period") view=ReviewSubmissionPage ssr=SsrMode::Async />
                    <Route path=path!("/commitments/:id") view=CommitmentPage ssr=SsrMode::Async />
                    <Route path=path!("/evidence/:id") view=EvidencePage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/me") view=MyOrganisationPage ssr=SsrMode::Async />
                    <Route path=path!("/me/figures") view=FiguresPage ssr=SsrMode::Async />
                    <Route path=path!("/readings") view=ReadingsPage ssr=SsrMode::Async />
                    <Route path=path!("/metrics") view=MetricsPage ssr=SsrMode::Async />
                    <Route path=path!("/metrics/:id") view=MetricTrendPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/:id") view=AdminUserPage ssr=SsrMode::Async />
                    <Route path=path!("/set-password") view=SetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/status") view=StatusMatrixPage ssr=SsrMode::Async />
                    <Route path=path!("/status/:ics/:commitment") view=StatusCellPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"London Mental Health Crisis Concordat tracker, for the London UEC Mental Health Recovery Board and its partners."</p>
            </footer>
        </Router>
    }
}

/// After a form's outcome was put back into the page's query on the server
/// (`server::flash`), that query, for the page's islands to read in the
/// browser, whose address holds only the outcome's id.
#[component]
fn RestoredQuery() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let query = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::server::flash::Restored>().map(|restored| restored.0.clone()));
    #[cfg(not(feature = "ssr"))]
    let query: Option<String> = None;
    query.map(|query| view! { <div hidden id="page-query" data-query=query></div> })
}

#[component]
fn SiteHeader() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="site-header">
            <a class="site-name" href="/">"Concordat Tracker"</a>
            <nav aria-label="Main">
                <ul>
                    <li><A href="/" exact=true>"The concordat"</A></li>
                    <li><A href="/status">"Status"</A></li>
                    <li><A href="/ics">"London ICSs"</A></li>
                    <li><A href="/organisations">"Organisations"</A></li>
                    <li><A href="/metrics">"Metrics"</A></li>
                    <li><A href="/readings">"Readings"</A></li>
                    <li><A href="/board-pack">"Board pack"</A></li>
                </ul>
            </nav>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match session.user.await {
                        Ok(Some(user)) => {
                            let audit = user.role.can_view_audit();
                            let users = user.role.can_manage_users();
                            let review = user.role.can_review();
                            view! {
                                <div class="user-menu">
                                    <A href="/me">"My organisation"</A>
                                    <A href="/me/figures">"Figures"</A>
                                    {audit.then(|| view! { <A href="/audit">"Audit log"</A> })}
                                    {review.then(|| view! { <A href="/review">"Review queue"</A> })}
                                    {users.then(|| view! { <A href="/admin/users">"Users"</A> })}
                                    <A href="/account">{user.email.clone()}</A>
                                    <ActionForm action=session.sign_out>
                                        <CsrfField token=user.csrf_token.clone() />
                                        <button type="submit" class="link-button">"Sign out"</button>
                                    </ActionForm>
                                </div>
                            }.into_any()
                        }
                        _ => view! { <div class="user-menu"><A href="/sign-in">"Sign in"</A></div> }.into_any(),
                    }
                })}
            </Transition>
        </header>
    }
}
