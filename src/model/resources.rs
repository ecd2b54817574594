//! What a process runs with: `resources` (and an Environment's `quota`, the same fields),
//! `replicas`, and `isolation`. Kubernetes quantities are parsed here (CPU to millicores,
//! memory to bytes): the one crate that does it (`k8s_quantity_parser`) is unmaintained since
//! 2022 and pulls in all of `k8s-openapi`.

use super::describe::{Field, Object, Presence, Rest, Type};
use super::read::{Fields, Reader};
use super::{Choice, Located, choice};

choice! {
    /// How strongly a process is kept apart from others. Ordered by [`Isolation::rank`].
    pub enum Isolation {
        None = "none", Process = "process", Container = "container", Vm = "vm", Wasm = "wasm"
    }
}

impl Isolation {
    /// Strength, for an environment's `minimumIsolation`: none < process < container = wasm
    /// < vm (a WebAssembly sandbox is counted as strong as a container).
    pub fn rank(self) -> u8 {
        match self {
            Isolation::None => 0,
            Isolation::Process => 1,
            Isolation::Container | Isolation::Wasm => 2,
            Isolation::Vm => 3,
        }
    }
}

/// `isolation`, as Processes write it.
pub const ISOLATION: Type = Type::Choice(Isolation::NAMES);

const CPU_PATTERN: &str = "^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)m?$";
const MEMORY_PATTERN: &str = "^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)([KMGT]i?)?$";

/// `resources` of a Process and `quota` of an Environment.
pub const RESOURCES: Object = Object {
    name: "Resources",
    what: "`resources`",
    doc: "CPU, memory and GPUs, as Kubernetes writes them.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "cpu",
            ty: Type::Quantity {
                pattern: CPU_PATTERN,
            },
            presence: Presence::Optional,
            doc: "CPUs: `2`, `0.5`, or millicores such as `500m`.",
        },
        Field {
            name: "memory",
            ty: Type::Quantity {
                pattern: MEMORY_PATTERN,
            },
            presence: Presence::Optional,
            doc: "Memory in bytes, or with a unit: `Ki`, `Mi`, `Gi`, `Ti` (powers of 1024) or \
                  `K`, `M`, `G`, `T` (powers of 1000), e.g. `512Mi`.",
        },
        Field {
            name: "gpu",
            ty: Type::Count,
            presence: Presence::Optional,
            doc: "How many GPUs.",
        },
    ],
};

/// `replicas` of a Process.
pub const REPLICAS: Object = Object {
    name: "Replicas",
    what: "`replicas`",
    doc: "How many copies of the process run, and what scales them.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "min",
            ty: Type::Count,
            presence: Presence::Required,
            doc: "The fewest copies: 0 for a stopped process.",
        },
        Field {
            name: "max",
            ty: Type::Count,
            presence: Presence::Required,
            doc: "The most copies: at least `min`. A quota counts this many.",
        },
        Field {
            name: "targetConcurrency",
            ty: Type::Count,
            presence: Presence::Optional,
            doc: "Scale on requests in flight per copy (at most one scaling signal).",
        },
        Field {
            name: "targetCpuPercent",
            ty: Type::Count,
            presence: Presence::Optional,
            doc: "Scale on CPU use per copy, in percent (at most one scaling signal).",
        },
    ],
};

/// CPU, memory and GPUs: as written (for output) and in base units (for sums).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resources {
    pub cpu: Option<Quantity>,
    pub memory: Option<Quantity>,
    pub gpu: Option<Located<u64>>,
}

/// A quantity as written, and its value in base units (millicores, bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub written: Located<String>,
    pub value: u128,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Replicas {
    pub min: Located<u64>,
    pub max: Located<u64>,
    pub signal: Option<ScalingSignal>,
    /// Where `replicas` is written, for W0306.
    pub span: crate::source::Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalingSignal {
    TargetConcurrency(u64),
    TargetCpuPercent(u64),
}

/// CPU to millicores: `2` -> 2000, `0.5` -> 500, `500m` -> 500. `None` when it is not a
/// quantity, has more precision than a millicore, or does not fit.
pub fn cpu_millis(text: &str) -> Option<u128> {
    match text.strip_suffix('m') {
        Some(millis) => decimal(millis, 1),
        None => decimal(text, 1000),
    }
}

/// Memory to bytes: plain bytes, `Ki Mi Gi Ti` (powers of 1024), `K M G T` (of 1000).
/// `None` when it is not a quantity, is a fraction of a byte, or does not fit.
pub fn memory_bytes(text: &str) -> Option<u128> {
    const UNITS: [(&str, u128); 8] = [
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("K", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
    ];
    for (unit, scale) in UNITS {
        if let Some(number) = text.strip_suffix(unit) {
            return decimal(number, scale);
        }
    }
    decimal(text, 1)
}

/// A non-negative decimal (`2`, `0.5`, `.5`) times `scale`, when that is a whole number.
fn decimal(text: &str, scale: u128) -> Option<u128> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    if text.ends_with('.') || fraction.len() > 30 {
        return None;
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction_value: u128 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    let denominator = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let scaled_fraction = fraction_value.checked_mul(scale)?;
    if !scaled_fraction.is_multiple_of(denominator) {
        return None;
    }
    whole
        .checked_mul(scale)?
        .checked_add(scaled_fraction / denominator)
}

/// Reads `resources` (or `quota`); a quantity that does not parse is E0110 at it.
pub fn build_resources(r: &mut Reader, fields: Fields) -> Resources {
    Resources {
        cpu: quantity(
            r,
            &fields,
            "cpu",
            cpu_millis,
            "write CPUs as `2`, `0.5` or millicores such as `500m` (at most 3 decimals)",
        ),
        memory: quantity(
            r,
            &fields,
            "memory",
            memory_bytes,
            "write memory as bytes or with a unit: `512Mi`, `2Gi`, `1G` (a whole number of bytes)",
        ),
        gpu: fields.count("gpu"),
    }
}

fn quantity(
    r: &mut Reader,
    fields: &Fields,
    key: &str,
    parse: fn(&str) -> Option<u128>,
    help: &str,
) -> Option<Quantity> {
    let written = fields.quantity(key)?;
    match parse(&written.value) {
        Some(value) => Some(Quantity { written, value }),
        None => {
            r.invalid_value(
                written.span,
                format!("`{key}` `{}` is not a valid quantity", written.value),
                help,
            );
            None
        }
    }
}

/// Reads `replicas`: `min` <= `max`, at most one scaling signal, and a stopped process
/// (`stopped`) has `min` 0; each broken rule is E0110 at the value.
pub fn build_replicas(r: &mut Reader, fields: Fields, stopped: bool) -> Option<Replicas> {
    let min = fields.count("min")?;
    let max = fields.count("max")?;
    if min.value > max.value {
        r.invalid_value(
            min.span,
            format!(
                "`replicas.min` is {}, more than `max` ({})",
                min.value, max.value
            ),
            "make `min` at most `max`",
        );
    }
    if stopped && min.value > 0 {
        r.invalid_value(
            min.span,
            format!(
                "the process is stopped, but `replicas.min` is {}",
                min.value
            ),
            "a stopped process runs no copies: write `min: 0`, or change its status",
        );
    }
    let concurrency = fields.count("targetConcurrency");
    let cpu = fields.count("targetCpuPercent");
    if let (Some(_), Some(second)) = (&concurrency, &cpu) {
        r.invalid_value(
            second.span,
            "`replicas` has two scaling signals".to_string(),
            "keep one of `targetConcurrency` and `targetCpuPercent`",
        );
    }
    let signal = match (concurrency, cpu) {
        (Some(c), _) => Some(ScalingSignal::TargetConcurrency(c.value)),
        (None, Some(c)) => Some(ScalingSignal::TargetCpuPercent(c.value)),
        (None, None) => None,
    };
    Some(Replicas {
        min,
        max,
        signal,
        span: fields.anchor,
    })
}

/// Millicores as people write them: `500m`, `2`, `2.5`.
pub fn show_cpu(millis: u128) -> String {
    if millis.is_multiple_of(1000) {
        (millis / 1000).to_string()
    } else if millis < 1000 {
        format!("{millis}m")
    } else {
        let text = format!("{}.{:03}", millis / 1000, millis % 1000);
        text.trim_end_matches('0').to_string()
    }
}

/// Bytes in the largest binary unit that divides them: `512Mi`, `2Gi`, `1000`.
pub fn show_memory(bytes: u128) -> String {
    for (unit, scale) in [
        ("Ti", 1u128 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if bytes >= scale && bytes.is_multiple_of(scale) {
            return format!("{}{unit}", bytes / scale);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_quantities_are_millicores() {
        assert_eq!(cpu_millis("500m"), Some(500));
        assert_eq!(cpu_millis("2"), Some(2000));
        assert_eq!(cpu_millis("0.5"), Some(500));
        assert_eq!(cpu_millis(".25"), Some(250));
        assert_eq!(cpu_millis("1.5m"), None, "less than a millicore");
        assert_eq!(cpu_millis("0.0005"), None, "less than a millicore");
        for bad in ["", "m", "-1", "1.", "2 cores", "1e3", "1Gi", "."] {
            assert_eq!(cpu_millis(bad), None, "{bad:?}");
        }
        assert_eq!(cpu_millis(&"9".repeat(60)), None, "does not fit");
    }

    #[test]
    fn memory_quantities_are_bytes() {
        assert_eq!(memory_bytes("512Mi"), Some(512 << 20));
        assert_eq!(memory_bytes("2Gi"), Some(2 << 30));
        assert_eq!(memory_bytes("1Ti"), Some(1 << 40));
        assert_eq!(memory_bytes("1Ki"), Some(1024));
        assert_eq!(memory_bytes("1K"), Some(1000));
        assert_eq!(memory_bytes("1.5G"), Some(1_500_000_000));
        assert_eq!(memory_bytes("0.5Gi"), Some(1 << 29));
        assert_eq!(memory_bytes("4096"), Some(4096));
        assert_eq!(memory_bytes("0.5"), None, "half a byte");
        for bad in ["", "Mi", "-1Mi", "512mi", "512MB", "1.5.0Gi", "2 Gi"] {
            assert_eq!(memory_bytes(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn quantities_are_shown_as_written_by_people() {
        assert_eq!(show_cpu(500), "500m");
        assert_eq!(show_cpu(2000), "2");
        assert_eq!(show_cpu(2500), "2.5");
        assert_eq!(show_memory(512 << 20), "512Mi");
        assert_eq!(show_memory(3 << 30), "3Gi");
        assert_eq!(show_memory(1000), "1000");
    }

    #[test]
    fn isolation_ranks_container_and_wasm_alike() {
        assert!(Isolation::None.rank() < Isolation::Process.rank());
        assert!(Isolation::Process.rank() < Isolation::Container.rank());
        assert_eq!(Isolation::Container.rank(), Isolation::Wasm.rank());
        assert!(Isolation::Wasm.rank() < Isolation::Vm.rank());
    }
}
