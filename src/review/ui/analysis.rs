//! The analysis panel of an application: flags first, then the charts and tables behind them.

use crate::review::model::analysis::{Analysis, MonthFlow};
use crate::shared::money::display_minor;
use leptos::prelude::*;

#[component]
pub fn AnalysisPanel(analysis: Analysis) -> impl IntoView {
    view! {
        <section class="card" data-testid="analysis">
            <h2>"Analysis"</h2>
            {if analysis.months.is_empty() {
                view! { <p class="muted">"No transactions to analyse yet."</p> }.into_any()
            } else {
                view! { <Figures a=analysis/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Figures(a: Analysis) -> impl IntoView {
    let currency = a.currency.clone();
    let money = move |m: i64| format!("{} {}", display_minor(m), currency);
    let money2 = money.clone();
    let money3 = money.clone();
    view! {
        {if a.flags.is_empty() {
            view! { <p class="ok-note" data-testid="risk-flags">"No risk flags."</p> }.into_any()
        } else {
            view! { <ul class="flags" data-testid="risk-flags">{a.flags.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ul> }.into_any()
        }}
        <h3>"Money in and out per month"</h3>
        <FlowChart months=a.months.clone()/>
        <h3>"Balance at month end"</h3>
        <BalanceChart months=a.months.clone()/>
        <div class="grid">
            <div>
                <h3>"Regular income"</h3>
                {if a.income.is_empty() { view! { <p class="muted">"None found."</p> }.into_any() } else { view! {
                    <ul data-testid="income">
                        {a.income.iter().map(|i| view! { <li><strong>{i.party.clone()}</strong>{format!(": about {} in {} months", money(i.average_minor), i.months)}</li> }).collect_view()}
                    </ul>
                }.into_any() }}
                {(a.own_transfers > 0).then(|| view! {
                    <p class="hint" data-testid="own-transfers">{format!("{} transfers between the applicant's own accounts are left out of income, money in and money out.", a.own_transfers)}</p>
                })}
            </div>
            <div>
                <h3>"By kind"</h3>
                <table class="compact">
                    <tbody>
                        {a.kinds.iter().map(|k| view! { <tr><td>{k.kind.clone()}</td><td class="num">{k.count}</td><td class="num">{money2(k.total_minor)}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
        <details>
            <summary>"Monthly figures"</summary>
            <table class="compact">
                <thead><tr><th>"Month"</th><th class="num">"In"</th><th class="num">"Out"</th><th class="num">"Transactions"</th><th class="num">"Balance"</th></tr></thead>
                <tbody>
                    {a.months.iter().map(|m| view! { <tr>
                        <td>{m.month.clone()}</td><td class="num">{money3(m.inflow_minor)}</td><td class="num">{money3(m.outflow_minor)}</td>
                        <td class="num">{m.transactions}</td><td class="num">{m.end_balance_minor.map(display_minor).unwrap_or_default()}</td>
                    </tr> }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

const W: f64 = 640.0;
const H: f64 = 200.0;
/// Room for the value labels on the left and the month labels below.
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;

/// A chart coordinate to a tenth of a unit: finer is invisible on a 640-wide chart and only makes the page
/// heavier (`2.4000000000000004`).
fn coord(v: f64) -> String {
    format!("{v:.1}")
}

/// An axis value in whole units (`12 345`), short enough for the margin.
fn axis_value(minor: i64) -> String {
    let whole = (minor as f64 / 100.0).round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    if whole < 0 {
        format!("−{grouped}")
    } else {
        grouped
    }
}

/// `2025-03` → `03`, with the year on January and on the first month shown.
fn month_label(month: &str, first: bool) -> String {
    match month.split_once('-') {
        Some((year, m)) if first || m == "01" => format!("{m}/{}", &year[2..]),
        Some((_, m)) => m.to_string(),
        None => month.to_string(),
    }
}

/// Month labels under the plot, one per slot.
fn month_labels(months: &[MonthFlow], x_of: impl Fn(usize) -> f64) -> impl IntoView {
    months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            view! { <text class="tick" x=coord(x_of(i)) y=coord(H - 6.0) text-anchor="middle">{month_label(&m.month, i == 0)}</text> }
        })
        .collect_view()
}

/// A value label at the left margin with its grid line.
fn y_tick(y: f64, label: String) -> impl IntoView {
    view! {
        <line class="grid" x1=coord(LEFT) x2=coord(W) y1=coord(y) y2=coord(y)/>
        <text class="tick" x=coord(LEFT - 6.0) y=coord(y + 4.0) text-anchor="end">{label}</text>
    }
}

#[component]
fn FlowChart(months: Vec<MonthFlow>) -> impl IntoView {
    let max = months.iter().map(|m| m.inflow_minor.max(-m.outflow_minor)).max().unwrap_or(1).max(1);
    let slot = (W - LEFT) / months.len().max(1) as f64;
    let bar = (slot * 0.38).max(1.0);
    let mid = TOP + (H - TOP - BOTTOM) / 2.0;
    let reach = mid - TOP;
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = LEFT + i as f64 * slot + slot * 0.1;
            let up = m.inflow_minor as f64 / max as f64 * reach;
            let down = -m.outflow_minor as f64 / max as f64 * reach;
            let label =
                format!("{}: in {}, out {}", m.month, display_minor(m.inflow_minor), display_minor(m.outflow_minor));
            // Focusable, so a keyboard reaches each month's values too (the title is the tooltip).
            let title = label.clone();
            view! {
                <g class="month" tabindex="0" aria-label=label>
                    <title>{title}</title>
                    <rect class="in" x=coord(x) y=coord(mid - up) width=coord(bar) height=coord(up)/>
                    <rect class="out" x=coord(x + bar) y=coord(mid) width=coord(bar) height=coord(down)/>
                </g>
            }
        })
        .collect_view();
    let label = format!("Money in (up) and out (down) for {} months; the values are in the table below", months.len());
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label data-testid="flow-chart">
            {y_tick(TOP, axis_value(max))}
            {y_tick(mid + reach, format!("−{}", axis_value(max)))}
            <line class="axis" x1=coord(LEFT) x2=coord(W) y1=coord(mid) y2=coord(mid)/>
            <text class="tick" x=coord(LEFT - 6.0) y=coord(mid + 4.0) text-anchor="end">"0"</text>
            {bars}
            {month_labels(&months, |i| LEFT + (i as f64 + 0.5) * slot)}
        </svg>
    }
}

#[component]
fn BalanceChart(months: Vec<MonthFlow>) -> impl IntoView {
    let points: Vec<(usize, &MonthFlow, i64)> =
        months.iter().enumerate().filter_map(|(i, m)| m.end_balance_minor.map(|b| (i, m, b))).collect();
    // The scale always holds zero, so a small last balance reads as small, not as a crash to the bottom.
    let lo = points.iter().map(|p| p.2).min().unwrap_or(0).min(0);
    let hi = points.iter().map(|p| p.2).max().unwrap_or(1).max(1);
    let span = (hi - lo).max(1) as f64;
    let slot = (W - LEFT) / months.len().max(1) as f64;
    let x = |i: usize| LEFT + (i as f64 + 0.5) * slot;
    let y = |v: i64| TOP + (hi - v) as f64 / span * (H - TOP - BOTTOM);
    let line = points.iter().map(|(i, _, b)| format!("{:.1},{:.1}", x(*i), y(*b))).collect::<Vec<_>>().join(" ");
    let dots = points
        .iter()
        .map(|(i, m, b)| {
            let label = format!("{}: {}", m.month, display_minor(*b));
            let title = label.clone();
            view! {
                <circle class="point" tabindex="0" aria-label=label cx=coord(x(*i)) cy=coord(y(*b)) r="3"><title>{title}</title></circle>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label="Balance at the end of each month; the values are in the table below" data-testid="balance-chart">
            {y_tick(y(hi), axis_value(hi))}
            {(lo < 0).then(|| y_tick(y(lo), axis_value(lo)))}
            <line class="axis" x1=coord(LEFT) x2=coord(W) y1=coord(y(0)) y2=coord(y(0))/>
            <text class="tick" x=coord(LEFT - 6.0) y=coord(y(0) + 4.0) text-anchor="end">"0"</text>
            <polyline class="balance" points=line fill="none"/>
            {dots}
            {month_labels(&months, x)}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_values_are_whole_units_grouped_by_thousands() {
        assert_eq!(axis_value(123_456_789), "1\u{202f}234\u{202f}568");
        assert_eq!(axis_value(-50_000), "−500");
        assert_eq!(axis_value(0), "0");
    }

    #[test]
    fn month_labels_carry_the_year_on_the_first_month_and_on_january() {
        assert_eq!(month_label("2025-03", true), "03/25");
        assert_eq!(month_label("2025-04", false), "04");
        assert_eq!(month_label("2026-01", false), "01/26");
    }
}
