//! Placeholder shapes: which values each placeholder takes (any text unless
//! the pattern says otherwise).

use roomauth_syntax::Shape;

use super::Pattern;

impl Pattern {
    /// The same pattern with placeholder `placeholder` restricted to values
    /// of this shape: what `#[room_auth]` and `#[derive(RoomResource)]` do
    /// with each placeholder's type ([`RoomParam::SHAPE`](crate::RoomParam::SHAPE)).
    ///
    /// ```
    /// use roomauth::pattern::{Pattern, Shape};
    ///
    /// let project = Pattern::parse("project-<id>")?.with_shape("id", Shape::Unsigned)?;
    /// assert!(project.is_match("project-7"));
    /// assert!(!project.is_match("project-7-chat"));
    /// let chat = Pattern::parse("project-<id>-chat")?.with_shape("id", Shape::Unsigned)?;
    /// assert_eq!(project.overlaps(&chat), None); // no room matches both
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The pattern has no placeholder called `placeholder`.
    pub fn with_shape(mut self, placeholder: &str, shape: Shape) -> Result<Pattern, NoPlaceholder> {
        let Some(index) = self.placeholder_index(placeholder) else {
            return Err(NoPlaceholder {
                pattern: self.as_str().to_owned(),
                placeholder: placeholder.to_owned(),
                placeholders: self.placeholders().map(str::to_owned).collect(),
            });
        };
        let shapes = self.shapes.to_mut();
        if shapes.len() <= index {
            shapes.resize(index + 1, Shape::Text);
        }
        shapes[index] = shape;
        Ok(self)
    }

    /// The shape of the `index`-th placeholder's values ([`Shape::Text`]
    /// past the end).
    pub fn shape(&self, index: usize) -> Shape {
        self.shapes.get(index).copied().unwrap_or(Shape::Text)
    }
}

/// Refusal to shape a placeholder a pattern does not have
/// ([`Pattern::with_shape`](Pattern::with_shape)).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "room pattern `{pattern}` has no placeholder `<{placeholder}>`: shape one of its placeholders \
     ({})",
    placeholders.iter().map(|p| format!("`<{p}>`")).collect::<Vec<_>>().join(", ")
)]
pub struct NoPlaceholder {
    pub(super) pattern: String,
    pub(super) placeholder: String,
    pub(super) placeholders: Vec<String>,
}

crate::error::debug_is_display!(NoPlaceholder);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::FormatError;

    fn p(src: &str) -> Pattern {
        Pattern::parse(src).unwrap()
    }

    #[test]
    fn shapes_refuse_what_they_do_not_admit() {
        let pattern = p("org-<org>-project-<id>")
            .with_shape("id", Shape::Unsigned)
            .unwrap();
        assert_eq!(pattern.shape(1), Shape::Unsigned);
        assert_eq!(pattern.shape(0), Shape::Text);
        assert_eq!(pattern.shape(9), Shape::Text);
        assert!(pattern.is_match("org-a-project-7"));
        assert!(!pattern.is_match("org-a-project-07"));
        assert_eq!(
            format!("{pattern:?}"),
            "Pattern(\"org-<org>-project-<id>\", id: Unsigned)"
        );
        let error = pattern.format(&["a", "x"]).unwrap_err();
        assert_eq!(
            error,
            FormatError::WrongShape {
                pattern: "org-<org>-project-<id>".into(),
                placeholder: "id".into(),
                value: "x".into(),
                shape: Shape::Unsigned,
            }
        );
        assert!(error.to_string().contains("`<id>`"), "{error}");
        let error = p("project-<id>")
            .with_shape("ident", Shape::Uuid)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "room pattern `project-<id>` has no placeholder `<ident>`: shape one of its \
             placeholders (`<id>`)"
        );
    }
}
