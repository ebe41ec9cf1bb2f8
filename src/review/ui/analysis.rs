//! The analysis panel of an application: flags first, then the charts and tables behind them.

use crate::review::model::analysis::{Analysis, MonthFlow};
use crate::review::model::evidence::{EvidenceFilter, Flow};
use crate::review::model::income::IncomeConfirmation;
use crate::shared::money::{display_minor, group_thousands};
use crate::shared::ImportId;
use leptos::prelude::*;

/// The evidence page of a month's money in or out.
fn month_href(import_id: ImportId, month: &str, flow: Flow) -> String {
    EvidenceFilter { month: Some(month.to_string()), flow: Some(flow), ..Default::default() }.href(import_id)
}

#[component]
pub fn AnalysisPanel(analysis: Analysis, import_id: ImportId) -> impl IntoView {
    view! {
        <section class="card" data-testid="analysis">
            <h2>"Analysis"</h2>
            {if analysis.months.is_empty() {
                view! { <p class="muted">"No transactions to analyse yet."</p> }.into_any()
            } else {
                view! { <Figures a=analysis import_id/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Figures(a: Analysis, import_id: ImportId) -> impl IntoView {
    let currency = a.currency.clone();
    let money = move |m: i64| format!("{} {}", display_minor(m), currency);
    let money2 = money.clone();
    let money3 = money.clone();
    let money4 = money.clone();
    view! {
        {if a.flags.is_empty() {
            view! { <p class="ok-note" data-testid="risk-flags">"No risk flags."</p> }.into_any()
        } else {
            view! { <ul class="flags" data-testid="risk-flags">{a.flags.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ul> }.into_any()
        }}
        <SignalsPanel a=a.clone() import_id/>
        <IncomeConfirmationTable c=a.income_confirmation.clone() import_id/>
        <ObligationsTable a=a.clone() import_id/>
        <h3>"Money in and out per month"</h3>
        <FlowChart months=a.months.clone() import_id/>
        <h3>"Balance at month end"</h3>
        <BalanceChart months=a.months.clone()/>
        <div class="grid">
            <div>
                <h3>"Regular income"</h3>
                {if a.income.is_empty() { view! { <p class="muted">"None found."</p> }.into_any() } else { view! {
                    <ul data-testid="income">
                        {a.income.iter().map(|i| {
                            let href = EvidenceFilter { party: Some(i.party.clone()), flow: Some(Flow::In), ..Default::default() }.href(import_id);
                            view! { <li><strong>{i.party.clone()}</strong>{format!(": about {} in {} months", money(i.average_minor), i.months)}
                                " · "<a href=href data-evidence-minor=i.total_minor.to_string() data-evidence-count=i.payments.to_string()>{format!("{} payments, {}", i.payments, money(i.total_minor))}</a></li> }
                        }).collect_view()}
                    </ul>
                }.into_any() }}
                {(a.own_transfers > 0).then(|| view! {
                    <p class="hint" data-testid="own-transfers">
                        <a href=EvidenceFilter { own: true, ..Default::default() }.href(import_id) data-evidence-count=a.own_transfers.to_string()>{format!("{} transfers between the applicant's own accounts", a.own_transfers)}</a>
                        " are left out of income, money in and money out."
                    </p>
                })}
            </div>
            <div>
                <h3>"By kind"</h3>
                <p data-testid="cash">"Cash withdrawn: "
                    <a href=EvidenceFilter { cash: true, ..Default::default() }.href(import_id) data-evidence-minor=(-a.cash_withdrawn_minor).to_string()>{money4(a.cash_withdrawn_minor)}</a>
                </p>
                <table class="compact">
                    <tbody>
                        {a.kinds.iter().map(|k| {
                            let href = EvidenceFilter { kind: Some(k.kind.clone()), ..Default::default() }.href(import_id);
                            view! { <tr><td><a href=href data-evidence-minor=k.total_minor.to_string() data-evidence-count=k.count.to_string()>{k.kind.clone()}</a></td><td class="num">{k.count}</td><td class="num">{money2(k.total_minor)}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
        <details>
            <summary>"Monthly figures"</summary>
            <table class="compact">
                <thead><tr><th>"Month"</th><th class="num">"In"</th><th class="num">"Out"</th><th class="num">"Transactions"</th><th class="num">"Balance"</th><th class="num">"Lowest"</th></tr></thead>
                <tbody>
                    {a.months.iter().map(|m| view! { <tr>
                        <td>{m.month.clone()}</td>
                        <td class="num"><a href=month_href(import_id, &m.month, Flow::In) data-evidence-minor=m.inflow_minor.to_string()>{money3(m.inflow_minor)}</a></td>
                        <td class="num"><a href=month_href(import_id, &m.month, Flow::Out) data-evidence-minor=m.outflow_minor.to_string()>{money3(m.outflow_minor)}</a></td>
                        <td class="num">{m.transactions}</td><td class="num">{m.end_balance_minor.map(display_minor).unwrap_or_default()}</td>
                        <td class=if m.lowest_balance_minor.is_some_and(|l| l < 0) { "num amount neg" } else { "num" }>{m.lowest_balance_minor.map(display_minor).unwrap_or_default()}</td>
                    </tr> }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// What should worry a reviewer, each with the link to its transactions.
#[component]
fn SignalsPanel(a: Analysis, import_id: ImportId) -> impl IntoView {
    let currency = a.currency.clone();
    let money = move |m: i64| format!("{} {currency}", display_minor(m));
    let negative = EvidenceFilter { negative: true, ..Default::default() }.href(import_id);
    let large = EvidenceFilter { cash: true, large: true, ..Default::default() }.href(import_id);
    let any = !a.assessment.signals.is_empty() || a.negative_balance_days > 0 || a.large_cash_withdrawals > 0;
    view! {
        <h3>"Signals"</h3>
        {if !any {
            view! { <p class="ok-note" data-testid="signals">"No gambling, payday lenders, debt collectors, returned payments, days below zero or large cash withdrawals."</p> }.into_any()
        } else {
            view! {
                <ul class="flags" data-testid="signals">
                    {a.assessment.signals.iter().map(|s| {
                        let flow = if s.flow == "in" { Flow::In } else { Flow::Out };
                        let href = EvidenceFilter { party: Some(s.party.clone()), flow: Some(flow), ..Default::default() }.href(import_id);
                        view! { <li>
                            <strong>{s.code.trim_start_matches("risk:").replace('-', " ")}</strong>{format!(" · {} ({}) · ", s.party, if s.flow == "in" { "money in" } else { "money out" })}
                            <a href=href data-evidence-minor=s.total_minor.to_string() data-evidence-count=s.count.to_string()>{format!("{} payments, {}", s.count, money(s.total_minor))}</a>
                            <small class="muted">{format!(" rule: {}", s.rule)}</small>
                        </li> }
                    }).collect_view()}
                    {(a.negative_balance_days > 0).then(|| view! { <li>
                        <strong>"below zero"</strong>{format!(" · an account ended {} day(s) below zero · ", a.negative_balance_days)}
                        <a href=negative data-evidence-count=a.negative_balance_transactions.to_string()>{format!("{} payments took a balance below zero", a.negative_balance_transactions)}</a>
                    </li> })}
                    {(a.large_cash_withdrawals > 0).then(|| view! { <li>
                        <strong>"large cash"</strong>" · "
                        <a href=large data-evidence-minor=(-a.large_cash_withdrawn_minor).to_string() data-evidence-count=a.large_cash_withdrawals.to_string()>{format!("{} withdrawals of 1,000 or more, {}", a.large_cash_withdrawals, display_minor(a.large_cash_withdrawn_minor))}</a>
                    </li> })}
                </ul>
            }.into_any()
        }}
    }
}

/// Recurring obligations and the affordability they leave, each obligation a link to its payments.
#[component]
fn ObligationsTable(a: Analysis, import_id: ImportId) -> impl IntoView {
    let c = a.income_confirmation.clone();
    let f = a.assessment.affordability.clone();
    let obligations = a.assessment.obligations.clone();
    view! {
        <h3>"Obligations and affordability"</h3>
        <dl class="facts" data-testid="affordability">
            <dt>"Confirmed income"</dt><dd>{format!("{} {} a month", display_minor(f.income_minor), f.currency)}</dd>
            <dt>"Obligations"</dt><dd>{format!("− {} {}", display_minor(f.obligations_minor), f.currency)}</dd>
            <dt>"Typical living costs"</dt><dd>{format!("− {} {}", display_minor(f.living_costs_minor), f.currency)}</dd>
            <dt>"Disposable income"</dt><dd><strong>{format!("{} {} a month", display_minor(f.disposable_minor), f.currency)}</strong></dd>
        </dl>
        <p class="hint">"Monthly averages over the 90 days up to the application. Living costs are money out labelled living (food, fuel, health, transport)."</p>
        {if obligations.is_empty() {
            view! { <p class="muted" data-testid="obligations">"No recurring obligations found."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="compact" data-testid="obligations">
                        <thead><tr><th>"Category"</th><th>"Payee"</th><th>"Regularity"</th><th class="num">"90 days"</th><th class="num">"Monthly"</th></tr></thead>
                        <tbody>
                            {obligations.into_iter().map(|o| {
                                let href = EvidenceFilter {
                                    party: Some(o.payee.clone()),
                                    flow: Some(Flow::Out),
                                    from: Some(c.window_from.clone()),
                                    to: Some(c.as_of.clone()),
                                    ..Default::default()
                                }.href(import_id);
                                view! { <tr>
                                    <td>{o.category.trim_start_matches("obligations:").replace('-', " ")}</td>
                                    <td>{o.payee.clone()}</td>
                                    <td>{format!("day {} · {} months in a row", o.day_of_month, o.months_seen)}<br/><small class="muted">{o.reason.clone()}</small></td>
                                    <td class="num"><a href=href data-evidence-minor=(-o.last_90_days_minor).to_string()>{format!("{} {}", display_minor(o.last_90_days_minor), o.currency)}</a></td>
                                    <td class="num">{display_minor(o.monthly_minor)}</td>
                                </tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// Income per source for M-0..M-2 and the 90 days up to the application, each figure a link to its payments.
#[component]
fn IncomeConfirmationTable(c: IncomeConfirmation, import_id: ImportId) -> impl IntoView {
    if c.as_of.is_empty() {
        return ().into_any();
    }
    let [m0, m1, m2] = c.months.clone();
    let months = c.months.clone();
    let (window_from, as_of) = (c.window_from.clone(), c.as_of.clone());
    let cell = move |payer: &str, month: Option<&str>, minor: i64, currency: &str| {
        let mut filter = EvidenceFilter { party: Some(payer.to_string()), flow: Some(Flow::In), ..Default::default() };
        match month {
            Some(m) => filter.month = Some(m.to_string()),
            None => (filter.from, filter.to) = (Some(window_from.clone()), Some(as_of.clone())),
        }
        view! { <a href=filter.href(import_id) data-evidence-minor=minor.to_string()>{format!("{} {currency}", display_minor(minor))}</a> }
    };
    view! {
        <h3>"Income confirmation"</h3>
        <p class="hint">{format!(
            "As of {}: M-0 is {}, the 90 days run from {}. A source pays at least 3 months in a row within ±5 days of the same day, or the bank names the payment (salary, pension, benefit).",
            c.as_of, m0, c.window_from
        )}</p>
        {if c.sources.is_empty() {
            view! { <p class="muted" data-testid="income-confirmation">"No income source confirmed."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="compact" data-testid="income-confirmation">
                        <thead><tr>
                            <th>"Type"</th><th>"Payer"</th><th>"Regularity"</th><th>"Confidence"</th>
                            <th class="num">{format!("M-0 ({m0})")}</th><th class="num">{format!("M-1 ({m1})")}</th><th class="num">{format!("M-2 ({m2})")}</th>
                            <th class="num">"90-day total"</th><th class="num">"Monthly average"</th>
                        </tr></thead>
                        <tbody>
                            {c.sources.iter().map(|s| view! {
                                <tr>
                                    <td>{s.source_type.as_str()}</td>
                                    <td>{s.payer.clone()}<br/><small class="muted">{s.payer_iban.clone().unwrap_or_default()}</small></td>
                                    <td>{format!("day {} · {} months in a row", s.day_of_month, s.months_seen)}<br/><small class="muted">{s.reason.clone()}</small></td>
                                    <td>{s.confidence.as_str()}</td>
                                    {s.figures.months_minor.iter().zip(months.iter()).map(|(minor, month)| view! {
                                        <td class="num">{cell(&s.payer, Some(month), *minor, &s.currency)}</td>
                                    }).collect_view()}
                                    <td class="num">{cell(&s.payer, None, s.figures.last_90_days_minor, &s.currency)}</td>
                                    <td class="num">{format!("{} {}", display_minor(s.figures.average_90_days_minor), s.currency)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot>
                            {c.by_type.iter().map(|t| view! {
                                <tr>
                                    <th colspan="4">{format!("All {} ({})", t.source_type.as_str(), t.currency)}</th>
                                    {t.figures.months_minor.iter().map(|m| view! { <td class="num">{display_minor(*m)}</td> }).collect_view()}
                                    <td class="num">{display_minor(t.figures.last_90_days_minor)}</td>
                                    <td class="num">{display_minor(t.figures.average_90_days_minor)}</td>
                                </tr>
                            }).collect_view()}
                        </tfoot>
                    </table>
                </div>
            }.into_any()
        }}
    }
    .into_any()
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
fn FlowChart(months: Vec<MonthFlow>, import_id: ImportId) -> impl IntoView {
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
            let in_label = format!("{}: in {}", m.month, display_minor(m.inflow_minor));
            let out_label = format!("{}: out {}", m.month, display_minor(m.outflow_minor));
            let (in_title, out_title) = (in_label.clone(), out_label.clone());
            // Each bar is a link to its transactions (focusable, so a keyboard reaches each value; the title is
            // the tooltip).
            view! {
                <g class="month">
                    <a href=month_href(import_id, &m.month, Flow::In) aria-label=in_label data-evidence-minor=m.inflow_minor.to_string()>
                        <title>{in_title}</title>
                        <rect class="in" x=coord(x) y=coord(mid - up) width=coord(bar) height=coord(up)/>
                    </a>
                    <a href=month_href(import_id, &m.month, Flow::Out) aria-label=out_label data-evidence-minor=m.outflow_minor.to_string()>
                        <title>{out_title}</title>
                        <rect class="out" x=coord(x + bar) y=coord(mid) width=coord(bar) height=coord(down)/>
                    </a>
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
            {month_labels(&months, move |i| LEFT + (i as f64 + 0.5) * slot)}
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
    let x = move |i: usize| LEFT + (i as f64 + 0.5) * slot;
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
