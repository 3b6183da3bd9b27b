// A clerk's day on `bulletin serve`'s page in a real Chromium: Chinese template names, the
// tabs by keyboard, dates as people write them, the draft surviving a reload, 保存记录 then
// 打开记录, Chinese messages at their fields, file names from the title and 文号, failed
// uploads listed on the page, and the page at 1366×768 and 390 px wide. Prints what it saw as
// JSON; tests/web.rs checks it. Screenshots (guide-*.png) go to OUT_DIR; docs/使用说明.md
// shows them (scripts/screenshots copies them there).
//
//   node clerk.mjs BASE_URL IMAGE.png NOT_AN_IMAGE.pdf BATCH.ndjson OUT_DIR
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, imagePath, pdfPath, batchPath, out] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "bulletin-chromium-"));
const seen = { dialogs: [], consoleErrors: [], messages: {} };

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1366, height: 768 },
  locale: "zh-CN",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic",
  ],
});

const settled = (page) => page.waitForFunction(() => {
  const imgs = [...document.querySelectorAll("#pages img")];
  return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0)
    && !/正在排版|Setting/.test(document.querySelector("#preview-status").textContent);
}, null, { timeout: 20000 });

// Every value of the form, as a person sees it.
const formValues = (page) => page.evaluate(() => {
  const values = {};
  for (const el of document.querySelectorAll("#article-form input, #article-form select, #article-form textarea")) {
    if (el.type === "file" || !(el.name || el.id)) continue;
    values[el.name || el.id] = el.type === "checkbox" ? el.checked : el.value;
  }
  values.images = [...document.querySelectorAll("#image-list li")].length;
  return values;
});

// The text at a field's error line, once there is one.
const errorAt = async (page, field) => {
  const selector = `[data-error-for="${field}"]`;
  await page.waitForFunction((s) => document.querySelector(s).textContent !== "", selector, { timeout: 20000 });
  return page.textContent(selector);
};

async function download(page, selector, path) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  if (path) await file.saveAs(path);
  return file.suggestedFilename();
}

try {
  const page = context.pages()[0] || (await context.newPage());
  page.on("dialog", (d) => { seen.dialogs.push(d.type()); d.accept(); });
  page.on("pageerror", (e) => seen.consoleErrors.push(String(e)));

  await page.goto(base);
  await page.waitForSelector("#template option[value=bulletin]", { state: "attached" });

  // Template names and descriptions in Chinese, and in English when switched.
  seen.templateNames = await page.$$eval("#template option", (os) => os.map((o) => o.textContent));
  seen.templateDescription = await page.textContent("#template-description");
  await page.click("#lang-switch");
  seen.templateNamesEn = await page.$$eval("#template option", (os) => os.map((o) => o.textContent));
  await page.click("#lang-switch");

  // The tabs by keyboard (WAI-ARIA tabs: arrows move and show, one tab stop).
  await page.focus("#tab-form");
  await page.keyboard.press("ArrowRight");
  seen.tabsRight = await page.evaluate(() => ({
    focused: document.activeElement.id,
    selected: document.querySelector("#tab-upload").getAttribute("aria-selected"),
    uploadShown: !document.querySelector("#panel-upload").hidden,
  }));
  await page.keyboard.press("ArrowLeft");
  seen.tabsLeft = await page.evaluate(() => document.activeElement.id + " " + !document.querySelector("#panel-form").hidden);

  // A news article with a date as people write it, previewed.
  await page.fill("#title", "关于做好春节期间安全生产工作的通知");
  await page.fill("#published", "2025年2月18日 18:03");
  await page.fill("#source", "市应急管理局");
  await page.fill("#body", "一、总体要求\n\n各单位要认真落实安全生产责任制。\n\n二、工作措施\n\n加强值班值守，及时报告突发情况。");
  await settled(page);
  seen.understood = await page.textContent(".understood");
  seen.zoomHint = await page.getAttribute("#pages img", "title");
  seen.previewLive = await page.evaluate(() => ({
    asideLive: document.querySelector(".preview").getAttribute("aria-live"),
    statusRole: document.querySelector("#preview-status").getAttribute("role"),
  }));
  // A page of the preview, zoomed from the keyboard.
  await page.focus("#pages img");
  await page.keyboard.press("Enter");
  seen.zoomedByKey = await page.evaluate(() => document.querySelector("#pages").classList.contains("zoomed"));
  await page.keyboard.press("Enter");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(out, "guide-form.png") });

  // A QR code asked for at once after typing, before the preview answers: the message about
  // the missing address stays (the pending preview does not wipe it).
  await page.fill("#subtitle", "副标题");
  await page.click("[data-download=qr]");
  seen.messages.qrWithoutUrl = await errorAt(page, "url");
  await page.waitForTimeout(1200);
  seen.messages.qrWithoutUrlLater = await page.textContent('[data-error-for="url"]');
  await page.fill("#subtitle", "");

  // Downloads are named from the title, and the status line says only the last one.
  seen.newsPdfName = await download(page, "[data-download=pdf]", null);
  await download(page, "[data-download=docx]", null);
  seen.downloadStatus = await page.textContent("#download-status");

  // A reload keeps the draft: the page asks first, then restores it and says so.
  const before = await formValues(page);
  await page.reload();
  await page.waitForSelector("#restored:not([hidden])", { timeout: 10000 });
  seen.restoredText = await page.textContent("#restored");
  seen.restoredSame = JSON.stringify(await formValues(page)) === JSON.stringify(before);
  await settled(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(out, "guide-restored.png") });

  // An official document: the news-only fields go, the official ones come.
  await page.fill("#source", "");
  await page.selectOption("#template", "mingling");
  seen.orderShowsSignatureName = await page.isVisible("#signature-name");
  await page.selectOption("#template", "gongwen");
  seen.officialHides = await page.evaluate(() =>
    ["channel", "source", "author", "url"].filter((id) => document.getElementById(id).offsetParent !== null));
  seen.issuerLabel = await page.textContent("#issuer-label");
  await page.fill("#issuer_mark", "某某市应急管理局文件");
  await page.fill("#doc_number", "某应急发〔2025〕12号");
  await page.fill("#recipients", "各区应急管理局，市直各单位：");
  await page.selectOption("#classification", "秘密");
  await page.fill("#secrecy_period", "1年");
  await page.fill("#signature-name", "某某市应急管理局");
  await page.uncheck("#signature-sealed");
  await page.fill("#cc", "市政府办公室");
  await page.fill("#printed_by", "某某市应急管理局办公室");
  await page.fill("#printed_date", "2025/2/18");
  await page.fill("#attachments", "值班安排表");
  await page.setInputFiles("#images", imagePath);
  await page.waitForSelector("#image-list li");
  await page.fill('#image-list input[aria-label^="图片说明"]', "图1 值班流程");

  // An empty 成文日期 is asked for by name.
  seen.messages.emptySignatureDate = await errorAt(page, "signature.date");
  await page.fill("#signature-date", "2025年2月18日");
  await page.waitForFunction(() => document.querySelector('[data-error-for="signature.date"]').textContent === "");
  await settled(page);
  seen.officialPdfName = await download(page, "[data-download=pdf]", null);
  await page.screenshot({ path: join(out, "guide-official.png"), fullPage: true });

  // 保存记录, 清空表单, 打开记录: the form comes back as it was (dates in the record's form).
  const saved = await formValues(page);
  seen.recordName = await download(page, "#save-record", join(out, "saved-record.zip"));
  await page.click("#clear-form");
  seen.clearedTitle = await page.inputValue("#title");
  await page.selectOption("#template", "bulletin");
  await page.setInputFiles("#open-record", join(out, "saved-record.zip"));
  await page.waitForFunction(() => document.querySelector("#doc_number").value !== "", null, { timeout: 10000 });
  await page.waitForSelector("#image-list li");
  const reopened = await formValues(page);
  seen.reopenedDiffers = Object.keys(saved).filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(reopened[k]))
    .map((k) => ({ field: k, saved: saved[k], reopened: reopened[k] }));
  seen.reopenedCaption = await page.inputValue("#image-list input");
  seen.recordStatus = await page.textContent("#draft-status");

  // Messages at their fields, in Chinese.
  await page.selectOption("#template", "bulletin");
  await page.fill("#title", "无日期的归档文件");
  await page.fill("#published", "");
  await page.check("#opt-pdfa");
  seen.messages.pdfaWithoutDate = await errorAt(page, "published");
  await page.fill("#published", "2025-02-18");
  await page.fill("#body", "正文中有一个生僻字𠀀。");
  seen.messages.pdfaMissingChar = await errorAt(page, "body");
  await page.uncheck("#opt-pdfa");
  await page.fill("#body", "正文。");
  // A PDF given as a picture: said at the pictures, and still there after the preview redraws.
  await page.setInputFiles("#images", pdfPath);
  seen.messages.pdfAsImage = await errorAt(page, "images");
  await page.fill("#body", "正文，再改一次。");
  await page.waitForTimeout(1500);
  await settled(page);
  seen.messages.pdfAsImageLater = await page.textContent('[data-error-for="images"]');
  await page.fill("#id", "a".repeat(201));
  seen.messages.longId = await errorAt(page, "id");
  await page.fill("#id", "");
  // A table's join mark with nothing to join, named by its line and cell.
  await page.fill("#body", "正文。\n\n<\t甲\n乙\t丙");
  seen.messages.tableJoin = await errorAt(page, "body");
  await page.fill("#body", "正文。");
  // An error off-screen is scrolled to and focused.
  await page.fill("#title", "");
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.click("[data-download=pdf]");
  await errorAt(page, "title");
  seen.focusedAfterError = await page.evaluate(() => document.activeElement.id);
  seen.messages.emptyTitle = await page.textContent('[data-error-for="title"]');
  await page.screenshot({ path: join(out, "guide-errors.png") });
  seen.errorTexts = await page.$$eval(".error", (els) => els.map((e) => e.textContent).filter(Boolean));

  // A batch with a bad record: the failure is listed on the page, in Chinese.
  await page.click("#tab-upload");
  const [zip] = await Promise.all([page.waitForEvent("download"), page.setInputFiles("#upload-file", batchPath)]);
  seen.zipName = zip.suggestedFilename();
  await page.waitForSelector("#upload-failures li");
  seen.uploadStatus = await page.textContent("#upload-status");
  seen.uploadFailures = await page.$$eval("#upload-failures li", (lis) => lis.map((l) => l.textContent));
  await page.screenshot({ path: join(out, "guide-upload.png") });
  await page.click("#tab-form");

  // The page at a common laptop size and at a phone's width: nothing wider than the window.
  await page.fill("#title", "关于做好春节期间安全生产工作的通知");
  await page.waitForFunction(() => /共 \d+ 页/.test(document.querySelector("#preview-status").textContent), null, { timeout: 20000 });
  await settled(page);
  seen.titleErrorAfterFix = await page.textContent('[data-error-for="title"]');
  seen.layout = {};
  for (const [name, width, height] of [["laptop", 1366, 768], ["phone", 390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(300);
    seen.layout[name] = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    await page.screenshot({ path: join(out, `page-${name}.png`), fullPage: true });
  }
  console.log(JSON.stringify(seen));
} catch (e) {
  const open = context.pages();
  if (open.length) await open[0].screenshot({ path: join(out, "failure.png"), fullPage: true });
  console.log(JSON.stringify(seen));
  throw e;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
