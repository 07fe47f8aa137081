//! The catalogue's table format: tab-separated, `#` comment lines, one
//! header row. Hand-editable and diff-friendly, so a price change is a
//! one-line review.

use std::collections::HashMap;
use std::rc::Rc;

/// One data row, with access by column name.
pub struct Row<'t> {
    /// 1-based line in the table file.
    pub line: usize,
    fields: Vec<&'t str>,
    columns: Rc<HashMap<String, usize>>,
    table: &'t str,
}

impl<'t> Row<'t> {
    /// The field in `column`, trimmed; empty fields are `None`.
    pub fn get(&self, column: &str) -> Option<&'t str> {
        let index = *self.columns.get(column)?;
        self.fields
            .get(index)
            .map(|field| field.trim())
            .filter(|field| !field.is_empty())
    }

    /// A field that must be present.
    pub fn text(&self, column: &str) -> Result<&'t str, String> {
        self.get(column)
            .ok_or_else(|| self.error(column, "is empty"))
    }

    /// A number, or `None` when empty or `-` (the catalogue's "no figure").
    pub fn number(&self, column: &str) -> Result<Option<f64>, String> {
        match self.get(column) {
            None | Some("-") => Ok(None),
            Some(text) => text
                .parse::<f64>()
                .ok()
                .filter(|value| value.is_finite() && *value >= 0.0)
                .map(Some)
                .ok_or_else(|| self.error(column, &format!("is not a number: {text:?}"))),
        }
    }

    /// A number that must be present.
    pub fn required_number(&self, column: &str) -> Result<f64, String> {
        self.number(column)?
            .ok_or_else(|| self.error(column, "is empty"))
    }

    /// One data line read against its header line (line number unknown: 0).
    pub fn from_line(table: &'t str, header: &'t str, line: &'t str) -> Result<Row<'t>, String> {
        if header.is_empty() {
            return Err(format!("{table}: no header row"));
        }
        let columns: Rc<HashMap<String, usize>> = header
            .split('\t')
            .enumerate()
            .map(|(index, name)| (name.trim().to_string(), index))
            .collect::<HashMap<_, _>>()
            .into();
        Ok(Row {
            line: 0,
            fields: line.split('\t').collect(),
            columns,
            table,
        })
    }

    /// The raw fields from `index` on (unnamed trailing columns).
    pub fn fields_from(&self, index: usize) -> &[&'t str] {
        self.fields.get(index..).unwrap_or_default()
    }

    /// An error naming the table, line and column.
    pub fn error(&self, column: &str, problem: &str) -> String {
        format!("{}:{}: column {column} {problem}", self.table, self.line)
    }
}

/// Parses `text` (named `table` in errors) and calls `each` per data row.
pub fn for_each_row<'t, T>(
    table: &'t str,
    text: &'t str,
    mut each: impl FnMut(&Row<'t>) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(format!("{table}: no header row"));
    };
    let columns: Rc<HashMap<String, usize>> = header
        .split('\t')
        .enumerate()
        .map(|(index, name)| (name.trim().to_string(), index))
        .collect::<HashMap<_, _>>()
        .into();
    let mut out = Vec::new();
    for (index, line) in lines {
        let row = Row {
            line: index + 1,
            fields: line.split('\t').collect(),
            columns: Rc::clone(&columns),
            table,
        };
        out.push(each(&row)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_by_column_name() {
        let text = "# comment\nname\tprice\na\t1.5\nb\t-\n";
        let rows = for_each_row("t.tsv", text, |row| {
            Ok((row.text("name")?.to_string(), row.number("price")?))
        })
        .unwrap();
        assert_eq!(rows, vec![("a".into(), Some(1.5)), ("b".into(), None)]);
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let error = for_each_row("t.tsv", "name\tprice\na\tcheap\n", |row| {
            row.number("price")
        })
        .unwrap_err();
        assert_eq!(error, "t.tsv:2: column price is not a number: \"cheap\"");
    }
}
