//! Laying a described object's entries out as node's inspector does: on one line when they fit
//! in the line width, else one entry per line, and an array of more than six short entries in
//! columns. (The rules below are node's observable layout, re-derived for this crate.)

/// Entries beyond this many make an array a candidate for columns.
const COLUMNS_FROM: usize = 6;
/// Objects nested this many levels deep or more are never on one line.
const MAX_LEVELS_ON_A_LINE: usize = 3;
/// Columns never number more than this.
const MAX_COLUMNS: usize = 12;

/// How the elements of an array line up in columns: numbers to the right, anything else to the
/// left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Columns {
    /// Not an array: never in columns.
    Never,
    /// An array of numbers (and bigints).
    Right,
    /// Any other array.
    Left,
}

/// What surrounds the entries: `base` (a function's or an error's own text, may be empty) and the
/// opening and closing braces (`Map(2) {` and `}`).
pub(super) struct Frame<'a> {
    pub base: &'a str,
    pub open: &'a str,
    pub close: &'a str,
}

/// The entries inside `frame`, `indentation` spaces in; `width` is the line width (`None`: one
/// line whatever the length), `more` whether the last entry is a `... n more items` line, `nested`
/// how many levels of objects the entries went through (the last one described): node keeps at
/// most three levels on one line.
pub(super) fn lay_out(
    mut entries: Vec<String>,
    frame: &Frame<'_>,
    indentation: usize,
    width: Option<usize>,
    columns: Columns,
    more: bool,
    nested: usize,
) -> String {
    let prefix = if frame.base.is_empty() {
        String::new()
    } else {
        format!("{} ", frame.base)
    };
    let (open, close) = (frame.open, frame.close);
    let Some(width) = width else {
        return format!("{prefix}{open} {} {close}", entries.join(", "));
    };
    let count = entries.len();
    if columns != Columns::Never
        && count > COLUMNS_FROM
        && let Some(rows) = in_columns(&entries, indentation, width, columns, more)
    {
        entries = rows;
    }
    if entries.len() == count && nested < MAX_LEVELS_ON_A_LINE {
        let start = count + indentation + open.chars().count() + frame.base.chars().count() + 10;
        if fits(&entries, start, frame.base, width) {
            let joined = entries.join(", ");
            if !joined.contains('\n') {
                return format!("{prefix}{open} {joined} {close}");
            }
        }
    }
    let indent = " ".repeat(indentation);
    let separator = format!(",\n{indent}  ");
    format!(
        "{prefix}{open}\n{indent}  {}\n{indent}{close}",
        entries.join(&separator)
    )
}

/// Whether the entries, with their separators and what comes before them, fit in `width`.
fn fits(entries: &[String], start: usize, base: &str, width: usize) -> bool {
    let mut total = entries.len() + start;
    if total + entries.len() > width {
        return false;
    }
    for entry in entries {
        total += entry.chars().count();
        if total > width {
            return false;
        }
    }
    !base.contains('\n')
}

/// The entries as rows of columns, or `None` when they are too wide or too uneven for columns.
fn in_columns(
    entries: &[String],
    indentation: usize,
    width: usize,
    columns: Columns,
    more: bool,
) -> Option<Vec<String>> {
    // The `... n more items` line stays a line of its own.
    let cells = if more {
        entries.len() - 1
    } else {
        entries.len()
    };
    let lengths: Vec<usize> = entries[..cells]
        .iter()
        .map(|entry| entry.chars().count())
        .collect();
    // Each cell takes a comma and a space besides its text.
    let total: usize = lengths.iter().map(|length| length + 2).sum();
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let cell = longest + 2;
    let even_enough = total as f64 / cell as f64 > 5.0 || longest <= 6;
    if cell * 3 + indentation >= width || !even_enough {
        return None;
    }
    // Aim at a square (a character is about 2.5 times as high as wide), favouring more columns
    // for short entries, within the line width.
    let average = total as f64 / entries.len() as f64;
    let bias = (cell as f64 - average).max(0.0).sqrt();
    let biased = (cell as f64 - 3.0 - bias).max(1.0);
    let square = ((2.5 * biased * cells as f64).sqrt() / biased).round() as usize;
    let count = square.min((width - indentation) / cell).min(MAX_COLUMNS);
    if count <= 1 {
        return None;
    }
    let column_widths: Vec<usize> = (0..count)
        .map(|column| {
            lengths[column..]
                .iter()
                .step_by(count)
                .copied()
                .max()
                .unwrap_or(0)
                + 2
        })
        .collect();
    let mut rows = Vec::with_capacity(cells / count + 2);
    for start in (0..cells).step_by(count) {
        let end = (start + count).min(cells);
        let mut row = String::new();
        for index in start..end {
            let column_width = column_widths[index - start];
            let last = index + 1 == end;
            let text = if last {
                entries[index].clone()
            } else {
                format!("{}, ", entries[index])
            };
            let target = if last { column_width - 2 } else { column_width };
            let padding = " ".repeat(target.saturating_sub(text.chars().count()));
            match columns {
                Columns::Right => {
                    row.push_str(&padding);
                    row.push_str(&text);
                }
                _ if last => row.push_str(&text),
                _ => {
                    row.push_str(&text);
                    row.push_str(&padding);
                }
            }
        }
        rows.push(row);
    }
    if more {
        rows.push(entries[cells].clone());
    }
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(count: usize) -> Vec<String> {
        (0..count).map(|n| n.to_string()).collect()
    }

    const BRACKETS: Frame<'static> = Frame {
        base: "",
        open: "[",
        close: "]",
    };

    #[test]
    fn short_entries_stay_on_one_line() {
        let entries = vec!["1".to_owned(), "2".to_owned()];
        assert_eq!(
            lay_out(entries, &BRACKETS, 0, Some(80), Columns::Right, false, 0),
            "[ 1, 2 ]"
        );
    }

    #[test]
    fn more_than_six_short_elements_go_in_columns() {
        assert_eq!(
            lay_out(numbers(8), &BRACKETS, 0, Some(80), Columns::Right, false, 0),
            "[\n  0, 1, 2, 3,\n  4, 5, 6, 7\n]"
        );
    }

    #[test]
    fn long_entries_go_one_per_line() {
        let entries = vec!["x".repeat(50), "y".repeat(50)];
        assert_eq!(
            lay_out(entries, &BRACKETS, 0, Some(80), Columns::Left, false, 0),
            format!("[\n  '{}',\n  '{}'\n]", "x".repeat(50), "y".repeat(50)).replace('\'', "")
        );
    }
}
