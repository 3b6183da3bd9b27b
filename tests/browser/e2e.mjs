// Drives `bulletin serve`'s page in a real Chromium, as an office user would: fills the form
// with an article, waits for the preview, downloads the PDF, provokes errors, switches to
// English, uploads a batch. Prints what it saw as JSON; tests/web.rs checks it and the files.
//
//   node e2e.mjs BASE_URL ARTICLE.json IMAGE.png UPLOAD_FILE OUT_DIR DRAFT.docx
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, articlePath, imagePath, uploadPath, out, draftPath] = process.argv.slice(2);
const article = JSON.parse(readFileSync(articlePath, "utf8"));
const profile = mkdtempSync(join(tmpdir(), "bulletin-chromium-"));
const seen = { requests: [], consoleErrors: [] };

// The body as a person would type it: a blank line between paragraphs, headings on their own.
const bodyText = article.body
  .map((b) => (typeof b === "string" ? b : b.text))
  .filter(Boolean)
  .join("\n\n");

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1400, height: 1000 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic",
  ],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => { if (m.type() === "error") seen.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => seen.consoleErrors.push(String(e)));

  await page.goto(base);
  await page.waitForSelector("#template option[value=bulletin]", { state: "attached" });
  seen.heading = await page.textContent("h1");

  await page.fill("#title", article.title);
  await page.fill("#channel", (article.channel || []).join(" > "));
  await page.fill("#published", article.published || "");
  await page.fill("#source", article.source || "");
  await page.fill("#issuer", article.issuer || "");
  await page.fill("#url", article.url || "");
  await page.fill("#body", bodyText);

  // The preview: page pictures drawn by the server, loaded by the browser.
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll("#pages img")];
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, null, { timeout: 20000 });
  seen.previewStatus = await page.textContent("#preview-status");
  seen.previewImages = await page.$$eval("#pages img", (imgs) =>
    imgs.map((i) => ({ alt: i.alt, width: i.naturalWidth, height: i.naturalHeight })));
  seen.warnings = await page.$$eval("#warnings li", (lis) => lis.map((l) => l.textContent));
  await page.screenshot({ path: join(out, "form-zh.png"), fullPage: true });

  const [pdf] = await Promise.all([
    page.waitForEvent("download"),
    page.click("[data-download=pdf]"),
  ]);
  seen.pdfName = pdf.suggestedFilename();
  await pdf.saveAs(join(out, "downloaded.pdf"));

  // An image with a caption, placed by a marker line in the text.
  const withImage = page.waitForResponse((r) =>
    r.url().endsWith("/api/preview") && (r.request().postData() || "").includes("流程示意"));
  await page.setInputFiles("#images", imagePath);
  await page.waitForSelector("#image-list li");
  await page.fill('#image-list input[aria-label^="图片说明"]', "流程示意");
  await page.fill("#body", bodyText.replace("\n\n", "\n\n[图1]\n\n"));
  const imageAnswer = await withImage;
  seen.imagePreview = { status: imageAnswer.status(), pages: (await imageAnswer.json()).pages };
  seen.imageListText = await page.textContent("#image-list .image-name");
  await page.waitForFunction(() => [...document.querySelectorAll("#pages img")].every((i) => i.complete && i.naturalWidth > 0));
  await page.screenshot({ path: join(out, "form-image.png"), fullPage: true });
  await page.click("#image-list .link-button");
  await page.fill("#body", bodyText);

  // Errors, next to their fields: one the page catches, one only the server can judge.
  await page.fill("#published", "2025-02-30");
  await page.waitForFunction(() => document.querySelector('[data-error-for="published"]').textContent !== "");
  seen.publishedError = await page.textContent('[data-error-for="published"]');
  await page.fill("#title", "");
  await page.click("[data-download=docx]");
  await page.waitForFunction(() => document.querySelector('[data-error-for="title"]').textContent !== "");
  seen.titleError = await page.textContent('[data-error-for="title"]');
  seen.titleInvalid = await page.getAttribute("#title", "aria-invalid");
  await page.screenshot({ path: join(out, "form-errors.png"), fullPage: true });

  // English, and the official-document fields that appear with the gongwen template.
  await page.click("#lang-switch");
  await page.selectOption("#template", "gongwen");
  seen.officialVisible = await page.isVisible("#official-fields");
  seen.titleLabelEn = await page.textContent('label[for="title"]');
  await page.fill("#title", article.title);
  await page.fill("#published", article.published || "");
  const officialPreview = page.waitForResponse((r) =>
    r.url().endsWith("/api/preview") && (r.request().postData() || "").includes("内环发〔2025〕1号"));
  await page.fill("#issuer_mark", "内蒙古自治区生态环境厅文件");
  await page.fill("#doc_number", "内环发〔2025〕1号");
  seen.officialPreviewStatus = (await officialPreview).status();
  await page.waitForFunction(() => /pages?[.;]/.test(document.querySelector("#preview-status").textContent), null, { timeout: 20000 });
  await page.waitForFunction(() => [...document.querySelectorAll("#pages img")].every((i) => i.complete && i.naturalWidth > 0));
  seen.previewStatusEn = await page.textContent("#preview-status");
  await page.screenshot({ path: join(out, "form-en-official.png"), fullPage: true });

  // The 命令（令）格式: its 令号 and signer fields appear, the 发文字号 and 签发人 go, and the
  // preview is drawn from what was filled.
  await page.selectOption("#template", "mingling");
  seen.orderFields = {
    orderNumber: await page.isVisible("#order_number"),
    docNumber: await page.isVisible("#doc_number"),
    signer: await page.isVisible("#signer"),
    attendance: await page.isVisible("#attendance-present"),
  };
  await page.fill("#issuer_mark", "示例市人民政府令");
  await page.fill("#signature-date", "2025-06-20");
  const orderPreview = page.waitForResponse((r) =>
    r.url().endsWith("/api/preview") && (r.request().postData() || "").includes("李明华"));
  await page.fill("#order_number", "第7号");
  await page.fill("#signature-signers", "市长 李明华");
  const answer = await orderPreview;
  seen.orderPreviewStatus = answer.status();
  seen.orderRequest = JSON.parse(answer.request().postData()).record;
  await page.selectOption("#template", "jiyao");
  seen.minutesAttendance = await page.isVisible("#attendance-present");

  // A Word draft dropped on the form fills it: the template of its kind, its fields, its
  // body and picture; the preview is drawn from them.
  await page.click("#lang-switch");
  const draftBytes = [...readFileSync(draftPath)];
  const drop = await page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "notice.docx",
      { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }));
    return transfer;
  }, draftBytes);
  const draftPreview = page.waitForResponse((r) =>
    r.url().endsWith("/api/preview") && (r.request().postData() || "").includes("市教发〔2025〕8号"), { timeout: 20000 });
  await page.dispatchEvent("#draft-zone", "drop", { dataTransfer: drop });
  await page.waitForFunction(() => document.querySelector("#title").value !== "" && document.querySelector("#doc_number").value !== "");
  const draftAnswer = await draftPreview;
  await page.waitForFunction(() => /共 \d+ 页/.test(document.querySelector("#preview-status").textContent), null, { timeout: 20000 });
  await page.waitForFunction(() => [...document.querySelectorAll("#pages img")].every((i) => i.complete && i.naturalWidth > 0));
  seen.draft = {
    template: await page.inputValue("#template"),
    title: await page.inputValue("#title"),
    docNumber: await page.inputValue("#doc_number"),
    recipients: await page.inputValue("#recipients"),
    signatureName: await page.inputValue("#signature-name"),
    signatureDate: await page.inputValue("#signature-date"),
    cc: await page.inputValue("#cc"),
    attachments: await page.inputValue("#attachments"),
    body: await page.inputValue("#body"),
    images: await page.$$eval("#image-list li", (lis) => lis.length),
    caption: await page.inputValue("#image-list input"),
    status: await page.textContent("#draft-status"),
    warnings: await page.$$eval("#draft-warnings li", (lis) => lis.map((l) => l.textContent)),
    previewStatus: draftAnswer.status(),
    previewText: await page.textContent("#preview-status"),
    pages: await page.$$eval("#pages img", (imgs) => imgs.length),
  };
  await page.screenshot({ path: join(out, "draft-imported.png"), fullPage: true });
  await page.click("#lang-switch");

  // A batch dropped on the upload tab comes back as a ZIP of outputs and the report.
  await page.click("#tab-upload");
  seen.formHiddenOnUpload = !(await page.isVisible("#article-form"));
  const [zip] = await Promise.all([
    page.waitForEvent("download"),
    page.setInputFiles("#upload-file", uploadPath),
  ]);
  seen.zipName = zip.suggestedFilename();
  await zip.saveAs(join(out, "batch.zip"));
  await page.waitForFunction(() => document.querySelector("#upload-status").textContent.includes("converted"));
  seen.uploadStatus = await page.textContent("#upload-status");
  await page.screenshot({ path: join(out, "upload-en.png"), fullPage: true });

  seen.outsideRequests = seen.requests.filter((u) => !u.startsWith(base) && !u.startsWith("blob:") && !u.startsWith("data:"));
  console.log(JSON.stringify(seen));
} catch (e) {
  const open = context.pages();
  if (open.length) await open[0].screenshot({ path: join(out, "failure.png"), fullPage: true });
  throw e;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
