//! `#[derive(RoomParam)]`: a newtype delegates to its inner type; a fieldless
//! enum parses and formats each variant as its snake_case name, or as
//! `#[room(rename = "...")]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type};

use crate::attr;
use crate::ctxt::Ctxt;

// ---------------------------------------------------------------- parse --

/// What the derive implements `RoomParam` for.
enum Kind<'a> {
    /// `struct ProjectId(u64);`
    Newtype(&'a Type),
    /// A fieldless enum: each variant with the text it stands for.
    Enum(Vec<(&'a Ident, String)>),
}

/// `ReadOnly` -> `read_only`, `HTTPServer` -> `http_server`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let previous = i.checked_sub(1).and_then(|j| chars.get(j));
            let next = chars.get(i + 1);
            let boundary = match previous {
                None | Some('_') => false,
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) => p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()),
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The `rename` of a variant, if it has one.
fn rename(variant: &syn::Variant, cx: &mut Ctxt) -> Option<LitStr> {
    let example = |_: &str| "`#[room(rename = \"read-only\")]`".to_owned();
    let mut found = None;
    for args in attr::room_attrs(&variant.attrs, &["rename"], example, cx) {
        for arg in args.args {
            match attr::as_lit_str(&arg.value) {
                Some(lit) if found.is_none() => found = Some(lit.clone()),
                Some(_) => cx.error_spanned_help(
                    &arg.key,
                    "duplicate `rename`",
                    "a variant has one name: remove one of them",
                ),
                None => cx.error_spanned_help(
                    &arg.value,
                    "`rename` takes a string",
                    "write it like `#[room(rename = \"read-only\")]`",
                ),
            }
        }
    }
    found
}

fn parse<'a>(input: &'a DeriveInput, cx: &mut Ctxt) -> Option<Kind<'a>> {
    let name = &input.ident;
    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        cx.error_spanned_help(
            &input.generics,
            "`#[derive(RoomParam)]` does not support generics",
            format!("remove the generic parameters of `{name}` and name the inner type"),
        );
    }
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("room")) {
        cx.error_spanned_help(
            attr,
            "`#[derive(RoomParam)]` takes no `#[room(...)]` here",
            "only enum variants take one, `#[room(rename = \"...\")]`: remove this one",
        );
    }
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                fields.unnamed.first().map(|field| Kind::Newtype(&field.ty))
            }
            _ => {
                cx.error_help(
                    name.span(),
                    "`#[derive(RoomParam)]` on a struct needs a newtype with one field",
                    format!(
                        "write it like `struct {name}(u64);`, whose value is the placeholder's \
                         text; for a whole room name with several values, derive `RoomResource`"
                    ),
                );
                None
            }
        },
        Data::Enum(data) => {
            if data.variants.is_empty() {
                cx.error_help(
                    name.span(),
                    format!("the enum `{name}` has no variants, so no value to parse"),
                    "add a variant",
                );
            }
            let mut variants: Vec<(&Ident, String, proc_macro2::Span)> = Vec::new();
            for variant in &data.variants {
                let ident = &variant.ident;
                if !matches!(variant.fields, Fields::Unit) {
                    cx.error_spanned_help(
                        &variant.fields,
                        format!("variant `{ident}` has fields, but a `RoomParam` is one text"),
                        "each variant stands for one text: remove the fields, or derive \
                         `RoomResource` for a room name with values",
                    );
                    continue;
                }
                let (text, span) = match rename(variant, cx) {
                    Some(lit) => (lit.value(), lit.span()),
                    None => (snake_case(&ident.to_string()), ident.span()),
                };
                if text.is_empty() {
                    cx.error_help(
                        span,
                        "empty name: a placeholder's text is never empty",
                        "give the variant a name, like `#[room(rename = \"read-only\")]`",
                    );
                    continue;
                }
                if let Some((other, _, _)) = variants.iter().find(|(_, t, _)| *t == text) {
                    cx.error_help(
                        span,
                        format!("variants `{other}` and `{ident}` both stand for `{text}`"),
                        "give one another name with `#[room(rename = \"...\")]`",
                    );
                    continue;
                }
                variants.push((ident, text, span));
            }
            Some(Kind::Enum(
                variants
                    .into_iter()
                    .map(|(ident, text, _)| (ident, text))
                    .collect(),
            ))
        }
        Data::Union(_) => {
            cx.error_help(
                name.span(),
                "`#[derive(RoomParam)]` does not support unions",
                format!("use a newtype like `struct {name}(u64);` or a fieldless enum"),
            );
            None
        }
    }
}

// --------------------------------------------------------------- expand --

fn expand(input: &DeriveInput, kind: &Kind<'_>) -> TokenStream {
    let name = &input.ident;
    let p = crate::private();
    let (shape, parse, write) = match kind {
        Kind::Newtype(ty) => {
            let inner = quote_spanned!(ty.span()=> <#ty as #p::RoomParam>);
            (
                quote!(#inner::SHAPE),
                quote! {
                    match #inner::parse_param(__roomauth_value) {
                        #p::Some(__roomauth_inner) => #p::Some(Self(__roomauth_inner)),
                        #p::None => #p::None,
                    }
                },
                quote! { #inner::write_param(&self.0, __roomauth_out) },
            )
        }
        Kind::Enum(variants) => {
            let parse_arms = variants
                .iter()
                .map(|(ident, text)| quote!(#text => #p::Some(Self::#ident),));
            let write_arms = variants
                .iter()
                .map(|(ident, text)| quote!(Self::#ident => #text,));
            let texts = variants.iter().map(|(_, text)| text);
            (
                quote!(#p::Shape::OneOf(&[#(#texts),*])),
                quote! {
                    match __roomauth_value {
                        #(#parse_arms)*
                        _ => #p::None,
                    }
                },
                quote! {
                    __roomauth_out.push_str(match self {
                        #(#write_arms)*
                    })
                },
            )
        }
    };
    quote! {
        impl #p::RoomParam for #name {
            const SHAPE: #p::Shape = #shape;

            fn parse_param(__roomauth_value: &str) -> #p::Option<Self> {
                #parse
            }

            fn write_param(&self, __roomauth_out: &mut #p::String) {
                #write
            }
        }
    }
}

/// The whole derive: the impl, or every error.
pub fn derive(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    let mut cx = Ctxt::new();
    let shape = parse(&input, &mut cx);
    match (cx.check(), shape) {
        (Ok(()), Some(shape)) => expand(&input, &shape),
        (Err(errors), _) => {
            let errors = errors.into_compile_error();
            let fallback = fallback(&input);
            quote!(#errors #fallback)
        }
        (Ok(()), None) => fallback(&input),
    }
}

/// After an error: the impl with bodies that cannot run, so that uses of the
/// type as a placeholder add no second error (thiserror's fallback).
fn fallback(input: &DeriveInput) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let p = crate::private();
    quote! {
        impl #impl_generics #p::RoomParam for #name #ty_generics #where_clause {
            fn parse_param(_: &str) -> #p::Option<Self> {
                #p::None
            }

            fn write_param(&self, _: &mut #p::String) {
                ::core::unreachable!("`#[derive(RoomParam)]` failed to compile")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("ReadOnly"), "read_only");
        assert_eq!(snake_case("Admin"), "admin");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("V2Beta"), "v2_beta");
        assert_eq!(snake_case("Already_Snake"), "already_snake");
    }
}
