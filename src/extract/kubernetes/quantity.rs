//! Kubernetes resource quantities (`100m`, `1.5`, `64Gi`, `500M`, `1e3`),
//! parsed by the API server's grammar:
//!
//! ```text
//! <quantity> ::= <signedNumber><suffix>
//! <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
//! <binarySI> ::= Ki | Mi | Gi | Ti | Pi | Ei
//! <decimalSI> ::= m | "" | k | M | G | T | P | E      (and n, u)
//! <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
//! ```

/// Parses a quantity into its value in base units (cores, bytes, devices).
pub fn parse(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let number_end = text
        .char_indices()
        .find(|&(index, c)| !(c.is_ascii_digit() || c == '.' || (index == 0 && "+-".contains(c))))
        .map_or(text.len(), |(index, _)| index);
    let (number, suffix) = text.split_at(number_end);
    let digits = number.trim_start_matches(['+', '-']);
    if digits.is_empty() || digits == "." || digits.matches('.').count() > 1 {
        return Err(expected(text));
    }
    let value: f64 = number.parse().map_err(|_| expected(text))?;
    let scale = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            let exponent = suffix
                .strip_prefix(['e', 'E'])
                .filter(|rest| {
                    let unsigned = rest.trim_start_matches(['+', '-']);
                    !unsigned.is_empty()
                        && unsigned.len() + 1 >= rest.len()
                        && unsigned.bytes().all(|b| b.is_ascii_digit())
                })
                .and_then(|rest| rest.parse::<i32>().ok())
                .ok_or_else(|| expected(text))?;
            10f64.powi(exponent)
        }
    };
    let value = value * scale;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(expected(text))
    }
}

fn expected(text: &str) -> String {
    format!("{text:?} is not a Kubernetes quantity (expected a number with an optional suffix, such as 1, 500m, 1.5, 64Gi or 1e3)")
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_the_forms_kubernetes_accepts() {
        let cases = [
            ("1", 1.0),
            ("100m", 0.1),
            ("1.5", 1.5),
            (".5", 0.5),
            ("+2", 2.0),
            ("64Gi", 64.0 * 1024.0 * 1024.0 * 1024.0),
            ("500M", 500e6),
            ("128974848", 128_974_848.0),
            ("129e6", 129e6),
            ("1e3", 1000.0),
            ("1E3", 1000.0),
            ("1E", 1e18),
            ("2k", 2000.0),
            ("1Ki", 1024.0),
            ("250u", 250e-6),
            ("12e-3", 0.012),
        ];
        for (text, value) in cases {
            let parsed = parse(text).unwrap();
            assert!((parsed - value).abs() <= value * 1e-12, "{text}: {parsed}");
        }
    }

    #[test]
    fn rejects_what_the_api_server_rejects() {
        for text in [
            "",
            "abc",
            "1K",
            "1.2.3",
            "${ACCELERATOR_QUANTITY}",
            "1Gb",
            "e3",
            "1e",
            "1e+",
        ] {
            let error = parse(text).unwrap_err();
            assert!(
                error.contains("is not a Kubernetes quantity"),
                "{text}: {error}"
            );
        }
    }
}
