//! `evcalc explain`: a vCenter vMotion CPU error in plain words (`app::vmotion_error`); with host
//! dumps, the cluster answer (or one move) restricted to the error's features.

use super::{Output, json, outln};
use crate::inputs::{self, Fail, Loaded};
use crate::table::{Paint, field, wrap};
use crate::{CheckArgs, Ctx, EvcArgs, ExplainArgs, MatrixView};
use evcalc::app::vmotion_error::{self, ExplainAnswer, ExplainRequest};
use std::path::PathBuf;

pub fn run(args: &ExplainArgs, ctx: &Ctx) -> Result<Output, Fail> {
    let files = inputs::expand(&args.files)?;
    let loaded = inputs::load(files, ctx.modes.as_deref())?;
    let request = evcalc::app::Request {
        evc: args.evc.clone(),
        ..Default::default()
    };
    answer_loaded(
        loaded,
        args.from.clone(),
        args.to.clone(),
        &request,
        &args.files,
        ctx,
    )
}

/// The error-text answer for loaded inputs (`explain`, and `cluster` with only error texts).
pub fn answer_loaded(
    mut loaded: Loaded,
    from: Option<String>,
    to: Option<String>,
    request: &evcalc::app::Request,
    files: &[PathBuf],
    ctx: &Ctx,
) -> Result<Output, Fail> {
    let from = from
        .map(|f| {
            loaded
                .host_index(&f, "--from")
                .map(|i| loaded.ws.hosts[i].name.clone())
        })
        .transpose()?;
    let to = to
        .map(|t| {
            loaded
                .host_index(&t, "--to")
                .map(|i| loaded.ws.hosts[i].name.clone())
        })
        .transpose()?;
    let modes = loaded.ws.modes.clone();
    let inputs = loaded.ws.inputs.clone();
    let req = ExplainRequest {
        request: request.clone(),
        from: from.clone(),
        to: to.clone(),
    };
    let answer = vmotion_error::answer_in(&mut loaded.ws, &req, Vec::new(), Vec::new());
    if let Some(fail) = super::cluster::option_failure(&answer.option_errors) {
        return Err(fail);
    }
    let mut warnings = loaded.warnings.clone();
    warnings.extend(answer.warnings.iter().cloned());
    let stdout = if ctx.json {
        json(&answer)
    } else {
        let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        let mut out = render(&answer, ctx);
        if let Some(c) = &answer.cluster {
            out.push_str(&super::cluster::render(
                c,
                &modes,
                &names,
                MatrixView::Classes,
                ctx,
            ));
        }
        if let Some(c) = &answer.check {
            let args = CheckArgs {
                files: files.to_vec(),
                from: from.clone(),
                to: to.clone().unwrap_or_default(),
                vm: None,
                evc: EvcArgs {
                    evc: request.evc.clone(),
                    only: answer.only.clone(),
                    ..Default::default()
                },
                to_evc: None,
            };
            out.push_str(&super::check::render(c, &modes, &names, &args, ctx));
        }
        out
    };
    Ok(Output {
        stdout,
        code: answer.exit_code(),
        warnings: super::dedup(warnings),
        inputs,
        ..Output::default()
    })
}

fn render(a: &ExplainAnswer, ctx: &Ctx) -> String {
    let st = &ctx.style;
    let mut buf = String::new();
    let paint = match a.verdict {
        evcalc::report::Verdict::Blocked => Paint::Bad,
        evcalc::report::Verdict::Unknown => Paint::Warn,
        evcalc::report::Verdict::Compatible => Paint::Good,
    };
    outln!(
        buf,
        "{}",
        st.paint(paint, &wrap(&a.headline, crate::table::WIDTH, 0))
    );
    outln!(buf);
    for r in &a.registers {
        let bits = match (&r.host_bits, &r.required_bits) {
            (Some(h), Some(q)) => format!(" — host {h}, required {q}"),
            _ => String::new(),
        };
        buf.push_str(&field(
            2,
            "register",
            10,
            &format!("CPUID {} {}{bits} ({})", r.level, r.register, r.source),
        ));
    }
    let shown: Vec<_> = a.features.iter().filter(|f| !f.candidate).collect();
    let candidates: Vec<_> = a.features.iter().filter(|f| f.candidate).collect();
    if !shown.is_empty() {
        outln!(
            buf,
            "{}",
            st.paint(Paint::Bold, "Features the error names:")
        );
        for f in &shown {
            let tag = if f.reported_not_confirmed {
                " [form reported by admins, not confirmed]"
            } else {
                ""
            };
            buf.push_str(&field(2, "-", 1, &format!("{}{tag}", f.words)));
        }
    }
    if !candidates.is_empty() {
        let keys: Vec<String> = candidates
            .iter()
            .map(|f| {
                f.feature
                    .as_ref()
                    .map_or(f.named.clone(), |r| r.key.clone())
            })
            .collect();
        buf.push_str(&field(
            2,
            "candidates",
            10,
            &format!(
                "{} (the error names only the register: a host dump of the target decides)",
                keys.join(", ")
            ),
        ));
    }
    if !a.collect_next.is_empty() {
        outln!(buf, "{}", st.paint(Paint::Bold, "Collect next:"));
        for c in &a.collect_next {
            buf.push_str(&field(2, "-", 1, c));
        }
    }
    if a.cluster.is_some() || a.check.is_some() {
        outln!(buf);
        outln!(
            buf,
            "{}",
            st.paint(
                Paint::Bold,
                &wrap(
                    &format!("On the dumps, restricted to {}:", a.only.join(", ")),
                    crate::table::WIDTH,
                    0
                )
            )
        );
    }
    outln!(buf);
    buf
}
