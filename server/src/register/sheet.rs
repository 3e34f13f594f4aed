//! A register file as a grid of text: the first worksheet of a workbook, or a CSV file in
//! whichever encoding and separator Excel saved it with.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets};
use domain::FieldCode;
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1258};
use unicode_normalization::UnicodeNormalization;

/// More rows than any ward's register: a file this long is not one.
pub const MAX_ROWS: usize = 50_000;
/// More columns than any register has (a dozen or two). A cell beyond is refused before the
/// sheet is laid out: calamine lays a sheet out as a full grid, and a lone cell at XFD1048576
/// would make that 17 billion cells.
pub const MAX_COLUMNS: u32 = 256;
/// What a workbook may hold once unzipped, as its archive declares it: a register of 50,000
/// rows is some tens of megabytes of XML. A 100 KB "zip bomb" of a 100 MB cell is refused
/// before anything is inflated.
pub const MAX_UNZIPPED: u128 = 64 * 1024 * 1024;
/// The most cells the sheets of an .ods or .xls may span in all, empty ones included, from
/// each sheet's first cell that holds something to its last: a register's rows times a
/// generous two dozen columns. calamine lays every sheet of these out whole: a 7 KB .ods of
/// repeated empty rows around two cells took 6.3 GB and 16 s, and a 6 KB .xls with cells at
/// A1 and IV65536 took 1 GB more per sheet.
pub const MAX_GRID_CELLS: u64 = MAX_ROWS as u64 * 24;

#[derive(Debug)]
pub struct Sheet {
    pub format: &'static str,
    pub encoding: Option<&'static str>,
    /// Each row with its line in the file (from 1); blank lines are kept out.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads `bytes` as a workbook (.xlsx, .xls, .ods) or else as CSV text.
pub fn read(bytes: &[u8]) -> Result<Sheet, FieldCode> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FieldCode::Required);
    }
    let looks_like_workbook = bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let sheet = if looks_like_workbook {
        workbook(bytes)?
    } else {
        csv_text(bytes)?
    };
    if sheet.rows.len() > MAX_ROWS {
        return Err(FieldCode::TooLong);
    }
    if sheet.rows.is_empty() {
        return Err(FieldCode::Required);
    }
    Ok(sheet)
}

fn workbook(bytes: &[u8]) -> Result<Sheet, FieldCode> {
    if bytes.starts_with(b"PK\x03\x04") {
        // What the central directory declares, which is there even when an entry's own
        // header leaves its size to a data descriptor after the data.
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FieldCode::InvalidFormat)?;
        let mut unzipped = 0u128;
        for i in 0..archive.len() {
            let entry = archive
                .by_index_raw(i)
                .map_err(|_| FieldCode::InvalidFormat)?;
            unzipped += u128::from(entry.size());
        }
        if unzipped > MAX_UNZIPPED {
            return Err(FieldCode::TooLong);
        }
        if let Ok(content) = archive.by_name("content.xml") {
            ods_extent(std::io::BufReader::new(content))?;
        }
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        xls_extent(bytes)?;
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| FieldCode::InvalidFormat)?;
    let format = match book {
        Sheets::Xls(_) => "xls",
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Ods(_) => "ods",
    };
    let first = book.sheet_names().first().cloned();
    // The same calls on two readers of different types.
    macro_rules! streamed {
        ($reader:expr) => {{
            let mut cells = $reader
                .worksheet_cells_reader(first.as_deref().ok_or(FieldCode::Required)?)
                .map_err(|_| FieldCode::InvalidFormat)?;
            Some(streamed_rows(|| {
                cells
                    .next_cell()
                    .map_err(|_| FieldCode::InvalidFormat)
                    .transpose()
            })?)
        }};
    }
    let streamed = match &mut book {
        Sheets::Xlsx(xlsx) => streamed!(xlsx),
        Sheets::Xlsb(xlsb) => streamed!(xlsb),
        Sheets::Xls(_) | Sheets::Ods(_) => None,
    };
    if let Some(rows) = streamed {
        return Ok(Sheet {
            format,
            encoding: None,
            rows,
        });
    }
    let range = book
        .worksheet_range_at(0)
        .ok_or(FieldCode::Required)?
        .map_err(|_| FieldCode::InvalidFormat)?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let padding = std::iter::repeat_n(String::new(), left as usize);
            let row: Vec<String> = padding.chain(cells.iter().map(cell_text)).collect();
            (top as usize + i + 1, row)
        })
        .filter(|(_, row)| !is_blank(row))
        .collect();
    Ok(Sheet {
        format,
        encoding: None,
        rows,
    })
}

/// The cells an extent spans: (first row, last row, first column, last column).
fn span((r0, r1, c0, c1): (u64, u64, u64, u64)) -> u64 {
    (r1 - r0 + 1).saturating_mul(c1 - c0 + 1)
}

/// Refuses an OpenDocument file whose sheets' cells that hold something span more than
/// `MAX_GRID_CELLS` in all, reading its XML as a stream: rows and cells may each say they
/// repeat, which is how a tiny file describes a vast empty grid.
fn ods_extent(content: impl std::io::BufRead) -> Result<(), FieldCode> {
    use quick_xml::events::{BytesStart, Event};

    fn repeats(e: &BytesStart, name: &str) -> Result<u64, FieldCode> {
        match e.try_get_attribute(name) {
            Ok(None) => Ok(1),
            Ok(Some(a)) => a
                .value
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(FieldCode::InvalidFormat),
            Err(_) => Err(FieldCode::InvalidFormat),
        }
    }

    let mut reader = quick_xml::Reader::from_reader(content);
    let mut buf = Vec::new();
    // Where the next row and cell start, the current row's repeats, and the extent so far:
    // (first row, last row, first column, last column) of the cells that hold something.
    let (mut row, mut column, mut rows) = (0u64, 0u64, 1u64);
    let mut extent: Option<(u64, u64, u64, u64)> = None;
    // What the sheets before this one span.
    let mut spanned = 0u64;
    let mut in_table = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| FieldCode::InvalidFormat)?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) if e.name().as_ref() == "table:table" => {
                spanned = spanned.saturating_add(extent.take().map_or(0, span));
                in_table = false;
                buf.clear();
                continue;
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" && in_table => {
                row = row.saturating_add(rows);
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        match e.name().as_ref() {
            "table:table" => {
                in_table = true;
                (row, column, rows) = (0, 0, 1);
            }
            "table:table-row" if in_table => {
                rows = repeats(e, "table:number-rows-repeated")?;
                column = 0;
                if empty {
                    row = row.saturating_add(rows);
                }
            }
            "table:table-cell" | "table:covered-table-cell" if in_table => {
                let columns = repeats(e, "table:number-columns-repeated")?;
                let holds = !empty
                    || e.try_get_attribute("office:value-type")
                        .ok()
                        .flatten()
                        .is_some();
                if holds {
                    let (last_row, last_column) = (
                        row.saturating_add(rows - 1),
                        column.saturating_add(columns - 1),
                    );
                    let (r0, r1, c0, c1) = extent.unwrap_or((row, last_row, column, last_column));
                    extent = Some((
                        r0.min(row),
                        r1.max(last_row),
                        c0.min(column),
                        c1.max(last_column),
                    ));
                }
                column = column.saturating_add(columns);
            }
            _ => {}
        }
        if let Some(extent) = extent
            && spanned.saturating_add(span(extent)) > MAX_GRID_CELLS
        {
            return Err(FieldCode::TooLong);
        }
        buf.clear();
    }
    Ok(())
}

/// Refuses an .xls whose sheets span more than `MAX_GRID_CELLS` in all, from the records of
/// its workbook stream: a sheet's declared dimensions (calamine reserves room for them, and a
/// lying record asks for billions of cells) and the cells calamine would read.
fn xls_extent(bytes: &[u8]) -> Result<(), FieldCode> {
    use std::io::Read;

    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| FieldCode::InvalidFormat)?;
    let mut stream = Vec::new();
    file.open_stream("/Workbook")
        .or_else(|_| file.open_stream("/Book"))
        .map_err(|_| FieldCode::InvalidFormat)?
        .read_to_end(&mut stream)
        .map_err(|_| FieldCode::InvalidFormat)?;
    let u16_at = |data: &[u8], at: usize| {
        data.get(at..at + 2)
            .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |data: &[u8], at: usize| {
        data.get(at..at + 4)
            .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let mut spanned = 0u64;
    let mut extent: Option<(u64, u64, u64, u64)> = None;
    let mut at = 0;
    while let (Some(kind), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data = stream
            .get(at + 4..at + 4 + len as usize)
            .unwrap_or_default();
        at += 4 + len as usize;
        let cells = match kind {
            // BOF: a sheet (or the globals) begins.
            0x0809 => {
                spanned = spanned.saturating_add(extent.take().map_or(0, span));
                None
            }
            // Dimensions: BIFF8 counts rows in 32 bits, BIFF5 in 16.
            0x0200 => {
                let declared = match data.len() {
                    10 => u16_at(data, 0)
                        .zip(u16_at(data, 2))
                        .zip(u16_at(data, 4).zip(u16_at(data, 6))),
                    _ => u32_at(data, 0)
                        .zip(u32_at(data, 4))
                        .zip(u16_at(data, 8).zip(u16_at(data, 10))),
                };
                if let Some(((r0, r1), (c0, c1))) = declared
                    && r1 >= r0
                    && c1 >= c0
                    && (r1 - r0 + 1).saturating_mul(c1 - c0 + 1) > MAX_GRID_CELLS
                {
                    return Err(FieldCode::TooLong);
                }
                None
            }
            // Number, Label, RString, BoolErr, Rk, LabelSst, Formula: one cell.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                u16_at(data, 0).zip(u16_at(data, 2)).map(|(r, c)| (r, c, c))
            }
            // MulRk: a run of cells in one row.
            0x00BD => u16_at(data, 0)
                .zip(u16_at(data, 2))
                .zip(data.len().checked_sub(2).and_then(|end| u16_at(data, end)))
                .map(|((r, first), last)| (r, first, last.max(first))),
            _ => None,
        };
        if let Some((row, first, last)) = cells {
            let (r0, r1, c0, c1) = extent.unwrap_or((row, row, first, last));
            let grown = (r0.min(row), r1.max(row), c0.min(first), c1.max(last));
            if spanned.saturating_add(span(grown)) > MAX_GRID_CELLS {
                return Err(FieldCode::TooLong);
            }
            extent = Some(grown);
        }
    }
    Ok(())
}

/// The first worksheet's rows, read cell by cell as the file lists them (.xlsx and .xlsb,
/// whose sheets calamine can stream), so that a cell far out is refused before any grid is
/// laid out, and a sheet is refused as soon as it is longer than a register.
fn streamed_rows<'a>(
    mut next_cell: impl FnMut() -> Option<Result<calamine::Cell<calamine::DataRef<'a>>, FieldCode>>,
) -> Result<Vec<(usize, Vec<String>)>, FieldCode> {
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    while let Some(cell) = next_cell().transpose()? {
        let (row, column) = cell.get_position();
        if column >= MAX_COLUMNS {
            return Err(FieldCode::TooLong);
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        if rows.len() >= MAX_ROWS && !rows.contains_key(&row) {
            return Err(FieldCode::TooLong);
        }
        let cells = rows.entry(row).or_default();
        if cells.len() <= column as usize {
            cells.resize(column as usize + 1, String::new());
        }
        cells[column as usize] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells))
        .collect())
}

/// A cell as the person sees it in the spreadsheet; dates as `dd/mm/yyyy`, as Vietnamese
/// registers write them.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// Composed Unicode (Windows-1258 and some Mac files write tones as separate marks), with
/// white space trimmed and runs of it made one space.
fn clean(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_blank(row: &[String]) -> bool {
    row.iter().all(String::is_empty)
}

/// The text of a CSV file: by its byte-order mark when it has one (Excel's "CSV UTF-8" and
/// "Unicode Text"), else UTF-8 when it is valid UTF-8, else UTF-16 when every other byte is
/// zero, else Windows-1258, the code page Vietnamese Windows saves "CSV" in.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let (encoding, body): (&'static Encoding, &[u8]) = match Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, &bytes[bom..]),
        None if std::str::from_utf8(bytes).is_ok() => (UTF_8, bytes),
        None => {
            let zeros = |start: usize| {
                bytes
                    .iter()
                    .skip(start)
                    .step_by(2)
                    .filter(|b| **b == 0)
                    .count()
            };
            let half = bytes.len() / 2;
            if half > 0 && zeros(1) * 10 >= half * 9 {
                (UTF_16LE, bytes)
            } else if half > 0 && zeros(0) * 10 >= half * 9 {
                (UTF_16BE, bytes)
            } else {
                (WINDOWS_1258, bytes)
            }
        }
    };
    let (text, _) = encoding.decode_without_bom_handling(body);
    (text.into_owned(), encoding.name())
}

/// The separator the file uses: Excel writes commas, semicolons where the decimal mark is a
/// comma, and tabs for "Unicode Text". The one found most often in the first lines wins.
fn separator(text: &str) -> u8 {
    let head: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .collect();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&sep| {
            head.iter()
                .map(|l| l.bytes().filter(|&b| b == sep).count())
                .sum::<usize>()
        })
        .unwrap_or(b',')
}

fn csv_text(bytes: &[u8]) -> Result<Sheet, FieldCode> {
    let (text, encoding) = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // Lines counted from the records' byte offsets: the reader's own line count lags behind
    // on "\r\n" line ends. Its offset may be at the line end before the record, and before
    // blank lines it skipped; a record itself never starts with a line end.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|_| FieldCode::InvalidFormat)?;
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize);
        while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        line += bytes[counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = start;
        let row: Vec<String> = record.iter().map(clean).collect();
        if !is_blank(&row) {
            rows.push((line, row));
        }
        if rows.len() > MAX_ROWS {
            break;
        }
    }
    Ok(Sheet {
        format: "csv",
        encoding: Some(encoding),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(sheet: &Sheet) -> Vec<(usize, Vec<&str>)> {
        sheet
            .rows
            .iter()
            .map(|(line, row)| (*line, row.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn reads_excel_csv_in_each_encoding_to_the_same_text() {
        let expected = vec![
            (1, vec!["Họ và tên", "Năm sinh"]),
            (4, vec!["Nguyễn Thị Hồng", "1958"]),
        ];
        let text = "Họ và tên;Năm sinh\r\n;\r\n\r\nNguyễn Thị Hồng;1958\r\n";
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                text.replace(';', "\t")
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        // Windows-1258 as Vietnamese Windows writes it: "ễ" is "ê" and a combining tilde (0xDE),
        // "ọ" is "o" and a combining dot below (0xF2).
        let cp1258 = b"Ho\xf2 va\xcc t\xean;N\xe3m sinh\r\n;\r\n\r\nNguy\xea\xden Thi\xf2 H\xf4\xccng;1958\r\n";
        for (bytes, encoding) in [
            (text.as_bytes().to_vec(), "UTF-8"),
            (bom, "UTF-8"),
            (utf16, "UTF-16LE"),
            (cp1258.to_vec(), "windows-1258"),
        ] {
            let sheet = read(&bytes).unwrap();
            assert_eq!(sheet.encoding, Some(encoding));
            assert_eq!(cells(&sheet), expected, "{encoding}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_register() {
        assert_eq!(read(b"  \n").unwrap_err(), FieldCode::Required);
        assert_eq!(
            read(b"PK\x03\x04 not really a zip").unwrap_err(),
            FieldCode::InvalidFormat
        );
    }
}
