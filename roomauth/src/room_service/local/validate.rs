//! What the local provisioner refuses to provision, as Room Service would.

use crate::room_service::provision::ProvisionError;
use crate::room_service::request::check_name;
use crate::room_service::wire::{ObjectKind, Permission, ProvisionRequest};
use crate::text::truncate;

/// The longest user id, room name or document name accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// The most resources one request may ask for.
pub const MAX_RESOURCES: usize = 16;

/// Refuses what Room Service would not provision.
pub(super) fn validate(request: &ProvisionRequest) -> Result<(), ProvisionError> {
    let invalid = |reason: String| Err(ProvisionError::InvalidRequest { reason });
    if request.user.is_empty() {
        return invalid("`user` is empty: pass the application's user id".to_owned());
    }
    if request.user.len() > MAX_NAME_BYTES {
        return invalid(format!("`user` is longer than {MAX_NAME_BYTES} bytes"));
    }
    // The webhook's rules for names: no control or invisible characters,
    // no whitespace at either end. Names end up in tokens and log lines.
    check_name("user", &request.user).map_err(|reason| ProvisionError::InvalidRequest {
        reason: format!("`user`: {reason}"),
    })?;
    if request.resources.is_empty() {
        return invalid("`resources` is empty: ask for at least one room".to_owned());
    }
    if request.resources.len() > MAX_RESOURCES {
        return invalid(format!(
            "{} resources requested; at most {MAX_RESOURCES} are allowed",
            request.resources.len()
        ));
    }
    for (index, resource) in request.resources.iter().enumerate() {
        let name = |n: &str| truncate(n, 64);
        if resource.reference.is_empty() {
            return invalid(format!("resource {index} has an empty `reference`"));
        }
        if resource.reference.len() > MAX_NAME_BYTES {
            return invalid(format!(
                "resource {index} has a `reference` longer than {MAX_NAME_BYTES} bytes"
            ));
        }
        let expected = Permission::for_object(resource.object);
        if resource.permission != expected {
            return invalid(format!(
                "resource {index} ({:?}) asks for permission `{}`; it takes `{}`",
                name(&resource.reference),
                resource.permission.as_str(),
                expected.as_str()
            ));
        }
        match (resource.object, resource.room.as_deref()) {
            (ObjectKind::Room, Some(room)) if room != resource.reference => {
                return invalid(format!(
                    "room resource {index} ({:?}) names another room ({:?}) in `room`",
                    name(&resource.reference),
                    name(room)
                ));
            }
            (ObjectKind::Document, None) => {
                return invalid(format!(
                    "document resource {index} ({:?}) has no `room`: name the room it belongs to",
                    name(&resource.reference)
                ));
            }
            (ObjectKind::Document, Some("")) => {
                return invalid(format!(
                    "document resource {index} ({:?}) has an empty `room`",
                    name(&resource.reference)
                ));
            }
            (ObjectKind::Document, Some(room)) if room.len() > MAX_NAME_BYTES => {
                return invalid(format!(
                    "document resource {index} names a `room` longer than {MAX_NAME_BYTES} bytes"
                ));
            }
            _ => {}
        }
        let what = match resource.object {
            ObjectKind::Room => "room",
            ObjectKind::Document => "document",
        };
        let names = [
            Some((what, resource.reference.as_str())),
            resource.room.as_deref().map(|room| ("room", room)),
        ];
        for (what, name) in names.into_iter().flatten() {
            check_name(what, name).map_err(|reason| ProvisionError::InvalidRequest {
                reason: format!("resource {index}: {reason}"),
            })?;
        }
    }
    Ok(())
}
