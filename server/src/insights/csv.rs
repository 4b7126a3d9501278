//! Insights tables as CSV for a spreadsheet. Cells that a spreadsheet would read as
//! a formula (starting with =, +, -, @, a tab or a carriage return: OWASP's CSV
//! injection list) are prefixed with an apostrophe, so a visitor's search text can
//! never run in an editor's spreadsheet.

/// One CSV document: a header row, then the rows, each cell neutralised and quoted
/// when it needs to be.
pub fn document(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut csv = line(header.iter().map(|cell| (*cell).to_owned()));
    for row in rows {
        csv.push_str(&line(row));
    }
    csv
}

fn line(cells: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = cells.into_iter().map(|cell| cell_text(&cell)).collect();
    format!("{}\r\n", cells.join(","))
}

fn cell_text(cell: &str) -> String {
    let neutral =
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_separators_quoted() {
        let rows = vec![
            vec!["=HYPERLINK(\"http://evil\")".to_owned(), "3".to_owned()],
            vec!["+1".to_owned(), "-2".to_owned()],
            vec!["@SUM(A1)".to_owned(), "\tx".to_owned()],
            vec!["refund, late".to_owned(), "say \"hi\"".to_owned()],
            vec!["plain".to_owned(), "4".to_owned()],
        ];
        let csv = document(&["query", "count"], rows);
        assert_eq!(
            csv,
            "query,count\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",3\r\n'+1,'-2\r\n'@SUM(A1),'\tx\r\n\"refund, late\",\"say \"\"hi\"\"\"\r\nplain,4\r\n"
        );
    }
}
