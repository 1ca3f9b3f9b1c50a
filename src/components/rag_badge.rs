use crate::domain::rag::Rag;
use leptos::prelude::*;

/// A status as text plus a shape, so it never depends on colour alone:
/// Red ▲, Amber ◆, Green ●, No data ○, Not rated ◌.
#[component]
pub fn RagBadge(rag: Rag) -> impl IntoView {
    let (class, shape) = match rag {
        Rag::Red => ("rag rag-red", "▲"),
        Rag::Amber => ("rag rag-amber", "◆"),
        Rag::Green => ("rag rag-green", "●"),
        Rag::NoData => ("rag rag-no-data", "○"),
        Rag::NotRated => ("rag rag-not-rated", "◌"),
    };
    view! {
        <span class=class data-rag=format!("{rag:?}").to_lowercase()>
            <span class="rag-shape" aria-hidden="true">{shape}</span>
            " "
            <span class="rag-label">{rag.label()}</span>
        </span>
    }
}

/// "Green on paper, red in results": delivery Green while outcomes are Red.
#[component]
pub fn MismatchFlag() -> impl IntoView {
    view! { <span class="mismatch"><span aria-hidden="true">"⚠"</span>" Green on paper, red in results"</span> }
}
