//! The table the run prints.

use std::collections::BTreeMap;

use crate::client::Figures;

/// The ceilings measured at each connection count.
#[derive(Default)]
pub struct Ceilings {
    pub healthz: BTreeMap<usize, f64>,
    pub readyz: BTreeMap<usize, f64>,
    pub insert: BTreeMap<usize, f64>,
}

pub fn header() {
    println!(
        "{:<46} {:>5} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7}  non-2xx",
        "endpoint", "conns", "req/s", "p50 ms", "p99 ms", "/healthz", "/readyz", "INSERT", "RSS MB"
    );
}

/// One measured row; `rss` is the server's resident set (MB) after it, when a server ran it.
pub fn row(name: &str, conns: usize, f: &Figures, c: &Ceilings, write: bool, rss: Option<f64>) {
    let ratio =
        |ceiling: Option<&f64>| ceiling.map_or("".to_owned(), |c| format!("{:.2}", f.rate() / c));
    println!(
        "{:<46} {:>5} {:>9.0} {:>9.2} {:>9.2} {:>8} {:>8} {:>8} {:>7}  {}",
        name,
        conns,
        f.rate(),
        f.percentile(0.50),
        f.percentile(0.99),
        ratio(c.healthz.get(&conns)),
        ratio(c.readyz.get(&conns)),
        if write {
            ratio(c.insert.get(&conns))
        } else {
            String::new()
        },
        rss.map_or(String::new(), |mb| format!("{mb:.0}")),
        f.failures()
    );
}
