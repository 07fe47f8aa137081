//! `tcolint catalog` as a text table (the JSON form is the rows themselves).

use crate::catalog::query::Row;
use crate::numbers::{trim, usd_rate};

/// One line per row: cloud, region, name, on-demand and spot $/h, vCPU,
/// memory, accelerators, source key and date; then what each source key
/// cited is (`titles`: key and title, as `tcolint sources` gives them).
pub fn render(rows: &[Row], titles: &[(String, String)]) -> String {
    let header = [
        "cloud", "region", "name", "$/h", "spot $/h", "vCPU", "GiB", "GPUs", "source",
    ];
    let price = |p: Option<f64>| p.map_or_else(|| "-".to_string(), usd_rate);
    let lines: Vec<[String; 9]> = rows
        .iter()
        .map(|row| {
            [
                row.cloud.to_string(),
                row.region.clone(),
                row.name.clone(),
                price(row.usd_per_hour),
                price(row.spot_usd_per_hour),
                trim(row.vcpu, 2),
                trim(row.memory_gib, 2),
                match &row.gpu_model {
                    Some(model) => format!("{} x {model}", row.gpu_count),
                    None => "-".into(),
                },
                if row.date.is_empty() {
                    row.source.clone()
                } else {
                    format!("{} {}", row.source, row.date)
                },
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut push = |cells: &[String]| {
        let last = cells.len() - 1;
        for (index, cell) in cells.iter().enumerate() {
            // Inert text: names come from data files, never from input.
            out.push_str(cell);
            if index < last {
                let pad = widths[index] + 2 - cell.chars().count();
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    };
    push(&header.map(str::to_string));
    for line in &lines {
        push(line);
    }
    if !titles.is_empty() {
        out.push_str("\nsources (tcolint sources KEY says where to find each):\n");
        let width = titles.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
        for (key, title) in titles {
            out.push_str(&format!("  {key:<width$}  {title}\n"));
        }
    }
    out
}
