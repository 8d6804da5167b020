//! Procedural macros of [roomauth](https://docs.rs/roomauth): `#[room_auth]`,
//! `#[derive(RoomResource)]` and `#[derive(RoomParam)]`.
//!
//! Use them through the `roomauth` crate, which re-exports them; the code
//! they generate names the runtime only through `::roomauth::__private`,
//! under the name the calling crate gives `roomauth` in its `Cargo.toml`
//! (`ra = { package = "roomauth", .. }` works).
//!
//! Each macro is parsed, validated and expanded in its own module; every
//! mistake in the input is gathered (`ctxt`) and reported at once, and room
//! patterns are checked with the very grammar the runtime uses (the
//! `roomauth-syntax` crate).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use proc_macro::TokenStream;

mod attr;
mod ctxt;
mod pattern;
mod room_auth;
mod room_param;
mod room_resource;

/// `::roomauth::__private`, or the same under the name the calling crate's
/// `Cargo.toml` gives the `roomauth` dependency (found as `proc-macro-crate`
/// finds it; `roomauth` if it is not a direct dependency, say in a doctest).
fn private() -> proc_macro2::TokenStream {
    private_of(proc_macro_crate::crate_name("roomauth").ok())
}

/// The path to `__private` of the runtime found under `found`.
fn private_of(found: Option<proc_macro_crate::FoundCrate>) -> proc_macro2::TokenStream {
    use proc_macro_crate::FoundCrate;
    let name = match &found {
        Some(FoundCrate::Name(name)) => name.as_str(),
        Some(FoundCrate::Itself) | None => "roomauth",
    };
    let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
    quote::quote!(::#name::__private)
}

/// Turns a function into an authorization rule for the rooms it names.
///
/// ```no_run
/// use axum::extract::State;
/// use roomauth::{Deny, Webhook, room_auth, rules};
/// # use axum::extract::FromRequestParts;
/// # use axum::http::{StatusCode, request::Parts};
/// # #[derive(Clone)] struct Db;
/// # impl Db { async fn is_member(&self, _: &CurrentUser, id: u64) -> Result<bool, std::io::Error> { Ok(id == 1) } }
/// # struct CurrentUser { id: String }
/// # impl FromRequestParts<Db> for CurrentUser {
/// #     type Rejection = StatusCode;
/// #     async fn from_request_parts(_: &mut Parts, _: &Db) -> Result<Self, StatusCode> {
/// #         Err(StatusCode::UNAUTHORIZED)
/// #     }
/// # }
///
/// #[room_auth(rooms = "project-<id>", permission = "join", session = user)]
/// async fn project_rooms(user: CurrentUser, id: u64, State(db): State<Db>) -> Result<String, Deny> {
///     if db.is_member(&user, id).await? { Ok(user.id) } else { Err(Deny::Forbidden) }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let backend = roomauth::testing::Stub;
/// let webhook: roomauth::axum::Webhook<Db, _> =
///     Webhook::builder(backend).rules(rules![project_rooms]).build()?;
/// # Ok(()) }
/// ```
///
/// Arguments:
///
/// - `rooms = "pattern"`, `rooms = ["pattern", ...]`, or `rooms = Type` with
///   a type that derives [`RoomResource`](macro@RoomResource) (then exactly one
///   parameter has that type and receives the parsed room).
/// - `permission = "join"` (the room only) or `"read_write"` (the room and the
///   documents the request asks for; the default).
/// - `session = param`: that parameter is the app's session extractor; when
///   it refuses, the user is not logged in: roomauth's JSON 401. Any other
///   extractor's refusal is the framework's own response, passed through
///   as it is (axum's plain-text 401, say), so name the session extractor
///   here to keep every error JSON.
/// - `context = Type`: the rule serves that request context only, like
///   `context = roomauth::axum::AxumContext<AppState>`. Optional: without
///   it, a parameter that is no extractor is reported where the rule is
///   registered; with it, at the parameter.
///
/// A parameter named like a placeholder (`id` or `r#id` for `<id>`; `_id`
/// too, when no parameter is called `id`) is parsed from the room name with
/// `roomauth::RoomParam` (a value that does not parse, or is not in canonical
/// form, means the room does not match). Every other parameter is an
/// extractor of the web framework (`roomauth::FromContext`). The function
/// returns `Result<U, E>` or `Option<U>`, where `U` becomes the user id (or
/// is a `roomauth::Grant`) and `E` converts into `roomauth::Deny`: `?` works
/// on any `std::error::Error + Send + Sync` type, `Box<dyn Error + Send +
/// Sync>` and `anyhow::Error`; for others, `Deny::internal(e.to_string())`.
///
/// The function stays as written. Beside it, in the type namespace, comes a
/// struct of the same name, `project_rooms {}`, that implements
/// `roomauth::Rule`.
#[proc_macro_attribute]
pub fn room_auth(args: TokenStream, input: TokenStream) -> TokenStream {
    room_auth::room_auth(args.into(), input.into()).into()
}

/// Implements `roomauth::RoomResource` and `FromStr` for a typed room name.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use roomauth::RoomResource;
///
/// #[derive(RoomResource, Debug, PartialEq)]
/// #[room(pattern = "org-<org>-project-<id>")]
/// struct ProjectRoom { org: String, id: u64 }
///
/// let room: ProjectRoom = "org-acme-project-7".parse()?;
/// assert_eq!(room.to_room()?, "org-acme-project-7");
///
/// #[derive(RoomResource)]
/// enum AppRoom {
///     #[room(pattern = "lobby")]
///     Lobby,
///     #[room(pattern = "project-<id>")]
///     Project { id: u64 },
/// }
/// assert_eq!(AppRoom::Project { id: 7 }.to_room()?, "project-7");
/// # Ok(()) }
/// ```
///
/// A struct has named fields, one per placeholder of its pattern; an enum has
/// one pattern per variant (unit variants, or variants with named fields),
/// and no two of them may match the same room name. Each field's type
/// decides the shape of its placeholder's text (`RoomParam::SHAPE`), so
/// `project-<id>` and `project-<id>-notes` are two variants when `id` is an
/// integer. The derive checks that where the field types are written as
/// integers, `Uuid` or `String`; with other types (an alias, the app's own
/// `RoomParam`), it cannot see the shapes, the variants are tried in order,
/// and a rule with `rooms = AppRoom` has them checked by `Rules::new`.
#[proc_macro_derive(RoomResource, attributes(room))]
pub fn derive_room_resource(input: TokenStream) -> TokenStream {
    room_resource::derive(input.into()).into()
}

/// Implements `roomauth::RoomParam`: the type of one placeholder value.
///
/// ```
/// use roomauth::RoomParam;
///
/// #[derive(RoomParam)]
/// struct ProjectId(u64); // the text of a `u64`; its shape too
///
/// #[derive(RoomParam)]
/// enum Mode {
///     ReadOnly, // "read_only"
///     #[room(rename = "rw")]
///     ReadWrite, // "rw"
/// } // shape: one of "read_only", "rw"
/// ```
#[proc_macro_derive(RoomParam, attributes(room))]
pub fn derive_room_param(input: TokenStream) -> TokenStream {
    room_param::derive(input.into()).into()
}

#[cfg(test)]
mod tests {
    use proc_macro_crate::FoundCrate;

    use super::private_of;

    #[test]
    fn generated_code_names_the_runtime_as_the_caller_does() {
        let path = |found| private_of(found).to_string();
        assert_eq!(path(None), ":: roomauth :: __private");
        assert_eq!(path(Some(FoundCrate::Itself)), ":: roomauth :: __private");
        assert_eq!(
            path(Some(FoundCrate::Name("ra".to_owned()))),
            ":: ra :: __private"
        );
    }
}
