//! The report's figures as SVG text: plotters for the charts, with no font
//! features (the browser lays out the text, so nothing needs system fonts),
//! and the critical-difference diagram written by hand, because plotters has
//! no such chart and the diagram must carry its ranks for the check that it
//! agrees with the report's text.

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt::Write;

mod extent;
mod text;

pub use extent::clipped;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Runs `draw` on a fresh white canvas and returns the SVG.
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&Area) -> std::result::Result<(), Box<dyn std::error::Error>>,
) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("plot: {e}"))?;
        draw(&root).map_err(|e| anyhow!("plot: {e}"))?;
        root.present().map_err(|e| anyhow!("plot: {e}"))?;
    }
    Ok(out)
}

/// A value axis: log when every value is positive and they span more than
/// two decades (regression errors range from 0.002 to 400).
fn value_range(values: impl Iterator<Item = f64> + Clone) -> (f64, f64, bool) {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0, false);
    }
    if lo > 0.0 && hi / lo > 100.0 {
        // At most 12 decades: a diverged run (1e298, say) would otherwise
        // ask for hundreds of decades of grid; larger values sit off the top.
        return (lo / 1.5, (hi * 1.5).min(lo * 1e12), true);
    }
    // Linear axes in f32 (box plots) stay finite; a diverged run sits off the top.
    let hi = hi.min(lo.abs().max(1.0) * 1e12);
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.01).max(1e-9);
    (lo - pad, hi + pad, false)
}

/// Short form of a method label for an axis.
fn short(label: &str) -> String {
    if label.chars().count() > 18 {
        label.chars().take(17).chain(std::iter::once('…')).collect()
    } else {
        label.to_string()
    }
}

/// plotters' SVG backend writes a font of size s as s / 1.24 pixels.
fn pixels(size: f64) -> f64 {
    size / 1.24
}

/// Caption size, in plotters' units.
const CAPTION: f64 = 18.0;
/// Axis, tick and legend text size, in plotters' units.
const LABEL: f64 = 12.0;

/// Each method's colour, the same in every figure: the Okabe-Ito palette
/// (told apart by colour-blind readers too), then plotters' 99 colours.
fn colour(m: usize) -> RGBColor {
    const OKABE_ITO: [RGBColor; 7] = [
        RGBColor(0, 114, 178),
        RGBColor(213, 94, 0),
        RGBColor(0, 158, 115),
        RGBColor(204, 121, 167),
        RGBColor(230, 159, 0),
        RGBColor(86, 180, 233),
        RGBColor(0, 0, 0),
    ];
    OKABE_ITO.get(m).copied().unwrap_or_else(|| {
        let c = Palette99::pick(m).to_rgba();
        RGBColor(c.0, c.1, c.2)
    })
}

/// Method `m`'s marker on each of `$points`, as one series bound to `$s`
/// for `$draw`; so that methods stay apart in grey print and where markers
/// overlap: filled circle, triangle, square, a cross, then the three hollow.
/// (A macro: each shape is its own element type.)
macro_rules! markers {
    ($m:expr, $points:expr, |$s:ident| $draw:expr) => {{
        let m: usize = $m;
        let style = if m % 7 < 3 {
            colour(m).filled()
        } else {
            colour(m).stroke_width(2)
        };
        match m % 7 {
            0 | 4 => {
                let $s = $points.map(move |p| EmptyElement::at(p) + Circle::new((0, 0), 4, style));
                $draw
            }
            1 | 5 => {
                let $s = $points
                    .map(move |p| EmptyElement::at(p) + TriangleMarker::new((0, 0), 5, style));
                $draw
            }
            2 | 6 => {
                let $s = $points
                    .map(move |p| EmptyElement::at(p) + Rectangle::new([(-4, -4), (4, 4)], style));
                $draw
            }
            _ => {
                let $s = $points.map(move |p| EmptyElement::at(p) + Cross::new((0, 0), 4, style));
                $draw
            }
        }
    }};
}

/// Every chart's frame: the caption (cut to the area's width), margin and
/// axis label areas; `left` is the width kept for the y-axis labels.
fn frame<'a, 'b>(
    area: &'a Area<'b>,
    title: &str,
    left: u32,
) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let width = f64::from(area.dim_in_pixel().0);
    let caption = text::fit(title, pixels(CAPTION), width - 24.0);
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(caption, ("sans-serif", CAPTION))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(left);
    builder
}

/// The y label area that fits tick labels of these values' magnitude
/// (plotters prints them in full) beside a rotated axis description.
fn value_axis_width(lo: f64, hi: f64) -> u32 {
    let widest = [lo, hi, (lo + hi) / 2.0]
        .iter()
        .map(|v| text::width(&format!("{v:.3}"), pixels(LABEL)))
        .fold(0.0, f64::max);
    (widest + 36.0).clamp(70.0, 160.0) as u32
}

/// Names the methods under a categorical axis.
fn method_label(methods: &[String]) -> impl Fn(&SegmentValue<usize>) -> String + '_ {
    move |x| match x {
        SegmentValue::CenterOf(i) if *i < methods.len() => short(&methods[*i]),
        _ => String::new(),
    }
}

/// The methods' markers and names in rows across `area`, each entry as wide
/// as its name needs; returns the rows used.
fn legend(
    area: &Area,
    methods: &[String],
    draw: bool,
) -> std::result::Result<u32, Box<dyn std::error::Error>> {
    let width = f64::from(area.dim_in_pixel().0) - 20.0;
    let (mut x, mut row) = (20.0, 0u32);
    for (m, name) in methods.iter().enumerate() {
        let name = text::fit(name, pixels(LABEL), width - 40.0);
        let entry = 22.0 + text::width(&name, pixels(LABEL)) + 24.0;
        if x + entry > width && x > 20.0 {
            (x, row) = (20.0, row + 1);
        }
        if draw {
            let y = 12 + 20 * row as i32;
            markers!(m, std::iter::once((x as i32, y)), |one| {
                one.into_iter().try_for_each(|e| area.draw(&e))?
            });
            let style = TextStyle::from(("sans-serif", LABEL).into_font())
                .pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(name, (x as i32 + 12, y), style))?;
        }
        x += entry;
    }
    Ok(row + 1)
}

/// The legend's height in pixels for `methods` on a figure `width` wide.
fn legend_height(methods: &[String], width: u32) -> u32 {
    let mut probe = String::new();
    let rows = {
        let area = SVGBackend::with_string(&mut probe, (width, 10)).into_drawing_area();
        legend(&area, methods, false).unwrap_or(1)
    };
    24 + 20 * rows
}

/// Tsoulos et al. Figs 1-2 as a dot plot that stays readable at 40
/// datasets: one row per dataset, named on the left, each method's mean on
/// the value axis with its own colour and marker. `means[dataset][method]`.
pub fn per_dataset(
    title: &str,
    x_label: &str,
    methods: &[String],
    datasets: &[String],
    means: &[Vec<Option<f64>>],
) -> Result<String> {
    let values = means.iter().flatten().flatten().copied();
    let (lo, hi, log) = value_range(values);
    let n = datasets.len().max(1);
    let width = 820;
    let names: Vec<String> = datasets
        .iter()
        .map(|d| text::fit(d, pixels(LABEL), 300.0))
        .collect();
    let left = names
        .iter()
        .map(|d| text::width(d, pixels(LABEL)))
        .fold(60.0, f64::max) as u32
        + 16;
    let plot_height = 120 + 20 * n as u32;
    let legend_h = legend_height(methods, width);
    svg((width, plot_height + legend_h), |root| {
        let (plot, key) = root.split_vertically(plot_height);
        let mut chart = frame(&plot, title, left);
        // The first dataset on top.
        let row = |d: usize| SegmentValue::CenterOf(n - 1 - d);
        let name = |y: &SegmentValue<usize>| match y {
            SegmentValue::CenterOf(i) if *i < n => {
                names.get(n - 1 - i).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        let points = || {
            means.iter().enumerate().flat_map(move |(d, ms)| {
                ms.iter()
                    .enumerate()
                    .filter_map(move |(m, v)| v.filter(|v| v.is_finite()).map(|v| (d, m, v)))
            })
        };
        macro_rules! draw {
            ($c:expr) => {{
                let mut c = $c;
                c.configure_mesh()
                    .y_labels(n)
                    .y_label_formatter(&name)
                    .disable_y_mesh()
                    .x_desc(x_label)
                    .label_style(("sans-serif", LABEL))
                    .draw()?;
                for m in 0..methods.len() {
                    let mine = points()
                        .filter(move |p| p.1 == m)
                        .map(|(d, _, v)| (v, row(d)));
                    markers!(m, mine, |series| c.draw_series(series)?);
                }
            }};
        }
        let rows = (0..n).into_segmented();
        if log {
            draw!(chart.build_cartesian_2d((lo..hi).log_scale(), rows)?);
        } else {
            draw!(chart.build_cartesian_2d(lo..hi, rows)?);
        }
        legend(&key, methods, true)?;
        Ok(())
    })
}

/// A front figure: per method, every point faint and the points of one
/// chosen run bold (joined as a staircase in x order), one colour per method.
pub fn fronts(
    title: &str,
    axes: (&str, &str),
    methods: &[String],
    faint: &[Vec<(f64, f64)>],
    bold: &[Vec<(f64, f64)>],
) -> Result<String> {
    let all = || faint.iter().chain(bold).flatten();
    let (x_lo, x_hi, _) = value_range(all().map(|p| p.0));
    let (y_lo, y_hi, log) = value_range(all().map(|p| p.1));
    let width = 820;
    svg((width, 480 + legend_height(methods, width)), |root| {
        let (plot, key) = root.split_vertically(480);
        let mut chart = frame(&plot, title, value_axis_width(y_lo, y_hi));
        macro_rules! draw {
            ($c:expr) => {{
                let mut c = $c;
                c.configure_mesh().x_desc(axes.0).y_desc(axes.1).draw()?;
                for (m, points) in faint.iter().enumerate() {
                    c.draw_series(
                        points
                            .iter()
                            .map(|&p| Circle::new(p, 2, colour(m).mix(0.25).filled())),
                    )?;
                }
                for (m, points) in bold.iter().enumerate() {
                    let mut sorted = points.clone();
                    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
                    c.draw_series(LineSeries::new(
                        sorted.iter().copied(),
                        colour(m).stroke_width(2),
                    ))?;
                    c.draw_series(
                        sorted
                            .iter()
                            .map(|&p| Circle::new(p, 4, colour(m).filled())),
                    )?;
                }
            }};
        }
        if log {
            draw!(chart.build_cartesian_2d(x_lo..x_hi, (y_lo..y_hi).log_scale())?);
        } else {
            draw!(chart.build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?);
        }
        legend(&key, methods, true)?;
        Ok(())
    })
}

/// Tsoulos et al. Fig 3: mean seconds per run of each method on one dataset.
pub fn time_bars(title: &str, methods: &[String], seconds: &[Option<f64>]) -> Result<String> {
    let hi = seconds.iter().flatten().fold(0.0f64, |a, b| a.max(*b)) * 1.15 + 1e-9;
    let k = methods.len();
    svg((820, 420), |root| {
        let mut chart = frame(root, title, value_axis_width(0.0, hi))
            .build_cartesian_2d((0..k).into_segmented(), 0.0..hi)?;
        chart
            .configure_mesh()
            .x_labels(k)
            .x_label_formatter(&method_label(methods))
            .y_desc("seconds per run")
            .draw()?;
        chart.draw_series(seconds.iter().enumerate().filter_map(|(m, s)| {
            let s = (*s)?;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(m), 0.0),
                    (SegmentValue::Exact(m + 1), s),
                ],
                colour(m).mix(0.8).filled(),
            );
            bar.set_margin(0, 0, 12, 12);
            Some(bar)
        }))?;
        Ok(())
    })
}

/// Tsoulos et al. Figs 4-6: the average error against a swept parameter.
pub fn sweep(title: &str, parameter: &str, y_label: &str, points: &[(f64, f64)]) -> Result<String> {
    let (x_lo, x_hi, _) = value_range(points.iter().map(|p| p.0));
    let (y_lo, y_hi, _) = value_range(points.iter().map(|p| p.1));
    svg((640, 400), |root| {
        let mut chart = frame(root, title, value_axis_width(y_lo, y_hi))
            .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
        chart
            .configure_mesh()
            .x_desc(parameter)
            .y_desc(y_label)
            .draw()?;
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            BLUE.stroke_width(2),
        ))?;
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 4, BLUE.filled())))?;
        Ok(())
    })
}

/// The distribution of per-run values of each method on one dataset.
/// Runs whose value is not finite (NaN from a diverged run) are left out:
/// quartiles of a NaN mean nothing.
pub fn boxes(title: &str, y_label: &str, methods: &[String], runs: &[Vec<f64>]) -> Result<String> {
    let runs: Vec<Vec<f64>> = runs
        .iter()
        .map(|r| r.iter().copied().filter(|v| v.is_finite()).collect())
        .collect();
    let (lo, hi, _) = value_range(runs.iter().flatten().copied());
    let k = methods.len();
    svg((640, 360), |root| {
        let mut chart = frame(root, title, value_axis_width(lo, hi))
            .build_cartesian_2d((0..k).into_segmented(), lo as f32..hi as f32)?;
        chart
            .configure_mesh()
            .x_labels(k)
            .x_label_formatter(&method_label(methods))
            .y_desc(y_label)
            .draw()?;
        chart.draw_series(runs.iter().enumerate().filter(|(_, r)| !r.is_empty()).map(
            |(m, r)| {
                Boxplot::new_vertical(SegmentValue::CenterOf(m), &Quartiles::new(r))
                    .width(24)
                    .style(colour(m))
            },
        ))?;
        Ok(())
    })
}

/// Best training objective so far (the SSE, or a method's own such as
/// SRNet's fitness) against objective evaluations, one line per method,
/// both axes logarithmic. `curves[method]` is (evaluations, value).
pub fn convergence(title: &str, methods: &[String], curves: &[Vec<(f64, f64)>]) -> Result<String> {
    let points = || curves.iter().flatten();
    let x_hi = points().map(|p| p.0).fold(2.0, f64::max);
    let positive = || points().map(|p| p.1).filter(|v| *v > 0.0);
    let y_lo = positive().fold(f64::INFINITY, f64::min);
    let y_hi = positive().fold(f64::NEG_INFINITY, f64::max);
    let (y_lo, y_hi) = if y_lo.is_finite() {
        (y_lo / 1.5, y_hi * 1.5)
    } else {
        (0.1, 1.0)
    };
    let width = 640;
    svg((width, 380 + legend_height(methods, width)), |root| {
        let (plot, key) = root.split_vertically(380);
        let mut chart = frame(&plot, title, value_axis_width(y_lo, y_hi))
            .build_cartesian_2d((1.0..x_hi * 1.2).log_scale(), (y_lo..y_hi).log_scale())?;
        // Log axes' ticks such as 0.30000000000000004, shortened.
        let tick = |v: &f64| {
            if v.abs() >= 1.0 && v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                super::format::number(*v)
            }
        };
        chart
            .configure_mesh()
            .x_desc("objective evaluations")
            .y_desc("best training objective")
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .draw()?;
        for (m, curve) in curves.iter().enumerate() {
            let kept: Vec<(f64, f64)> = curve.iter().copied().filter(|p| p.1 > 0.0).collect();
            chart.draw_series(LineSeries::new(
                kept.iter().copied(),
                colour(m).stroke_width(2),
            ))?;
            // The method's marker on at most 12 of its points, for the legend.
            let step = kept.len().div_ceil(12).max(1);
            markers!(m, kept.iter().copied().step_by(step), |series| chart
                .draw_series(series)?);
        }
        legend(&key, methods, true)?;
        Ok(())
    })
}

/// Demsar's critical-difference diagram: the rank axis (1 = best, on the
/// left), each method at its mean rank, and bars joining methods whose
/// ranks differ by less than the CD. Each method's group carries
/// `data-label` and `data-rank`, each bar `data-first`/`data-last`
/// (positions in rank order), so a test can read the diagram back.
pub fn cd_diagram(labels: &[String], mean_ranks: &[f64], cd: f64, alpha: f64) -> String {
    let k = labels.len();
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| mean_ranks[a].total_cmp(&mean_ranks[b]));
    let sorted: Vec<f64> = order.iter().map(|&m| mean_ranks[m]).collect();
    let groups = crate::analysis::compare::cliques(&sorted, cd);
    let label_rows = k.div_ceil(2);
    let texts: Vec<String> = order
        .iter()
        .map(|&m| format!("{} ({:.2})", labels[m], mean_ranks[m]))
        .collect();
    // Each side as wide as its longest label needs (the better half is
    // labelled on the left), and the axis 460 wide between them.
    let side = |range: std::ops::Range<usize>| {
        texts[range]
            .iter()
            .map(|t| text::width(t, 13.0) + 30.0)
            .fold(150.0, f64::max)
            .ceil()
    };
    let left = side(0..label_rows);
    let right = left + 460.0;
    let width = right + side(label_rows..k);
    let x = |rank: f64| left + (rank - 1.0) / (k.max(2) - 1) as f64 * (right - left);
    let axis_y = 70.0;
    let height = axis_y + 40.0 + 22.0 * (label_rows as f64) + 14.0 * groups.len() as f64 + 20.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">"#
    );
    let _ = write!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    // CD scale bar above the axis.
    let _ = write!(
        s,
        r#"<g class="cd"><line x1="{}" y1="22" x2="{}" y2="22" stroke="black" stroke-width="2"/><text x="{}" y="16" text-anchor="middle">CD = {cd:.3} (alpha = {alpha})</text></g>"#,
        x(1.0),
        x(1.0 + cd),
        (x(1.0) + x(1.0 + cd)) / 2.0
    );
    let _ = write!(
        s,
        r#"<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="black"/>"#
    );
    for r in 1..=k {
        let _ = write!(
            s,
            r#"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="black"/><text x="{0}" y="{3}" text-anchor="middle">{r}</text>"#,
            x(r as f64),
            axis_y - 6.0,
            axis_y,
            axis_y - 10.0
        );
    }
    let bars_y = axis_y + 12.0;
    for (g, (first, last)) in groups.iter().enumerate() {
        let y = bars_y + 14.0 * g as f64;
        let _ = write!(
            s,
            r#"<line class="clique" data-first="{first}" data-last="{last}" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="black" stroke-width="4"/>"#,
            x(sorted[*first]) - 4.0,
            x(sorted[*last]) + 4.0
        );
    }
    let labels_y = bars_y + 14.0 * groups.len() as f64 + 14.0;
    for (position, &m) in order.iter().enumerate() {
        // The better half is labelled on the left, the rest on the right.
        let row = if position < label_rows {
            position
        } else {
            k - 1 - position
        };
        let y = labels_y + 22.0 * row as f64;
        let (text_x, anchor) = if position < label_rows {
            (left - 10.0, "end")
        } else {
            (right + 10.0, "start")
        };
        let _ = write!(
            s,
            r#"<g class="method" data-label="{label}" data-rank="{rank}"><polyline points="{mx},{axis_y} {mx},{y} {text_x},{y}" fill="none" stroke="black"/><text x="{tx}" y="{ty}" text-anchor="{anchor}">{text}</text></g>"#,
            label = xml_escape(&labels[m]),
            text = xml_escape(&texts[position]),
            rank = mean_ranks[m],
            mx = x(mean_ranks[m]),
            tx = if anchor == "end" {
                text_x - 4.0
            } else {
                text_x + 4.0
            },
            ty = y + 4.0,
        );
    }
    s.push_str("</svg>");
    s
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(svg: &str) -> roxmltree::Document<'_> {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("invalid SVG: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc
    }

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("M{i}")).collect()
    }

    #[test]
    fn every_chart_is_valid_svg_with_its_title() {
        let m = labels(3);
        let d = vec!["wine".to_string(), "pima".to_string()];
        let means = vec![
            vec![Some(1.0), Some(2.0), None],
            vec![Some(3.0), Some(0.5), Some(9.0)],
        ];
        let log_means = vec![vec![Some(0.002), Some(400.0), Some(3.0)]];
        for text in [
            per_dataset("Fig 1 & co", "error", &m, &d, &means).unwrap(),
            per_dataset("log", "mse", &m, &d[..1], &log_means).unwrap(),
            time_bars("Fig 3", &m, &[Some(1.5), None, Some(0.2)]).unwrap(),
            sweep(
                "Fig 4",
                "particles",
                "error",
                &[(50.0, 3.0), (100.0, 2.0), (200.0, 2.5)],
            )
            .unwrap(),
            boxes(
                "wine",
                "error",
                &m,
                &[vec![1.0, 2.0, 3.0, 4.0], vec![], vec![2.0, 2.5]],
            )
            .unwrap(),
            cd_diagram(&m, &[1.5, 2.0, 2.5], 0.8, 0.05),
            // A diverged run beside ordinary ones must not stall the axes.
            per_dataset(
                "diverged",
                "mse",
                &m,
                &d[..1],
                &[vec![Some(3000.0), Some(1e298), Some(5000.0)]],
            )
            .unwrap(),
            boxes(
                "diverged",
                "mse",
                &m,
                &[vec![3000.0, 3100.0], vec![1e298, 2.0], vec![]],
            )
            .unwrap(),
            // A stored NaN (SQLite keeps it as NULL) is no quartile.
            boxes(
                "nan",
                "mse",
                &m,
                &[vec![f64::NAN, 1.0], vec![f64::NAN], vec![2.0]],
            )
            .unwrap(),
        ] {
            let doc = parses(&text);
            assert!(doc.descendants().any(|n| n.has_tag_name("text")), "no text");
        }
    }

    /// Long labels, 40 datasets and values from 0.002 to 400: the worst a
    /// user's experiment may bring, in every kind of figure.
    #[test]
    fn no_figure_clips_a_label_however_long_the_names() {
        let methods: Vec<String> = [
            "PROPOSED_ADAM",
            "GEMONN_NO_REFINE_WITH_A_LONG_SUFFIX",
            "M",
            "A method label a user wrote as a whole sentence, far too long for any axis",
            "RPROP",
            "ADAM",
            "NEAT",
            "GENETIC",
            "RBF",
        ]
        .map(String::from)
        .to_vec();
        let k = methods.len();
        let datasets: Vec<String> = (0..40)
            .map(|d| match d {
                3 => "a_very_long_dataset_name_from_a_spreadsheet_export/local".into(),
                _ => format!("dataset{d}/tsoulos"),
            })
            .collect();
        let means: Vec<Vec<Option<f64>>> = (0..40)
            .map(|d| {
                (0..k)
                    .map(|m| Some(0.002 * 10f64.powf((d + m) as f64 / 8.0)))
                    .collect()
            })
            .collect();
        let runs: Vec<Vec<f64>> = (0..k)
            .map(|m| vec![m as f64, 1e5 + m as f64, 3.0])
            .collect();
        let ranks: Vec<f64> = (0..k).map(|m| 1.0 + m as f64 * 0.9).collect();
        let curves: Vec<Vec<(f64, f64)>> = (0..k)
            .map(|m| vec![(1.0, 100.0 + m as f64), (5000.0, 0.01)])
            .collect();
        let points: Vec<Vec<(f64, f64)>> =
            (0..k).map(|m| vec![(0.1, m as f64), (0.9, 0.5)]).collect();
        let long = "a_very_long_dataset_name_from_a_spreadsheet_export/local: test-part fronts of every method";
        let figures = [
            per_dataset(long, "class_error_pct", &methods, &datasets, &means).unwrap(),
            cd_diagram(&methods, &ranks, 1.3, 0.05),
            time_bars(long, &methods, &vec![Some(12345.678); k]).unwrap(),
            sweep(
                long,
                "a long parameter name",
                "average class_error_pct",
                &[(1.0, 0.00123), (2.0, 123456.0)],
            )
            .unwrap(),
            boxes(long, "class_error_pct", &methods, &runs).unwrap(),
            convergence(long, &methods, &curves).unwrap(),
            fronts(
                long,
                ("density", "reconstruction mse"),
                &methods,
                &points,
                &points,
            )
            .unwrap(),
        ];
        for svg in &figures {
            assert_eq!(clipped(svg), Ok(vec![]));
        }
        // The dot plot names every dataset on a row of its own, the first on top.
        let doc = parses(&figures[0]);
        let mut rows: Vec<(f64, String)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| {
                let name = n.text()?.trim();
                let y = n.attribute("y")?.parse().ok()?;
                datasets
                    .iter()
                    .any(|d| text::fit(d, pixels(LABEL), 300.0) == name)
                    .then(|| (y, name.to_string()))
            })
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(rows.len(), 40);
        assert_eq!(rows[0].1, "dataset0/tsoulos");
        assert!(rows.windows(2).all(|w| w[1].0 - w[0].0 >= 14.0), "{rows:?}");
    }

    #[test]
    fn the_cd_diagram_places_methods_in_rank_order_and_bars_as_computed() {
        let names: Vec<String> = ["C4.5", "C4.5+m", "C4.5+cf", "C4.5+m+cf"]
            .map(String::from)
            .to_vec();
        // Demsar (2006) Fig. 1's example: mean ranks and CD = 1.25.
        let ranks = [3.143, 2.000, 2.893, 1.964];
        let text = cd_diagram(&names, &ranks, 1.25, 0.05);
        let doc = parses(&text);
        let methods: Vec<(String, f64, f64)> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("method"))
            .map(|g| {
                let line = g.children().find(|c| c.has_tag_name("polyline")).unwrap();
                let x: f64 = line
                    .attribute("points")
                    .unwrap()
                    .split(',')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                (
                    g.attribute("data-label").unwrap().to_string(),
                    g.attribute("data-rank").unwrap().parse().unwrap(),
                    x,
                )
            })
            .collect();
        // The diagram's left-to-right order is the textual ranking.
        let mut by_x = methods.clone();
        by_x.sort_by(|a, b| a.2.total_cmp(&b.2));
        let by_x: Vec<&str> = by_x.iter().map(|(l, _, _)| l.as_str()).collect();
        assert_eq!(by_x, ["C4.5+m+cf", "C4.5+m", "C4.5+cf", "C4.5"]);
        for (label, rank, _) in &methods {
            let i = names.iter().position(|n| n == label).unwrap();
            assert_eq!(*rank, ranks[i]);
        }
        // Demsar section 3.2.4: at 0.05 (CD 1.25) no pair differs, one bar
        // joins all four; at 0.10 (CD 1.12) C4.5 is worse than C4.5+m+cf and
        // C4.5+m (1.18 and 1.14 apart), so the bars split.
        let bars = |text: &str| -> Vec<(usize, usize)> {
            parses(text)
                .descendants()
                .filter(|n| n.attribute("class") == Some("clique"))
                .map(|n| {
                    let at = |a: &str| n.attribute(a).unwrap().parse().unwrap();
                    (at("data-first"), at("data-last"))
                })
                .collect()
        };
        assert_eq!(bars(&text), vec![(0, 3)]);
        assert_eq!(
            bars(&cd_diagram(&names, &ranks, 1.12, 0.10)),
            vec![(0, 2), (2, 3)]
        );
    }
}
