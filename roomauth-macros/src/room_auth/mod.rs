//! `#[room_auth(...)]`: [`parse`] the arguments, [`check`] the function
//! against them, and [`expand`] to the function plus a rule struct.

mod check;
mod expand;
mod parse;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;

/// The whole attribute: the function as written, and, if everything checks
/// out, its rule; otherwise the function and every error.
pub fn room_auth(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::new();
    let parsed_args = parse::parse_args(args, &mut cx);
    let func = match syn::parse2::<syn::Item>(input.clone()) {
        Ok(syn::Item::Fn(func)) => Some(func),
        Ok(item) => {
            cx.error_spanned_help(
                &item,
                "`#[room_auth]` goes on a function",
                "write a function that decides who may join the rooms, like \
                 `async fn project_rooms(id: u64) -> Result<String, Deny>`",
            );
            None
        }
        Err(error) => {
            cx.syn_error(error);
            None
        }
    };
    let rule = func
        .as_ref()
        .and_then(|func| check::validate(func, parsed_args, &mut cx));
    match (cx.check(), rule) {
        (Ok(()), Some(rule)) => expand::expand(&rule),
        (Err(errors), _) => {
            let errors = errors.into_compile_error();
            // Not inside an `impl` (a method), where no struct may go.
            let fallback = func
                .as_ref()
                .filter(|func| {
                    func.sig.receiver().is_none() && check::self_type_in(&func.sig).is_none()
                })
                .map(expand::fallback);
            quote!(#input #errors #fallback)
        }
        (Ok(()), None) => input,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::room_auth;

    fn expand(args: proc_macro2::TokenStream, input: proc_macro2::TokenStream) -> String {
        room_auth(args, input).to_string()
    }

    #[test]
    fn expands_to_the_function_and_a_rule() {
        let out = expand(
            quote!(rooms = "project-<id>", permission = "join", session = user),
            quote! {
                pub async fn project_rooms(user: CurrentUser, id: u64, State(db): State<Db>) -> Result<String, Deny> {
                    Ok(user.id)
                }
            },
        );
        // Print it with `cargo test -p roomauth-macros -- --nocapture`.
        println!("{out}");
        assert!(out.starts_with("pub async fn project_rooms"));
        assert!(out.contains("pub struct project_rooms { }"));
        assert!(out.contains("Access :: Read"));
        assert!(out.contains("Refusal :: Unauthenticated"));
        assert!(out.contains("Pattern :: from_static (\"project-<id>\""));
        // Placeholders are bound before the first extractor runs.
        let placeholder = out
            .find("let __roomauth_arg1 = match (__roomauth_room_param :: < u64 > () . 1)")
            .unwrap();
        let extractor = out
            .find("let __roomauth_arg0 : CurrentUser = match __roomauth_extract")
            .unwrap();
        assert!(placeholder < extractor);
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn errors_keep_the_function() {
        let out = expand(
            quote!(rooms = "project-<id"),
            quote!(
                fn f(id: u64) -> Option<u64> {
                    Some(id)
                }
            ),
        );
        assert!(out.starts_with("fn f"));
        assert!(out.contains("compile_error"));
        // The fallback rule only: it cannot run.
        assert!(out.contains("failed to compile"));
        assert!(!out.contains("authorize < '__roomauth > (& '__roomauth self , __roomauth_room"));
    }
}
