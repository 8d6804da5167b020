//! Attribute arguments: `key = value, ...`, with an error for every unknown
//! key (and a "did you mean"), every duplicate key and every key without a
//! value.

use proc_macro2::TokenStream;
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token};

use crate::ctxt::Ctxt;

/// One `key = value` argument.
pub struct Arg {
    /// The key, as written.
    pub key: Ident,
    /// The value.
    pub value: Expr,
}

/// One argument as parsed, before the keys are checked.
struct RawArg {
    key: Ident,
    value: Option<Expr>,
}

impl Parse for RawArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = input.call(Ident::parse_any)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            if key == "context" {
                // A type, whose generics (`AxumContext<AppState>`) do not
                // parse as an expression.
                let ty: syn::Type = input.parse()?;
                Some(Expr::Verbatim(quote::ToTokens::into_token_stream(ty)))
            } else {
                Some(input.parse()?)
            }
        } else {
            // Skip `key(...)` or anything else up to the next comma, so that
            // the missing `=` is reported as such.
            while !input.is_empty() && !input.peek(Token![,]) {
                input.parse::<proc_macro2::TokenTree>()?;
            }
            None
        };
        Ok(RawArg { key, value })
    }
}

/// The arguments of one attribute.
pub struct Args {
    /// The valid `key = value` arguments, each key once.
    pub args: Vec<Arg>,
    /// Every known key the user wrote or, through a typo, meant (reported
    /// already), so that a missing key is not reported a second time.
    pub mentioned: Vec<&'static str>,
}

/// Parses `key = value, ...` from `tokens`, keeping only the known keys,
/// once each. `context` names the attribute in messages, like
/// "`#[room_auth(...)]`"; `example` shows a correct use of a key.
pub fn parse_args(
    tokens: TokenStream,
    known: &[&'static str],
    context: &str,
    example: impl Fn(&str) -> String,
    cx: &mut Ctxt,
) -> Args {
    let raw = match Punctuated::<RawArg, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(raw) => raw,
        Err(error) => {
            cx.error_help(
                error.span(),
                format!("{error} in {context}"),
                format!(
                    "it takes `key = value` arguments separated by commas, like {}",
                    example(known.first().copied().unwrap_or_default())
                ),
            );
            return Args {
                args: Vec::new(),
                mentioned: known.to_vec(),
            };
        }
    };
    let mut args: Vec<Arg> = Vec::new();
    let mut mentioned = Vec::new();
    for RawArg { key, value } in raw {
        let name = key.unraw().to_string();
        let Some(&known_key) = known.iter().find(|k| **k == name) else {
            mentioned.extend(did_you_mean(&name, known.iter().copied()));
            let (message, help) = unknown_key(&name, known, context);
            cx.error_help(key.span(), message, help);
            continue;
        };
        mentioned.push(known_key);
        if args.iter().any(|arg| arg.key.unraw() == name) {
            cx.error_help(
                key.span(),
                format!("duplicate key `{name}` in {context}"),
                "each key may be given once: remove one of them",
            );
            continue;
        }
        match value {
            Some(value) => args.push(Arg { key, value }),
            None => cx.error_help(
                key.span(),
                format!("`{name}` needs a value"),
                format!("write it like {}", example(&name)),
            ),
        }
    }
    Args { args, mentioned }
}

/// The message and the help of an unknown key.
fn unknown_key(name: &str, known: &[&str], context: &str) -> (String, String) {
    let list = match known {
        [only] => format!("the only key is `{only}`"),
        _ => format!("the keys are {}", quoted_list(known)),
    };
    match did_you_mean(name, known.iter().copied()) {
        Some(suggestion) => (
            format!("unknown key `{name}` in {context}: did you mean `{suggestion}`?"),
            list,
        ),
        None => (format!("unknown key `{name}` in {context}"), list),
    }
}

/// The candidate closest to `input`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(input, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// "`a`, `b` and `c`".
pub fn quoted_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// `expr` without the invisible groups and parentheses around it.
pub fn peel(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => peel(&group.expr),
        Expr::Paren(paren) => peel(&paren.expr),
        other => other,
    }
}

/// The string literal `expr` is, if it is one.
pub fn as_lit_str(expr: &Expr) -> Option<&LitStr> {
    match peel(expr) {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) => Some(lit),
        _ => None,
    }
}

/// The identifier `expr` is, if it is a bare one.
pub fn as_ident(expr: &Expr) -> Option<&Ident> {
    match peel(expr) {
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => path.path.get_ident(),
        _ => None,
    }
}

/// Reads `#[room(...)]` attributes: the arguments of every one of them, or
/// an error for `#[room]` and `#[room = ...]` (which then mentions every
/// known key, so that none is reported missing as well).
pub fn room_attrs(
    attrs: &[syn::Attribute],
    known: &[&'static str],
    example: impl Fn(&str) -> String,
    cx: &mut Ctxt,
) -> Vec<Args> {
    let mut found = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("room")) {
        match &attr.meta {
            syn::Meta::List(list) => found.push(parse_args(
                list.tokens.clone(),
                known,
                "`#[room(...)]`",
                &example,
                cx,
            )),
            _ => {
                found.push(Args {
                    args: Vec::new(),
                    mentioned: known.to_vec(),
                });
                cx.error_spanned_help(
                    attr,
                    "`#[room]` takes arguments in parentheses",
                    format!(
                        "write it like {}",
                        example(known.first().copied().unwrap_or_default())
                    ),
                );
            }
        }
    }
    found
}
