import { readFile } from "node:fs/promises";
import JSZip from "jszip";
import { test, expect, hydrated, signIn, signInWithoutJavaScript, expectNoSeriousViolations } from "./helpers";

// A quarter no other browser test writes to.
const QUARTER = "2024-25-Q4";

/**
 * Fills value cells of the template's Readings sheet, as a partner would in
 * Excel: finds each row by its metric and ICS (column A and B, shared strings)
 * and puts the number in column D.
 */
async function fillTemplate(bytes: Buffer, fills: { metric: string; ics: string; value: number }[]): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  const shared = (await zip.file("xl/sharedStrings.xml")?.async("string")) ?? "";
  const strings = [...shared.matchAll(/<si>(?:<t[^>]*>([^<]*)<\/t>|[\s\S]*?)<\/si>/g)].map((m) => m[1] ?? "");
  const sheetPath = "xl/worksheets/sheet1.xml";
  let sheet = (await zip.file(sheetPath)?.async("string")) ?? "";
  const text = (row: string, column: string, n: string) => {
    const cell = row.match(new RegExp(`<c r="${column}${n}"([^>]*)>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)`));
    if (!cell) return "";
    return cell[1].includes('t="s"') ? strings[Number(cell[2])] : cell[2] ?? cell[3] ?? "";
  };
  for (const fill of fills) {
    let done = false;
    sheet = sheet.replace(/<row r="(\d+)"[^>]*>[\s\S]*?<\/row>/g, (row, n: string) => {
      if (done || text(row, "A", n) !== fill.metric || text(row, "B", n) !== fill.ics) return row;
      done = true;
      const value = `<c r="D${n}"><v>${fill.value}</v></c>`;
      const blank = new RegExp(`<c r="D${n}"[^>]*?(/>|>\\s*</c>|><v>[^<]*</v></c>)`);
      if (blank.test(row)) return row.replace(blank, value);
      return row.replace(new RegExp(`(<c r="C${n}"[^>]*?(?:/>|>[\\s\\S]*?</c>))`), `$1${value}`);
    });
    expect(done, `the template has a row for ${fill.metric} in ${fill.ics}`).toBe(true);
  }
  zip.file(sheetPath, sheet);
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

test.describe("partner data entry", () => {
  test("a partner downloads its template, fills it, fixes a bad cell and imports", async ({ page }) => {
    await signIn(page, "slam@demo.test");
    await page.goto(`/me/figures?period=${QUARTER}`);
    await hydrated(page);
    await expect(page.getByRole("heading", { name: /Figures for/ })).toBeVisible();
    await expectNoSeriousViolations(page);

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: /Download the template/ }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const template = await readFile((await download.path())!);

    const bad = await fillTemplate(template, [
      { metric: "m_liaison_1h", ics: "SEL", value: 83 },
      { metric: "m_advance_care_plans", ics: "SEL", value: 101 },
    ]);
    await page.goto("/readings");
    await page.getByLabel("Choose a spreadsheet").setInputFiles({ name: "figures.xlsx", mimeType: "application/octet-stream", buffer: bad });
    await page.getByRole("button", { name: "Upload and check" }).click();
    await expect(page).toHaveURL(/\/readings\?upload=/);
    const problems = page.getByRole("alert").filter({ hasText: "nothing will be imported" });
    await expect(problems).toContainText(/Readings![A-Z]+\d+/);
    await expect(problems).toContainText("101 is not a percentage");
    await expectNoSeriousViolations(page);

    const good = await fillTemplate(template, [
      { metric: "m_liaison_1h", ics: "SEL", value: 83 },
      { metric: "m_advance_care_plans", ics: "SEL", value: 64 },
    ]);
    await page.getByLabel("Choose a spreadsheet").setInputFiles({ name: "figures.xlsx", mimeType: "application/octet-stream", buffer: good });
    await page.getByRole("button", { name: "Upload and check" }).click();
    await expect(page.getByRole("heading", { name: "Ready to import 2 readings" })).toBeVisible();
    await hydrated(page);
    await page.getByRole("button", { name: "Import 2 readings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Imported" })).toContainText("2 new");

    // The figures are on the partner's form and the status pages.
    await page.goto(`/me/figures?period=${QUARTER}`);
    await expect(page.getByRole("textbox", { name: /advance care plan in place for SEL/ }).first()).toHaveValue("64");
    await page.goto(`/status/SEL/P3.C2?period=${QUARTER}`);
    const figures = page.getByRole("region", { name: "Partners' figures" });
    await expect(figures.getByRole("row", { name: /liaison psychiatry.*South London and Maudsley.*83/ })).toBeVisible();
  });

  test("the period form without JavaScript keeps what was typed and names each problem", async ({ browser }) => {
    const { context, page } = await signInWithoutJavaScript(browser, "oxleas@demo.test");
    await page.goto(`/me/figures?period=${QUARTER}`);

    const liaison = page.getByRole("textbox", { name: /liaison psychiatry seen within one hour for SEL/ }).first();
    await liaison.fill("75");
    const plans = page.getByRole("textbox", { name: /advance care plan in place for SEL/ }).first();
    await plans.fill("lots");
    await page.getByRole("button", { name: "Save all figures" }).click();
    await expect(page.getByRole("alert").first()).toContainText("nothing was saved");
    await expect(page.getByText(/Error: "lots" is not a number/)).toBeVisible();
    await expect(page.getByRole("textbox", { name: /liaison psychiatry seen within one hour for SEL/ }).first()).toHaveValue("75");
    await expect(page.getByRole("textbox", { name: /advance care plan in place for SEL/ }).first()).toHaveValue("lots");
    // What was typed and the message stay on the server: the address names them by id only.
    expect(page.url()).toContain("problem=");
    expect(page.url()).not.toContain("lots");
    expect(page.url()).not.toContain("error");

    await page.getByRole("textbox", { name: /advance care plan in place for SEL/ }).first().fill("70");
    await page.getByRole("button", { name: "Save all figures" }).click();
    await expect(page.getByRole("status")).toContainText("Saved 2 figures");
    await expect(page.getByRole("textbox", { name: /advance care plan in place for SEL/ }).first()).toHaveValue("70");
    await context.close();
  });
});
