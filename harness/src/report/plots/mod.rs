//! The report's figures as SVG text: plotters for the charts, with no font
//! features (the browser lays out the text, so nothing needs system fonts),
//! and the critical-difference diagram written by hand, because plotters has
//! no such chart and the diagram must carry its ranks for the check that it
//! agrees with the report's text.

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt::Write;

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

/// Every chart's frame: caption, margin and axis label areas.
fn frame<'a, 'b>(area: &'a Area<'b>, title: &str) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70);
    builder
}

/// Names the methods under a categorical axis.
fn method_label(methods: &[String]) -> impl Fn(&SegmentValue<usize>) -> String + '_ {
    move |x| match x {
        SegmentValue::CenterOf(i) if *i < methods.len() => short(&methods[*i]),
        _ => String::new(),
    }
}

/// Tsoulos et al. Figs 1-2: each method's mean error on every dataset, one
/// colour per dataset. `means[dataset][method]`.
pub fn scatter(
    title: &str,
    y_label: &str,
    methods: &[String],
    datasets: &[String],
    means: &[Vec<Option<f64>>],
) -> Result<String> {
    let values = means.iter().flatten().flatten().copied();
    let (lo, hi, log) = value_range(values);
    let k = methods.len();
    let legend_rows = datasets.len().div_ceil(4) as u32;
    svg((820, 460 + 18 * legend_rows), |root| {
        let (plot, legend) = root.split_vertically(460);
        let mut chart = frame(&plot, title);
        let x_range = -0.5..k as f64 - 0.5;
        let format_x = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < k {
                short(&methods[i as usize])
            } else {
                String::new()
            }
        };
        let point = |d: usize, m: usize, v: f64| {
            // Spread a dataset's points a little so equal values stay visible.
            let x = m as f64 + (d as f64 / datasets.len().max(1) as f64 - 0.5) * 0.5;
            Circle::new((x, v), 4, Palette99::pick(d).filled())
        };
        let points = means.iter().enumerate().flat_map(|(d, row)| {
            row.iter()
                .enumerate()
                .filter_map(move |(m, v)| v.map(|v| (d, m, v)))
        });
        if log {
            let mut c = chart.build_cartesian_2d(x_range, (lo..hi).log_scale())?;
            c.configure_mesh()
                .x_labels(k)
                .x_label_formatter(&format_x)
                .y_desc(y_label)
                .draw()?;
            c.draw_series(points.map(|(d, m, v)| point(d, m, v)))?;
        } else {
            let mut c = chart.build_cartesian_2d(x_range, lo..hi)?;
            c.configure_mesh()
                .x_labels(k)
                .x_label_formatter(&format_x)
                .y_desc(y_label)
                .draw()?;
            c.draw_series(points.map(|(d, m, v)| point(d, m, v)))?;
        }
        for (d, name) in datasets.iter().enumerate() {
            let (col, row) = ((d % 4) as i32, (d / 4) as i32);
            let at = (20 + col * 200, 8 + row * 18);
            legend.draw(&Circle::new(at, 4, Palette99::pick(d).filled()))?;
            legend.draw(&Text::new(
                name.clone(),
                (at.0 + 10, at.1 - 6),
                ("sans-serif", 12),
            ))?;
        }
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
    svg((820, 520), |root| {
        let (plot, legend) = root.split_vertically(480);
        let mut chart = frame(&plot, title);
        let colour = |m: usize| Palette99::pick(m);
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
        for (m, name) in methods.iter().enumerate() {
            let at = (20 + (m as i32 % 4) * 200, 10 + (m as i32 / 4) * 18);
            legend.draw(&Circle::new(at, 4, colour(m).filled()))?;
            legend.draw(&Text::new(
                short(name),
                (at.0 + 10, at.1 - 6),
                ("sans-serif", 12),
            ))?;
        }
        Ok(())
    })
}

/// Tsoulos et al. Fig 3: mean seconds per run of each method on one dataset.
pub fn time_bars(title: &str, methods: &[String], seconds: &[Option<f64>]) -> Result<String> {
    let hi = seconds.iter().flatten().fold(0.0f64, |a, b| a.max(*b)) * 1.15 + 1e-9;
    let k = methods.len();
    svg((820, 420), |root| {
        let mut chart = frame(root, title).build_cartesian_2d((0..k).into_segmented(), 0.0..hi)?;
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
                Palette99::pick(m).mix(0.8).filled(),
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
        let mut chart = frame(root, title).build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
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
pub fn boxes(title: &str, y_label: &str, methods: &[String], runs: &[Vec<f64>]) -> Result<String> {
    let (lo, hi, _) = value_range(runs.iter().flatten().copied());
    let k = methods.len();
    svg((640, 360), |root| {
        let mut chart =
            frame(root, title).build_cartesian_2d((0..k).into_segmented(), lo as f32..hi as f32)?;
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
                    .style(Palette99::pick(m))
            },
        ))?;
        Ok(())
    })
}

/// Best training SSE so far against objective evaluations, one line per
/// method, both axes logarithmic. `curves[method]` is (evaluations, value).
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
    svg((640, 380), |root| {
        let mut chart = frame(root, title)
            .build_cartesian_2d((1.0..x_hi * 1.2).log_scale(), (y_lo..y_hi).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("objective evaluations")
            .y_desc("best training SSE")
            .draw()?;
        for (m, curve) in curves.iter().enumerate() {
            if curve.is_empty() {
                continue;
            }
            let colour = Palette99::pick(m);
            let kept = curve.iter().copied().filter(|p| p.1 > 0.0);
            chart
                .draw_series(LineSeries::new(kept, colour.stroke_width(2)))?
                .label(short(&methods[m]))
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
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
    let (width, left, right) = (760.0, 150.0, 610.0);
    let x = |rank: f64| left + (rank - 1.0) / (k.max(2) - 1) as f64 * (right - left);
    let label_rows = k.div_ceil(2);
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
            r#"<g class="method" data-label="{label}" data-rank="{rank}"><polyline points="{mx},{axis_y} {mx},{y} {text_x},{y}" fill="none" stroke="black"/><text x="{tx}" y="{ty}" text-anchor="{anchor}">{label} ({rank:.2})</text></g>"#,
            label = xml_escape(&labels[m]),
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
            scatter("Fig 1 & co", "error", &m, &d, &means).unwrap(),
            scatter("log", "mse", &m, &d[..1], &log_means).unwrap(),
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
            scatter(
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
        ] {
            let doc = parses(&text);
            assert!(doc.descendants().any(|n| n.has_tag_name("text")), "no text");
        }
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
