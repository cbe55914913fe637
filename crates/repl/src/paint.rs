//! Colours for a terminal, and none anywhere else.

use std::borrow::Cow;
use std::io::{self, IsTerminal};

/// Colours for a terminal, or nothing when output is not a terminal or `NO_COLOR` is set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paint {
    enabled: bool,
}

impl Paint {
    /// Colour only for a terminal, and never when `NO_COLOR` is set (see no-color.org).
    pub fn detect() -> Paint {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Paint { enabled: io::stdout().is_terminal() && !no_color }
    }

    fn wrap<'a>(&self, code: &str, text: &'a str) -> Cow<'a, str> {
        if self.enabled { Cow::Owned(format!("\x1b[{code}m{text}\x1b[0m")) } else { Cow::Borrowed(text) }
    }

    /// Something that built safety.
    pub fn good<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.wrap("32", text)
    }

    /// Something that eroded safety.
    pub fn bad<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.wrap("31", text)
    }

    /// Something in between (fixing).
    pub fn warn<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.wrap("33", text)
    }

    /// Secondary information.
    pub fn dim<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.wrap("2", text)
    }

    /// The partner's words.
    pub fn bold<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.wrap("1", text)
    }
}
