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

const W: f64 = 600.0;
const H: f64 = 160.0;

/// A chart coordinate to a tenth of a unit: finer is invisible on a 600-wide chart and only makes the page
/// heavier (`2.4000000000000004`).
fn coord(v: f64) -> String {
    format!("{v:.1}")
}

#[component]
fn FlowChart(months: Vec<MonthFlow>) -> impl IntoView {
    let max = months.iter().map(|m| m.inflow_minor.max(-m.outflow_minor)).max().unwrap_or(1).max(1) as f64;
    let slot = W / months.len().max(1) as f64;
    let bar = (slot * 0.38).max(1.0);
    let mid = H / 2.0;
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = i as f64 * slot + slot * 0.1;
            let up = m.inflow_minor as f64 / max * (mid - 4.0);
            let down = -m.outflow_minor as f64 / max * (mid - 4.0);
            view! {
                <rect class="in" x=coord(x) y=coord(mid - up) width=coord(bar) height=coord(up)><title>{format!("{} in: {}", m.month, display_minor(m.inflow_minor))}</title></rect>
                <rect class="out" x=coord(x + bar) y=coord(mid) width=coord(bar) height=coord(down)><title>{format!("{} out: {}", m.month, display_minor(m.outflow_minor))}</title></rect>
            }
        })
        .collect_view();
    let label = format!("Inflow (up) and outflow (down) for {} months", months.len());
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label preserveAspectRatio="none">
            <line class="axis" x1="0" x2=W.to_string() y1=mid.to_string() y2=mid.to_string()/>
            {bars}
        </svg>
    }
}

#[component]
fn BalanceChart(months: Vec<MonthFlow>) -> impl IntoView {
    let points: Vec<(usize, i64)> =
        months.iter().enumerate().filter_map(|(i, m)| m.end_balance_minor.map(|b| (i, b))).collect();
    let lo = points.iter().map(|p| p.1).min().unwrap_or(0).min(0) as f64;
    let hi = points.iter().map(|p| p.1).max().unwrap_or(1).max(1) as f64;
    let span = (hi - lo).max(1.0);
    let step = W / (months.len().max(2) - 1) as f64;
    let y = |v: f64| H - 4.0 - (v - lo) / span * (H - 8.0);
    let line = points
        .iter()
        .map(|(i, b)| format!("{:.1},{:.1}", *i as f64 * step, y(*b as f64)))
        .collect::<Vec<_>>()
        .join(" ");
    let zero = y(0.0);
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label="Balance at the end of each month" preserveAspectRatio="none">
            <line class="axis" x1="0" x2=W.to_string() y1=zero.to_string() y2=zero.to_string()/>
            <polyline class="balance" points=line fill="none"/>
        </svg>
    }
}
