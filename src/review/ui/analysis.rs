//! The analysis panel of an application: flags first, then the charts and tables behind them.
//!
//! The panel has no reactive part (links, tables, two SVG charts), and it is most of the application page's
//! markup. It is written with `maud` straight into one string, every value escaped, and handed to the page as
//! the section's inner HTML: a view tree of the same markup was built, rendered to HTML and dropped again on
//! every page view, a quarter of the page's server time under load (README, "Pages under load"). For a
//! finished import the server writes it once and keeps it with the import's memoised data (`RenderedOnce`).
//! Hydration leaves server-rendered inner HTML as it is; a client-side refresh of the application writes the
//! new one.

use crate::review::model::analysis::{Analysis, MonthFlow};
use crate::review::model::evidence::{EvidenceFilter, Flow};
use crate::review::model::income::IncomeConfirmation;
use crate::review::model::views::RenderedOnce;
use crate::shared::money::{display_amount, display_minor, group_thousands};
use crate::shared::ImportId;
use leptos::prelude::*;
use maud::{html, Markup};

/// The evidence page of a month's money in or out.
fn month_href(import_id: ImportId, month: &str, flow: Flow) -> String {
    EvidenceFilter { month: Some(month.to_string()), flow: Some(flow), ..Default::default() }.href(import_id)
}

/// `written` holds the panel's HTML when the server keeps it with the import's data (written once, reused).
#[component]
pub fn AnalysisPanel(analysis: Analysis, import_id: ImportId, written: RenderedOnce) -> impl IntoView {
    let html = written.get_or_write(|| analysis_html(&analysis, import_id));
    view! { <section class="card" data-testid="analysis" inner_html=html></section> }
}

/// The panel's content: its heading and, once there are transactions, the figures.
pub fn analysis_html(a: &Analysis, import_id: ImportId) -> String {
    html! {
        h2 { "Analysis" }
        @if a.months.is_empty() {
            p.muted { "No transactions to analyse yet." }
        } @else {
            (figures(a, import_id))
        }
    }
    .into_string()
}

fn figures(a: &Analysis, import_id: ImportId) -> Markup {
    let currency = a.currency.as_str();
    html! {
        @if a.flags.is_empty() {
            p.ok-note data-testid="risk-flags" { "No risk flags." }
        } @else {
            ul.flags data-testid="risk-flags" { @for f in &a.flags { li { (f) } } }
        }
        (signals(a, import_id))
        (income_confirmation(&a.income_confirmation, import_id))
        (obligations(a, import_id))
        h3 { "Money in and out per month" }
        (flow_chart(&a.months, import_id))
        h3 { "Balance at month end" }
        (balance_chart(&a.months))
        div.grid {
            div {
                h3 { "Regular income" }
                @if a.income.is_empty() {
                    p.muted { "None found." }
                } @else {
                    ul data-testid="income" {
                        @for i in &a.income {
                            li {
                                strong { (i.party) }
                                (format!(": about {} in {} months", display_amount(i.average_minor, currency), i.months))
                                " · "
                                a href=(EvidenceFilter { party: Some(i.party.clone()), flow: Some(Flow::In), ..Default::default() }.href(import_id))
                                    data-evidence-minor=(i.total_minor) data-evidence-count=(i.payments) {
                                    (format!("{} payments, {}", i.payments, display_amount(i.total_minor, currency)))
                                }
                            }
                        }
                    }
                }
                @if a.own_transfers > 0 {
                    p.hint data-testid="own-transfers" {
                        a href=(EvidenceFilter { own: true, ..Default::default() }.href(import_id)) data-evidence-count=(a.own_transfers) {
                            (format!("{} transfers between the applicant's own accounts", a.own_transfers))
                        }
                        " are left out of income, money in and money out."
                    }
                }
            }
            div {
                h3 { "By kind" }
                p data-testid="cash" {
                    "Cash withdrawn: "
                    a href=(EvidenceFilter { cash: true, ..Default::default() }.href(import_id)) data-evidence-minor=(-a.cash_withdrawn_minor) {
                        (display_amount(a.cash_withdrawn_minor, currency))
                    }
                }
                table.compact {
                    tbody {
                        @for k in &a.kinds {
                            tr {
                                td {
                                    a href=(EvidenceFilter { kind: Some(k.kind.clone()), ..Default::default() }.href(import_id))
                                        data-evidence-minor=(k.total_minor) data-evidence-count=(k.count) { (k.kind) }
                                }
                                td.num { (k.count) }
                                td.num { (display_amount(k.total_minor, currency)) }
                            }
                        }
                    }
                }
            }
        }
        details {
            summary { "Monthly figures" }
            table.compact {
                thead { tr { th { "Month" } th.num { "In" } th.num { "Out" } th.num { "Transactions" } th.num { "Balance" } th.num { "Lowest" } } }
                tbody {
                    @for m in &a.months {
                        tr {
                            td { (m.month) }
                            td.num { a href=(month_href(import_id, &m.month, Flow::In)) data-evidence-minor=(m.inflow_minor) { (display_amount(m.inflow_minor, currency)) } }
                            td.num { a href=(month_href(import_id, &m.month, Flow::Out)) data-evidence-minor=(m.outflow_minor) { (display_amount(m.outflow_minor, currency)) } }
                            td.num { (m.transactions) }
                            td.num { (m.end_balance_minor.map(display_minor).unwrap_or_default()) }
                            td class=(if m.lowest_balance_minor.is_some_and(|l| l < 0) { "num amount neg" } else { "num" }) {
                                (m.lowest_balance_minor.map(display_minor).unwrap_or_default())
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What should worry a reviewer, each with the link to its transactions.
fn signals(a: &Analysis, import_id: ImportId) -> Markup {
    let currency = a.currency.as_str();
    let any = !a.assessment.signals.is_empty() || a.negative_balance_days > 0 || a.large_cash_withdrawals > 0;
    html! {
        h3 { "Signals" }
        @if !any {
            p.ok-note data-testid="signals" { "No gambling, payday lenders, debt collectors, returned payments, days below zero or large cash withdrawals." }
        } @else {
            ul.flags data-testid="signals" {
                @for s in &a.assessment.signals {
                    @let flow = if s.flow == "in" { Flow::In } else { Flow::Out };
                    li {
                        strong { (s.code.trim_start_matches("risk:").replace('-', " ")) }
                        (format!(" · {} ({}) · ", s.party, if s.flow == "in" { "money in" } else { "money out" }))
                        a href=(EvidenceFilter { party: Some(s.party.clone()), flow: Some(flow), ..Default::default() }.href(import_id))
                            data-evidence-minor=(s.total_minor) data-evidence-count=(s.count) {
                            (format!("{} payments, {}", s.count, display_amount(s.total_minor, currency)))
                        }
                        small.muted { (format!(" rule: {}", s.rule)) }
                    }
                }
                @if a.negative_balance_days > 0 {
                    li {
                        strong { "below zero" }
                        (format!(" · an account ended {} day(s) below zero · ", a.negative_balance_days))
                        a href=(EvidenceFilter { negative: true, ..Default::default() }.href(import_id)) data-evidence-count=(a.negative_balance_transactions) {
                            (format!("{} payments took a balance below zero", a.negative_balance_transactions))
                        }
                    }
                }
                @if a.large_cash_withdrawals > 0 {
                    li {
                        strong { "large cash" }
                        " · "
                        a href=(EvidenceFilter { cash: true, large: true, ..Default::default() }.href(import_id))
                            data-evidence-minor=(-a.large_cash_withdrawn_minor) data-evidence-count=(a.large_cash_withdrawals) {
                            (format!("{} withdrawals of 1,000 or more, {}", a.large_cash_withdrawals, display_minor(a.large_cash_withdrawn_minor)))
                        }
                    }
                }
            }
        }
    }
}

/// Recurring obligations and the affordability they leave, each obligation a link to its payments.
fn obligations(a: &Analysis, import_id: ImportId) -> Markup {
    let c = &a.income_confirmation;
    let f = &a.assessment.affordability;
    html! {
        h3 { "Obligations and affordability" }
        dl.facts data-testid="affordability" {
            dt { "Confirmed income" } dd { (format!("{} a month", display_amount(f.income_minor, &f.currency))) }
            dt { "Obligations" } dd { (format!("− {}", display_amount(f.obligations_minor, &f.currency))) }
            dt { "Typical living costs" } dd { (format!("− {}", display_amount(f.living_costs_minor, &f.currency))) }
            dt { "Disposable income" } dd { strong { (format!("{} a month", display_amount(f.disposable_minor, &f.currency))) } }
        }
        p.hint { "Monthly averages over the 90 days up to the application. Living costs are money out labelled living (food, fuel, health, transport)." }
        @if a.assessment.obligations.is_empty() {
            p.muted data-testid="obligations" { "No recurring obligations found." }
        } @else {
            div.table-wrap {
                table.compact data-testid="obligations" {
                    thead { tr { th { "Category" } th { "Payee" } th { "Regularity" } th.num { "90 days" } th.num { "Monthly" } } }
                    tbody {
                        @for o in &a.assessment.obligations {
                            @let href = EvidenceFilter {
                                party: Some(o.payee.clone()),
                                flow: Some(Flow::Out),
                                from: Some(c.window_from.clone()),
                                to: Some(c.as_of.clone()),
                                ..Default::default()
                            }.href(import_id);
                            tr {
                                td { (o.category.trim_start_matches("obligations:").replace('-', " ")) }
                                td { (o.payee) }
                                td { (format!("day {} · {} months in a row", o.day_of_month, o.months_seen)) br; small.muted { (o.reason) } }
                                td.num { a href=(href) data-evidence-minor=(-o.last_90_days_minor) { (display_amount(o.last_90_days_minor, &o.currency)) } }
                                td.num { (display_minor(o.monthly_minor)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Income per source for M-0..M-2 and the 90 days up to the application, each figure a link to its payments.
fn income_confirmation(c: &IncomeConfirmation, import_id: ImportId) -> Markup {
    if c.as_of.is_empty() {
        return html! {};
    }
    let [m0, m1, m2] = &c.months;
    let cell = |payer: &str, month: Option<&str>, minor: i64, currency: &str| {
        let mut filter = EvidenceFilter { party: Some(payer.to_string()), flow: Some(Flow::In), ..Default::default() };
        match month {
            Some(m) => filter.month = Some(m.to_string()),
            None => (filter.from, filter.to) = (Some(c.window_from.clone()), Some(c.as_of.clone())),
        }
        html! { a href=(filter.href(import_id)) data-evidence-minor=(minor) { (display_amount(minor, currency)) } }
    };
    html! {
        h3 { "Income confirmation" }
        p.hint {
            (format!(
                "As of {}: M-0 is {}, the 90 days run from {}. A source pays at least 3 months in a row within ±5 days of the same day, or the bank names the payment (salary, pension, benefit).",
                c.as_of, m0, c.window_from
            ))
        }
        @if c.sources.is_empty() {
            p.muted data-testid="income-confirmation" { "No income source confirmed." }
        } @else {
            div.table-wrap {
                table.compact data-testid="income-confirmation" {
                    thead { tr {
                        th { "Type" } th { "Payer" } th { "Regularity" } th { "Confidence" }
                        th.num { (format!("M-0 ({m0})")) } th.num { (format!("M-1 ({m1})")) } th.num { (format!("M-2 ({m2})")) }
                        th.num { "90-day total" } th.num { "Monthly average" }
                    } }
                    tbody {
                        @for s in &c.sources {
                            tr {
                                td { (s.source_type.as_str()) }
                                td { (s.payer) br; small.muted { (s.payer_iban.as_deref().unwrap_or_default()) } }
                                td { (format!("day {} · {} months in a row", s.day_of_month, s.months_seen)) br; small.muted { (s.reason) } }
                                td { (s.confidence.as_str()) }
                                @for (minor, month) in s.figures.months_minor.iter().zip(c.months.iter()) {
                                    td.num { (cell(&s.payer, Some(month), *minor, &s.currency)) }
                                }
                                td.num { (cell(&s.payer, None, s.figures.last_90_days_minor, &s.currency)) }
                                td.num { (display_amount(s.figures.average_90_days_minor, &s.currency)) }
                            }
                        }
                    }
                    tfoot {
                        @for t in &c.by_type {
                            tr {
                                th colspan="4" { (format!("All {} ({})", t.source_type.as_str(), t.currency)) }
                                @for m in &t.figures.months_minor { td.num { (display_minor(*m)) } }
                                td.num { (display_minor(t.figures.last_90_days_minor)) }
                                td.num { (display_minor(t.figures.average_90_days_minor)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

const W: f64 = 640.0;
const H: f64 = 200.0;
/// Room for the value labels on the left and the month labels below.
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;

/// A chart coordinate to a tenth of a unit: finer is invisible on a 640-wide chart and only makes the page
/// heavier (`2.4000000000000004`). Written from whole tenths: `{:.1}` takes the exact float-to-decimal path
/// for each of the panel's few hundred coordinates on every view.
fn coord(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", t / 10, t % 10)
}

/// An axis value in whole units (`12 345`), short enough for the margin.
fn axis_value(minor: i64) -> String {
    let whole = (minor as f64 / 100.0).round() as i64;
    let mut out = String::with_capacity(24);
    if whole < 0 {
        out.push('−');
    }
    group_thousands(whole.unsigned_abs(), '\u{202f}', &mut out);
    out
}

/// `2025-03` → `03`, with the year on January and on the first month shown.
fn month_label(month: &str, first: bool) -> String {
    match month.split_once('-') {
        Some((year, m)) if first || m == "01" => format!("{m}/{}", &year[2..]),
        Some((_, m)) => m.to_string(),
        None => month.to_string(),
    }
}

// SVG elements are written with `{}`: inside `<svg>` the HTML parser would nest whatever follows an
// unclosed `<rect>` in it.

/// Month labels under the plot, one per slot.
fn month_labels(months: &[MonthFlow], x_of: impl Fn(usize) -> f64) -> Markup {
    html! {
        @for (i, m) in months.iter().enumerate() {
            text.tick x=(coord(x_of(i))) y=(coord(H - 6.0)) text-anchor="middle" { (month_label(&m.month, i == 0)) }
        }
    }
}

/// A value label at the left margin with its grid line.
fn y_tick(y: f64, label: &str) -> Markup {
    html! {
        line.grid x1=(coord(LEFT)) x2=(coord(W)) y1=(coord(y)) y2=(coord(y)) {}
        text.tick x=(coord(LEFT - 6.0)) y=(coord(y + 4.0)) text-anchor="end" { (label) }
    }
}

fn flow_chart(months: &[MonthFlow], import_id: ImportId) -> Markup {
    let max = months.iter().map(|m| m.inflow_minor.max(-m.outflow_minor)).max().unwrap_or(1).max(1);
    let slot = (W - LEFT) / months.len().max(1) as f64;
    let bar = (slot * 0.38).max(1.0);
    let mid = TOP + (H - TOP - BOTTOM) / 2.0;
    let reach = mid - TOP;
    html! {
        svg.chart viewBox=(format!("0 0 {W} {H}")) role="img"
            aria-label=(format!("Money in (up) and out (down) for {} months; the values are in the table below", months.len()))
            data-testid="flow-chart" {
            (y_tick(TOP, &axis_value(max)))
            (y_tick(mid + reach, &format!("−{}", axis_value(max))))
            line.axis x1=(coord(LEFT)) x2=(coord(W)) y1=(coord(mid)) y2=(coord(mid)) {}
            text.tick x=(coord(LEFT - 6.0)) y=(coord(mid + 4.0)) text-anchor="end" { "0" }
            @for (i, m) in months.iter().enumerate() {
                @let x = LEFT + i as f64 * slot + slot * 0.1;
                @let up = m.inflow_minor as f64 / max as f64 * reach;
                @let down = -m.outflow_minor as f64 / max as f64 * reach;
                @let in_label = format!("{}: in {}", m.month, display_minor(m.inflow_minor));
                @let out_label = format!("{}: out {}", m.month, display_minor(m.outflow_minor));
                // Each bar is a link to its transactions (focusable, so a keyboard reaches each value; the
                // title is the tooltip).
                g.month {
                    a href=(month_href(import_id, &m.month, Flow::In)) aria-label=(in_label) data-evidence-minor=(m.inflow_minor) {
                        title { (in_label) }
                        rect class="in" x=(coord(x)) y=(coord(mid - up)) width=(coord(bar)) height=(coord(up)) {}
                    }
                    a href=(month_href(import_id, &m.month, Flow::Out)) aria-label=(out_label) data-evidence-minor=(m.outflow_minor) {
                        title { (out_label) }
                        rect class="out" x=(coord(x + bar)) y=(coord(mid)) width=(coord(bar)) height=(coord(down)) {}
                    }
                }
            }
            (month_labels(months, |i| LEFT + (i as f64 + 0.5) * slot))
        }
    }
}

fn balance_chart(months: &[MonthFlow]) -> Markup {
    let points: Vec<(usize, &MonthFlow, i64)> =
        months.iter().enumerate().filter_map(|(i, m)| m.end_balance_minor.map(|b| (i, m, b))).collect();
    // The scale always holds zero, so a small last balance reads as small, not as a crash to the bottom.
    let lo = points.iter().map(|p| p.2).min().unwrap_or(0).min(0);
    let hi = points.iter().map(|p| p.2).max().unwrap_or(1).max(1);
    let span = (hi - lo).max(1) as f64;
    let slot = (W - LEFT) / months.len().max(1) as f64;
    let x = move |i: usize| LEFT + (i as f64 + 0.5) * slot;
    let y = |v: i64| TOP + (hi - v) as f64 / span * (H - TOP - BOTTOM);
    let line =
        points.iter().map(|(i, _, b)| format!("{},{}", coord(x(*i)), coord(y(*b)))).collect::<Vec<_>>().join(" ");
    html! {
        svg.chart viewBox=(format!("0 0 {W} {H}")) role="img" aria-label="Balance at the end of each month; the values are in the table below" data-testid="balance-chart" {
            (y_tick(y(hi), &axis_value(hi)))
            @if lo < 0 { (y_tick(y(lo), &axis_value(lo))) }
            line.axis x1=(coord(LEFT)) x2=(coord(W)) y1=(coord(y(0))) y2=(coord(y(0))) {}
            text.tick x=(coord(LEFT - 6.0)) y=(coord(y(0) + 4.0)) text-anchor="end" { "0" }
            polyline.balance points=(line) fill="none" {}
            @for (i, m, b) in &points {
                @let label = format!("{}: {}", m.month, display_minor(*b));
                circle.point tabindex="0" aria-label=(label) cx=(coord(x(*i))) cy=(coord(y(*b))) r="3" { title { (label) } }
            }
            (month_labels(months, x))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::model::analysis::IncomeSource;
    use crate::review::model::obligations::Signal;

    #[test]
    fn axis_values_are_whole_units_grouped_by_thousands() {
        assert_eq!(axis_value(123_456_789), "1\u{202f}234\u{202f}568");
        assert_eq!(axis_value(-50_000), "−500");
        assert_eq!(axis_value(0), "0");
    }

    #[test]
    fn coordinates_are_written_to_a_tenth() {
        assert_eq!(coord(2.4000000000000004), "2.4");
        assert_eq!(coord(640.0), "640.0");
        assert_eq!(coord(12.36), "12.4");
        assert_eq!(coord(0.04), "0.0");
        assert_eq!(coord(-0.06), "-0.1");
        assert_eq!(coord(-12.34), "-12.3");
    }

    #[test]
    fn month_labels_carry_the_year_on_the_first_month_and_on_january() {
        assert_eq!(month_label("2025-03", true), "03/25");
        assert_eq!(month_label("2025-04", false), "04");
        assert_eq!(month_label("2026-01", false), "01/26");
    }

    #[test]
    fn names_from_the_bank_are_escaped_in_text_and_in_links() {
        let hostile = r#"<img src=x onerror="alert(1)"> & Co"#;
        let month = MonthFlow {
            month: "2026-11".into(),
            inflow_minor: 100,
            outflow_minor: -50,
            transactions: 2,
            end_balance_minor: Some(50),
            lowest_balance_minor: Some(-5),
        };
        let analysis = Analysis {
            currency: "PLN".into(),
            months: vec![month],
            income: vec![IncomeSource {
                party: hostile.into(),
                months: 3,
                average_minor: 100,
                payments: 3,
                total_minor: 300,
            }],
            flags: vec![format!("Paid to {hostile}")],
            assessment: crate::review::model::obligations::Assessment {
                signals: vec![Signal {
                    code: "risk:gambling".into(),
                    rule: hostile.into(),
                    party: hostile.into(),
                    flow: "out".into(),
                    count: 1,
                    total_minor: -50,
                }],
                ..Default::default()
            },
            ..Default::default()
        };
        let html = analysis_html(&analysis, ImportId(7));
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co"), "{html}");
        // In an attribute the name is percent-encoded in the query, then the `&` between pairs is escaped.
        assert!(html.contains("href=\"/applications/7/evidence?"), "{html}");
        assert!(!html.contains("onerror=\"alert"), "{html}");
        // The SVG shapes are closed, so the HTML parser does not nest what follows inside them.
        assert!(html.contains("class=\"in\" x=") && html.contains("></rect>"), "{html}");
        assert!(html.contains("class=\"num amount neg\""), "a month that went below zero is marked: {html}");
    }
}
