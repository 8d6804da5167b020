//! `#[derive(RoomResource)]`: a struct with named fields and one
//! `#[room(pattern = "...")]`, or an enum with one per variant.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Attribute, Data, DeriveInput, Fields, Ident, Type};

use crate::attr;
use crate::ctxt::Ctxt;
use crate::pattern::{RoomPattern, TYPES_APART, shape_of_type};
use roomauth_syntax::Shape;

fn example(_: &str) -> String {
    "`#[room(pattern = \"org-<org>-project-<id>\")]`".to_owned()
}

// ---------------------------------------------------------------- parse --

/// The struct, or one variant of the enum: a pattern and the fields it fills.
struct Case<'a> {
    /// The variant's name; `None` for a struct.
    variant: Option<&'a Ident>,
    pattern: RoomPattern,
    /// The named fields, in declaration order; `None` for a unit variant.
    fields: Option<Vec<(&'a Ident, &'a Type)>>,
}

impl<'a> Case<'a> {
    /// The type of the field bound to `placeholder`, if any.
    fn field_type(&self, placeholder: &str) -> Option<&'a Type> {
        let fields = self.fields.as_deref()?;
        let (_, ty) = fields.iter().find(|(ident, _)| *ident == placeholder)?;
        Some(ty)
    }

    /// The shape of each placeholder, from its field's type as written.
    fn shape_of(&self) -> impl Fn(&str) -> Option<Shape> + '_ {
        |name| shape_of_type(self.field_type(name)?)
    }
}

/// The one `#[room(pattern = "...")]` among `attrs`; `owner` names what
/// carries them in messages.
fn pattern_attr(
    attrs: &[Attribute],
    owner: &str,
    span: proc_macro2::Span,
    cx: &mut Ctxt,
) -> Option<RoomPattern> {
    let rooms: Vec<&Attribute> = attrs.iter().filter(|a| a.path().is_ident("room")).collect();
    let Some(first) = rooms.first() else {
        cx.error_help(
            span,
            format!("missing `#[room(pattern = \"...\")]` on {owner}"),
            format!("say which room names it stands for, like {}", example("")),
        );
        return None;
    };
    for extra in &rooms[1..] {
        cx.error_spanned_help(
            extra,
            format!("duplicate `#[room(...)]` on {owner}"),
            "give one `#[room(pattern = \"...\")]`: remove this one",
        );
    }
    let args = attr::room_attrs(std::slice::from_ref(*first), &["pattern"], example, cx);
    let mentioned = args.iter().any(|args| args.mentioned.contains(&"pattern"));
    let Some(arg) = args.into_iter().flat_map(|args| args.args).next() else {
        // Unless an error about `pattern` was reported already.
        if !mentioned {
            cx.error_spanned_help(
                first,
                format!("missing `pattern` in `#[room(...)]` on {owner}"),
                format!("write it like {}", example("")),
            );
        }
        return None;
    };
    match attr::as_lit_str(&arg.value) {
        Some(lit) => RoomPattern::parse(lit, cx),
        None => {
            cx.error_spanned_help(
                &arg.value,
                "`pattern` takes one pattern string",
                "write it like `pattern = \"org-<org>-project-<id>\"`",
            );
            None
        }
    }
}

/// No `#[room]` on fields: they are named by placeholders.
fn check_field_attrs(fields: &Fields, cx: &mut Ctxt) {
    for field in fields {
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("room")) {
            cx.error_spanned_help(
                attr,
                "`#[room(...)]` goes on the struct or on an enum variant, not on a field",
                "a field is bound by the placeholder of the same name: remove this attribute",
            );
        }
    }
}

/// Placeholders and fields, one to one.
fn check_fields(case: &Case<'_>, owner: &str, cx: &mut Ctxt) {
    let fields = case.fields.as_deref().unwrap_or_default();
    for (placeholder, range) in case.pattern.placeholders() {
        if case.field_type(placeholder).is_some() {
            continue;
        }
        let hint = attr::did_you_mean(
            placeholder,
            fields
                .iter()
                .map(|(i, _)| i.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        )
        .map(|name| format!(" (or is it the field `{name}`?)"))
        .unwrap_or_default();
        let fix = if case.fields.is_some() {
            format!("add a field `{placeholder}: u64` (or the type to parse it into) to {owner}")
        } else {
            format!("give {owner} a field for it, like `{{ {placeholder}: u64 }}`")
        };
        cx.syn_error(case.pattern.error_help(
            range,
            format!("placeholder `<{placeholder}>` has no field to bind"),
            format!("{fix}, or rename the placeholder to match a field{hint}"),
        ));
    }
    for (ident, _) in fields {
        if !case.pattern.has_placeholder(&ident.to_string()) {
            cx.error_help(
                ident.span(),
                format!(
                    "field `{ident}` of {owner} has no placeholder in `{}`",
                    case.pattern.source
                ),
                format!(
                    "add `<{ident}>` to the pattern, or remove the field (the room name must \
                     hold every field to parse back into the same value)"
                ),
            );
        }
    }
}

fn parse<'a>(input: &'a DeriveInput, cx: &mut Ctxt) -> Vec<Case<'a>> {
    let name = &input.ident;
    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        cx.error_spanned_help(
            &input.generics,
            "`#[derive(RoomResource)]` does not support generics",
            format!(
                "its patterns and field types are fixed at compile time: remove the generic \
                 parameters of `{name}`"
            ),
        );
    }
    let mut cases = Vec::new();
    match &input.data {
        Data::Struct(data) => {
            let owner = format!("`{name}`");
            let pattern = pattern_attr(&input.attrs, &owner, name.span(), cx);
            check_field_attrs(&data.fields, cx);
            let fields = match &data.fields {
                Fields::Named(named) => named
                    .named
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?, &f.ty)))
                    .collect(),
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_help(
                        name.span(),
                        "`#[derive(RoomResource)]` needs a struct with named fields",
                        format!(
                            "one field per placeholder, like `struct {name} {{ id: u64 }}` (or \
                             `struct {name} {{}}` for a room name without placeholders)"
                        ),
                    );
                    return cases;
                }
            };
            if let Some(pattern) = pattern {
                cases.push(Case {
                    variant: None,
                    pattern,
                    fields: Some(fields),
                });
            }
        }
        Data::Enum(data) => {
            for attr in input.attrs.iter().filter(|a| a.path().is_ident("room")) {
                cx.error_spanned_help(
                    attr,
                    format!("`#[room(...)]` goes on each variant of `{name}`, not on the enum"),
                    "each variant has its own pattern: move it onto the variants",
                );
            }
            if data.variants.is_empty() {
                cx.error_help(
                    name.span(),
                    format!("the enum `{name}` has no variants, so no room name"),
                    "add a variant with `#[room(pattern = \"...\")]`",
                );
            }
            for variant in &data.variants {
                let ident = &variant.ident;
                let owner = format!("variant `{name}::{ident}`");
                let pattern = pattern_attr(&variant.attrs, &owner, ident.span(), cx);
                check_field_attrs(&variant.fields, cx);
                let fields = match &variant.fields {
                    Fields::Named(named) => Some(
                        named
                            .named
                            .iter()
                            .filter_map(|f| Some((f.ident.as_ref()?, &f.ty)))
                            .collect(),
                    ),
                    Fields::Unit => None,
                    Fields::Unnamed(fields) => {
                        cx.error_spanned_help(
                            fields,
                            format!("tuple variant `{ident}` in a `RoomResource`"),
                            format!(
                                "a placeholder binds the field of the same name: give the fields \
                                 names, like `{ident} {{ id: u64 }}`"
                            ),
                        );
                        continue;
                    }
                };
                if let Some(pattern) = pattern {
                    cases.push(Case {
                        variant: Some(ident),
                        pattern,
                        fields,
                    });
                }
            }
        }
        Data::Union(_) => {
            cx.error_help(
                name.span(),
                "`#[derive(RoomResource)]` does not support unions",
                format!(
                    "use a struct with named fields, like `struct {name} {{ id: u64 }}`, or an enum"
                ),
            );
        }
    }
    cases
}

// ------------------------------------------------------------- validate --

fn validate(input: &DeriveInput, cases: &[Case<'_>], cx: &mut Ctxt) {
    let name = &input.ident;
    for case in cases {
        let owner = match case.variant {
            Some(variant) => format!("variant `{name}::{variant}`"),
            None => format!("`{name}`"),
        };
        check_fields(case, &owner, cx);
    }
    for (i, a) in cases.iter().enumerate() {
        for b in &cases[i + 1..] {
            let (Some(va), Some(vb)) = (a.variant, b.variant) else {
                continue;
            };
            if let Some(room) = a.pattern.overlap(&a.shape_of(), &b.pattern, &b.shape_of()) {
                cx.syn_error(b.pattern.error_help(
                    0..b.pattern.source.len(),
                    format!("the patterns of variants `{va}` and `{vb}` overlap"),
                    format!(
                        "the room `{room}` would match both `{}` and `{}`: change a literal, or \
                         a placeholder's type ({TYPES_APART}), so that no room name matches both",
                        a.pattern.source, b.pattern.source
                    ),
                ));
            }
        }
    }
}

// --------------------------------------------------------------- expand --

fn expand(input: &DeriveInput, cases: &[Case<'_>]) -> TokenStream {
    let name = &input.ident;
    let p = crate::private();
    // Each placeholder's shape is its field type's.
    let patterns = cases.iter().map(|case| {
        let shapes: Vec<TokenStream> = case
            .pattern
            .placeholders()
            .map(|(placeholder, _)| match case.field_type(placeholder) {
                Some(ty) => quote_spanned!(ty.span()=> __roomauth_param::<#ty>().2),
                None => quote!(#p::Shape::Text), // reported: no such field
            })
            .collect();
        case.pattern.to_tokens(&shapes)
    });
    let path = |case: &Case<'_>| match case.variant {
        Some(variant) => quote!(Self::#variant),
        None => quote!(Self),
    };

    let from_match = cases.iter().enumerate().map(|(index, case)| {
        let path = path(case);
        let value = match &case.fields {
            None => quote!(#path),
            Some(fields) => {
                let fields = fields.iter().map(|(ident, ty)| {
                    // By position in this variant's pattern, known here.
                    let at = case.pattern.position_of(&ident.to_string());
                    let parse = quote_spanned!(ty.span()=> __roomauth_param::<#ty>());
                    quote! { #ident: (#parse.0)(__roomauth_m.captures.get(#at)?)? }
                });
                quote!(#path { #(#fields),* })
            }
        };
        quote!(#index => #p::Some(#value),)
    });

    let to_room = cases.iter().enumerate().map(|(index, case)| {
        let path = path(case);
        let fields = case.fields.as_deref().unwrap_or_default();
        let bind = |i: usize| format_ident!("__roomauth_f{}", i);
        let pat = match &case.fields {
            None => quote!(#path),
            Some(_) => {
                let binds = fields.iter().enumerate().map(|(i, (ident, _))| {
                    let var = bind(i);
                    quote!(#ident: #var)
                });
                quote!(#path { #(#binds),* })
            }
        };
        // The values, in the order of the placeholders.
        let values: Vec<TokenStream> = case
            .pattern
            .placeholders()
            .filter_map(|(placeholder, _)| {
                let i = fields.iter().position(|(ident, _)| *ident == placeholder)?;
                let (_, ty) = fields[i];
                let var = bind(i);
                let write = quote_spanned!(ty.span()=> __roomauth_param::<#ty>());
                Some(quote! {{
                    let mut __roomauth_value = #p::String::new();
                    (#write.1)(#var, &mut __roomauth_value);
                    __roomauth_value
                }})
            })
            .collect();
        let names: Vec<Ident> = (0..values.len())
            .map(|i| format_ident!("__roomauth_v{}", i))
            .collect();
        quote! {
            #pat => {
                #(let #names = #values;)*
                let __roomauth_patterns = <Self as #p::RoomResource>::PATTERNS;
                __roomauth_patterns[#index]
                    .format(&[#(#names.as_str()),*])
                    .and_then(|__roomauth_room| {
                        #p::first_match_only(__roomauth_patterns, #index, __roomauth_room)
                    })
            }
        }
    });

    quote! {
        const _: () = {
            // A field's parser, writer and shape, from one helper, so that a
            // type that is no `RoomParam` is reported once.
            #[allow(clippy::type_complexity)]
            const fn __roomauth_param<T: #p::RoomParam>() -> (
                fn(&str) -> #p::Option<T>,
                fn(&T, &mut #p::String),
                #p::Shape,
            ) {
                (
                    <T as #p::RoomParam>::parse_param,
                    <T as #p::RoomParam>::write_param,
                    <T as #p::RoomParam>::SHAPE,
                )
            }

            impl #p::RoomResource for #name {
                const PATTERNS: &'static [#p::Pattern] = &[#(#patterns),*];

                fn from_match(__roomauth_m: &#p::RoomMatch<'_>) -> #p::Option<Self> {
                    match __roomauth_m.pattern_index {
                        #(#from_match)*
                        _ => #p::None,
                    }
                }

                fn to_room(&self) -> #p::Result<#p::String, #p::FormatError> {
                    match self {
                        #(#to_room)*
                    }
                }
            }

            impl #p::FromStr for #name {
                type Err = #p::ParseRoomError;

                fn from_str(__roomauth_room: &str) -> #p::Result<Self, #p::ParseRoomError> {
                    <Self as #p::RoomResource>::parse_room(__roomauth_room)
                }
            }
        };
    }
}

/// The whole derive: the impls, or every error and impls that cannot run.
pub fn derive(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    let mut cx = Ctxt::new();
    let cases = parse(&input, &mut cx);
    validate(&input, &cases, &mut cx);
    match cx.check() {
        Ok(()) => expand(&input, &cases),
        Err(errors) => {
            let errors = errors.into_compile_error();
            let fallback = fallback(&input);
            quote!(#errors #fallback)
        }
    }
}

/// After an error: the impls with bodies that cannot run, so that
/// `rooms = Room` and `"..".parse::<Room>()` add no second error
/// (thiserror's fallback). The build fails on the first error anyway.
fn fallback(input: &DeriveInput) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let p = crate::private();
    quote! {
        impl #impl_generics #p::RoomResource for #name #ty_generics #where_clause {
            const PATTERNS: &'static [#p::Pattern] = &[];

            fn from_match(_: &#p::RoomMatch<'_>) -> #p::Option<Self> {
                #p::None
            }

            fn to_room(&self) -> #p::Result<#p::String, #p::FormatError> {
                ::core::unreachable!("`#[derive(RoomResource)]` failed to compile")
            }
        }

        impl #impl_generics #p::FromStr for #name #ty_generics #where_clause {
            type Err = #p::ParseRoomError;

            fn from_str(__roomauth_room: &str) -> #p::Result<Self, #p::ParseRoomError> {
                <Self as #p::RoomResource>::parse_room(__roomauth_room)
            }
        }
    }
}
