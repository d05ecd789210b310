//! Markdown tables for every report of the xtask (bench, test262, behaviour), laid out by
//! comfy-table.

use comfy_table::{CellAlignment, Table, presets::ASCII_MARKDOWN};

/// A Markdown table: a header row, body rows, and the columns whose numbers align right.
pub(crate) struct MarkdownTable {
    table: Table,
    right: Vec<usize>,
}

impl MarkdownTable {
    /// A table with this header row; columns in `right` are right-aligned.
    pub(crate) fn new<S: ToString>(header: impl IntoIterator<Item = S>, right: &[usize]) -> Self {
        let mut table = Table::new();
        table.load_style(ASCII_MARKDOWN);
        table.set_header(header.into_iter().map(|cell| cell.to_string()));
        for &index in right {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        Self {
            table,
            right: right.to_vec(),
        }
    }

    /// Appends a row.
    pub(crate) fn row<S: ToString>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Self {
        self.table
            .add_row(cells.into_iter().map(|cell| cell.to_string()));
        self
    }

    /// The table as Markdown, without a final newline.
    pub(crate) fn render(&self) -> String {
        let text = self.table.to_string();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        // comfy-table pads right-aligned cells but draws the separator with dashes only; a
        // Markdown renderer needs `---:` to align the column, so mark those columns here.
        if let Some(separator) = lines.get_mut(1) {
            let mut cells: Vec<String> = separator.split('|').map(str::to_owned).collect();
            for &index in &self.right {
                // Cell 0 is the empty text before the first `|`.
                if let Some(cell) = cells.get_mut(index + 1).filter(|cell| cell.len() > 1) {
                    cell.pop();
                    cell.push(':');
                }
            }
            *separator = cells.join("|");
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_columns_are_marked_and_padded() {
        let mut table = MarkdownTable::new(["name", "n"], &[1]);
        table.row(["a", "1"]).row(["bb", "100"]);
        assert_eq!(
            table.render(),
            "| name |   n |\n|------|----:|\n| a    |   1 |\n| bb   | 100 |"
        );
    }
}
