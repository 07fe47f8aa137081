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
    // Below 2^46 dollars the double nearest a whole number of cents prints,
    // to two places, as that number; integer arithmetic gives the same
    // digits without the exact float formatter (a large scan prints
    // millions of amounts).
    let text = if cents.abs() < 1e13 {
        let whole_cents = (cents.abs() * 100.0).round() as u64;
        format!("{}.{:02}", whole_cents / 100, whole_cents % 100)
    } else {
        format!("{:.2}", cents.abs())
    };
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
    let value = value + 0.0;
    if let Some(text) = shortest_within(value, decimals) {
        return text;
    }
    let text = format!("{:.*}", decimals, value);
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

/// [`trim`]'s text from the shortest digits that identify `value` (ryu),
/// when they need at most `decimals` places: then, for a value whose unit
/// in the last place is below `10^-decimals`, rounding to `decimals` places
/// gives those digits back, and the exact formatter (the slow part of
/// `format!("{:.6}")`) is not needed. `None` where that does not hold.
fn shortest_within(value: f64, decimals: usize) -> Option<String> {
    // 2^51 x 10^-decimals keeps one ulp under half of 10^-decimals.
    const LIMITS: [f64; 7] = [2.2e15, 2.2e14, 2.2e13, 2.2e12, 2.2e11, 2.2e10, 2.2e9];
    let limit = *LIMITS.get(decimals)?;
    if !value.is_finite() || value.abs() >= limit {
        return None;
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value);
    // ryu writes small magnitudes with an exponent (`1e-7`).
    if text.contains('e') {
        return None;
    }
    let text = text.strip_suffix(".0").unwrap_or(text);
    let places = text
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len());
    (places <= decimals).then(|| text.to_string())
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

    /// The formatters as they were before their fast paths: the reference.
    fn trim_exact(value: f64, decimals: usize) -> String {
        let text = format!("{:.*}", decimals, value + 0.0);
        let trimmed = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        if trimmed == "-0" { "0" } else { trimmed }.to_string()
    }

    #[test]
    fn fast_paths_print_what_the_exact_formatter_prints() {
        // Values of every magnitude a report prints: whole numbers, cents,
        // rates with six places, ties, tiny and huge values, negatives.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values = vec![
            0.0, -0.0, 0.5, 0.125, 2.5, 1e-7, 5e-324, 1e300, 2.2e9, 4.5e15,
        ];
        for _ in 0..50_000 {
            let bits = next();
            let magnitude = 10f64.powi((bits % 24) as i32 - 9);
            let fraction = (next() % 1_000_000_007) as f64 / 1_000_000_007.0;
            let sign = if bits & (1 << 40) == 0 { 1.0 } else { -1.0 };
            values.push(sign * fraction * magnitude);
            // Decimal values as prices and quantities are written.
            values.push((next() % 100_000_000) as f64 / 10f64.powi((bits % 7) as i32));
        }
        for value in values {
            for decimals in 0..=8 {
                assert_eq!(
                    trim(value, decimals),
                    trim_exact(value, decimals),
                    "{value:e} to {decimals}"
                );
            }
            let cents = round(value, 2);
            let expected = format!("{:.2}", cents.abs());
            let (whole, fraction) = expected.split_once('.').unwrap();
            let digits: String = usd(value).chars().filter(|c| c.is_ascii_digit()).collect();
            assert_eq!(digits, format!("{whole}{fraction}"), "{value:e}");
        }
    }
}
