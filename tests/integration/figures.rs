//! Partner data entry: the period form, the spreadsheet template, and uploads
//! of spreadsheets, good and hostile.

use crate::app_tests;
use crate::support::{count, TestApp};
use axum::http::StatusCode;
use rust_xlsxwriter::{ExcelDateTime, Formula, Workbook};

app_tests! {
    the_period_form_lists_what_a_partner_reports => the_period_form_lists_what_a_partner_reports;
    a_period_form_saves_all_figures_or_none => a_period_form_saves_all_figures_or_none;
    a_refused_save_without_javascript_keeps_what_was_typed => a_refused_save_without_javascript_keeps_what_was_typed;
    who_may_open_whose_figures => who_may_open_whose_figures;
    the_template_round_trips_through_an_upload => the_template_round_trips_through_an_upload;
    hostile_workbooks_are_refused_clearly_and_store_nothing => hostile_workbooks_are_refused_clearly_and_store_nothing;
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const SLAM: &str = "south-london-and-maudsley-nhs-foundation-trust";
const Q1: &str = "2024-25-Q1";

async fn the_period_form_lists_what_a_partner_reports(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let page = app.get_as(&format!("/me/figures?period={Q1}"), &slam).await;
    assert_eq!(page.status, StatusCode::OK);
    for key in [
        "SEL-m_liaison_1h-2024-25-Q1",
        // SLaM also serves Croydon, in SWL.
        "SWL-m_liaison_1h-2024-25-Q1",
        // A monthly metric has a box per month.
        "SEL-m_community_access-2024-04",
        "SEL-m_community_access-2024-06",
    ] {
        assert!(page.body.contains(&format!("name=\"values[{key}]\"")), "no box {key}");
    }
    // Acute trusts report ED attendances; a mental health trust does not.
    assert!(!page.body.contains("m_ed_mh_attendances"));
    assert!(page.body.contains("Download the template"));

    let unknown_period = app.get_as("/me/figures?period=2024-25-Q9", &slam).await;
    assert!(unknown_period.body.contains("2024-25-Q9"), "a bad period is named");
}

fn save_fields<'a>(csrf: &'a str, values: &'a [(&'a str, &'a str)]) -> Vec<(String, &'a str)> {
    let mut fields = vec![("csrf".to_string(), csrf), ("organisation".into(), ""), ("period".into(), Q1)];
    fields.extend(values.iter().map(|(key, value)| (format!("values[{key}]"), *value)));
    fields
}

async fn a_period_form_saves_all_figures_or_none(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let before = count(&app.pool, "reading").await;
    let values = [("SEL-m_liaison_1h-2024-25-Q1", "80"), ("SEL-m_advance_care_plans-2024-25-Q1", "101")];
    let fields = save_fields(&slam.csrf, &values);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let reply = app.post_form("/api/figures/save", Some(&slam), &fields).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let json = reply.json();
    let errors = json["Validation"].as_array().expect("field errors");
    assert_eq!(errors.len(), 1, "{json}");
    assert_eq!(errors[0]["field"], "SEL-m_advance_care_plans-2024-25-Q1");
    assert!(errors[0]["message"].as_str().unwrap_or_default().contains("101 is not a percentage"));
    assert_eq!(count(&app.pool, "reading").await, before, "nothing is saved when any box is wrong");

    let values = [
        ("SEL-m_liaison_1h-2024-25-Q1", "80"),
        ("SEL-m_advance_care_plans-2024-25-Q1", "61.5%"),
        ("SWL-m_liaison_1h-2024-25-Q1", ""),
    ];
    let fields = save_fields(&slam.csrf, &values);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let reply = app.post_form("/api/figures/save", Some(&slam), &fields).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["inserted"], 2, "an empty box is left alone");
    let listed = app.get(&format!("/api/v1/readings?ics=SEL&period={Q1}")).await.json();
    let acp =
        listed.as_array().expect("list").iter().find(|r| r["metric_id"] == "m_advance_care_plans").expect("saved");
    assert_eq!((acp["partner_id"].as_str(), acp["value"].as_f64()), (Some(SLAM), Some(61.5)));

    // The form now shows the figures; saving them again changes nothing.
    let page = app.get_as(&format!("/me/figures?period={Q1}"), &slam).await;
    assert!(page.body.contains("value=\"61.5\""), "the saved value is in its box");
    let reply = app.post_form("/api/figures/save", Some(&slam), &fields).await;
    assert_eq!(reply.json()["unchanged"], 2);

    // A box the form does not have (a forged or stale key) is refused.
    let forged = [("SEL-m_ed_mh_attendances-2024-04", "5")];
    let fields = save_fields(&slam.csrf, &forged);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let reply = app.post_form("/api/figures/save", Some(&slam), &fields).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("is not one of this form's figures"));
}

async fn a_refused_save_without_javascript_keeps_what_was_typed(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let body = format!(
        "csrf={}&organisation=&period={Q1}&values%5BSEL-m_liaison_1h-2024-25-Q1%5D=79&values%5BSEL-m_advance_care_plans-2024-25-Q1%5D=n%2Fa",
        slam.csrf
    );
    let request = axum::http::Request::post("/api/figures/save")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("referer", format!("http://localhost/me/figures?period={Q1}"))
        .header("cookie", &slam.cookie)
        .body(axum::body::Body::from(body))
        .expect("request");
    let reply = app.send(request).await;
    assert!(reply.status.is_redirection(), "{} {}", reply.status, reply.body);
    let location = reply.headers["location"].to_str().expect("location").to_string();
    assert!(location.starts_with("/me/figures?"), "{location}");
    let page = app.get_as(&location, &slam).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"79\""), "the good value is kept");
    assert!(page.body.contains("value=\"n/a\""), "the bad value is kept");
    assert!(page.body.contains("nothing was saved"));
    assert!(["\"n/a\" is not a number", "&quot;n/a&quot; is not a number", "&#34;n/a&#34; is not a number"]
        .iter()
        .any(|message| page.body.contains(message)));
    assert_eq!(count(&app.pool, "reading").await, 0);
}

async fn who_may_open_whose_figures(app: TestApp) {
    let board = app.sign_in("board@demo.test").await;
    let page = app.get_as("/me/figures?organisation=RV5", &board).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("South London and Maudsley"));
    let template = app.get_as("/me/figures.xlsx?organisation=RPG", &board).await;
    assert_eq!(template.status, StatusCode::OK);

    let slam = app.sign_in("slam@demo.test").await;
    let own_by_code = app.get_as("/me/figures?organisation=RV5", &slam).await;
    assert!(own_by_code.body.contains("name=\"values[SEL-m_liaison_1h-"), "a partner names itself by ODS code too");
    let reply = app.get_as("/me/figures.xlsx?organisation=RPG", &slam).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let reply = app.get_as("/me/figures.xlsx?organisation=nobody-at-all", &board).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    assert!(reply.body.contains("nobody-at-all"));
    let reply = app.get("/me/figures.xlsx").await;
    assert!(reply.status.is_redirection(), "signed out: to the sign-in page");
}

/// The template's Readings sheet, as calamine reads it: (row, column) → text.
fn template_rows(bytes: &[u8]) -> Vec<concordat_tracker::domain::readings_csv::CsvReading> {
    let sheet = concordat_tracker::server::workbook_reader::read_readings_workbook(bytes, 5000)
        .unwrap_or_else(|errors| panic!("the template reads back: {errors:?}"));
    sheet.rows
}

async fn the_template_round_trips_through_an_upload(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let reply = app.get_as(&format!("/me/figures.xlsx?period={Q1}"), &slam).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], XLSX);
    let template = reply_bytes(&app, &format!("/me/figures.xlsx?period={Q1}"), &slam).await;
    assert!(template_rows(&template).is_empty(), "a fresh template has no values, so no readings");

    // A partner fills two rows: one wrong, then right.
    let filled = |value: f64| {
        workbook(|sheet| {
            header(sheet)?;
            row(sheet, 1, "m_liaison_1h", "SEL", Q1, Cell::Number(82.0), "RV5")?;
            row(sheet, 2, "m_advance_care_plans", "SEL", Q1, Cell::Number(value), "RV5")?;
            Ok(())
        })
    };
    let reply = app.upload("/readings/upload", &slam, &slam.csrf, "figures.xlsx", &filled(101.0)).await;
    assert!(reply.status.is_redirection(), "{} {}", reply.status, reply.body);
    let location = reply.headers["location"].to_str().expect("location").to_string();
    assert!(location.starts_with("/readings?upload="), "{location}");
    let preview = app.get_as(&location, &slam).await;
    assert!(preview.body.contains("Readings!D3"), "the bad cell is named");
    assert!(preview.body.contains("101 is not a percentage"));
    assert_eq!(count(&app.pool, "reading").await, 0, "an upload imports nothing by itself");

    // Only its uploader sees an upload's preview.
    let oxleas = app.sign_in("oxleas@demo.test").await;
    let theirs = app.post_form("/api/readings/upload-preview", Some(&oxleas), &[("id", &location[17..])]).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);

    let reply = app.upload("/readings/upload", &slam, &slam.csrf, "figures.xlsx", &filled(64.0)).await;
    let location = reply.headers["location"].to_str().expect("location").to_string();
    let preview = app.post_form("/api/readings/upload-preview", Some(&slam), &[("id", &location[17..])]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let preview = preview.json();
    assert_eq!(preview["preview"]["rows"].as_array().map(Vec::len), Some(2), "{preview}");
    let csv = preview["csv"].as_str().expect("csv").to_string();
    let reply = app.post_form("/api/readings/import", Some(&slam), &[("csrf", &slam.csrf), ("csv", &csv)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["inserted"], 2);

    // The template now carries the values, and a cross-site upload is refused.
    let template = reply_bytes(&app, &format!("/me/figures.xlsx?period={Q1}"), &slam).await;
    assert_eq!(template_rows(&template).len(), 2);
    let forged = app.upload("/readings/upload", &slam, "not-the-token", "figures.xlsx", &filled(64.0)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

async fn reply_bytes(app: &TestApp, path: &str, browser: &crate::support::Browser) -> Vec<u8> {
    use tower::ServiceExt;
    let request = axum::http::Request::get(path).header("cookie", &browser.cookie);
    let response =
        app.router.clone().oneshot(request.body(axum::body::Body::empty()).expect("request")).await.expect("response");
    axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.expect("body").to_vec()
}

enum Cell<'a> {
    Number(f64),
    Text(&'a str),
    Date,
    FormulaWithResult,
    FormulaWithoutResult,
}

type Sheet = rust_xlsxwriter::Worksheet;
type Written = Result<(), rust_xlsxwriter::XlsxError>;

fn header(sheet: &mut Sheet) -> Written {
    for (col, name) in (0u16..).zip(["metric", "ics", "period", "value", "partner", "note"]) {
        sheet.write_string(0, col, name)?;
    }
    Ok(())
}

fn row(sheet: &mut Sheet, at: u32, metric: &str, ics: &str, period: &str, value: Cell, partner: &str) -> Written {
    sheet.write_string(at, 0, metric)?;
    sheet.write_string(at, 1, ics)?;
    sheet.write_string(at, 2, period)?;
    match value {
        Cell::Number(n) => sheet.write_number(at, 3, n).map(|_| ())?,
        Cell::Text(t) => sheet.write_string(at, 3, t).map(|_| ())?,
        Cell::Date => {
            let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            let date = ExcelDateTime::from_ymd(2024, 4, 1)?;
            sheet.write_datetime_with_format(at, 3, &date, &format).map(|_| ())?
        }
        Cell::FormulaWithResult => sheet.write_formula(at, 3, Formula::new("=40+2").set_result("42")).map(|_| ())?,
        // Written with a result here; `without_saved_results` then removes it,
        // as some tools (not Excel) save formulas.
        Cell::FormulaWithoutResult => sheet.write_formula(at, 3, Formula::new("=40+2").set_result("42")).map(|_| ())?,
    }
    sheet.write_string(at, 4, partner)?;
    Ok(())
}

fn workbook(fill: impl FnOnce(&mut Sheet) -> Written) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Readings").expect("name");
    fill(sheet).expect("write the test workbook");
    book.save_to_buffer().expect("workbook")
}

/// The workbook with every formula's saved result taken out.
fn without_saved_results(bytes: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let name = entry.name().expect("entry name").to_string();
        let mut content = String::new();
        entry.read_to_string(&mut content).expect("text");
        if name.starts_with("xl/worksheets/") {
            while let Some(start) = content.find("</f><v>") {
                let end = content[start..].find("</v>").map(|e| start + e + 4).expect("end of value");
                content.replace_range(start + 4..end, "");
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("entry");
        out.write_all(content.as_bytes()).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

/// A real workbook whose worksheet inflates from a few hundred kilobytes to
/// 100 MB (of spaces, which XML allows between elements).
fn zip_bomb(workbook: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(workbook)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let name = entry.name().expect("entry name").to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read");
        out.start_file(name.clone(), deflated).expect("entry");
        if name == "xl/worksheets/sheet1.xml" {
            let spaces = vec![b' '; 1024 * 1024];
            for _ in 0..100 {
                out.write_all(&spaces).expect("write");
            }
        }
        out.write_all(&content).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

async fn hostile_workbooks_are_refused_clearly_and_store_nothing(app: TestApp) {
    let before = count(&app.pool, "reading").await;
    let one = |value: Cell<'static>| {
        workbook(move |sheet| {
            header(sheet)?;
            row(sheet, 1, "m_liaison_1h", "SEL", Q1, value, "RV5")
        })
    };
    let mut huge = one(Cell::Number(80.0));
    huge.resize(5 * 1024 * 1024 + 1, 0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("text in a number cell", one(Cell::Text("n/a")), "Readings!D2"),
        ("a date where a number belongs", one(Cell::Date), "Readings!D2"),
        ("a formula with no saved result", without_saved_results(&one(Cell::FormulaWithoutResult)), "formula"),
        ("not a zip", b"metric,ics,period,value\n".to_vec(), "not an Excel workbook"),
        ("an old .xls", vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "not an Excel workbook"),
        ("a truncated zip", one(Cell::Number(80.0))[..600].to_vec(), "workbook"),
        ("a zip bomb", zip_bomb(&one(Cell::Number(80.0))), "MB"),
        ("over the size limit", huge, "5 MB"),
    ];
    for (what, bytes, expected) in cases {
        let reply = app.post_api_bytes("/api/v1/readings", Some("demo-token-slam"), XLSX, bytes).await;
        assert!(reply.status.is_client_error(), "{what}: {} {}", reply.status, reply.body);
        assert!(reply.body.contains(expected), "{what}: {}", reply.body);
        assert_eq!(count(&app.pool, "reading").await, before, "{what}: nothing stored");
    }

    // A formula's saved result is read, never recalculated.
    let reply =
        app.post_api_bytes("/api/v1/readings", Some("demo-token-slam"), XLSX, one(Cell::FormulaWithResult)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let listed = app.get(&format!("/api/v1/readings?ics=SEL&period={Q1}")).await.json();
    assert_eq!(listed[0]["value"], 42.0);
}
