//! Saved HTML pages, parsed with a real HTML parser (html5ever through scraper). The article
//! body is found by the containers CMSs use (TRS `TRS_Editor`, `#zoom`, `article`, ...) or, failing
//! those, as the element holding the most paragraph text; titles and dates come from the CMS's
//! `<meta>` tags when present, else from the page's own lines.

use super::meta::{breadcrumb, is_chrome, meta_fields};
use super::text::apply_meta;
use super::{paragraph_block, Found};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{
    ElementFlags, NodeOrText, QuirksMode, TreeBuilder, TreeBuilderOpts, TreeSink,
};
use html5ever::{Attribute, QualName, TokenizerResult};
use scraper::{ElementRef, Html, HtmlTreeSink, Node, Selector};
use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

/// Deepest element nesting a page may have. Real pages stay far below it (a few dozen levels);
/// deeper pages are refused, so that nothing walks an unbounded tree and the HTML tree builder,
/// whose work per tag grows with the depth, stays fast.
pub const MAX_DEPTH: usize = 1000;

/// Parses a page with html5ever (as `Html::parse_document` does), refusing a page whose
/// elements nest deeper than [`MAX_DEPTH`], or that makes more elements than it has bytes
/// (misnested formatting tags the parser copies again and again). The page is fed in pieces;
/// once a limit is passed the rest of the piece is only tokenized, not built, and parsing
/// stops, so the time spent stays linear in the size of the page.
pub(super) fn parse_document(html: &str) -> Result<Html, String> {
    const PIECE: usize = 16 * 1024;
    let sink = BoundedSink {
        inner: HtmlTreeSink::new(Html::new_document()),
        max_elements: Cell::new(0),
        elements: Cell::new(0),
        line: Cell::new(1),
        refusal: Cell::new(None),
        depths: RefCell::new(HashMap::new()),
        generation: Cell::new(0),
    };
    let builder = TreeBuilder::new(sink, TreeBuilderOpts::default());
    let tokenizer = Tokenizer::new(Gate(builder), TokenizerOpts::default());
    let sink = || &tokenizer.sink.0.sink;
    let input = BufferQueue::default();
    let mut fed = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        let mut end = rest.len().min(PIECE);
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, after) = rest.split_at(end);
        rest = after;
        fed += piece.len();
        sink().max_elements.set(fed.saturating_add(10_000));
        input.push_back(StrTendril::from_slice(piece));
        // Scripts are not run and the encoding is known: feed on until the piece is done.
        while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
        if let Some(refusal) = sink().refusal.get() {
            return Err(refusal.message());
        }
    }
    tokenizer.end();
    if let Some(refusal) = sink().refusal.get() {
        return Err(refusal.message());
    }
    Ok(tokenizer.sink.0.sink.inner.finish())
}

/// Hands tokens to the tree builder until the sink has refused the page; after that they are
/// dropped, so the rest of a piece costs only its tokenizing.
struct Gate(TreeBuilder<Handle, BoundedSink>);

impl TokenSink for Gate {
    type Handle = Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Handle> {
        if self.0.sink.refusal.get().is_some() {
            return TokenSinkResult::Continue;
        }
        self.0.process_token(token, line_number)
    }

    fn end(&self) {
        if self.0.sink.refusal.get().is_none() {
            self.0.end();
        }
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.0
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// Why [`BoundedSink`] stopped a parse.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    /// Elements nested deeper than [`MAX_DEPTH`], first at this line of the page.
    Deep(u64),
    /// More elements than the page has bytes, first at this line.
    Many(u64),
}

impl Refusal {
    fn message(self) -> String {
        match self {
            Refusal::Deep(line) => format!(
                "the page nests its elements more than {MAX_DEPTH} levels deep (line {line}); \
                 web pages stay far below that, so it is refused as broken"
            ),
            Refusal::Many(line) => format!(
                "the page's misnested tags make the HTML parser create more elements than the \
                 page has bytes (line {line}); it is refused as broken"
            ),
        }
    }
}

/// scraper's tree sink, watching the depth of every element placed in the tree and the
/// number of elements made.
struct BoundedSink {
    inner: HtmlTreeSink,
    /// Most elements allowed so far (one per byte of the page fed, and some).
    max_elements: Cell<usize>,
    elements: Cell<usize>,
    line: Cell<u64>,
    refusal: Cell<Option<Refusal>>,
    /// Depths of placed nodes, valid while their generation is the current one: a node moved
    /// with its children (misnested tags, tables) changes the depth of all below it, so moves
    /// start a new generation.
    depths: RefCell<HashMap<Handle, (usize, u64)>>,
    generation: Cell<u64>,
}

type Handle = <HtmlTreeSink as TreeSink>::Handle;

impl BoundedSink {
    /// Checks the depth of a node just placed.
    fn placed(&self, child: Option<Handle>) {
        let Some(id) = child else {
            return;
        };
        if self.refusal.get().is_some() {
            return;
        }
        if self.depth(id) > MAX_DEPTH {
            self.refusal.set(Some(Refusal::Deep(self.line.get())));
        }
    }

    /// The number of ancestors of `id` (at most one past the limit): counted up to the first
    /// ancestor whose depth is known, and remembered for the nodes on the way, so placing a
    /// node costs little however deep it is.
    fn depth(&self, id: Handle) -> usize {
        let generation = self.generation.get();
        let html = self.inner.0.borrow();
        let mut depths = self.depths.borrow_mut();
        let mut path = Vec::new();
        let mut top = None;
        let mut node = html.tree.get(id).and_then(|n| n.parent());
        while let Some(n) = node {
            if let Some(&(depth, g)) = depths.get(&n.id()) {
                if g == generation {
                    top = Some(depth);
                    break;
                }
            }
            path.push(n.id());
            if path.len() > MAX_DEPTH {
                return MAX_DEPTH + 1;
            }
            node = n.parent();
        }
        // The highest node on the path is the document (depth 0) or a child of a known one.
        let first = top.map_or(0, |d| d + 1);
        for (i, ancestor) in path.iter().rev().enumerate() {
            depths.insert(*ancestor, (first + i, generation));
        }
        let depth = first + path.len();
        depths.insert(id, (depth, generation));
        depth
    }

    /// A node (with whatever is below it) may have moved: known depths are forgotten.
    fn moved(&self) {
        self.generation.set(self.generation.get() + 1);
    }

    /// Whether placing `node` may move nodes whose depths are known: only a node that already
    /// has a parent or children can. A new node (as foster parenting places by the thousand:
    /// `<table>` followed by `<br>`s) forgets nothing, so placing it stays cheap.
    fn may_move(&self, node: Option<Handle>) -> bool {
        let Some(id) = node else {
            return false;
        };
        let html = self.inner.0.borrow();
        html.tree
            .get(id)
            .is_some_and(|n| n.parent().is_some() || n.has_children())
    }
}

fn node_of(child: &NodeOrText<Handle>) -> Option<Handle> {
    match child {
        NodeOrText::AppendNode(id) => Some(*id),
        NodeOrText::AppendText(_) => None,
    }
}

impl TreeSink for BoundedSink {
    type Handle = Handle;
    type Output = Html;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }

    fn get_document(&self) -> Handle {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> Ref<'a, QualName> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let made = self.elements.get() + 1;
        self.elements.set(made);
        if made > self.max_elements.get() && self.refusal.get().is_none() {
            self.refusal.set(Some(Refusal::Many(self.line.get())));
        }
        self.inner.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        let node = node_of(&child);
        self.inner.append(parent, child);
        self.placed(node);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        let node = node_of(&child);
        if self.may_move(node) {
            self.moved();
        }
        self.inner
            .append_based_on_parent_node(element, prev_element, child);
        self.placed(node);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Handle) {
        self.inner.mark_script_already_started(node);
    }

    fn pop(&self, node: &Handle) {
        self.inner.pop(node);
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let node = node_of(&new_node);
        if self.may_move(node) {
            self.moved();
        }
        self.inner.append_before_sibling(sibling, new_node);
        self.placed(node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &self,
        target: &Handle,
        form: &Handle,
        nodes: (&Handle, Option<&Handle>),
    ) {
        self.inner.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.moved();
        self.inner.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.moved();
        self.inner.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        self.inner
            .is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.line.set(line_number);
        self.inner.set_current_line(line_number);
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &Handle) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &Handle,
        template: &Handle,
        attrs: &[Attribute],
    ) -> bool {
        self.inner
            .attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &Handle) {
        self.inner
            .maybe_clone_an_option_into_selectedcontent(option);
    }
}

/// Decodes by the BOM, then the charset the page declares, else UTF-8, else GB18030.
pub(super) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    if let Some(i) = head.find("charset=") {
        let label: String = head[i + 8..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) {
            return encoding.decode_without_bom_handling(bytes).0.into_owned();
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

fn selector(s: &str) -> Selector {
    // The selectors are literals of this file; a typo would fail every import test.
    Selector::parse(s).unwrap_or_else(|_| panic!("bad selector {s}"))
}

fn meta(doc: &Html, name: &str) -> Option<String> {
    let sel = selector(&format!("meta[name=\"{name}\"]"));
    doc.select(&sel)
        .find_map(|m| m.value().attr("content"))
        .map(clean)
        .filter(|s| !s.is_empty())
}

/// Whitespace collapsed to single spaces, indents dropped, and no space kept between two CJK
/// characters (those come from line breaks in the HTML source, not from the text). Ideographic
/// spaces (U+3000) inside the text are the author's own — names aligned in a list ("张　三"),
/// a gap before a date — and are kept; at the ends they are indents and go.
fn clean(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .split(|c: char| c.is_whitespace() && c != '\u{3000}')
        .filter(|w| !w.is_empty())
    {
        if let (Some(prev), Some(next)) = (out.chars().last(), word.chars().next()) {
            let joined = crate::layout::is_cjk(prev) && crate::layout::is_cjk(next)
                || prev == '\u{3000}'
                || next == '\u{3000}';
            if !joined {
                out.push(' ');
            }
        }
        out.push_str(word);
    }
    out.trim_matches('\u{3000}').to_owned()
}

/// The lines of a paragraph broken with `<br>` kept together, each cleaned, when they are a
/// list of short lines (names, an address: at most 30 characters each, no sentence ending in
/// "。"); otherwise `None`, and each line is a paragraph of its own.
fn short_lines(text: &str) -> Option<String> {
    let lines: Vec<String> = text
        .split('\n')
        .map(clean)
        .filter(|l| !l.is_empty())
        .collect();
    let short = lines.len() >= 2
        && lines
            .iter()
            .all(|l| l.chars().count() <= 30 && !l.contains('。') && heading_free(l));
    short.then(|| lines.join("\n"))
}

/// A line that is not a numbered heading, a label line or an attachment label.
fn heading_free(line: &str) -> bool {
    super::heading_level(line).is_none()
        && meta_fields(line).is_empty()
        && !line.starts_with("附件")
}

/// Text of an element with block elements and <br> on lines of their own.
fn lines_of(el: ElementRef) -> Vec<String> {
    let mut lines = vec![String::new()];
    collect_lines(el, &mut lines);
    lines
        .into_iter()
        .map(|l| clean(&l))
        .filter(|l| !l.is_empty())
        .collect()
}

const BLOCKS: &[&str] = &[
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "header",
    "footer", "ul", "ol", "article", "dd", "dt", "td", "th",
];

/// Walks `el`'s subtree in document order with a stack of its own (no recursion, so any depth
/// is safe), starting a new line before and after each block element.
fn collect_lines(el: ElementRef, lines: &mut Vec<String>) {
    // Each level: the children still to visit, and whether the element is a block.
    let mut stack = vec![(el.children(), false)];
    while let Some((children, _)) = stack.last_mut() {
        let Some(child) = children.next() else {
            if stack.pop().is_some_and(|(_, block)| block) {
                lines.push(String::new());
            }
            continue;
        };
        match child.value() {
            Node::Text(t) => {
                if let Some(last) = lines.last_mut() {
                    last.push_str(t);
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if matches!(name, "script" | "style" | "noscript") {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    lines.push(String::new());
                }
                stack.push((child.children(), block));
            }
            _ => {}
        }
    }
}

/// The element holding the article's body.
fn body_container(doc: &Html) -> Option<ElementRef<'_>> {
    for s in [
        "#UCAP-CONTENT",
        ".TRS_Editor",
        ".TRS_UEDITOR",
        "#zoom",
        ".article-content",
        ".article_content",
        "#content",
        ".content",
        "article",
    ] {
        if let Some(el) = doc.select(&selector(s)).next() {
            if lines_of(el)
                .iter()
                .map(|l| l.chars().count())
                .sum::<usize>()
                > 20
            {
                return Some(el);
            }
        }
    }
    // Else the element whose own <p> children hold the most text.
    let mut best: Option<(usize, ElementRef)> = None;
    for el in doc.select(&selector("div, section, td, body")) {
        let text: usize = el
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| c.value().name() == "p")
            .map(|c| c.text().collect::<String>().chars().count())
            .sum();
        if text > best.map_or(0, |b| b.0) {
            best = Some((text, el));
        }
    }
    best.filter(|b| b.0 > 20).map(|b| b.1)
}

/// What a saved page holds: parsed with [`parse_document`] (a page nested too deep is an
/// error), then walked without recursion.
pub(super) fn extract(html: &str, dir: &Path, base: Option<&str>) -> Result<Found, String> {
    let doc = parse_document(html)?;
    let mut found = Found::default();
    let container = body_container(&doc);
    // Meta lines and breadcrumb: from the whole page outside the body.
    let root = doc.root_element();
    let body_lines: HashSet<String> = container
        .map(|c| lines_of(c).into_iter().collect())
        .unwrap_or_default();
    for line in lines_of(root) {
        if body_lines.contains(&line) {
            continue;
        }
        if found.channel.is_empty() {
            if let Some(parts) = breadcrumb(&line) {
                found.channel = parts;
                continue;
            }
        }
        let fields = meta_fields(&line);
        if !fields.is_empty() {
            apply_meta(&mut found, fields);
        }
    }
    // Metadata tables (the policy library's 索引号 / 发文机关 / 标题 / 发布日期 …): label cells
    // and value cells side by side, and definition lists.
    let mut table_title = None;
    for (label, value) in metadata_pairs(&doc, container) {
        match label.as_str() {
            "标题" | "名称" | "文件名称" => table_title = table_title.or(Some(value)),
            "发文机关" => found.organ = found.organ.take().or(Some(value)),
            "发文字号" | "文号" => found.doc_number = found.doc_number.take().or(Some(value)),
            _ => apply_meta(&mut found, meta_fields(&format!("{label}：{value}"))),
        }
    }
    // The CMS's own tags are the most reliable, then the metadata table.
    found.title = meta(&doc, "ArticleTitle")
        .or(table_title)
        .or_else(|| {
            doc.select(&selector("h1"))
                .map(|h| clean(&h.text().collect::<String>()))
                .find(|t| !t.is_empty())
        })
        .or_else(|| {
            doc.select(&selector("title")).next().map(|t| {
                let t = clean(&t.text().collect::<String>());
                t.split(['_', '|']).next().unwrap_or(&t).trim().to_owned()
            })
        })
        .filter(|t| !t.is_empty());
    if let Some(date) = meta(&doc, "PubDate").and_then(|d| super::meta::normalize_date(&d)) {
        found.published = Some(date);
    }
    if let Some(source) = meta(&doc, "ContentSource") {
        found.source = Some(source);
    }
    found.site = meta(&doc, "SiteName");
    if let Some(author) = meta(&doc, "Author").filter(|a| !a.is_empty()) {
        found.author = Some(author);
    }
    if let Some(c) = container {
        let title = found.title.clone();
        let mut walker = Walker {
            found: &mut found,
            dir,
            base,
            title,
            holds_blocks: holding_blocks(c),
            run_in: None,
        };
        walker.walk(c);
    }
    attachments_outside(&doc, container, &mut found, base);
    Ok(found)
}

/// Label-value pairs of the page's metadata tables outside the body: rows whose cells
/// alternate a short label ending in a colon ("发布日期：", "标　　题：", spaces inside the label
/// dropped) and its value, and `dt`/`dd` pairs. Labels come without their colon.
fn metadata_pairs(doc: &Html, container: Option<ElementRef>) -> Vec<(String, String)> {
    let inside: HashSet<NodeId> = container
        .map(|c| c.descendants().map(|n| n.id()).collect())
        .unwrap_or_default();
    // A label ends in a colon, or is one of the labels pages print without one.
    const KNOWN: &[&str] = &[
        "标题",
        "名称",
        "发布日期",
        "发布时间",
        "来源",
        "信息来源",
        "作者",
        "责任编辑",
        "发文机关",
        "发文字号",
        "文号",
        "成文日期",
        "索引号",
        "主题分类",
    ];
    let label = |text: &str| -> Option<String> {
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let bare = match squeezed.strip_suffix(['：', ':']) {
            Some(bare) => bare,
            None if KNOWN.contains(&squeezed.as_str()) => squeezed.as_str(),
            None => return None,
        };
        (2..=6)
            .contains(&bare.chars().count())
            .then(|| bare.to_owned())
    };
    let mut pairs = Vec::new();
    for tr in doc.select(&selector("tr")) {
        if inside.contains(&tr.id()) {
            continue;
        }
        let cells: Vec<String> = row_cells(tr)
            .map(|c| clean(&c.text().collect::<String>()))
            .collect();
        let mut i = 0;
        while i + 1 < cells.len() {
            match label(&cells[i]) {
                Some(l) if label(&cells[i + 1]).is_none() => {
                    pairs.push((l, cells[i + 1].clone()));
                    i += 2;
                }
                _ => i += 1,
            }
        }
    }
    for dt in doc.select(&selector("dt")) {
        if inside.contains(&dt.id()) {
            continue;
        }
        let dd = dt
            .next_siblings()
            .filter_map(ElementRef::wrap)
            .next()
            .filter(|e| e.value().name() == "dd");
        if let (Some(l), Some(dd)) = (label(&dt.text().collect::<String>()), dd) {
            pairs.push((l, clean(&dd.text().collect::<String>())));
        }
    }
    pairs
}

/// The elements inside `root` that hold an image, line break, paragraph, division or table
/// somewhere below them: one pass, each element marked once, so linear in the subtree.
fn holding_blocks(root: ElementRef) -> HashSet<NodeId> {
    let mut marked = HashSet::new();
    for node in root.descendants() {
        let is_block = node
            .value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "img" | "br" | "p" | "div" | "table"));
        if !is_block || node.id() == root.id() {
            continue;
        }
        for ancestor in node.ancestors() {
            if !marked.insert(ancestor.id()) || ancestor.id() == root.id() {
                break;
            }
        }
    }
    marked
}

type NodeId = <HtmlTreeSink as TreeSink>::Handle;

struct Walker<'a> {
    found: &'a mut Found,
    dir: &'a Path,
    base: Option<&'a str>,
    title: Option<String>,
    /// Elements with an image, line break or block somewhere inside (see [`holding_blocks`]).
    holds_blocks: HashSet<NodeId>,
    /// The bold text opening the paragraph being read: a numbered heading run into its first
    /// sentence ("**（一）加强组织领导。**各地要……") becomes a heading of its own
    /// ([`super::split_run_in`]).
    run_in: Option<String>,
}

impl Walker<'_> {
    /// Turns the container's content into body blocks, in document order. The walk keeps its
    /// own stack of the elements it is inside (no recursion, so any depth is safe); text is
    /// flushed as a paragraph before an element is entered and when it is left.
    fn walk(&mut self, el: ElementRef) {
        let mut text = String::new();
        let mut stack = vec![el.children()];
        while let Some(children) = stack.last_mut() {
            let Some(child) = children.next() else {
                stack.pop();
                self.flush(&mut text);
                continue;
            };
            match child.value() {
                Node::Text(t) => text.push_str(t),
                Node::Element(e) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    match e.name() {
                        "br" => text.push('\n'),
                        "script" | "style" | "noscript" => {}
                        "img" => {
                            self.flush(&mut text);
                            self.image(c);
                        }
                        "a" if self.attachment(c) => {}
                        "b" | "strong" | "span" | "font" | "em" | "i" | "u" | "a" | "sup"
                        | "sub" => {
                            if self.holds_blocks.contains(&c.id()) {
                                self.flush(&mut text);
                                stack.push(c.children());
                            } else {
                                let inner = c.text().collect::<String>();
                                if matches!(e.name(), "b" | "strong") && clean(&text).is_empty() {
                                    self.run_in = Some(clean(&inner));
                                }
                                text.push_str(&inner);
                            }
                        }
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            self.flush(&mut text);
                            let level = match e.name() {
                                "h1" | "h2" => 1,
                                "h3" => 2,
                                _ => 3,
                            };
                            let t = clean(&c.text().collect::<String>());
                            if !t.is_empty() && Some(&t) != self.title.as_ref() {
                                self.found.body.push(serde_json::json!({"type": "heading", "level": level, "text": t}));
                            }
                        }
                        // A table the page is laid out with is walked like a division:
                        // its cells' paragraphs, images and tables are the content.
                        "table" if is_layout_table(c) => {
                            self.flush(&mut text);
                            stack.push(c.children());
                        }
                        "table" => {
                            self.flush(&mut text);
                            self.table(c);
                        }
                        "ul" | "ol" => {
                            self.flush(&mut text);
                            let items: Vec<String> = c
                                .children()
                                .filter_map(ElementRef::wrap)
                                .filter(|li| li.value().name() == "li")
                                .map(|li| clean(&li.text().collect::<String>()))
                                .filter(|t| !t.is_empty())
                                .collect();
                            if !items.is_empty() {
                                self.found.body.push(serde_json::json!({"type": "list", "ordered": e.name() == "ol", "items": items}));
                            }
                        }
                        _ => {
                            self.flush(&mut text);
                            stack.push(c.children());
                        }
                    }
                }
                _ => {}
            }
        }
        self.flush(&mut text);
    }

    fn flush(&mut self, text: &mut String) {
        // Lines broken with <br>: one paragraph when they are a list of short lines, else a
        // paragraph each.
        if text.contains('\n') {
            let whole = std::mem::take(text);
            if let Some(joined) = short_lines(&whole) {
                self.found
                    .body
                    .push(serde_json::json!({"type": "paragraph", "text": joined}));
                return;
            }
            for line in whole.split('\n') {
                let mut line = line.to_owned();
                self.flush(&mut line);
            }
            return;
        }
        let t = clean(text);
        text.clear();
        if t.is_empty() {
            return;
        }
        // A bold numbered heading run into the paragraph: the heading, then the paragraph.
        if let Some((heading, mut rest)) = self
            .run_in
            .take()
            .and_then(|run| super::split_run_in(&run, &t))
        {
            self.found.body.push(heading);
            self.flush(&mut rest);
            return;
        }
        // "附件：" before download links; "附件" alone may open an attachment's own content
        // (official::recognise), else it is dropped when the record is assembled.
        let label_only = matches!(t.as_str(), "附件：" | "附件:");
        if label_only || is_chrome(&t) || Some(&t) == self.title.as_ref() {
            return;
        }
        // A meta line inside the content: only before its text, and only with a label no
        // sentence of the text opens with.
        if self.found.body.is_empty() && super::meta::strong_meta_line(&t) {
            let fields = meta_fields(&t);
            if !fields.is_empty() {
                apply_meta(self.found, fields);
                return;
            }
        }
        // A caption right after an image ("图1 …") belongs to it, before its alt text.
        if t.starts_with('图') && t.chars().count() < 60 {
            if let Some(last) = self.found.body.last_mut() {
                if last["type"] == "image" {
                    last["caption"] = serde_json::Value::String(t);
                    return;
                }
            }
        }
        self.found.body.push(paragraph_block(&t));
    }

    fn image(&mut self, img: ElementRef) {
        let src = img.value().attr("src").unwrap_or("").trim().to_owned();
        let alt = img.value().attr("alt").map(clean).filter(|a| !a.is_empty());
        if src.is_empty() {
            return;
        }
        match local_image(self.dir, &src) {
            Ok(path) => {
                let mut block = serde_json::json!({"type": "image", "path": path});
                if let Some(a) = alt {
                    block["caption"] = serde_json::Value::String(a);
                }
                self.found.body.push(block);
            }
            Err(why) => {
                let name = alt.map_or(String::new(), |a| format!(" ({a})"));
                self.found
                    .warnings
                    .push(format!("image {src}{name} {why}; left out of the record"));
            }
        }
    }

    /// Links to documents ("附件", .pdf, .docx, ...) become attachments.
    fn attachment(&mut self, a: ElementRef) -> bool {
        let Some(href) = a.value().attr("href") else {
            return false;
        };
        let name = clean(&a.text().collect::<String>());
        if !is_attachment(href, &name) {
            return false;
        }
        push_attachment(self.found, href, &name, self.base);
        true
    }

    /// A content table becomes a table block with its spans (`rowspan`, `colspan`, clamped
    /// as a browser clamps them) and its header rows (the rows of `thead`, else the leading
    /// rows of `th` cells, with the rows their cells span); a table that is not a regular
    /// grid under the HTML table model (a page laid out with a table) or has one row or
    /// column keeps its text as paragraphs.
    fn table(&mut self, table: ElementRef) {
        struct Cell {
            text: String,
            colspan: usize,
            rowspan: usize,
            header: bool,
            bold: bool,
        }
        let span = |c: ElementRef, name: &str| {
            c.value()
                .attr(name)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 1000)
        };
        let mut rows: Vec<(bool, Vec<Cell>)> = own_rows(table)
            .into_iter()
            .map(|tr| {
                let in_head = tr
                    .parent()
                    .and_then(ElementRef::wrap)
                    .is_some_and(|p| p.value().name() == "thead");
                let cells = row_cells(tr)
                    .map(|c| Cell {
                        text: clean(&c.text().collect::<String>()),
                        colspan: span(c, "colspan"),
                        rowspan: span(c, "rowspan"),
                        header: c.value().name() == "th",
                        bold: all_bold(c),
                    })
                    .collect::<Vec<_>>();
                (in_head, cells)
            })
            .filter(|(_, r)| !r.is_empty())
            .collect();
        // A rowspan past the last row ends there, as in a browser.
        let count = rows.len();
        for (r, (_, cells)) in rows.iter_mut().enumerate() {
            for cell in cells {
                cell.rowspan = cell.rowspan.min(count - r);
            }
        }
        let spans: Vec<Vec<(usize, usize)>> = rows
            .iter()
            .map(|(_, cells)| cells.iter().map(|c| (c.colspan, c.rowspan)).collect())
            .collect();
        let placed = crate::record::place_cells(&spans, crate::record::MAX_TABLE_COLUMNS);
        match placed {
            Ok((_, columns)) if rows.len() >= 2 && columns >= 2 => {
                // Header rows: thead's, else the leading rows of th cells; a header cell
                // spanning down takes the rows it covers into the header.
                let mut header_rows = rows.iter().take_while(|(head, _)| *head).count();
                if header_rows == 0 {
                    header_rows = rows
                        .iter()
                        .take_while(|(_, cells)| cells.iter().all(|c| c.header))
                        .count();
                }
                // Pages exported from Word mark a header row with bold `td` cells.
                if header_rows == 0
                    && rows[0].1.iter().all(|c| c.bold || c.text.is_empty())
                    && rows[0].1.iter().any(|c| c.bold)
                    && !rows[1].1.iter().all(|c| c.bold || c.text.is_empty())
                {
                    header_rows = 1;
                }
                let mut r = 0;
                while r < header_rows.min(rows.len()) {
                    let reach = rows[r].1.iter().map(|c| r + c.rowspan).max().unwrap_or(r);
                    header_rows = header_rows.max(reach);
                    r += 1;
                }
                // A header that would be the whole table: the first row alone when none of
                // its cells spans down, else none.
                if header_rows >= rows.len() {
                    header_rows = usize::from(rows[0].1.iter().all(|c| c.rowspan == 1));
                }
                let json_rows: Vec<Vec<serde_json::Value>> = rows
                    .into_iter()
                    .map(|(_, cells)| {
                        cells
                            .into_iter()
                            .map(|c| {
                                if c.colspan == 1 && c.rowspan == 1 {
                                    serde_json::Value::String(c.text)
                                } else {
                                    let mut cell = serde_json::json!({"text": c.text});
                                    if c.colspan > 1 {
                                        cell["colspan"] = c.colspan.into();
                                    }
                                    if c.rowspan > 1 {
                                        cell["rowspan"] = c.rowspan.into();
                                    }
                                    cell
                                }
                            })
                            .collect()
                    })
                    .collect();
                let mut block = serde_json::json!({"type": "table", "rows": json_rows});
                if header_rows != 1 {
                    block["header_rows"] = header_rows.into();
                }
                self.found.body.push(block);
            }
            _ => {
                // A layout table, or an irregular one: keep its text as paragraphs.
                for (_, row) in rows {
                    let t = row
                        .iter()
                        .map(|c| c.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    self.flush(&mut t.clone());
                }
            }
        }
    }
}

/// Whether all of a cell's text is bold: inside `b`, `strong`, `th`, or an element styled
/// `font-weight: bold` (or 600 and above), as Word's and WPS's HTML mark a header row.
fn all_bold(cell: ElementRef) -> bool {
    let bold = |e: ElementRef| {
        matches!(e.value().name(), "b" | "strong" | "th")
            || e.value().attr("style").is_some_and(|style| {
                let style = style.to_ascii_lowercase().replace(' ', "");
                [
                    "font-weight:bold",
                    "font-weight:600",
                    "font-weight:700",
                    "font-weight:800",
                    "font-weight:900",
                ]
                .iter()
                .any(|w| style.contains(w))
            })
    };
    let mut any = false;
    for node in cell.descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        if t.trim().is_empty() {
            continue;
        }
        any = true;
        let emphasised = node
            .ancestors()
            .take_while(|a| a.id() != cell.id())
            .chain(std::iter::once(*cell))
            .filter_map(ElementRef::wrap)
            .any(bold);
        if !emphasised {
            return false;
        }
    }
    any
}

/// Whether a table lays the page out rather than holding data, by the signs browsers' reader
/// modes read (Mozilla Readability's `_markDataTables`): `role="presentation"` or `"none"`
/// says layout; a caption, `thead`, `tfoot`, `colgroup`, `th` cells or a `summary` say data;
/// otherwise a table with a table, a heading, a form control or a frame inside it, with a
/// single row or column, or with a cell holding three paragraphs or more and over 300
/// characters (an article, not a value) is a layout table.
fn is_layout_table(table: ElementRef) -> bool {
    let attr = |name: &str| table.value().attr(name).map(str::trim);
    if matches!(attr("role"), Some("presentation" | "none")) {
        return true;
    }
    if attr("summary").is_some_and(|s| !s.is_empty()) {
        return false;
    }
    let rows = own_rows(table);
    let own = |name: &str| {
        table
            .children()
            .filter_map(ElementRef::wrap)
            .any(|c| c.value().name() == name)
    };
    let cells = || rows.iter().flat_map(|tr| row_cells(*tr));
    if own("caption") || own("thead") || own("tfoot") || own("colgroup") {
        return false;
    }
    if cells().any(|c| c.value().name() == "th") {
        return false;
    }
    let inside = table.descendants().skip(1).any(|n| {
        n.value().as_element().is_some_and(|e| {
            matches!(
                e.name(),
                "table"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "form"
                    | "input"
                    | "select"
                    | "textarea"
                    | "iframe"
            )
        })
    });
    let columns = rows
        .iter()
        .map(|tr| row_cells(*tr).count())
        .max()
        .unwrap_or(0);
    let article_cell = || {
        cells().any(|c| {
            let paragraphs = c
                .descendants()
                .filter(|n| {
                    n.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "p" | "div" | "br" | "li"))
                })
                .count();
            paragraphs >= 3 && c.text().map(|t| t.chars().count()).sum::<usize>() > 300
        })
    };
    inside || rows.len() < 2 || columns < 2 || article_cell()
}

/// The cells (`td`, `th`) of a table row.
fn row_cells(tr: ElementRef) -> impl Iterator<Item = ElementRef> {
    tr.children()
        .filter_map(ElementRef::wrap)
        .filter(|c| matches!(c.value().name(), "td" | "th"))
}

/// The rows of `table` itself (in its sections), not those of tables nested in its cells, whose
/// text is part of the cell's. One pass without recursion.
fn own_rows(table: ElementRef) -> Vec<ElementRef> {
    let mut rows = Vec::new();
    let mut stack = vec![table.children()];
    while let Some(children) = stack.last_mut() {
        let Some(child) = children.next() else {
            stack.pop();
            continue;
        };
        let Some(el) = ElementRef::wrap(child) else {
            continue;
        };
        match el.value().name() {
            "tr" => rows.push(el),
            "table" => {}
            _ => stack.push(el.children()),
        }
    }
    rows
}

/// Where an image the page shows is kept for the record: its path relative to the page's
/// directory, when it is a file saved there. Else why not: a remote or data address, a
/// root-relative or absolute path (`/images/a.png`, `file:///…`, `C:\…`), a path climbing out
/// of the directory (`../`), a link leading out of it, no such file, or not a PNG or JPEG.
fn local_image(dir: &Path, src: &str) -> Result<String, &'static str> {
    const NOT_SAVED: &str = "is not saved beside the page";
    let scheme = src
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '?', '#']));
    if scheme || src.starts_with("//") {
        return Err(NOT_SAVED);
    }
    if src.starts_with(['/', '\\']) || src.contains('\\') {
        return Err("is an absolute path, not a file beside the page");
    }
    let mut parts = Vec::new();
    for component in Path::new(src).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().ok_or(NOT_SAVED)?),
            Component::CurDir => {}
            Component::ParentDir => return Err("lies outside the page's directory"),
            Component::RootDir | Component::Prefix(_) => {
                return Err("is an absolute path, not a file beside the page")
            }
        }
    }
    if parts.is_empty() {
        return Err(NOT_SAVED);
    }
    let relative = parts.join("/");
    let path = dir.join(&relative);
    if !path.is_file() {
        return Err(NOT_SAVED);
    }
    // A link beside the page may still lead out of its directory.
    if let (Ok(real), Ok(root)) = (path.canonicalize(), dir.canonicalize()) {
        if !real.starts_with(&root) {
            return Err("lies outside the page's directory (through a link)");
        }
    }
    let mut head = [0u8; 8];
    let read = crate::files::open_regular(&path)
        .ok()
        .and_then(|(mut file, _)| std::io::Read::read(&mut file, &mut head).ok());
    let known = read.is_some_and(|n| {
        head[..n].starts_with(b"\x89PNG\r\n\x1a\n") || head[..n].starts_with(b"\xFF\xD8\xFF")
    });
    if !known {
        return Err("is not a PNG or JPEG file");
    }
    Ok(relative)
}

fn is_attachment(href: &str, name: &str) -> bool {
    const DOCS: &[&str] = &[
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd", ".zip", ".rar", ".ppt", ".pptx",
    ];
    let lower = href.to_ascii_lowercase();
    DOCS.iter().any(|d| lower.ends_with(d)) || name.starts_with("附件")
}

fn push_attachment(found: &mut Found, href: &str, name: &str, base: Option<&str>) {
    let url = absolute(href, base);
    let name = name
        .trim_start_matches("附件")
        .trim_start_matches([':', '：'])
        .trim();
    // "1.检查工作方案": the list numbers its entries itself.
    let name = super::official::without_number(name);
    let name = if name.is_empty() {
        href.rsplit('/').next().unwrap_or(href)
    } else {
        name
    };
    // The same document linked twice (in the text and in a download box) is one attachment.
    let key = url.clone().unwrap_or_else(|| href.to_owned());
    if !found.attachment_names.insert(name.to_owned()) || !found.attachment_names.insert(key) {
        return;
    }
    let mut entry = serde_json::json!({"name": name});
    match url {
        Some(u) => entry["url"] = serde_json::Value::String(u),
        None => found.warnings.push(format!("attachment `{name}` links to {href}, which is relative and no --url was given; kept without its link")),
    }
    found.attachments.push(entry);
}

/// Attachment links placed after the body container (many CMSs list them below the article).
fn attachments_outside(
    doc: &Html,
    container: Option<ElementRef>,
    found: &mut Found,
    base: Option<&str>,
) {
    let inside: HashSet<NodeId> = container
        .map(|c| c.select(&selector("a")).map(|a| a.id()).collect())
        .unwrap_or_default();
    for a in doc.select(&selector("a[href]")) {
        if inside.contains(&a.id()) {
            continue;
        }
        let href = a.value().attr("href").unwrap_or("");
        let name = clean(&a.text().collect::<String>());
        if is_attachment(href, &name) && !name.is_empty() {
            push_attachment(found, href, &name, base);
        }
    }
}

/// `href` resolved against the page's url: absolute links as they are, root-relative and
/// relative ones joined to the base; `None` when relative and no base is known.
fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_owned());
    }
    let base = base?;
    let scheme_end = base.find("://")? + 3;
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if let Some(path) = href.strip_prefix('/') {
        return Some(format!("{}/{path}", &base[..host_end]));
    }
    let dir_end = base
        .rfind('/')
        .filter(|&i| i >= host_end)
        .map_or(base.len(), |i| i + 1);
    let mut dir = base[..dir_end].to_owned();
    if !dir.ends_with('/') {
        dir.push('/');
    }
    let mut rel = href.trim_start_matches("./");
    while let Some(rest) = rel.strip_prefix("../") {
        rel = rest;
        let trimmed = dir.trim_end_matches('/');
        if let Some(i) = trimmed.rfind('/').filter(|&i| i >= host_end) {
            dir.truncate(i + 1);
        }
    }
    Some(format!("{dir}{rel}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_tables_are_told_from_data_tables() {
        let layout = |html: &str| {
            let doc = Html::parse_fragment(html);
            let table = doc.select(&selector("table")).next().expect("a table");
            is_layout_table(table)
        };
        let grid = "<tr><td>甲</td><td>1</td></tr><tr><td>乙</td><td>2</td></tr>";
        assert!(!layout(&format!("<table>{grid}</table>")));
        assert!(layout(&format!(
            "<table role=\"presentation\">{grid}</table>"
        )));
        assert!(
            layout("<table><tr><td>甲</td><td>乙</td></tr></table>"),
            "one row"
        );
        assert!(
            layout("<table><tr><td>甲</td></tr><tr><td>乙</td></tr></table>"),
            "one column"
        );
        assert!(layout(&format!(
            "<table><tr><td><table>{grid}</table></td><td>x</td></tr><tr><td>a</td><td>b</td></tr></table>"
        )));
        assert!(layout(&format!(
            "<table><tr><td><h1>标题</h1></td><td>x</td></tr>{grid}</table>"
        )));
        let long = "<p>这是文章中很长的一个段落，用来说明一个单元格装下了整篇文章。</p>".repeat(12);
        assert!(layout(&format!(
            "<table><tr><td>{long}</td><td>x</td></tr>{grid}</table>"
        )));
        // A caption or header cells say data, even around a long cell.
        assert!(!layout(&format!(
            "<table><caption>表1</caption><tr><td>{long}</td><td>x</td></tr>{grid}</table>"
        )));
        assert!(!layout(
            "<table><tr><th>甲</th></tr><tr><td>1</td></tr></table>"
        ));
    }

    #[test]
    fn bold_cells_are_told() {
        let bold = |html: &str| {
            let doc = Html::parse_fragment(&format!("<table><tr>{html}</tr></table>"));
            let cell = doc.select(&selector("td")).next().expect("a cell");
            all_bold(cell)
        };
        assert!(bold("<td><b>乡镇</b></td>"));
        assert!(bold(
            "<td><p><strong>造林</strong> <strong>面积</strong></p></td>"
        ));
        assert!(bold("<td style=\"font-weight: 700\">人数</td>"));
        assert!(bold(
            "<td><span style=\"FONT-WEIGHT: bold\">人数</span></td>"
        ));
        assert!(!bold("<td><b>造林</b>面积</td>"));
        assert!(!bold("<td></td>"));
    }

    #[test]
    fn links_resolve_against_the_page() {
        let base = Some("https://a.gov.cn/x/y/page.html");
        assert_eq!(
            absolute("P1.pdf", base).unwrap(),
            "https://a.gov.cn/x/y/P1.pdf"
        );
        assert_eq!(
            absolute("./P1.pdf", base).unwrap(),
            "https://a.gov.cn/x/y/P1.pdf"
        );
        assert_eq!(
            absolute("../P1.pdf", base).unwrap(),
            "https://a.gov.cn/x/P1.pdf"
        );
        assert_eq!(
            absolute("/P1.pdf", base).unwrap(),
            "https://a.gov.cn/P1.pdf"
        );
        assert_eq!(absolute("P1.pdf", None), None);
    }

    #[test]
    fn pages_deeper_than_the_limit_are_refused_at_once() {
        let nested = |depth: usize| {
            format!(
                "<html><body>{}<p>text</p>{}</body></html>",
                "<div>".repeat(depth),
                "</div>".repeat(depth)
            )
        };
        // html and body are two levels, the paragraph one more.
        assert!(parse_document(&nested(MAX_DEPTH - 3)).is_ok());
        let error = parse_document(&nested(MAX_DEPTH - 2)).expect_err("too deep");
        assert!(
            error.contains("more than 1000 levels deep (line 1)"),
            "{error}"
        );
        let start = std::time::Instant::now();
        assert!(parse_document(&nested(300_000)).is_err());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        // Unclosed inline tags nest too (the parser keeps them open).
        assert!(parse_document(&"<b>x".repeat(5000)).is_err());
    }

    #[test]
    fn misnested_tags_that_multiply_elements_are_refused() {
        let opening: String = (0..900).map(|i| format!("<b id={i}>")).collect();
        let html = format!("<div>{opening}</div>{}", "<div>x</div>".repeat(50_000));
        let start = std::time::Instant::now();
        let error = parse_document(&html).expect_err("refused");
        assert!(
            error.contains("more elements than the page has bytes"),
            "{error}"
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        // Ordinary misnesting is fine.
        assert!(parse_document(&"<p><b>a<i>b</b>c</i></p>".repeat(20_000)).is_ok());
    }

    #[test]
    fn deep_trees_are_walked_without_recursion() {
        // Inline elements holding blocks are entered level after level.
        let depth = MAX_DEPTH - 10;
        let html = format!(
            "<html><body><h1>标题</h1><article>{}<p>第一段正文，内容足够长，说明这次会议的主要情况和下一步安排。</p><br>尾{}</article></body></html>",
            "<span>".repeat(depth),
            "</span>".repeat(depth)
        );
        let found = extract(&html, Path::new("."), None).expect("parsed");
        let texts: Vec<&str> = found
            .body
            .iter()
            .filter_map(|b| b["text"].as_str())
            .collect();
        assert_eq!(
            texts,
            [
                "第一段正文，内容足够长，说明这次会议的主要情况和下一步安排。",
                "尾"
            ]
        );
    }

    /// A rowspan past the last row ends there, as in a browser; a table whose rows do not
    /// form a grid (a page laid out with a table) keeps its text as paragraphs.
    #[test]
    fn table_spans_are_clamped_and_irregular_tables_stay_text() {
        let page = |table: &str| {
            let html = format!(
                "<html><body><h1>标题</h1><article><p>第一段正文，内容足够长，说明这次会议的主要情况和下一步安排。</p>{table}</article></body></html>"
            );
            extract(&html, Path::new("."), None).expect("parsed").body
        };
        let body = page(
            "<table><tr><th>甲</th><th>乙</th></tr><tr><td rowspan=\"9\">丙</td><td>丁</td></tr></table>",
        );
        assert_eq!(
            body[1],
            serde_json::json!({"type": "table", "rows": [["甲", "乙"], ["丙", "丁"]]})
        );
        let body = page(
            "<table><tr><td>导航</td><td>正文</td><td>右栏</td></tr><tr><td colspan=\"2\">页脚</td><td>版权</td><td>备案</td></tr></table>",
        );
        assert!(body.iter().all(|b| b["type"] != "table"), "{body:?}");
        assert!(body.iter().any(|b| b["text"] == "页脚版权备案"), "{body:?}");
    }

    #[test]
    fn only_images_saved_beside_the_page_are_kept() {
        let dir = std::env::temp_dir().join(format!("bulletin-images-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("page/img")).expect("dir");
        std::fs::write(dir.join("page/img/a.png"), b"\x89PNG\r\n\x1a\nrest").expect("write");
        std::fs::write(dir.join("page/img/b.jpg"), b"\xFF\xD8\xFF\xE0rest").expect("write");
        std::fs::write(dir.join("page/img/c.gif"), b"GIF89a").expect("write");
        std::fs::write(dir.join("out.png"), b"\x89PNG\r\n\x1a\nrest").expect("write");
        let page = dir.join("page");
        assert_eq!(local_image(&page, "img/a.png"), Ok("img/a.png".into()));
        assert_eq!(local_image(&page, "./img//b.jpg"), Ok("img/b.jpg".into()));
        for src in [
            "img/c.gif",
            "img/none.png",
            "/img/a.png",
            "../out.png",
            "img/../../out.png",
            "file:///etc/x.png",
            "https://example.gov.cn/a.png",
            "//example.gov.cn/a.png",
            "data:image/png;base64,AAAA",
            "img\\a.png",
            "C:\\img\\a.png",
            "img",
        ] {
            assert!(local_image(&page, src).is_err(), "{src}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_table_keeps_its_own_rows_only() {
        let html = "<table><tr><td>a</td><td><table><tr><td>x</td><td>y</td></tr><tr><td>z</td><td>w</td></tr></table></td></tr><tr><td>b</td><td>c</td></tr></table>";
        let doc = parse_document(html).expect("parsed");
        let table = doc.select(&selector("table")).next().expect("table");
        assert_eq!(own_rows(table).len(), 2);
    }

    #[test]
    fn declared_gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("<meta charset=\"gbk\"><p>生态环境</p>");
        assert!(decode(&bytes).contains("生态环境"));
    }
}
