//! Source files and locations: every value a finding points at maps back to
//! `file:line:column` through the [`SourceFile`] it was read from.

use std::sync::Arc;

/// A file's text as tcolint read it, with a line index for turning byte
/// offsets into lines and columns.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or joined under a folder they gave), or
    /// the `--stdin-filename` for standard input.
    pub path: Arc<str>,
    /// The decoded text (UTF-8; a UTF-8 or UTF-16 byte-order mark is removed).
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Indexes `text` for position lookups.
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(index, _)| index + 1),
        );
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The location of the byte range `offset..offset + len`.
    pub fn location(&self, offset: usize, len: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        // The end of a text that ends with a line break is the end of its
        // last line, not a line after it (a parser stopping at the end).
        if len == 0 && offset == self.text.len() {
            if let Some(text) = self.text.strip_suffix('\n') {
                offset = text.strip_suffix('\r').unwrap_or(text).len();
            }
        }
        let len = len.min(self.text.len() - offset);
        let (line, column) = self.line_column(offset);
        // The end is resolved now, while the text is at hand, so a report
        // needs no source text to say where a span ends.
        let (end_line, end_column) = if len == 0 {
            (line, column)
        } else {
            self.line_column(offset + len)
        };
        Location {
            file: Arc::clone(&self.path),
            line,
            column,
            offset,
            len,
            end_line,
            end_column,
        }
    }

    /// 1-based line and column (in characters) of the byte `offset`, which
    /// is at most the text's length.
    fn line_column(&self, offset: usize) -> (u32, u32) {
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(index) => index,
            Err(index) => index - 1,
        };
        let line_start = self.line_starts[line_index];
        let column = self.text[line_start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count()
            + 1;
        (line_index as u32 + 1, column as u32)
    }

    /// A location covering the whole first line, for file-level findings.
    pub fn start(&self) -> Location {
        self.location(0, 0)
    }

    /// The byte offset of a 1-based line and a 0-based character column.
    pub fn offset_of(&self, line: usize, char_column: usize) -> usize {
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[line_start..];
        rest.char_indices()
            .nth(char_column)
            .map_or(self.text.len(), |(index, _)| line_start + index)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A position in a source file: 1-based line and column (in characters),
/// plus the byte range for rendering a snippet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Path of the file, as displayed.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Byte offset of the start in the decoded text.
    pub offset: usize,
    /// Length in bytes of the span (0 for a point).
    pub len: usize,
    /// 1-based line where the span ends.
    pub end_line: u32,
    /// 1-based column (characters) where the span ends, exclusive.
    pub end_column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let file = SourceFile::new("a.yaml", "kind: Pod\nspec:\n  x: é1\n");
        let loc = file.location(0, 4);
        assert_eq!((loc.line, loc.column), (1, 1));
        let loc = file.location(10, 4);
        assert_eq!((loc.line, loc.column), (2, 1));
        // "  x: é1": the '1' is the 7th character but the 8th byte.
        let offset = file.text.find('1').unwrap();
        let loc = file.location(offset, 1);
        assert_eq!((loc.line, loc.column), (3, 7));
        assert_eq!(file.offset_of(3, 6), offset);
        assert_eq!(loc.to_string(), "a.yaml:3:7");
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let file = SourceFile::new("a", "ab");
        let loc = file.location(10, 3);
        assert_eq!((loc.line, loc.column, loc.offset, loc.len), (1, 3, 2, 0));
        assert_eq!(file.offset_of(9, 0), 2);
    }
}
