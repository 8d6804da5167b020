//! Backend-specific parts of a [`Grant`](crate::Grant), typed and
//! backend-neutral: a rule attaches a value of a backend's own type (say
//! `livekit::LiveKitGrant`, with the sources a participant may publish),
//! and only the backend that owns the type reads it; the others, and the
//! rules, never look inside. Keyed by type, as `http::Extensions` is, and
//! comparable, so that grants stay `PartialEq` in policy tests.

use std::any::{Any, TypeId};
use std::fmt;

/// What a grant can carry: any `Clone + PartialEq + Debug + Send + Sync`
/// type. Object-safe glue over the blanket impl below.
trait Extension: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn clone_box(&self) -> Box<dyn Extension>;
    fn eq_dyn(&self, other: &dyn Extension) -> bool;
    fn fmt_dyn(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: Any + Clone + PartialEq + fmt::Debug + Send + Sync> Extension for T {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn clone_box(&self) -> Box<dyn Extension> {
        Box::new(self.clone())
    }

    fn eq_dyn(&self, other: &dyn Extension) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }

    fn fmt_dyn(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The extensions of a grant, at most one value per type. Empty by
/// default (no allocation).
#[derive(Default)]
pub struct Extensions {
    items: Vec<Box<dyn Extension>>,
}

impl Extensions {
    /// Adds `value`, replacing the value of the same type if there was
    /// one (returned).
    pub fn insert<T: Any + Clone + PartialEq + fmt::Debug + Send + Sync>(
        &mut self,
        value: T,
    ) -> Option<T> {
        let old = self
            .items
            .iter()
            .position(|item| (**item).as_any().type_id() == TypeId::of::<T>())
            .map(|at| self.items.swap_remove(at));
        self.items.push(Box::new(value));
        old.and_then(|old| (*old).as_any().downcast_ref::<T>().cloned())
    }

    /// The value of type `T`, if the grant carries one.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.items
            .iter()
            .find_map(|item| (**item).as_any().downcast_ref::<T>())
    }

    /// Whether the grant carries no extension.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Clone for Extensions {
    fn clone(&self) -> Extensions {
        Extensions {
            items: self.items.iter().map(|item| (**item).clone_box()).collect(),
        }
    }
}

impl PartialEq for Extensions {
    /// The same values, in any order (at most one per type).
    fn eq(&self, other: &Extensions) -> bool {
        self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .all(|item| other.items.iter().any(|o| (**item).eq_dyn(&**o)))
    }
}

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Item<'a>(&'a dyn Extension);
        impl fmt::Debug for Item<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt_dyn(f)
            }
        }
        f.debug_list()
            .entries(self.items.iter().map(|item| Item(&**item)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Sources(Vec<&'static str>);

    #[derive(Debug, Clone, PartialEq)]
    struct Level(u8);

    #[test]
    fn one_value_per_type_read_back_by_type() {
        let mut extensions = Extensions::default();
        assert!(extensions.is_empty());
        assert_eq!(extensions.insert(Sources(vec!["camera"])), None);
        assert_eq!(extensions.insert(Level(2)), None);
        assert_eq!(
            extensions.insert(Sources(vec!["microphone"])),
            Some(Sources(vec!["camera"]))
        );
        assert_eq!(
            extensions.get::<Sources>(),
            Some(&Sources(vec!["microphone"]))
        );
        assert_eq!(extensions.get::<Level>(), Some(&Level(2)));
        assert_eq!(extensions.get::<String>(), None);
        assert_eq!(
            format!("{extensions:?}"),
            r#"[Level(2), Sources(["microphone"])]"#
        );
    }

    #[test]
    fn equal_by_value_in_any_order() {
        let mut a = Extensions::default();
        a.insert(Level(1));
        a.insert(Sources(vec![]));
        let mut b = Extensions::default();
        b.insert(Sources(vec![]));
        b.insert(Level(1));
        assert_eq!(a, b);
        assert_eq!(a.clone(), a);
        b.insert(Level(3));
        assert_ne!(a, b);
        assert_ne!(a, Extensions::default());
    }
}
