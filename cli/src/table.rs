//! A tiny text-table and text-wrapping helper, with optional ANSI colour.
//!
//! Widths are counted in `char`s (host names and labels are ASCII or narrow Unicode such as
//! `–` and `®`), colour codes are added after padding so they never disturb alignment.

/// The width human output is laid out for.
pub const WIDTH: usize = 100;

/// How a piece of text is painted when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Plain,
    Good,
    Bad,
    Warn,
    Bold,
    Dim,
}

/// Colour on or off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn paint(&self, paint: Paint, text: &str) -> String {
        let code = match paint {
            Paint::Plain => return text.to_string(),
            Paint::Good => "32",
            Paint::Bad => "1;31",
            Paint::Warn => "33",
            Paint::Bold => "1",
            Paint::Dim => "2",
        };
        if self.color && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// One table cell.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub paint: Paint,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            paint: Paint::Plain,
        }
    }
    pub fn painted(text: impl Into<String>, paint: Paint) -> Cell {
        Cell {
            text: text.into(),
            paint,
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::new(s)
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::new(s)
    }
}

/// Left-aligned columns separated by two spaces; the last column is not padded and wraps
/// (with a hanging indent) when the line would exceed [`WIDTH`].
#[derive(Debug, Default)]
pub struct Table {
    indent: usize,
    header: Option<Vec<String>>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(indent: usize) -> Table {
        Table {
            indent,
            header: None,
            rows: Vec::new(),
        }
    }

    pub fn header(mut self, cols: &[&str]) -> Table {
        self.header = Some(cols.iter().map(|c| c.to_string()).collect());
        self
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self, style: &Style) -> String {
        let ncols = self
            .rows
            .iter()
            .map(Vec::len)
            .chain(self.header.as_ref().map(Vec::len))
            .max()
            .unwrap_or(0);
        if ncols == 0 {
            return String::new();
        }
        let mut widths = vec![0usize; ncols];
        for (i, h) in self.header.iter().flatten().enumerate() {
            widths[i] = widths[i].max(width(h));
        }
        for row in &self.rows {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(width(&c.text));
            }
        }
        let mut out = String::new();
        if let Some(h) = &self.header {
            let cells: Vec<Cell> = h
                .iter()
                .map(|t| Cell::painted(t.clone(), Paint::Bold))
                .collect();
            self.line(&mut out, &cells, &widths, style);
        }
        for row in &self.rows {
            self.line(&mut out, row, &widths, style);
        }
        out
    }

    fn line(&self, out: &mut String, cells: &[Cell], widths: &[usize], style: &Style) {
        let mut prefix_width = self.indent;
        out.push_str(&" ".repeat(self.indent));
        let last = cells.len().saturating_sub(1);
        for (i, cell) in cells.iter().enumerate() {
            if i == last {
                let room = WIDTH.saturating_sub(prefix_width);
                let text = if room >= 30 && width(&cell.text) > room {
                    wrap(&cell.text, room, prefix_width)
                } else {
                    cell.text.clone()
                };
                out.push_str(&style.paint(cell.paint, &text));
            } else {
                out.push_str(&style.paint(cell.paint, &cell.text));
                let pad = widths[i] - width(&cell.text) + 2;
                out.push_str(&" ".repeat(pad));
                prefix_width += widths[i] + 2;
            }
        }
        // No trailing spaces when trailing cells are empty.
        while out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
    }
}

/// Display width of plain text.
pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// Wraps `text` at word boundaries to lines of at most `room` characters; continuation lines
/// are indented by `indent` spaces. The first line carries no indent (the caller placed it).
pub fn wrap(text: &str, room: usize, indent: usize) -> String {
    let room = room.max(20);
    let lead = text.len() - text.trim_start_matches(' ').len();
    let mut out = " ".repeat(lead);
    let mut line_len = lead;
    let mut at_line_start = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = width(word);
        if !at_line_start && line_len + 1 + w > room {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            line_len = 0;
        } else if !at_line_start {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += w;
        at_line_start = false;
    }
    out
}

/// `label` padded to `label_width`, then `value` wrapped to [`WIDTH`] with a hanging indent.
pub fn field(indent: usize, label: &str, label_width: usize, value: &str) -> String {
    let prefix = indent + label_width.max(width(label)) + 2;
    let mut out = format!("{}{:<w$}  ", " ".repeat(indent), label, w = label_width);
    let lead = value.len() - value.trim_start_matches(' ').len();
    if value.trim().is_empty() {
        while out.ends_with(' ') {
            out.pop();
        }
    } else {
        out.push_str(&value[..lead]);
        out.push_str(&wrap(
            &value[lead..],
            WIDTH.saturating_sub(prefix + lead),
            prefix + lead,
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_trims() {
        let mut t = Table::new(2).header(&["a", "bb"]);
        t.row(vec!["xxx".into(), "y".into()]);
        t.row(vec!["z".into(), "".into()]);
        let s = t.render(&Style { color: false });
        assert_eq!(s, "  a    bb\n  xxx  y\n  z\n");
    }

    #[test]
    fn wraps_long_last_column() {
        let mut t = Table::new(0);
        t.row(vec!["k".into(), "word ".repeat(40).into()]);
        let s = t.render(&Style { color: false });
        assert!(s.lines().all(|l| width(l) <= WIDTH), "{s}");
        assert!(s.lines().skip(1).all(|l| l.starts_with("   word")), "{s}");
    }

    #[test]
    fn field_wraps_with_hanging_indent() {
        let s = field(2, "why", 10, &"abc ".repeat(50));
        assert!(s.lines().all(|l| width(l) <= WIDTH));
        assert!(s.lines().nth(1).unwrap().starts_with(&" ".repeat(14)));
    }
}
