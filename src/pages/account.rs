//! `/account`: the user's API tokens (create, shown once; revoke).

use crate::api::account::{list_tokens, CreateToken, RevokeToken};
use crate::components::form::{last_error, ErrorSummary, FieldError, QueryError};
use crate::components::loaded::Loaded;
use crate::components::session::CsrfField;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account" />
        <h1>"Your account"</h1>
        <QueryError />
        <Tokens />
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let page = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_tokens());
    view! {
        <Loaded resource=page show=move |page| view! {
                        <p>{format!("Signed in as {} ({}).", page.email, page.role_label)}</p>
                        <TokenList csrf=page.csrf create revoke list=page.tokens />
                    }.into_any() />
    }
}

#[component]
fn TokenList(
    csrf: String,
    create: ServerAction<CreateToken>,
    revoke: ServerAction<RevokeToken>,
    list: Vec<crate::model::account::ApiToken>,
) -> impl IntoView {
    let error = last_error(create.value());
    let revoke_csrf = csrf.clone();
    view! {
        <section aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p>"A token lets a script post readings to " <code>"/api/v1/readings"</code> " as you. It is shown once; keep it secret."</p>
            <ErrorSummary error />
            {move || create.value().get().and_then(|r| r.ok()).map(|token| view! {
                <div class="success" role="status">
                    <p>{format!("New token \u{201c}{}\u{201d}. Copy it now; it will not be shown again:", token.name)}</p>
                    <p><code class="secret">{token.secret}</code></p>
                </div>
            })}
            <ActionForm action=create>
                <CsrfField token=csrf />
                <div class="field">
                    <label for="token-name">"Name (what the token is for)"</label>
                    <input id="token-name" name="name" required maxlength="100" />
                    <FieldError error field="name" />
                </div>
                <button type="submit">"Create token"</button>
            </ActionForm>
                {
                    let csrf = revoke_csrf.clone();
                        match list {
                            list if list.is_empty() => view! { <p>"You have no tokens."</p> }.into_any(),
                            list => view! {
                                <table class="data">
                                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Created"</th><th scope="col">"State"</th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|t| {
                                            let csrf = csrf.clone();
                                            view! {
                                                <tr>
                                                    <td>{t.name.clone()}</td>
                                                    <td>{t.created_at.clone()}</td>
                                                    <td>{match t.revoked_at.clone() {
                                                        Some(at) => view! { <span>{format!("Revoked {at}")}</span> }.into_any(),
                                                        None => view! {
                                                            <ActionForm action=revoke>
                                                                <CsrfField token=csrf />
                                                                <input type="hidden" name="id" value=t.id.clone() />
                                                                <button type="submit" class="secondary" aria-label=format!("Revoke {}", t.name)>"Revoke"</button>
                                                            </ActionForm>
                                                        }.into_any(),
                                                    }}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                        }
                }
        </section>
    }
}
