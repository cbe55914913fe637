//! Diagnostics: a problem found in a file a person wrote, with where it is and how to fix it.
//!
//! Errors are data here: the loaders collect every problem as a [`Diagnostic`], and rendering
//! (rustc-style text with a source snippet, or JSON) is separate, so the CLI and the HTTP API
//! show the same findings.

use std::fmt;

use serde::Serialize;

/// Where a value read from YAML stands: its 1-based line and column.
pub(crate) fn location<T>(spanned: &serde_saphyr::Spanned<T>) -> (u64, u64) {
    (spanned.referenced.line(), spanned.referenced.column())
}

/// How bad a finding is: errors make a file unusable, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    /// The file cannot be used until this is fixed.
    Error,
    /// The file works, but probably not as its author meant.
    Warning,
}

/// One finding in a source file, located by 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Diagnostic {
    /// The file (or other origin, such as `<builtin rubric>`) the finding is in.
    pub file: String,
    /// 1-based line; 0 when the finding concerns the whole file.
    pub line: u64,
    /// 1-based column in characters; 0 when unknown.
    pub column: u64,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `line:column` of `file`.
    pub fn error(file: &str, (line, column): (u64, u64), message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    /// The same finding with a hint on how to fix it.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Renders the finding rustc-style: the headline, the location, the source line with a caret
    /// under the column, and the hint. `source` is the text of `self.file`, when available.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = format!("{}: {}\n", self.severity_word(), self.message);
        out.push_str(&format!("  --> {}\n", self.location()));
        if let Some(text) = source.and_then(|s| s.lines().nth(self.line.checked_sub(1)? as usize)) {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let caret_at = usize::try_from(self.column.saturating_sub(1)).unwrap_or(0);
            let indent: String = text.chars().take(caret_at).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            out.push_str(&format!("{pad} |\n{gutter} | {text}\n{pad} | {indent}^\n"));
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("  = help: {hint}\n"));
        }
        out
    }

    fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.clone(),
            (line, 0) => format!("{}:{line}", self.file),
            (line, column) => format!("{}:{line}:{column}", self.file),
        }
    }

    fn severity_word(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location(), self.severity_word(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (help: {hint})")?;
        }
        Ok(())
    }
}

/// Several diagnostics reported together, so a person can fix every problem in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_snippet_caret_and_hint() {
        let diagnostic = Diagnostic::error("rubric.yaml", (2, 5), "unknown tag `kindness`")
            .with_hint("tags are listed in labels.md");
        let rendered = diagnostic.render(Some("tags:\n    kindness: {}\n"));
        assert_eq!(
            rendered,
            "error: unknown tag `kindness`\n  --> rubric.yaml:2:5\n  |\n2 |     kindness: {}\n  |     ^\n  = help: tags are listed in labels.md\n"
        );
        assert_eq!(
            diagnostic.to_string(),
            "rubric.yaml:2:5: error: unknown tag `kindness` (help: tags are listed in labels.md)"
        );
    }

    #[test]
    fn a_line_past_the_end_renders_without_snippet() {
        let rendered = Diagnostic::error("f.yaml", (9, 1), "bad").render(Some("one line"));
        assert_eq!(rendered, "error: bad\n  --> f.yaml:9:1\n");
    }
}
