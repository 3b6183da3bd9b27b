// The bulletin page: a form that becomes a record, a live preview, downloads, and uploads of
// record files. Plain JavaScript, no outside requests: everything comes from this server.
"use strict";

const TEXT = {
  zh: {
    heading: "文章打印稿",
    tagline: "填写文章，即时预览，下载 PDF、Word 文档和二维码。全部在本机完成，不连接外网。",
    tabForm: "填写文章", tabUpload: "上传记录文件",
    template: "模板", title: "标题", subtitle: "副标题", channel: "栏目",
    channelHint: "首页 > 新闻中心 > 工作动态", published: "发布时间", source: "来源", author: "作者",
    url: "网页地址（二维码链接）", id: "文件名", idHint: "默认取网页地址的文件名",
    language: "语言", langAuto: "自动识别",
    officialLegend: "公文要素（GB/T 9704-2012）", issuer: "发布机关（印在页眉）", issuerMark: "发文机关标志",
    copyNumber: "份号", classification: "密级", secrecyPeriod: "保密期限", urgency: "紧急程度", none: "无", note: "附注", noteHint: "如：此件公开发布",
    issuerMarkHint: "如：某某市人民政府文件（联合行文：每行一个机关）", signatureNameHint: "联合行文：每行一个机关", docNumber: "发文字号", signer: "签发人",
    recipients: "主送机关", signatureName: "署名（发文机关）", signatureDate: "成文日期",
    orderNumber: "令号", signers: "签发人职务和签名章（每行一人：职务 姓名）",
    signersHint: "如：市长 某某某（命令、令等加盖签发人签名章的公文）", sealed: "加盖机关印章",
    sealedHint: "加盖印章时成文日期右空四字、署名居中其上（联合行文并排）；不盖章时署名右空二字、依次向下。",
    attendance: "出席、请假和列席人员（每行一个单位或姓名）", present: "出席", onLeave: "请假", observers: "列席",
    attachments: "附件（每行一个名称）", cc: "抄送机关", printedBy: "印发机关", printedDate: "印发日期",
    body: "正文",
    bodyHint: "段落之间空一行；“一、”“（一）”“1.”开头的短行作为标题，不带序号的标题写作“# 标题”（## 为二级）；“- ”开头的连续各行为项目列表，“1. ”“2. ”……连续各行为编号列表；单独一行写 [图1] 可把第 1 张图片放在该处。表格可从 Excel、WPS 或 Word 直接复制粘贴（单元格以制表符分隔）；合并单元格：格内只写 < 表示并入左边一格，只写 ^ 表示并入上面一格；表格上方紧挨一行“表1 ……”作为表题。",
    images: "图片（PNG 或 JPEG）", caption: "图片说明", remove: "移除", placeAt: "放在正文中：",
    options: "选项", optNormalize: "中文里的半角标点改为全角", optPdfa: "归档用 PDF/A",
    optTagged: "带结构标签的 PDF（读屏软件可读）",
    optEmbed: "Word 文档内嵌字体（对方电脑没有这些字体也能正确显示）",
    downloadPdf: "下载 PDF", downloadDocx: "下载 Word 文档", downloadQr: "下载二维码", downloadOfd: "下载 OFD",
    downloadZip: "全部打包下载（ZIP）",
    preview: "预览", previewEmpty: "填写标题和正文后在此显示前两页。", previewBusy: "正在排版……",
    previewStale: "预览未更新：请先改正标出的内容。",
    zoomHint: "点击页面（或按回车键）放大或缩小",
    previewPages: (n, shown) => shown < n ? `共 ${n} 页，显示前 ${shown} 页。` : `共 ${n} 页。`,
    pageAlt: (n) => `第 ${n} 页预览`,
    uploadIntro: "上传一个记录文件（JSON、YAML、TOML）、一个 NDJSON 批量文件（每行一篇），或一个包含记录文件及其图片的 ZIP 压缩包。转换结果和转换报告打包为 ZIP 下载。",
    dropHere: "把文件拖到这里，或点击选择文件",
    uploading: (name) => `正在转换 ${name} ……`,
    uploaded: (n, failed) => failed > 0
      ? `已转换 ${n - failed} 篇，${failed} 篇失败（原因见下，另见压缩包中的 bulletin-report.json）。`
      : `已转换 ${n} 篇，结果已下载。`,
    downloading: "正在生成……", downloaded: (name) => `已下载 ${name}。`,
    fixFields: "请先改正标出的内容。",
    needTitle: "请填写标题",
    needUrl: "网址应以 http:// 或 https:// 开头，例如 https://www.example.gov.cn/a.html",
    badImageType: "图片须为 PNG 或 JPEG 格式",
    network: "无法连接 bulletin 服务，请确认它仍在运行。",
    draftHere: "从 Word 文稿（.docx）或保存的网页导入：拖到这里，或点击选择文件",
    importing: (name) => `正在读取 ${name} ……`,
    imported: (name) => `已从 ${name} 填入表单，请核对后下载。`,
    issuerOfficial: "发文机关（写入文件属性，不打印；版头请填“发文机关标志”，落款请填“署名”）",
    restored: (when) => `已恢复上次的草稿（${when}）。`,
    clearForm: "清空表单", clearConfirm: "清空表单中的全部内容？",
    saveRecord: "保存记录", openRecord: "打开记录",
    recordHint: "保存为记录文件（JSON；有图片时为 ZIP），以后可在此打开继续编辑，或用 bulletin 批量转换。",
    recordSaved: (name) => `已保存 ${name}。`, recordOpened: (name) => `已打开 ${name}。`,
    understood: (value) => `理解为 ${value}`,
    leaving: "表单中有尚未保存的内容，离开后草稿仍保存在本浏览器中。",
    failure: (source, line, error) => `${source}${line ? ` 第 ${line} 行` : ""}：${error}`,
    moreFailures: (n) => `另有 ${n} 篇失败，见 bulletin-report.json。`,
    notSaved: "浏览器的存储空间不足，草稿中的图片未能保存（文字已保存）。",
  },
  en: {
    heading: "Print copies of articles",
    tagline: "Fill in an article, see it as it will print, download PDF, Word and QR code. Everything stays on this machine.",
    tabForm: "Write an article", tabUpload: "Upload record files",
    template: "Template", title: "Title", subtitle: "Subtitle", channel: "Channel",
    channelHint: "Home > News > Updates", published: "Published", source: "Source", author: "Author",
    url: "Page address (QR code link)", id: "File name", idHint: "Default: the page address's file name",
    language: "Language", langAuto: "Detect",
    officialLegend: "Official document (GB/T 9704-2012)", issuer: "Issuing body (printed in the page header)", issuerMark: "Issuer mark",
    copyNumber: "Copy number", classification: "Classification", secrecyPeriod: "Secrecy period", urgency: "Urgency", none: "None", note: "Note", noteHint: "e.g. 此件公开发布",
    issuerMarkHint: "e.g. 某某市人民政府文件 (red title of the first page; joint documents: one organ per line)", signatureNameHint: "Joint documents: one organ per line", docNumber: "Document number", signer: "Signed by",
    recipients: "Addressees", signatureName: "Signature (issuing body)", signatureDate: "Date written",
    orderNumber: "Order number (令号)", signers: "Signers' titles and seals (one a line: title name)",
    signersHint: "e.g. 市长 某某某 (orders and other documents signed with the signer's seal)", sealed: "Organ's seal applied",
    sealedHint: "With seals the date stands four characters in and the names centred over it (joint: side by side); without, the names two characters in, stacked.",
    attendance: "Present, on leave, attending (one unit or name a line)", present: "Present (出席)", onLeave: "On leave (请假)", observers: "Attending (列席)",
    attachments: "Attachments (one name per line)", cc: "Copies to", printedBy: "Printed by", printedDate: "Printed on",
    body: "Body",
    bodyHint: "Leave a blank line between paragraphs; short lines starting 一、 （一） 1. become headings, and \"# Heading\" (## for level 2) one without a number; consecutive lines starting \"- \" are a bulleted list, and \"1. \", \"2. \"… a numbered list; a line [image 1] places image 1 there. Paste a table straight from Excel, WPS or Word (cells separated by tabs); to merge cells, a cell holding only < joins the cell to its left and one holding only ^ joins the cell above; a line \"表1 …\" just above the table is its caption.",
    images: "Images (PNG or JPEG)", caption: "Caption", remove: "Remove", placeAt: "Place in the text: ",
    options: "Options", optNormalize: "Make half-width punctuation in Chinese full-width", optPdfa: "Archival PDF/A",
    optTagged: "Tagged PDF (for screen readers)",
    optEmbed: "Embed the fonts in the Word file (shows right where they are not installed)",
    downloadPdf: "Download PDF", downloadDocx: "Download Word", downloadQr: "Download QR code", downloadOfd: "Download OFD",
    downloadZip: "Download all (ZIP)",
    preview: "Preview", previewEmpty: "The first two pages appear here once there is a title and text.",
    previewBusy: "Setting the pages…", previewStale: "Preview not updated: please correct the marked fields.",
    zoomHint: "Click a page to enlarge or shrink it",
    previewPages: (n, shown) => shown < n ? `${n} pages; the first ${shown} shown.` : (n === 1 ? "1 page." : `${n} pages.`),
    pageAlt: (n) => `Preview of page ${n}`,
    uploadIntro: "Upload one record file (JSON, YAML, TOML), an NDJSON batch (one article per line) or a ZIP of record files with their images. The outputs and a report come back as a ZIP.",
    dropHere: "Drop a file here, or click to choose one",
    uploading: (name) => `Converting ${name}…`,
    uploaded: (n, failed) => failed > 0
      ? `${n - failed} converted, ${failed} failed (see below, and bulletin-report.json in the ZIP).`
      : `${n} converted; the ZIP is downloaded.`,
    downloading: "Making the file…", downloaded: (name) => `Downloaded ${name}.`,
    fixFields: "Please correct the marked fields first.",
    needTitle: "Please give a title",
    needUrl: "The address must start with http:// or https://",
    badImageType: "Images must be PNG or JPEG",
    network: "Cannot reach the bulletin server; is it still running?",
    draftHere: "Import a Word draft (.docx) or a saved web page: drop it here, or click to choose it",
    importing: (name) => `Reading ${name}…`,
    imported: (name) => `The form is filled from ${name}; check it, then download.`,
    issuerOfficial: "Issuing organ (in the file's properties, not printed; the head uses the issuer mark, the signature its own field)",
    restored: (when) => `Your last draft is restored (${when}).`,
    clearForm: "Clear the form", clearConfirm: "Clear everything in the form?",
    saveRecord: "Save record", openRecord: "Open record",
    recordHint: "Saves a record file (JSON; a ZIP when there are images) to open here again, or to convert with bulletin.",
    recordSaved: (name) => `Saved ${name}.`, recordOpened: (name) => `Opened ${name}.`,
    understood: (value) => `Read as ${value}`,
    leaving: "The form has unsaved changes; the draft stays in this browser.",
    failure: (source, line, error) => `${source}${line ? `, line ${line}` : ""}: ${error}`,
    moreFailures: (n) => `${n} more failed; see bulletin-report.json.`,
    notSaved: "The browser's storage is full: the draft's images were not kept (its text was).",
  },
};

// Record fields as the form names them, for messages about a field or a record file.
const FIELD_NAMES = {
  title: "标题", subtitle: "副标题", channel: "栏目", published: "发布时间", source: "来源", author: "作者",
  issuer: "发布机关", url: "网页地址", id: "文件名", language: "语言", body: "正文",
  issuer_mark: "发文机关标志", copy_number: "份号", classification: "密级", secrecy_period: "保密期限",
  urgency: "紧急程度", doc_number: "发文字号", signer: "签发人", order_number: "令号", recipients: "主送机关",
  "signature.name": "署名", "signature.date": "成文日期", "signature.signers": "签发人职务和签名章",
  note: "附注", attachments: "附件", cc: "抄送机关", printed_by: "印发机关", printed_date: "印发日期",
  attendance: "出席、请假和列席人员",
};

// Server messages in plain Chinese; anything not listed is shown as the server wrote it.

/// A record file's error as the upload tab lists it: the field named as the form names it
/// ("（发布时间）"), then the message in the page's language.
function recordProblem(error) {
  const m = error.match(/^(?:\d+:\d+: )?field `([^`]+)`: (.*)$/s);
  if (!m) return plain(error);
  const field = m[1].replace(/\[\d+\].*$/, "").replace(/^(signature\.\w+).*$/, "$1");
  const said = plain(m[2], field);
  const name = lang === "zh" ? FIELD_NAMES[field] : null;
  if (said !== m[2] || !name) return name ? `${name}：${said}` : plain(error);
  return `${name}：${said}`;
}
const PLAIN_ZH = [
  [/the date is empty/, (m, msg, field) => `请填写${FIELD_NAMES[field] || "日期"}`],
  [/PDF\/A needs a document date/, (m, msg, field) => `归档用 PDF/A 须有日期：请填写${field === "signature.date" ? "成文日期" : "发布时间"}，或不勾选“归档用 PDF/A”`],
  [/PDF\/A allows no character without a font, and no bundled font has these: (.*); remove them/, (m) => `归档用 PDF/A 不允许没有字体的字符，以下字符没有可用字体：${m[1]}。请删去这些字符，或不勾选“归档用 PDF/A”`],
  [/the issuing body's name is empty/, () => "请填写署名（发文机关）"],
  [/the id is (\d+) bytes long; ids may be at most (\d+) bytes/, (m) => `文件名太长（${m[1]} 字节），最多 ${m[2]} 字节（约 ${Math.floor(m[2] / 3)} 个汉字）`],
  [/the record's images come to more than (\d+) MB/, (m) => `图片合计超过 ${m[1]} MB 的上限，请缩小或减少图片`],
  [/the record's images have more than (\d+) million pixels together/, (m) => `图片合计超过 ${m[1]} 百万像素的上限，请缩小或减少图片`],
  [/claims (\d+) x (\d+) pixels; images may have at most (\d+) million/, (m) => `图片有 ${m[1]}×${m[2]} 像素，超过 ${m[3]} 百万像素的上限，请缩小（如宽 3000 像素）后重新添加`],
  [/` is ([^;]+); images may be at most (.+)$/, (m) => `图片有 ${m[1]}，超过 ${m[2]} 的上限，请压缩后重新添加`],
  [/give the issuing organs \(`name`\) or the signers with their signature seals \(`signers`\), not both/, () => "署名（发文机关）和签发人职务签名章只填其一：命令（令）只填签发人职务和签名章"],
  [/^(?:\d+:\d+: )?(?:field `[^`]+`: )?unknown field `([^`]+)` \(did you mean `([^`]+)`/, (m) => `没有“${m[1]}”这一项，应为“${m[2]}”吗？`],
  [/^(?:\d+:\d+: )?(?:field `[^`]*`: )?unknown field `([^`]+)`/, (m) => `没有“${m[1]}”这一项，请检查拼写`],
  [/^(\d+):(\d+): .*(?:EOF while parsing|expected `,` or `[}\]]`|expected value|key must be a string|trailing comma|control character|invalid escape|expected `:`)/, (m) => `第 ${m[1]} 行第 ${m[2]} 列附近格式有误（JSON 的引号、逗号或括号不对），请检查`],
  [/^(?:\d+:\d+: )?field `([^`]+)`: missing required field: every record needs a title/, () => "缺少标题（title）"],
  [/line (\d+): the table's row (\d+), cell (\d+): `<` joins a cell to the one on its left, but this is the row's first cell/, (m) => `第 ${m[1]} 行（表格第 ${m[2]} 行第 ${m[3]} 格）：“<”表示并入左边一格，但这是该行第一格`],
  [/line (\d+): the table's row (\d+), cell (\d+): `\^` joins a cell to the one above it, but this is the first row/, (m) => `第 ${m[1]} 行（表格第 ${m[2]} 行第 ${m[3]} 格）：“^”表示并入上面一格，但这是表格第一行`],
  [/line (\d+): the table's row (\d+), cell (\d+): the cells joined to `([^`]*)` with `<` and `\^` do not make a rectangle/, (m) => `第 ${m[1]} 行（表格第 ${m[2]} 行第 ${m[3]} 格）：与“${m[4]}”合并的单元格（< 和 ^）拼不成一个矩形，请检查`],
  [/the text has (\d+) characters; an article may have at most (\d+)/, (m) => `正文有 ${m[1]} 字，超过 ${m[2]} 字的上限；请分成几篇，或用命令行 bulletin 转换`],
  [/the record has (\d+) characters of text .*at most (\d+)/, (m) => `全文有 ${m[1]} 字，超过 ${m[2]} 字的上限`],
  [/more than (\d+) blocks in the body/, (m) => `正文超过 ${m[1]} 段的上限`],
  [/^(\d+) characters; this field may have at most (\d+)/, (m) => `这一栏有 ${m[1]} 字，最多 ${m[2]} 字`],
  [/holds no record file/, () => "压缩包中没有记录文件（.json .yaml .toml）"],
  [/holds (\d+) records; the form takes one/, (m) => `压缩包中有 ${m[1]} 个记录文件，表单一次只能打开一个；多篇请在“上传记录文件”中转换`],
  [/is not a date/, () => "日期格式不对，应写作 2025-02-18 或 2025-02-18 10:30"],
  [/not a real calendar date/, () => "没有这一天，请检查日期"],
  [/impossible time of day/, () => "时间不对，请检查"],
  [/is not an http or https address|not a valid web address/, () => TEXT.zh.needUrl],
  [/is not a PNG or JPEG image/, () => TEXT.zh.badImageType],
  [/damaged .* image/, () => "图片文件已损坏，无法读取"],
  [/title is empty|needs a title/, () => TEXT.zh.needTitle],
  [/cannot be used as a file name/, () => "文件名不能含有 / \\ : * ? \" < > | 等字符，也不能以“.”开头"],
  [/larger than the server's limit of (\d+) MB/, (m) => `上传内容超过 ${m[1]} MB 的上限`],
  [/took longer than/, () => "转换超时。很长的文章或大批量文件请用命令行工具 bulletin 转换。"],
  [/holds (\d+) records; the page converts at most (\d+)/, (m) => `文件含 ${m[1]} 篇，网页一次最多转换 ${m[2]} 篇；更多请用命令行 bulletin batch。`],
  [/holds no records/, () => "文件中没有可转换的记录"],
  [/is not a file the page converts/, () => "只能上传记录文件（.json .yaml .yml .toml）、NDJSON 文件（.ndjson .jsonl）或 ZIP 压缩包"],
  [/is named \.zip but is not a ZIP/, () => "文件名是 .zip，但内容不是 ZIP 压缩包"],
  [/ZIP archive cannot be read/, () => "ZIP 压缩包已损坏，无法读取"],
  [/unpacks to more than (\d+) MB/, (m) => `压缩包解压后超过 ${m[1]} MB 的上限`],
  [/points outside the archive/, () => "压缩包中有指向包外的路径，已拒绝"],
  [/a QR code needs the article's url/, () => "生成二维码需要填写网页地址"],
  [/places image (\d+) but (\d+) images/, (m) => `正文引用了图 ${m[1]}，但只添加了 ${m[2]} 张图片`],
  [/unknown template/, () => "没有这个模板"],
  [/was not sent as base64/, () => "图片上传不完整，请重新添加"],
  [/punctuation problems in Chinese text/, (m, msg) => {
    const n = msg.match(/^(\d+)/);
    return `中文里有 ${n ? n[1] : ""} 处标点问题（半角标点，或全角标点旁多打的空格），可勾选“中文里的半角标点改为全角”自动改正。`;
  }],
  [/old Word document \(\.doc/, () => "这是旧版 Word 文档（.doc），请在 Word、WPS 或 LibreOffice 中另存为 .docx 后再导入"],
  [/protected by a password/, () => "该 Word 文档设有密码，请先在 Word 或 WPS 中取消密码并保存，再导入"],
  [/not a Word document/, () => "该文件不是 Word 文档（.docx）"],
  [/Word document is damaged/, () => "该 Word 文档已损坏，无法读取"],
  [/unpacks to more than/, () => "该 Word 文档解压后过大，已拒绝"],
  [/tracked changes: (\d+) insertion\(s\) are kept and (\d+) deletion/, (m, msg) => {
    const d = msg.match(/and (\d+) deletion/);
    return `文稿含修订：已接受 ${m[1]} 处插入、删去 ${d ? d[1] : ""} 处删除（相当于接受全部修订），请核对正文`;
  }],
  [/(\d+) text box\(es\)/, (m) => `文稿有 ${m[1]} 个文本框，其文字已按锚定位置读入正文，请核对顺序`],
  [/(\d+) comment\(s\)/, (m) => `文稿中的 ${m[1]} 条批注不打印`],
  [/(\d+) footnote\(s\)/, (m) => `文稿中的 ${m[1]} 条脚注不打印，需要时请写入正文`],
  [/content of the attachments (.*) cannot be edited on this page/, (m) => `附件 ${m[1]} 的内容无法在网页上编辑，也不会从网页打印；如需打印附件内容，请用命令行 bulletin convert 转换文稿`],
  [/table of contents \(目录\) is left out/, () => "文稿中的目录不导入：各输出文件按标题自动生成书签"],
  [/(\d+) table row\(s\) deleted with changes tracked/, (m) => `文稿中有 ${m[1]} 行表格在修订中被删除，已略去`],
  [/symbols of symbol fonts with no Unicode equivalent known here are left out: (.*); type/, (m) => `文稿中有符号字体的字符无法识别，已略去（${m[1]}）；请改用普通字符（☑ □ ✓）`],
  [/the draft has a title but no text under it/, () => "文稿只有标题，没有正文"],
  [/the file is empty; save the draft again/, () => "文件是空的，请在 Word 或 WPS 中重新保存后再导入"],
  [/nests tables and text boxes more than/, () => "文稿中的表格或文本框嵌套过深，请把内层表格移出单元格后再导入"],
  [/the line `([^`]*)` above the title is not a part/, (m) => `标题上方的“${m[1]}”不是版头要素，已作为正文第一段保留`],
  [/no title line found .* the title `([^`]*)` is taken from the document's properties/, (m) => `文稿中没有标题行（居中加粗或大号字，或“标题”样式），标题取自文档属性：${m[1]}`],
  [/no title line found .* the first line `([^`]*)` is taken as the title/, (m) => `文稿中没有标题行（居中加粗或大号字，或“标题”样式），以第一行“${m[1]}”作为标题`],
  [/the QR code's picture is not kept as a picture: its address `([^`]*)`/, (m) => `二维码图片不作为插图保留：其网址 ${m[1]} 填入网页地址，输出时重新生成二维码`],
  [/the record imported from it cannot be converted: (.*)$/, (m) => `导入的内容无法转换：${m[1]}`],
  [/line breaks inside a paragraph are not kept/, () => "段落内的换行在表单中不保留，相关各行已连成一段"],
  [/no url given/, () => "未提供网页地址，输出中没有二维码"],
  [/no publish time/, () => "未找到发布时间，该项留空"],
  [/taken from the document's properties|taken from when the file was created/, (m, msg) => `${msg.includes("author") ? "作者" : "发布时间"}取自文档属性，请核对`],
  [/a picture is left out: `([^`]*)`: not a PNG or JPEG/, (m) => `图片 ${m[1]} 不是 PNG 或 JPEG 格式（如 EMF、WMF），已略去；请另存为 PNG 或 JPEG 后重新插入`],
  [/a picture is left out: `([^`]*)`: (\d+) × (\d+) pixels, more than (\d+) million/, (m) => `图片 ${m[1]} 有 ${m[2]}×${m[3]} 像素，超过 ${m[4]} 百万像素的上限，已略去；请缩小（如宽 3000 像素）后重新插入`],
  [/a picture is left out: `([^`]*)`: linked to a file outside/, (m) => `图片 ${m[1]} 是链接到文稿以外的文件，没有插入文稿，已略去；请插入图片本身`],
  [/a picture is left out: `([^`]*)`/, (m) => `图片 ${m[1]} 无法读取，已略去`],
  [/the picture `([^`]*)` stood among the document's own parts/, (m) => `图片 ${m[1]} 位于公文要素之中（如落款处的印章、版头的标志），已略去：印章在打印稿上加盖`],
  [/a table's cell holds text only: (.*) inside table cells left out/, (m) => `表格单元格中只能放文字：单元格中的图片或表格（${m[1]}）已略去，表格中的文字保留`],
  [/no bundled font has these characters/, (m, msg) => `以下字符没有可用字体，将显示为空框：${msg.split(": ").pop()}`],
];

// A reload shows the page from its top (where a restored draft is announced).
if ("scrollRestoration" in history) history.scrollRestoration = "manual";

let lang = localStorage.getItem("bulletin-lang") === "en" ? "en" : "zh";
const DRAFT_KEY = "bulletin-draft";
let dirty = false; // changed since the last 保存记录 (the draft itself is kept in localStorage)
let draftTimer = null;
let templates = [];
let images = []; // {name, data, caption, url}
let previewTimer = null;
let previewRequest = null;
let previewUrls = [];

const $ = (selector) => document.querySelector(selector);
const t = (key) => TEXT[lang][key];

// English for the few server messages written for a record's author rather than for the page.
const PLAIN_EN = [
  [/the date is empty/, () => "Please give the date"],
  [/PDF\/A needs a document date/, (m, msg, field) => `Archival PDF/A needs a date: fill in ${field === "signature.date" ? "Date written" : "Published"}, or untick Archival PDF/A`],
  [/PDF\/A allows no character without a font, and no bundled font has these: (.*); remove them/, (m) => `Archival PDF/A allows no character without a font, and no bundled font has these: ${m[1]}. Remove them, or untick Archival PDF/A`],
  [/the issuing body's name is empty/, () => "Please give the signature's issuing body"],
];

/// A server message in the page's language; `field` is the form field it is shown at.
function plain(message, field = "") {
  for (const [pattern, say] of lang === "zh" ? PLAIN_ZH : PLAIN_EN) {
    const m = message.match(pattern);
    if (m) return say(m, message, field);
  }
  return message;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
  document.title = lang === "zh" ? "bulletin 文章打印稿" : "bulletin — print copies of articles";
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const value = t(el.dataset.i18n);
    if (typeof value === "string") el.textContent = value;
  }
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  const sw = $("#lang-switch");
  sw.textContent = lang === "zh" ? "English" : "中文";
  sw.lang = lang === "zh" ? "en" : "zh-Hans";
  renderImages();
  renderTemplates();
  schedulePreview(0);
}

// ---- the form as a request -------------------------------------------------------------

function value(name) {
  const el = document.querySelector(`#article-form [name="${name}"]`);
  return el ? el.value.trim() : "";
}

function isOfficial() {
  const chosen = templates.find((x) => x.name === $("#template").value);
  return Boolean(chosen && chosen.document === "official");
}

// The official format of the chosen template: document, letter, order or minutes.
function officialFormat() {
  const chosen = templates.find((x) => x.name === $("#template").value);
  return (chosen && chosen.format) || "";
}

// Whether a form field is shown for the chosen format (fields a format has no place for
// are hidden and not sent).
function shownForFormat(name) {
  const el = document.querySelector(`#article-form [name="${name}"]`);
  return Boolean(el) && !el.closest("[hidden]");
}

function lines(name) {
  return value(name).split("\n").map((l) => l.trim()).filter(Boolean);
}

function formRequest() {
  const record = {};
  for (const name of ["title", "subtitle", "published", "source", "author", "issuer", "url", "id", "language"]) {
    if (shownForFormat(name)) record[name] = value(name);
  }
  if (shownForFormat("channel")) {
    record.channel = value("channel").split(/\s*(?:>|＞|»|›|\/|／)\s*/).filter(Boolean);
  }
  if (isOfficial()) {
    for (const name of ["issuer_mark", "copy_number", "classification", "secrecy_period", "urgency", "doc_number", "signer", "order_number", "recipients", "note", "cc", "printed_by", "printed_date"]) {
      if (shownForFormat(name)) record[name] = value(name);
    }
    const name = shownForFormat("signature.name") ? value("signature.name") : "";
    const date = value("signature.date");
    // "市长 李明华": the title, then the name after the last space.
    const signers = lines("signature.signers").map((line) => {
      const m = line.match(/^(.*\S)[\s\u3000]+(\S+)$/);
      return m ? { title: m[1], name: m[2] } : { title: line, name: "" };
    });
    if (name || date || signers.length) {
      record.signature = { date };
      // Sealed or not is said of the organs' seals; signers sign with their own seals.
      if (name) Object.assign(record.signature, { name, sealed: $("#signature-sealed").checked });
      if (signers.length) record.signature.signers = signers;
    }
    if (shownForFormat("attendance.present")) {
      const attendance = {};
      for (const key of ["present", "on_leave", "observers"]) {
        const entries = lines(`attendance.${key}`);
        if (entries.length) attendance[key] = entries;
      }
      if (Object.keys(attendance).length) record.attendance = attendance;
    }
    record.attachments = value("attachments").split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
      const m = line.match(/^(.*?)\s+(https?:\/\/\S+)$/);
      return m ? { name: m[1], url: m[2] } : { name: line };
    });
  }
  return {
    template: $("#template").value,
    options: {
      normalize_punctuation: $("#opt-normalize").checked,
      pdfa: $("#opt-pdfa").checked,
      tagged: $("#opt-tagged").checked,
      embed_fonts: $("#opt-embed").checked,
    },
    record,
    body: $("#body").value,
    images: images.map(({ name, data, caption }) => ({ name, data, caption })),
  };
}

// ---- errors next to their fields -------------------------------------------------------

function clearErrors() {
  // Errors the page found itself (a PDF given as an image) stay until that input changes.
  for (const el of document.querySelectorAll(".error:not([data-local])")) el.textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of document.querySelectorAll(".understood")) el.remove();
}

/// Brings the first field marked wrong into view and puts the cursor in it.
function focusFirstProblem() {
  const input = document.querySelector('#article-form [aria-invalid="true"]');
  if (!input) return;
  input.scrollIntoView({ block: "center" });
  input.focus({ preventScroll: true });
}

/// Dates typed in another form, with how they were read ("理解为 2025-02-18").
function showUnderstood(notes) {
  for (const note of notes || []) {
    const target = document.querySelector(`[data-error-for="${CSS.escape(note.field)}"]`);
    if (!target) continue;
    const p = document.createElement("p");
    p.className = "understood";
    p.textContent = t("understood")(note.message);
    target.before(p);
  }
}

function showProblem(field, message) {
  let target = document.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
  if (!target && field === "signature") target = document.querySelector('[data-error-for="signature.name"]');
  if (!target && /^images\[\d+\]$/.test(field)) target = document.querySelector('[data-error-for="images"]');
  if (!target) return false;
  target.textContent = plain(message, field);
  const input = target.parentElement.querySelector("input, textarea, select");
  if (input) input.setAttribute("aria-invalid", "true");
  return true;
}

function showError(answer, general) {
  const problems = answer.problems || [];
  let placed = 0;
  for (const p of problems) if (showProblem(p.field, p.message)) placed++;
  general.textContent = placed === problems.length && placed > 0 ? t("fixFields") : plain(answer.message || "");
}

/// Checks the browser can make before asking the server (the server checks all again).
function checkLocally() {
  let ok = true;
  if (!value("title")) { showProblem("title", t("needTitle")); ok = false; }
  const url = value("url");
  if (url && !/^https?:\/\/\S+$/i.test(url)) { showProblem("url", t("needUrl")); ok = false; }
  return ok;
}

async function post(path, body, signal) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": body instanceof Blob ? "application/octet-stream" : "application/json" },
    body: body instanceof Blob ? body : JSON.stringify(body),
    signal,
  });
  if (!response.ok) {
    let answer;
    try { answer = await response.json(); } catch { answer = { message: `${response.status} ${response.statusText}` }; }
    const error = new Error(answer.message);
    error.answer = answer;
    throw error;
  }
  return response;
}

function fileName(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const exact = header.match(/filename\*=UTF-8''([^;]+)/);
  if (exact) return decodeURIComponent(exact[1]);
  const simple = header.match(/filename="([^"]+)"/);
  return simple ? simple[1] : fallback;
}

async function save(response, fallback) {
  const blob = await response.blob();
  const name = fileName(response, fallback);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  return name;
}

// ---- preview -----------------------------------------------------------------------------

function schedulePreview(delay = 500) {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(updatePreview, delay);
}

async function updatePreview() {
  const status = $("#preview-status");
  if (!value("title") || !$("#template").value) {
    status.textContent = t("previewEmpty");
    return;
  }
  if (previewRequest) previewRequest.abort();
  previewRequest = new AbortController();
  const signal = previewRequest.signal;
  status.textContent = t("previewBusy");
  try {
    const response = await post("/api/preview", formRequest(), signal);
    const answer = await response.json();
    clearErrors();
    showPages(answer);
    for (const p of answer.problems || []) showProblem(p.field, p.message);
    showUnderstood(answer.understood);
    status.textContent = t("previewPages")(answer.pages, answer.previews.length);
  } catch (e) {
    if (signal.aborted) return;
    clearErrors();
    if (e.answer) {
      showError(e.answer, $("#form-error"));
      status.textContent = $("#pages").childElementCount ? t("previewStale") : "";
    } else {
      // Not the form's fault: the server cannot be reached.
      $("#form-error").textContent = t("network");
      status.textContent = t("network");
    }
  }
}

function showPages(answer) {
  for (const url of previewUrls) URL.revokeObjectURL(url);
  previewUrls = [];
  const pages = $("#pages");
  pages.replaceChildren();
  answer.previews.forEach((svg, i) => {
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    previewUrls.push(url);
    const figure = document.createElement("figure");
    figure.className = "page";
    const img = document.createElement("img");
    img.src = url;
    img.alt = t("pageAlt")(i + 1);
    img.dataset.page = String(i + 1);
    img.title = t("zoomHint");
    img.tabIndex = 0;
    const zoom = () => {
      pages.classList.toggle("zoomed");
      img.scrollIntoView({ block: "nearest" });
    };
    img.addEventListener("click", zoom);
    img.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); zoom(); }
    });
    const caption = document.createElement("figcaption");
    caption.textContent = `${i + 1}`;
    figure.append(img, caption);
    pages.append(figure);
  });
  const warnings = $("#warnings");
  warnings.replaceChildren(...answer.warnings.map((w) => {
    const li = document.createElement("li");
    li.textContent = plain(w);
    return li;
  }));
}

// ---- images ------------------------------------------------------------------------------

function renderImages() {
  const list = $("#image-list");
  list.replaceChildren();
  images.forEach((image, i) => {
    const li = document.createElement("li");
    const thumb = document.createElement("img");
    thumb.src = image.url;
    thumb.alt = image.name;
    const info = document.createElement("div");
    const name = document.createElement("p");
    name.className = "image-name";
    name.textContent = `${image.name} — ${t("placeAt")}[${lang === "zh" ? "图" : "image "}${i + 1}]`;
    const caption = document.createElement("input");
    caption.placeholder = t("caption");
    caption.setAttribute("aria-label", `${t("caption")} ${i + 1}`);
    caption.value = image.caption;
    caption.addEventListener("input", () => { image.caption = caption.value; schedulePreview(); });
    const error = document.createElement("p");
    error.className = "error";
    error.dataset.errorFor = `images[${i}]`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button";
    remove.textContent = t("remove");
    remove.addEventListener("click", () => {
      URL.revokeObjectURL(image.url);
      images.splice(i, 1);
      renderImages();
      schedulePreview();
      dirty = true;
      scheduleDraft();
    });
    info.append(name, caption, error);
    li.append(thumb, info, remove);
    list.append(li);
  });
}

/// A picture sent as base64 (a draft's, a record's, the kept draft's) as the form holds it,
/// with a URL for its thumbnail.
function imageFromData({ name, data, caption }) {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const type = bytes[0] === 0x89 ? "image/png" : "image/jpeg";
  return { name, data, caption, url: URL.createObjectURL(new Blob([bytes], { type })) };
}

function readImage(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const bytes = new Uint8Array(reader.result);
      const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
      const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
      if (!png && !jpeg) { reject(new Error(t("badImageType"))); return; }
      let binary = "";
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      }
      resolve({
        name: file.name,
        data: btoa(binary),
        caption: "",
        url: URL.createObjectURL(new Blob([bytes], { type: png ? "image/png" : "image/jpeg" })),
      });
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(file);
  });
}

async function addImages(files) {
  const error = document.querySelector('[data-error-for="images"]');
  error.textContent = "";
  for (const file of files) {
    try {
      images.push(await readImage(file));
    } catch (e) {
      error.textContent = `${file.name}: ${e.message}`;
    }
  }
  renderImages();
  schedulePreview(0);
  dirty = true;
  scheduleDraft();
}

// ---- downloads and uploads -------------------------------------------------------------

async function download(kind, button) {
  clearErrors();
  const general = $("#form-error");
  const status = $("#download-status");
  status.textContent = "";
  // A preview still pending would clear this download's error when it answers.
  clearTimeout(previewTimer);
  if (previewRequest) previewRequest.abort();
  if (!checkLocally()) { general.textContent = t("fixFields"); focusFirstProblem(); return; }
  button.disabled = true;
  status.textContent = t("downloading");
  try {
    const response = kind === "record"
      ? await post("/api/record", formRequest())
      : await post(`/api/convert?format=${kind}`, formRequest());
    const name = await save(response, `article.${kind}`);
    if (kind === "record") {
      dirty = false;
      status.textContent = "";
      $("#record-status").textContent = t("recordSaved")(name);
    } else {
      status.textContent = t("downloaded")(name);
    }
  } catch (e) {
    status.textContent = "";
    if (e.answer) showError(e.answer, general);
    else general.textContent = t("network");
    focusFirstProblem();
    $("#preview-status").textContent = e.answer ? t("previewStale") : t("network");
    button.disabled = false;
    return;
  }
  button.disabled = false;
  schedulePreview(0);
}

// A Word draft or saved page: the server reads it, the answer fills the form.
async function importDraft(file) {
  showTab("#tab-form");
  const status = $("#draft-status");
  const error = $("#draft-error");
  const list = $("#draft-warnings");
  error.textContent = "";
  list.replaceChildren();
  $("#record-status").textContent = "";
  $("#download-status").textContent = "";
  status.textContent = t("importing")(file.name);
  try {
    const response = await post(`/api/import?${new URLSearchParams({ name: file.name })}`, file);
    const answer = await response.json();
    fillForm(answer);
    status.textContent = isRecordFile(file.name) ? t("recordOpened")(file.name) : t("imported")(file.name);
    for (const warning of answer.warnings) {
      const li = document.createElement("li");
      li.textContent = plain(warning);
      list.append(li);
    }
  } catch (e) {
    status.textContent = "";
    error.textContent = e.answer ? plain(e.answer.message) : t("network");
  }
}

function fillForm(answer) {
  // A template of the draft's kind: its official format, or a news template.
  const current = templates.find((x) => x.name === $("#template").value);
  const fits = (x) => answer.format ? x.document === "official" && x.format === answer.format : x.document !== "official";
  if (!current || !fits(current)) {
    const pick = templates.find(fits);
    if (pick) $("#template").value = pick.name;
  }
  templateChanged();
  for (const el of document.querySelectorAll("#article-form [name]")) {
    if (el.name === "template" || el.type === "file" || el.name === "body") continue;
    const given = answer.fields[el.name];
    if (el.type === "checkbox") {
      el.checked = typeof given === "boolean" ? given : el.defaultChecked;
      continue;
    }
    if (el.tagName === "SELECT") {
      el.value = given !== undefined && [...el.options].some((o) => o.value === given) ? given : el.options[0].value;
    } else {
      el.value = given !== undefined ? given : "";
    }
  }
  $("#body").value = answer.body;
  for (const image of images) URL.revokeObjectURL(image.url);
  images = answer.images.map(imageFromData);
  renderImages();
  schedulePreview(0);
  scheduleDraft();
}

function isRecordFile(name) {
  return /\.(json|ya?ml|toml|zip)$/i.test(name);
}

async function upload(file) {
  if (/\.(docx|doc)$/i.test(file.name)) { importDraft(file); return; }
  const status = $("#upload-status");
  const error = $("#upload-error");
  const failures = $("#upload-failures");
  error.textContent = "";
  failures.replaceChildren();
  status.textContent = t("uploading")(file.name);
  const query = new URLSearchParams({ name: file.name, template: $("#upload-template").value });
  try {
    const response = await post(`/api/batch?${query}`, file);
    const records = Number(response.headers.get("X-Bulletin-Records") || 0);
    const failed = Number(response.headers.get("X-Bulletin-Failed") || 0);
    await save(response, "records-bulletin.zip");
    status.textContent = t("uploaded")(records, failed);
    let listed = [];
    try { listed = JSON.parse(decodeURIComponent(response.headers.get("X-Bulletin-Failures") || "[]")); } catch { listed = []; }
    for (const f of listed) {
      const li = document.createElement("li");
      const message = f.error.startsWith(`${f.source}: `) ? f.error.slice(f.source.length + 2) : f.error;
      li.textContent = t("failure")(f.source, f.line, recordProblem(message));
      failures.append(li);
    }
    if (failed > listed.length) {
      const li = document.createElement("li");
      li.textContent = t("moreFailures")(failed - listed.length);
      failures.append(li);
    }
  } catch (e) {
    status.textContent = "";
    error.textContent = e.answer ? plain(e.answer.message) : t("network");
  }
}

// ---- wiring ------------------------------------------------------------------------------

const TABS = [["#tab-form", "#panel-form"], ["#tab-upload", "#panel-upload"]];

function showTab(which) {
  for (const [tab, panel] of TABS) {
    const active = tab === which;
    $(tab).setAttribute("aria-selected", String(active));
    $(tab).tabIndex = active ? 0 : -1; // one tab stop for the tab list (WAI-ARIA tabs pattern)
    $(panel).hidden = !active;
  }
}

/// Arrow keys, Home and End move between the tabs and show the one reached.
function tabKeys(e) {
  const i = TABS.findIndex(([tab]) => $(tab) === e.target);
  if (i < 0) return;
  const n = TABS.length;
  const next = { ArrowRight: (i + 1) % n, ArrowLeft: (i + n - 1) % n, Home: 0, End: n - 1 }[e.key];
  if (next === undefined) return;
  e.preventDefault();
  showTab(TABS[next][0]);
  $(TABS[next][0]).focus();
}

function templateChanged() {
  const chosen = templates.find((x) => x.name === $("#template").value);
  $("#official-fields").hidden = !isOfficial();
  // Fields the official templates never print (breadcrumb, source, author, QR address).
  for (const el of document.querySelectorAll("[data-news-only]")) el.hidden = isOfficial();
  $("#issuer-label").textContent = isOfficial() ? t("issuerOfficial") : t("issuer");
  const format = officialFormat();
  for (const el of document.querySelectorAll("[data-formats]")) {
    el.hidden = !el.dataset.formats.split(" ").includes(format);
  }
  for (const el of document.querySelectorAll("[data-not-formats]")) {
    el.hidden = el.dataset.notFormats.split(" ").includes(format);
  }
  $("#template-description").textContent = chosen ? chosen.description[lang] : "";
  schedulePreview(0);
}

/// The template lists in the page's language: each template's own title (its name when it
/// gives none).
function renderTemplates() {
  if (!templates.length) return;
  for (const select of [$("#template"), $("#upload-template")]) {
    const chosen = select.value;
    select.replaceChildren(...templates.map((x) => {
      const option = document.createElement("option");
      option.value = x.name;
      option.textContent = x.title[lang];
      return option;
    }));
    if (chosen) select.value = chosen;
  }
  templateChanged();
}

async function loadTemplates() {
  const response = await fetch("/api/templates");
  templates = await response.json();
  renderTemplates();
}

// ---- the draft kept in the browser -------------------------------------------------------

// The form's controls a kept draft holds: the named fields, and the option checkboxes.
const KEPT_CONTROLS = "#article-form [name], #article-form input[type=checkbox]";

function formState() {
  const fields = {};
  for (const el of document.querySelectorAll(KEPT_CONTROLS)) {
    if (el.type === "file") continue;
    fields[el.name || el.id] = el.type === "checkbox" ? el.checked : el.value;
  }
  return { fields, images: images.map(({ name, data, caption }) => ({ name, data, caption })) };
}

function hasContent() {
  return Boolean(value("title") || value("body") || images.length);
}

function saveDraft() {
  if (!hasContent()) { localStorage.removeItem(DRAFT_KEY); return; }
  const state = { saved: new Date().toISOString(), ...formState() };
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(state));
  } catch {
    // Over the browser's quota (pictures): keep the text at least, and say so.
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify({ ...state, images: [] }));
      $("[data-error-for=images]").textContent = t("notSaved");
    } catch { /* nothing can be kept */ }
  }
}

function scheduleDraft() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(saveDraft, 300);
}

function restoreDraft() {
  let state;
  try { state = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null"); } catch { state = null; }
  if (!state || !state.fields) return;
  const template = state.fields.template;
  if (templates.some((x) => x.name === template)) $("#template").value = template;
  templateChanged();
  for (const el of document.querySelectorAll(KEPT_CONTROLS)) {
    const given = state.fields[el.name || el.id];
    if (el.type === "file" || el.name === "template" || given === undefined) continue;
    if (el.type === "checkbox") el.checked = Boolean(given);
    else el.value = given;
  }
  images = (state.images || []).map(imageFromData);
  renderImages();
  if (!hasContent()) return;
  const when = new Date(state.saved);
  const shown = isNaN(when) ? "" : when.toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { dateStyle: "short", timeStyle: "short" });
  $("#restored-text").textContent = t("restored")(shown);
  $("#restored").hidden = false;
  // The browser keeps the old scroll position on a reload: show the notice.
  window.scrollTo(0, 0);
  schedulePreview(0);
}

function clearForm() {
  if (!window.confirm(t("clearConfirm"))) return;
  $("#article-form").reset();
  for (const image of images) URL.revokeObjectURL(image.url);
  images = [];
  renderImages();
  localStorage.removeItem(DRAFT_KEY);
  $("#restored").hidden = true;
  dirty = false;
  clearErrors();
  $("#pages").replaceChildren();
  $("#warnings").replaceChildren();
  templateChanged();
}

document.addEventListener("DOMContentLoaded", () => {
  $("#lang-switch").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("bulletin-lang", lang);
    applyLanguage();
  });
  $("#tab-form").addEventListener("click", () => showTab("#tab-form"));
  $("#tab-upload").addEventListener("click", () => showTab("#tab-upload"));
  $(".tabs").addEventListener("keydown", tabKeys);
  $("#template").addEventListener("change", templateChanged);
  const form = $("#article-form");
  form.addEventListener("input", (e) => {
    if (e.target.type === "file") return;
    schedulePreview();
    dirty = true;
    scheduleDraft();
  });
  form.addEventListener("change", (e) => {
    if (e.target.type === "checkbox" || e.target.tagName === "SELECT") {
      schedulePreview(0);
      dirty = true;
      scheduleDraft();
    }
  });
  $("#save-record").addEventListener("click", (e) => download("record", e.currentTarget));
  $("#open-record").addEventListener("change", (e) => {
    if (e.target.files.length) importDraft(e.target.files[0]);
    e.target.value = "";
  });
  $("#clear-form").addEventListener("click", clearForm);
  window.addEventListener("beforeunload", (e) => {
    if (!dirty || !hasContent()) return;
    saveDraft();
    e.preventDefault();
    e.returnValue = t("leaving");
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  $("#images").addEventListener("change", (e) => { addImages([...e.target.files]); e.target.value = ""; });
  for (const button of document.querySelectorAll("[data-download]")) {
    button.addEventListener("click", () => download(button.dataset.download, button));
  }
  const zone = $("#drop-zone");
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer.files.length) upload(e.dataTransfer.files[0]);
  });
  const draftZone = $("#draft-zone");
  draftZone.addEventListener("dragover", (e) => { e.preventDefault(); draftZone.classList.add("over"); });
  draftZone.addEventListener("dragleave", () => draftZone.classList.remove("over"));
  draftZone.addEventListener("drop", (e) => {
    e.preventDefault();
    draftZone.classList.remove("over");
    if (e.dataTransfer.files.length) importDraft(e.dataTransfer.files[0]);
  });
  $("#draft-file").addEventListener("change", (e) => {
    if (e.target.files.length) importDraft(e.target.files[0]);
    e.target.value = "";
  });
  $("#upload-file").addEventListener("change", (e) => {
    if (e.target.files.length) upload(e.target.files[0]);
    e.target.value = "";
  });
  applyLanguage();
  loadTemplates()
    .then(restoreDraft)
    .catch(() => { $("#form-error").textContent = t("network"); });
});
