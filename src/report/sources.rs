//! `tcolint sources` as text: each catalogue source with its title, date,
//! where to find it and what the catalogue took from it.

use crate::catalog::Source;

/// One block per source: `KEY  title (date)`, then `where` and `note`
/// lines indented under it.
pub fn render(sources: &[&Source]) -> String {
    let key_width = sources.iter().map(|s| s.key.len()).max().unwrap_or(0);
    let indent = " ".repeat(key_width + 2);
    let mut out = String::new();
    for source in sources {
        // Inert text: every field comes from the embedded data files.
        out.push_str(&format!(
            "{:<key_width$}  {} ({})\n{indent}where: {}\n{indent}note:  {}\n",
            source.key, source.title, source.date, source.location, source.note
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_each_block_under_the_longest_key() {
        let source = |key: &str| {
            Source::new(
                key,
                "2026-04",
                "A report",
                "https://example.org/report",
                "5%",
            )
        };
        let (short, long) = (source("AB"), source("ABCD"));
        assert_eq!(
            render(&[&short, &long]),
            "AB    A report (2026-04)\n      where: https://example.org/report\n      note:  5%\n\
             ABCD  A report (2026-04)\n      where: https://example.org/report\n      note:  5%\n"
        );
    }
}
