//! Number formatting shared by basis strings and output: dollars with
//! thousands separators, rates with the catalogue's precision.

use serde::Serializer;

/// Rounds to `decimals` places (half away from zero).
pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// `$4,140.56`: a dollar amount to the cent.
pub fn usd(value: f64) -> String {
    let cents = round(value, 2);
    let negative = cents < 0.0;
    let text = format!("{:.2}", cents.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{}${grouped}.{fraction}", if negative { "-" } else { "" })
}

/// `$5.672`: an hourly rate with up to six decimals, trailing zeros dropped.
pub fn usd_rate(value: f64) -> String {
    format!("${}", trim(value, 6))
}

/// A quantity with up to `decimals` places and no trailing zeros (`2`, `0.5`, `40.06`).
pub fn trim(value: f64, decimals: usize) -> String {
    // `+ 0.0` turns -0.0 (an empty f64 sum) into 0.0.
    let text = format!("{:.*}", decimals, value + 0.0);
    let trimmed = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if trimmed == "-0" {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Serializes a number rounded to `D` decimals, as an integer when whole.
pub(crate) fn number<S: Serializer, const D: i32>(
    value: &f64,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let rounded = round(*value, D);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        serializer.serialize_i64(rounded as i64)
    } else {
        serializer.serialize_f64(rounded)
    }
}

/// Serializes an optional number rounded to `D` decimals (see [`number`]).
pub(crate) fn optional<S: Serializer, const D: i32>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => number::<S, D>(value, serializer),
        None => serializer.serialize_none(),
    }
}

/// Serializes a list of numbers, each rounded to `D` decimals (see [`number`]).
pub(crate) fn list<S: Serializer, const D: i32>(
    values: &[f64],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = serializer.serialize_seq(Some(values.len()))?;
    for value in values {
        let rounded = round(*value, D);
        if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
            seq.serialize_element(&(rounded as i64))?;
        } else {
            seq.serialize_element(&rounded)?;
        }
    }
    seq.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_group_thousands_and_round_to_the_cent() {
        assert_eq!(usd(4140.556), "$4,140.56");
        assert_eq!(usd(12_421.68), "$12,421.68");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(1_234_567.891), "$1,234,567.89");
        assert_eq!(usd(-50.5), "-$50.50");
        assert_eq!(usd(999.999), "$1,000.00");
    }

    #[test]
    fn rates_and_quantities_drop_trailing_zeros() {
        assert_eq!(usd_rate(5.672), "$5.672");
        assert_eq!(usd_rate(0.031611), "$0.031611");
        assert_eq!(trim(2.0, 3), "2");
        assert_eq!(trim(40.0625, 2), "40.06");
        assert_eq!(round(2.8365, 3), 2.837);
        assert_eq!(trim(-0.0, 2), "0");
        assert_eq!(trim(-0.001, 2), "0");
    }
}
